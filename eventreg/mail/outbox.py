"""The outbox: mail is queued in the caller's transaction and delivered later by a worker.

A worker *claims* a batch (marks it SENDING under its token, with a deadline) in a short
transaction, sends it outside any transaction, and records each outcome as soon as it is known.
Claims are taken under ``FOR UPDATE SKIP LOCKED`` (PostgreSQL) or the SQLite write lock, so two
workers never claim the same message. A worker that dies leaves claims that expire: within
MAIL_CLAIM_SECONDS for messages it had not begun, within a few SMTP timeouts for the one it was
sending. A worker told to stop (SIGTERM) finishes that one and gives the rest back at once.

The guarantee is at least once: a crash after the relay accepted a message but before its answer
was recorded sends it again, with the same Message-ID, so the receiving side can drop it.
"""

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import case, insert, or_, select, update

from eventreg import audit, organisation
from eventreg.extensions import db
from eventreg.mail import writing
from eventreg.mail.transport import PermanentFailure, TransientFailure, open_transport
from eventreg.models import OutboxMessage, OutboxStatus, User, Watch
from eventreg.models.base import utcnow

log = logging.getLogger(__name__)

#: A message being sent is claimed for this many SMTP timeouts (connect, MAIL, RCPT, DATA …).
SENDING_TIMEOUTS = 3
#: Newsletters in a row refused for good before an address gets no more.
REFUSALS_BEFORE_UNDELIVERABLE = 3


#: Built once: every sign-up queues a mail.
_INSERT = insert(OutboxMessage.__table__)


def queue(
    *,
    kind: str,
    to: tuple[str, str],
    reply_to: tuple[str, str],
    language: str = "sv",
    context: str = "{}",
    registration_id: int | None = None,
    event_id: int | None = None,
    held_back: bool = False,
    attachment: bytes | None = None,
    written: writing.Written | None = None,
) -> None:
    """Add a message to the outbox in the current transaction, to be written by the worker from
    ``context`` (or ``written`` already); ``held_back``: kept, never sent."""
    host = urlsplit(current_app.config["EVENTREG_BASE_URL"]).hostname or "localhost"
    values = dict(
        kind=kind,
        # From the OS's randomness: email.utils.make_msgid draws on the ``random`` module, which
        # anything in the process may seed (Hypothesis does), and two mails would share an id.
        message_id=f"<{uuid.uuid4().hex}@{host}>",
        to_name=to[0],
        to_email=to[1],
        reply_to_name=reply_to[0],
        reply_to_email=reply_to[1],
        language=language,
        context=context,
        registration_id=registration_id,
        event_id=event_id,
        attachment=attachment,
        status=OutboxStatus.HELD_BACK if held_back else OutboxStatus.PENDING,
    )
    if written is not None:
        values.update(_written(written))
    db.session.connection().execute(_INSERT, values)


def _written(written: writing.Written) -> dict:
    return {
        "subject": written.subject,
        "body_text": written.body_text,
        "body_html": written.body_html,
        "ics": written.ics,
        "ics_method": written.ics_method,
        "unsubscribe_url": written.unsubscribe_url,
        "written_at": utcnow(),
    }


def retry(message: OutboxMessage, actor: User) -> OutboxMessage:
    """A coordinator asks for a failed message to be tried again, from a fresh count."""
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    audit.record(actor, "skickade om mejl", None, f"utskick {message.id}")
    return message


def _claim(limit: int, token: str) -> list[OutboxMessage]:
    """Take up to ``limit`` due messages under ``token``; commit, and return them detached.

    The claim is short (MAIL_CLAIM_SECONDS): a worker that dies frees what it had not begun to
    send within seconds. The messages are detached before the commit, so reading them while
    talking to SMTP needs no transaction (on SQLite a transaction here would hold the write
    lock, and every sign-up would wait for the relay).
    """
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
    lease = timedelta(seconds=current_app.config["MAIL_CLAIM_SECONDS"])
    for message in due:
        message.status, message.claim = OutboxStatus.SENDING, token
        message.next_attempt_at = now + lease
    db.session.flush()
    for message in due:
        db.session.expunge(message)
    db.session.commit()
    return list(due)


def _ours(message: OutboxMessage):
    """Only our own claim is touched: if it expired and another worker took over, we step aside."""
    return update(OutboxMessage).where(
        OutboxMessage.id == message.id,
        OutboxMessage.status == OutboxStatus.SENDING,
        OutboxMessage.claim == message.claim,
    )


