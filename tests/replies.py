"""Answers as Outlook, Gmail and Apple Calendar send them when someone presses a button.

Each is built from the invite the person got, in the shape that client is known to use: the
iTIP REPLY of RFC 5546 3.2.3 (examples in 4.2.3 and 4.2.4), carried the way RFC 6047 and each
client do it. Outlook (Exchange Online) puts a text/calendar part in multipart/alternative beside
a plain text in Windows-1252, names its own time zone and writes MAILTO in capitals; Gmail adds
an invite.ics attachment and writes times in UTC; Apple Mail sends a quoted-printable part with
quoted parameters and REQUEST-STATUS.
"""

import base64
import quopri
from datetime import UTC
from email.utils import format_datetime, make_msgid

from eventreg.models.base import utcnow

VERBS = {
    "outlook": {"ACCEPTED": "Accepterat", "DECLINED": "Avböjt", "TENTATIVE": "Preliminärt"},
    "gmail": {"ACCEPTED": "Accepterat", "DECLINED": "Tackat nej", "TENTATIVE": "Kanske"},
    "apple": {"ACCEPTED": "Accepterad", "DECLINED": "Avböjd", "TENTATIVE": "Kanske"},
}


def _stamp() -> str:
    return utcnow().strftime("%Y%m%dT%H%M%SZ")


