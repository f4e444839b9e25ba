"""The outbox: mail is queued in the caller's transaction and delivered later by a worker.

A worker *claims* a batch (marks it SENDING with a deadline) in a short transaction, sends it
outside any transaction, and records each outcome as soon as it is known. Claims are taken under
``FOR UPDATE SKIP LOCKED`` (PostgreSQL) or the SQLite write lock, so two workers never claim the
same message; a worker that dies leaves a claim that expires and is taken again.
"""

import logging
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import or_, select, update

from eventreg.extensions import db
from eventreg.mail.transport import PermanentFailure, TransientFailure, open_transport
from eventreg.models import OutboxMessage, OutboxStatus
from eventreg.models.base import utcnow

log = logging.getLogger(__name__)

#: How long a claim lasts before another worker may take the message.
CLAIM_SECONDS = 300


def queue(
    *,
    kind: str,
    to: tuple[str, str],
    reply_to: tuple[str, str],
    subject: str,
    body_text: str,
    body_html: str,
    ics: str = "",
    ics_method: str = "",
    registration_id: int | None = None,
    event_id: int | None = None,
    attachment: bytes | None = None,
) -> OutboxMessage:
    """Add a message to the outbox in the current transaction."""
    host = urlsplit(current_app.config["EVENTREG_BASE_URL"]).hostname or "localhost"
    message = OutboxMessage(
        kind=kind,
        message_id=make_msgid(domain=host),
        to_name=to[0],
        to_email=to[1],
        reply_to_name=reply_to[0],
        reply_to_email=reply_to[1],
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        ics=ics,
        ics_method=ics_method,
        registration_id=registration_id,
        event_id=event_id,
        attachment=attachment,
    )
    db.session.add(message)
    return message


def retry(message: OutboxMessage) -> None:
    """A coordinator asks for a failed message to be tried again, from a fresh count."""
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()


def _claim(limit: int) -> list[OutboxMessage]:
    """Take up to ``limit`` due messages for this worker and commit the claim."""
    now = utcnow()
    due = (
        db.session.execute(
            select(OutboxMessage)
            .where(
                or_(
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.status == OutboxStatus.SENDING,  # an expired claim
                ),
                OutboxMessage.next_attempt_at <= now,
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        .scalars()
        .all()
    )
    for message in due:
        message.status = OutboxStatus.SENDING
        message.next_attempt_at = now + timedelta(seconds=CLAIM_SECONDS)
    db.session.commit()
    return list(due)


def _retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … capped, so mail flows again soon after an outage ends."""
    cap = current_app.config["MAIL_RETRY_MAX_SECONDS"]
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), cap))


def _record(message: OutboxMessage, error: Exception | None, permanent: bool = False) -> None:
    now = utcnow()
    values: dict = {"attempts": OutboxMessage.attempts + 1}
    if error is None:
        values.update(status=OutboxStatus.SENT, sent_at=now, last_error="")
    else:
        failed = permanent or message.attempts + 1 >= current_app.config["MAIL_MAX_ATTEMPTS"]
        values.update(
            status=OutboxStatus.FAILED if failed else OutboxStatus.PENDING,
            next_attempt_at=now + _retry_delay(message.attempts + 1),
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        log.warning(
            "delivery of %r failed (%s): %s", message, "final" if failed else "will retry", error
        )
    # Only our own claim is updated: if it expired and another worker took over, we step aside.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.status == OutboxStatus.SENDING)
        .values(**values)
    )
    db.session.commit()


def deliver_batch() -> int:
    """Claim and send one batch; return how many messages were claimed."""
    batch = _claim(current_app.config["MAIL_BATCH_SIZE"])
    if not batch:
        return 0
    try:
        with open_transport() as transport:
            for message in batch:
                try:
                    transport.send(message)
                except PermanentFailure as error:
                    _record(message, error, permanent=True)
                except TransientFailure as error:
                    _record(message, error)
                else:
                    _record(message, None)
    except Exception as error:  # the server or the connection failed: try the rest later
        log.warning("mail transport failed: %s", error)
        for message in batch:
            db.session.refresh(message)
            if message.status == OutboxStatus.SENDING:
                _record(message, error)
    return len(batch)


def run_worker(
    once: bool = False, schedule: Sequence[tuple[float, Callable[[], None]]] = ()
) -> None:
    """Deliver the outbox: drain it and return with ``once``, else poll until stopped.

    ``schedule`` holds jobs run every so many seconds while polling (reminders, reading the
    mailbox), so that a small installation needs no cron; 0 seconds leaves a job out.
    """
    poll = current_app.config["MAIL_POLL_SECONDS"]
    due = [time.monotonic()] * len(schedule)
    while True:
        try:
            for number, (every, job) in enumerate(schedule):
                if every and not once and time.monotonic() >= due[number]:
                    due[number] = time.monotonic() + every
                    job()
            claimed = deliver_batch()
        except Exception:
            if once:
                raise
            # The database or the mailbox restarting must not end a worker run as a service.
            log.exception("mail worker: will try again in %s s", poll * 10)
            db.session.rollback()
            time.sleep(poll * 10)
            continue
        if claimed:
            continue
        if once:
            return
        time.sleep(poll)
