"""Turning an outbox row into a MIME message and handing it to SMTP, or to files in development.

The message follows RFC 6047: ``multipart/mixed`` holding a ``multipart/alternative`` of plain
text, HTML and the inline ``text/calendar; method=…`` part that makes Outlook and Gmail offer to
add the event (and, for a forwarded message, that message attached as it came). Header values go through Flask-Mail's encoding; a value with a line break is
refused outright (no header injection).
"""

import logging
import re
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from email import message_from_bytes, policy
from email.encoders import encode_base64
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from pathlib import Path

from flask import current_app
from flask_mail import BadHeaderError, Connection, Message

from eventreg.models import OutboxMessage

log = logging.getLogger(__name__)


class PermanentFailure(Exception):
    """The server refused this message for good (5xx): retrying cannot help."""


class TransientFailure(Exception):
    """The server refused this message for now (4xx): try again later."""


#: Lines as encoded, CRLF-terminated: the headers are folded when encoded (RFC 5322 2.2.3).
_SMTP_AS_ENCODED = policy.SMTP.clone(refold_source="none")


def _encoded_subject(subject: str) -> str:
    """The subject as RFC 2047 encoded-words folded to fit the line, each carrying its own
    spaces: whitespace between two encoded-words is dropped by decoders (RFC 2047 6.2)."""
    charset = "us-ascii" if subject.isascii() else "utf-8"
    return Header(subject, charset, header_name="Subject").encode()


class _CalendarMessage(Message):
    """A Flask-Mail message with an inline iTIP part after the plain text and HTML.

    The calendar part names its method in its Content-Type, as iMIP requires, and is base64
    encoded so that relays cannot rewrap its lines or lose its CRLFs.
    """

    def __init__(self, ics: str, ics_method: str, forwarded: bytes | None = None, **kwargs):
        super().__init__(**kwargs)
        self.ics = ics
        self.ics_method = ics_method
        self.forwarded = forwarded

    def _message(self):
        mime = super()._message()
        # Flask-Mail's headers are encoded already, and refolding them (the SMTP policy's
        # default) glues encoded-words to plain words and loses spaces. Headers are set as
        # encoded text under compat32, as Flask-Mail sets its own, then written as they are.
        mime.policy = policy.compat32
        del mime["Subject"]
        mime["Subject"] = _encoded_subject(self.subject)
        mime.policy = _SMTP_AS_ENCODED
        if self.ics:
            part = MIMEBase("text", "calendar", charset="utf-8", method=self.ics_method)
            part.set_payload(self.ics.encode("utf-8"))
            encode_base64(part)
            alternative = next(
                p for p in mime.walk() if p.get_content_type() == "multipart/alternative"
            )
            alternative.attach(part)
        if self.forwarded:
            # Attached as it came (RFC 2046 5.2.1: message/rfc822 is never base64 encoded).
            attached = MIMEMessage(message_from_bytes(self.forwarded, policy=policy.compat32))
            attached.add_header("Content-Disposition", "attachment", filename="meddelande.eml")
            mime.attach(attached)
        return mime


def build_message(outbox: OutboxMessage, sender_name: str = "") -> Message:
    """The MIME message; From names ``sender_name`` (the organisation profile's) at our address."""
    message = _CalendarMessage(
        outbox.ics,
        outbox.ics_method,
        outbox.attachment,
        subject=outbox.subject,
        recipients=[(outbox.to_name, outbox.to_email)],
        body=outbox.body_text,
        html=outbox.body_html,
        reply_to=((outbox.reply_to_name, outbox.reply_to_email) if outbox.reply_to_email else None),
        sender=(
            sender_name or current_app.config["MAIL_DEFAULT_SENDER"][0],
            current_app.config["MAIL_DEFAULT_SENDER"][1],
        ),
        extra_headers={
            "Auto-Submitted": "auto-generated",  # RFC 3834: auto-responders stay quiet
            "X-Auto-Response-Suppress": "All",  # the same, for Exchange
            **(
                {  # RFC 2369 and RFC 8058: the mail program's own "unsubscribe", in one click
                    "List-Unsubscribe": f"<{outbox.unsubscribe_url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                }
                if outbox.unsubscribe_url
                else {}
            ),
        },
    )
    message.msgId = outbox.message_id
    return message


class _SMTPTransport:
    def __init__(self, connection: Connection, sender_name: str):
        self.connection = connection
        self.sender_name = sender_name

    def send(self, outbox: OutboxMessage) -> None:
        try:
            self.connection.send(build_message(outbox, self.sender_name))
        except BadHeaderError as error:
            raise PermanentFailure(f"header with a line break: {error}") from error
        except (UnicodeEncodeError, smtplib.SMTPNotSupportedError) as error:
            # An address with å before the @ needs SMTPUTF8; no retry will change that. The
            # relay may have begun this message's transaction: end it, for the next message.
            self._reset()
            raise PermanentFailure(f"address needs SMTPUTF8 (not ASCII): {error}") from error
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            failure = PermanentFailure if all(c >= 500 for c in codes) else TransientFailure
            raise failure(str(error.recipients)) from error
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
            failure = PermanentFailure if error.smtp_code >= 500 else TransientFailure
            raise failure(f"{error.smtp_code} {error.smtp_error!r}") from error

    def _reset(self) -> None:
        with suppress(smtplib.SMTPException, OSError):
            self.connection.host.rset()


class _FileTransport:
    """Development without an SMTP server: each message becomes an .eml file to open."""

    def __init__(self, folder: Path, sender_name: str):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.sender_name = sender_name

    def send(self, outbox: OutboxMessage) -> None:
        slug = re.sub(r"[^a-z0-9]+", "-", outbox.to_email.lower()).strip("-")
        path = self.folder / f"{outbox.id:06d}-{outbox.kind}-{slug}.eml"
        path.write_bytes(build_message(outbox, self.sender_name).as_bytes())
        log.warning("Mail till %s: %r → %s", outbox.to_email, outbox.subject, path)


class _TimedConnection(Connection):
    """Flask-Mail's connection with a socket timeout: a relay that stops answering must not hold
    the worker (and its claims) for ever."""

    def __init__(self, mail, timeout: float):
        super().__init__(mail)
        self.timeout = timeout

    def configure_host(self) -> smtplib.SMTP:
        kind = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = kind(self.mail.server, self.mail.port, timeout=self.timeout)
        host.set_debuglevel(int(self.mail.debug))
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


@contextmanager
def open_transport(sender_name: str = "") -> Iterator[_SMTPTransport | _FileTransport]:
    """One SMTP connection for a batch (or the .eml folder); errors opening it propagate."""
    if current_app.config["MAIL_BACKEND"] == "file":
        yield _FileTransport(Path(current_app.config["MAIL_FILE_DIR"]), sender_name)
        return
    mail = current_app.extensions["mail"]
    with _TimedConnection(mail, current_app.config["MAIL_TIMEOUT"]) as connection:
        yield _SMTPTransport(connection, sender_name)