def _local(moment) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _utc(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _calendar(client: str, invite, attendee: str, name: str, partstat: str, sequence: int) -> str:
    uid, summary = str(invite["UID"]), str(invite["SUMMARY"])
    start, end = invite.decoded("DTSTART"), invite.decoded("DTEND")
    organizer = str(invite["ORGANIZER"])
    if client == "outlook":
        lines = [
            "BEGIN:VCALENDAR",
            "METHOD:REPLY",
            "PRODID:Microsoft Exchange Server 2010",
            "VERSION:2.0",
            "BEGIN:VTIMEZONE",
            "TZID:W. Europe Standard Time",
            "BEGIN:STANDARD",
            "DTSTART:16010101T030000",
            "TZOFFSETFROM:+0200",
            "TZOFFSETTO:+0100",
            "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10",
            "END:STANDARD",
            "BEGIN:DAYLIGHT",
            "DTSTART:16010101T020000",
            "TZOFFSETFROM:+0100",
            "TZOFFSETTO:+0200",
            "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3",
            "END:DAYLIGHT",
            "END:VTIMEZONE",
            "BEGIN:VEVENT",
            f"ATTENDEE;PARTSTAT={partstat};CN={name}:MAILTO:{attendee}",
            "COMMENT;LANGUAGE=sv-SE:\\n",
            f"SUMMARY;LANGUAGE=sv-SE:{VERBS['outlook'][partstat]}: {summary}",
            f"DTSTART;TZID=W. Europe Standard Time:{_local(start)}",
            f"DTEND;TZID=W. Europe Standard Time:{_local(end)}",
            f"UID:{uid}",
            "CLASS:PUBLIC",
            "PRIORITY:5",
            f"DTSTAMP:{_stamp()}",
            "TRANSP:OPAQUE",
            "STATUS:CONFIRMED",
            f"SEQUENCE:{sequence}",
            f"X-MICROSOFT-CDO-APPT-SEQUENCE:{sequence}",
            "X-MICROSOFT-CDO-BUSYSTATUS:FREE",
            "X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
    elif client == "gmail":
        lines = [
            "BEGIN:VCALENDAR",
            "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
            "VERSION:2.0",
            "CALSCALE:GREGORIAN",
            "METHOD:REPLY",
            "BEGIN:VEVENT",
            f"DTSTART:{_utc(start)}",
            f"DTEND:{_utc(end)}",
            f"DTSTAMP:{_stamp()}",
            f"ORGANIZER;CN=Kalendarium:{organizer}",
            f"UID:{uid}",
            "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;"
            f"PARTSTAT={partstat};CN={name};X-NUM-GUESTS=0:mailto:{attendee}",
            f"CREATED:{_stamp()}",
            f"LAST-MODIFIED:{_stamp()}",
            f"SEQUENCE:{sequence}",
            "STATUS:CONFIRMED",
            f"SUMMARY:{summary}",
            "TRANSP:OPAQUE",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
    else:
        lines = [
            "BEGIN:VCALENDAR",
            "CALSCALE:GREGORIAN",
            "VERSION:2.0",
            "METHOD:REPLY",
            "PRODID:-//Apple Inc.//macOS 15.1//EN",
            "BEGIN:VTIMEZONE",
            "TZID:Europe/Stockholm",
            "BEGIN:DAYLIGHT",
            "TZOFFSETFROM:+0100",
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
            "DTSTART:19810329T020000",
            "TZNAME:CEST",
            "TZOFFSETTO:+0200",
            "END:DAYLIGHT",
            "BEGIN:STANDARD",
            "TZOFFSETFROM:+0200",
            "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
            "DTSTART:19961027T030000",
            "TZNAME:CET",
            "TZOFFSETTO:+0100",
            "END:STANDARD",
            "END:VTIMEZONE",
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"DTSTART;TZID=Europe/Stockholm:{_local(start)}",
            f"DTEND;TZID=Europe/Stockholm:{_local(end)}",
            f"DTSTAMP:{_stamp()}",
            f"SEQUENCE:{sequence}",
            f'ATTENDEE;CN="{name}";CUTYPE=INDIVIDUAL;EMAIL="{attendee}";'
            f"PARTSTAT={partstat}:mailto:{attendee}",
            f'ORGANIZER;CN="Kalendarium":{organizer}',
            "REQUEST-STATUS:2.0;Success",
            f"SUMMARY:{summary}",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
    return "\r\n".join(lines) + "\r\n"


def reply(
    client: str,
    invite,
    partstat: str,
    *,
    attendee: str | None = None,
    name: str = "Anna Ek",
    sender: str | None = None,
    sequence: int | None = None,
) -> bytes:
    """The mail ``client`` sends when the attendee of ``invite`` (a VEVENT) presses a button.

    ``sender`` (the From address) and ``sequence`` default to what an honest client writes.
    """
    attendee = attendee or str(invite["ATTENDEE"]).removeprefix("mailto:")
    sender = sender or attendee
    sequence = int(invite.get("SEQUENCE", 0)) if sequence is None else sequence
    ics = _calendar(client, invite, attendee, name, partstat, sequence)
    verb = VERBS[client][partstat]
    subject = f"{verb}: {invite['SUMMARY']}"
    head = (
        f"From: {name} <{sender}>\r\n"
        f"To: Kalendarium <kalendarium@kalendarium.test>\r\n"
        f"Subject: =?utf-8?b?{base64.b64encode(subject.encode()).decode()}?=\r\n"
        f"Date: {format_datetime(utcnow())}\r\n"
        f"Message-ID: {make_msgid(domain=client + '.test')}\r\n"
        "MIME-Version: 1.0\r\n"
    )
    if client == "outlook":
        text = f"{name} har avböjt mötet.".encode("windows-1252")
        return (
            head.encode()
            + b"Thread-Topic: "
            + subject.encode()
            + b"\r\n"
            + b"Accept-Language: sv-SE\r\nX-MS-Has-Attach:\r\n"
            + b'Content-Type: multipart/alternative; boundary="_000_outlook_"\r\n\r\n'
            + b"--_000_outlook_\r\n"
            + b'Content-Type: text/plain; charset="windows-1252"\r\n'
            + b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
            + quopri.encodestring(text)
            + b"\r\n--_000_outlook_\r\n"
            + b'Content-Type: text/calendar; charset="utf-8"; method=REPLY\r\n'
            + b"Content-Transfer-Encoding: base64\r\n\r\n"
            + base64.encodebytes(ics.encode())
            + b"\r\n--_000_outlook_--\r\n"
        )
    if client == "gmail":
        attachment = base64.encodebytes(ics.encode())
        return (
            head.encode()
            + b'Content-Type: multipart/mixed; boundary="0000gmail01"\r\n\r\n'
            + b"--0000gmail01\r\n"
            + b'Content-Type: multipart/alternative; boundary="0000gmail02"\r\n\r\n'
            + b"--0000gmail02\r\n"
            + b'Content-Type: text/plain; charset="UTF-8"; format=flowed; delsp=yes\r\n\r\n'
            + f"{name} har svarat på inbjudan.\r\n".encode()
            + b"--0000gmail02\r\n"
            + b'Content-Type: text/calendar; charset="UTF-8"; method=REPLY\r\n'
            + b"Content-Transfer-Encoding: 7bit\r\n\r\n"
            + ics.encode()
            + b"--0000gmail02--\r\n"
            + b"--0000gmail01\r\n"
            + b'Content-Type: application/ics; name="invite.ics"\r\n'
            + b'Content-Disposition: attachment; filename="invite.ics"\r\n'
            + b"Content-Transfer-Encoding: base64\r\n\r\n"
            + attachment
            + b"--0000gmail01--\r\n"
        )
    return (
        head.encode()
        + b'Content-Type: multipart/alternative; boundary="Apple-Mail=_A1"\r\n\r\n'
        + b"--Apple-Mail=_A1\r\n"
        + b"Content-Type: text/plain; charset=utf-8\r\n"
        + b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        + quopri.encodestring(f"{name} har svarat: {verb}.".encode())
        + b"\r\n--Apple-Mail=_A1\r\n"
        + b"Content-Type: text/calendar; charset=utf-8; method=REPLY; name=reply.ics\r\n"
        + b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        + quopri.encodestring(ics.encode())
        + b"\r\n--Apple-Mail=_A1--\r\n"
    )


def plain(
    sender: str, subject: str, body: str, *, in_reply_to: str = "", headers: dict | None = None
) -> bytes:
    """An ordinary mail: a reply typed by a person, an out-of-office, a bounce."""
    lines = [
        f"From: {sender}",
        "To: Kalendarium <kalendarium@kalendarium.test>",
        f"Subject: {subject}",
        f"Date: {format_datetime(utcnow())}",
        f"Message-ID: {make_msgid(domain='sender.test')}",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="iso-8859-1"',
        "Content-Transfer-Encoding: 8bit",
    ]
    if in_reply_to:
        lines += [f"In-Reply-To: {in_reply_to}", f"References: {in_reply_to}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body.encode("iso-8859-1") + b"\r\n"
