"""Mail waiting to be delivered: written with the change that causes it, sent by the worker."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eventreg.models.base import Base, str_enum, utcnow


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    #: Claimed by a worker; if the worker dies, the claim expires and another takes it.
    SENDING = "sending"
    SENT = "sent"
    #: Refused permanently (5xx) or given up after retries; a coordinator must look.
    FAILED = "failed"
    #: Not sent on purpose: the same personal link went to the address minutes ago. Written all
    #: the same, so that a repeated sign-up does the same work as a new one (no timing tells).
    HELD_BACK = "held_back"


class OutboxMessage(Base):
    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Which mail it is, e.g. "confirmation", "waitlisted", "cancellation", "promotion"; a
    #: further session's own invite is "<kind>-session".
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus), default=OutboxStatus.PENDING
    )
    #: Made when the message is queued, so a retried delivery carries the same Message-ID.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    to_name: Mapped[str] = mapped_column(String(200))
    to_email: Mapped[str] = mapped_column(String(254))
    reply_to_name: Mapped[str] = mapped_column(String(200), default="")
    reply_to_email: Mapped[str] = mapped_column(String(254), default="")
    #: The language the mail is written in (the person's, as they chose it).
    language: Mapped[str] = mapped_column(String(2), default="sv", server_default="sv")
    #: What the mail will say, beyond what the database holds when it is written: which
    #: calendar entry it carries, a waiting-list position, what changed (JSON). The worker
    #: writes the mail from it (mail.writing); the request that queues it only decides.
    context: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    #: When the worker wrote subject, texts and invite (a retry sends the same words again).
    written_at: Mapped[datetime | None]
    subject: Mapped[str] = mapped_column(String(300), default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    #: The iCalendar object sent inline, or empty.
    ics: Mapped[str] = mapped_column(Text, default="")
    #: iTIP method of ``ics`` (REQUEST, CANCEL), repeated in the part's Content-Type.
    ics_method: Mapped[str] = mapped_column(String(20), default="")
    #: For a mail to a watch list: where one click unsubscribes (RFC 8058 headers).
    unsubscribe_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    #: A message that came to the Kalendarium's mailbox, forwarded unchanged as an attachment.
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    #: The token of the worker's claim while SENDING: only that worker records the outcome.
    claim: Mapped[str] = mapped_column(String(32), default="", server_default="")
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} to {self.to_email!r} {self.status}>"
