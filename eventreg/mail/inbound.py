"""What a message that came to the Kalendarium's mailbox says: its sender, and any calendar answer.

Anyone can send mail, so everything here is read defensively: a part that cannot be decoded is
read with replacement characters, and a calendar part that cannot be parsed is no answer.
"""

import hashlib
import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses

from eventreg.calendar import Reply, read_reply

#: Content types a calendar answer arrives in: inline (Outlook, Gmail) or attached (Apple).
CALENDAR_TYPES = {"text/calendar", "application/ics"}


@dataclass(frozen=True)
class Inbound:
    #: The Message-ID, or a hash of the bytes when there is none: the key to handle it once.
    key: str
    #: The From address, lower case ("" when there is none to read).
    sender: str
    sender_name: str
    subject: str
    #: Message-IDs it answers (In-Reply-To and References).
    references: tuple[str, ...]
    replies: tuple[Reply, ...]
    #: The message as it came, or only its header when it was too large to fetch.
    raw: bytes
    complete: bool
    #: The receiving server says the From address failed DMARC.
    failed_authentication: bool


def _text(part: EmailMessage) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        return payload.decode("utf-8", errors="replace")


def _message_ids(value: str | None) -> tuple[str, ...]:
    return tuple(re.findall(r"<[^<>\s]+>", value or ""))


def _failed_dmarc(message: EmailMessage) -> bool:
    """Only the topmost Authentication-Results counts: our receiving server adds it (RFC 8601);
    any further down could have been written by the sender."""
    results = message.get("Authentication-Results")
    return bool(results) and re.search(r"\bdmarc=fail\b", str(results), re.IGNORECASE) is not None


def parse(raw: bytes, complete: bool = True) -> Inbound:
    message = message_from_bytes(raw, policy=policy.default)
    key = (message.get("Message-ID") or "").strip()[:250]
    if not key:
        key = "sha256:" + hashlib.sha256(raw).hexdigest()
    try:
        senders = getaddresses([str(message.get("From", ""))])
    except (ValueError, IndexError):
        senders = []
    name, address = senders[0] if len(senders) == 1 else ("", "")
    replies = ()
    if complete:
        replies = tuple(
            reply
            for part in message.walk()
            if part.get_content_type() in CALENDAR_TYPES
            if (reply := read_reply(_text(part))) is not None
        )
    return Inbound(
        key=key,
        sender=address.strip().lower() if "@" in address else "",
        sender_name=name,
        subject=str(message.get("Subject", ""))[:300],
        references=_message_ids(message.get("In-Reply-To"))
        + _message_ids(message.get("References")),
        replies=replies,
        raw=raw,
        complete=complete,
        failed_authentication=_failed_dmarc(message),
    )