def _begin_sending(message: OutboxMessage) -> bool:
    """Write the message if it is not written yet (its words are kept, so a retry sends the
    same), and renew the claim for as long as one delivery may take; False if it is no longer
    ours. One short transaction."""
    seconds = SENDING_TIMEOUTS * current_app.config["MAIL_TIMEOUT"]
    values: dict = {"next_attempt_at": utcnow() + timedelta(seconds=seconds)}
    if message.written_at is None:
        values.update(_written(writing.write(message)))
        for name in _written(writing.Written("", "", "")):
            setattr(message, name, values[name])  # for the transport: the message is detached
    taken = db.session.execute(_ours(message).values(**values)).rowcount
    db.session.commit()
    return taken == 1


def _release(messages: list[OutboxMessage]) -> None:
    """Give back what was claimed but not sent, due at once (a worker asked to stop)."""
    for message in messages:
        db.session.execute(
            _ours(message).values(status=OutboxStatus.PENDING, claim="", next_attempt_at=utcnow())
        )
    db.session.commit()


def _retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, … capped, so mail flows again soon after an outage ends."""
    cap = current_app.config["MAIL_RETRY_MAX_SECONDS"]
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), cap))


def _record(message: OutboxMessage, error: Exception | None, permanent: bool = False) -> None:
    """Note the outcome of an attempt, if the message is still ours, and commit."""
    now = utcnow()
    values: dict = {"attempts": OutboxMessage.attempts + 1, "claim": ""}
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
    if (
        db.session.execute(_ours(message).values(**values)).rowcount
        and message.kind == "newsletter"
    ):
        _count_refusal(message, error)
    db.session.commit()


def _count_refusal(message: OutboxMessage, error: Exception | None) -> None:
    """A newsletter delivered, or refused for good by the relay (a 5xx), moves its subscriber's
    count of refusals in a row; the third sets the address aside as undeliverable."""
    watch_id = json.loads(message.context).get("watch_id")
    if watch_id is None:  # a coordinator's test
        return
    watch = update(Watch).where(Watch.id == watch_id)
    if error is None:
        db.session.execute(watch.where(Watch.newsletters_refused > 0).values(newsletters_refused=0))
    elif isinstance(error, PermanentFailure):
        refused = Watch.newsletters_refused + 1
        db.session.execute(
            watch.values(
                newsletters_refused=refused,
                undeliverable_at=case(
                    (refused >= REFUSALS_BEFORE_UNDELIVERABLE, utcnow()),
                    else_=Watch.undeliverable_at,
                ),
            )
        )


def deliver_batch(stop: threading.Event | None = None) -> int:
    """Claim and send one batch; return how many messages were claimed.

    With ``stop`` set (SIGTERM), the message being sent is finished and the rest released.
    """
    batch = _claim(current_app.config["MAIL_BATCH_SIZE"], uuid.uuid4().hex)
    if not batch:
        return 0
    unsent = list(batch)
    sender_name = organisation.current().sender_name
    db.session.commit()  # read before the relay is spoken to: no transaction waits on it
    try:
        with open_transport(sender_name) as transport:
            while unsent and not (stop and stop.is_set()):
                try:
                    ours = _begin_sending(unsent[0])
                except Exception as error:  # a bug, or data gone: this mail, not the batch
                    db.session.rollback()
                    log.exception("could not write %r", unsent[0])
                    _record(unsent.pop(0), error, permanent=True)
                    continue
                if not ours:
                    unsent.pop(0)
                    continue
                try:
                    transport.send(unsent[0])
                except PermanentFailure as error:
                    _record(unsent.pop(0), error, permanent=True)
                except TransientFailure as error:
                    _record(unsent.pop(0), error)
                else:
                    _record(unsent.pop(0), None)
    except Exception as error:  # the server or the connection failed: try the rest later
        log.warning("mail transport failed: %s", error)
        for message in unsent:
            _record(message, error)
        return len(batch)
    _release(unsent)
    return len(batch)


def run_worker(
    once: bool = False,
    schedule: Sequence[tuple[float, Callable[[], None]]] = (),
    stop: threading.Event | None = None,
) -> None:
    """Deliver the outbox: drain it and return with ``once``, else poll until ``stop`` is set.

    ``schedule`` holds jobs run every so many seconds while polling (reminders, reading the
    mailbox), so that a small installation needs no cron; 0 seconds leaves a job out.
    """
    stop = stop or threading.Event()
    poll = current_app.config["MAIL_POLL_SECONDS"]
    due = [time.monotonic()] * len(schedule)
    while not stop.is_set():
        try:
            for number, (every, job) in enumerate(schedule):
                if every and not once and time.monotonic() >= due[number]:
                    due[number] = time.monotonic() + every
                    job()
            claimed = deliver_batch(stop)
        except Exception:
            if once:
                raise
            # The database or the mailbox restarting must not end a worker run as a service.
            log.exception("mail worker: will try again in %s s", poll * 10)
            db.session.rollback()
            stop.wait(poll * 10)
            continue
        if claimed:
            continue
        if once:
            return
        stop.wait(poll)
