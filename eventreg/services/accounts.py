"""Coordinator accounts and signing in, with throttling of failed attempts."""

import logging
import math
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from eventreg import audit, organisation, sso
from eventreg.errors import EventRegError
from eventreg.extensions import db
from eventreg.models import LoginAttempt, Role, User
from eventreg.models.base import utcnow
from eventreg.services import organisation as organisation_profile
from eventreg.services import second_factor

log = logging.getLogger(__name__)

#: Failures a client may have for one account, and for any accounts, before it must wait.
CLIENT_FAILURES_PER_EMAIL = 5
CLIENT_FAILURES = 20
#: Failures for one account from anywhere, after which every client that failed for it waits.
EMAIL_FAILURES = 10
FAILURE_WINDOW = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12

#: Checked when the e-mail is unknown, so that a wrong address takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password")


class TooManyAttempts(EventRegError):
    """Too many failures recently: wait before trying again."""


def create_user(
    email: str,
    name: str,
    password: str,
    role: Role = Role.COORDINATOR,
    actor: User | None = None,
) -> User:
    """:raise EventRegError: when the address is taken or the password too short."""
    email = email.strip().lower()
    if len(password) < MIN_PASSWORD_LENGTH:
        raise EventRegError(
            f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken.", field="password"
        )
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise EventRegError("Det finns redan ett konto med den e-postadressen.", field="email")
    user = User(
        email=email, name=name.strip(), password_hash=generate_password_hash(password), role=role
    )
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "skapade konto", None, f"{user.email} ({role})")
    return user


def _wait_until(failures: list[datetime], limit: int) -> datetime | None:
    """From the limit on, each failure doubles the wait after the latest: 30 s, 1 min, … 15 min."""
    over = len(failures) - limit
    if over < 0:
        return None
    seconds = min(30 * 2**over, FAILURE_WINDOW.total_seconds())
    return max(failures) + timedelta(seconds=seconds)


def _check_not_guessing(email: str, address: str) -> None:
    """Slow down a client that keeps failing; never one that has not failed.

    A lock-out per account would let anyone lock a coordinator out with five wrong passwords,
    and one per address would lock out a whole office behind one NAT or proxy. So the waits
    fall on the client that failed: for this account, for any accounts, and, when an account
    is guessed at from many addresses, on each of those that failed for it.

    :raise TooManyAttempts: with how long to wait.
    """
    now = utcnow()
    since = now - FAILURE_WINDOW
    mine = db.session.execute(
        select(LoginAttempt.email, LoginAttempt.at).where(
            LoginAttempt.address == address, LoginAttempt.at >= since
        )
    ).all()
    mine_for_email = [at for failed, at in mine if failed == email]
    waits = [
        _wait_until(mine_for_email, CLIENT_FAILURES_PER_EMAIL),
        _wait_until([at for _, at in mine], CLIENT_FAILURES),
    ]
    if mine_for_email:
        everyone = db.session.scalars(
            select(LoginAttempt.at).where(LoginAttempt.email == email, LoginAttempt.at >= since)
        ).all()
        waits.append(_wait_until(list(everyone), EMAIL_FAILURES))
    until = max((wait for wait in waits if wait), default=None)
    if until and now < until:
        minutes = math.ceil((until - now).total_seconds() / 60)
        log.warning("sign-in for %r from %r slowed down for %s min", email, address, minutes)
        raise TooManyAttempts(
            f"För många misslyckade inloggningar härifrån. Vänta {minutes} "
            f"{'minut' if minutes == 1 else 'minuter'} och försök igen."
        )


def sign_in(email: str, password: str, address: str) -> User | None:
    """The active user with this e-mail and password, or None (the failure is recorded, to slow
    down a guesser, and in the audit log); ``address`` is the client's IP address. An account
    with a second factor is signed in only once :func:`second_step` has its code.

    :raise TooManyAttempts: when this client has failed too often lately.
    """
    if not passwords_sign_in():
        raise EventRegError(
            "Inloggning med lösenord är avstängd. Logga in med regionens konto i stället."
        )
    email = email.strip().lower()
    _check_not_guessing(email, address)
    user = db.session.scalar(select(User).where(User.email == email))
    # An account made by the region's sign-in has no password here: none matches it.
    stored = user.password_hash if user and user.password_hash else _DUMMY_HASH
    valid = check_password_hash(stored, password) and stored is not _DUMMY_HASH
    if not (user and valid and user.active):
        return _failed(email, address, user, "fel lösenord" if user else "okänt konto")
    if not user.has_second_factor:
        _signed_in(user, "med lösenord")
    return user


def passwords_sign_in() -> bool:
    """Whether a password signs in: unless an administrator turned it off, and never off while
    single sign-on is not configured (that would lock everyone out)."""
    return organisation.current().password_sign_in or not sso.enabled()


def second_step(user_id: int, code: str, address: str) -> User | None:
    """The account, signed in, when ``code`` is its app's or one of its recovery codes; else
    None, recorded as a failure as a wrong password is.

    :raise TooManyAttempts: when this client has failed too often lately.
    """
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return None
    _check_not_guessing(user.email, address)
    how = second_factor.check(user, code)
    if how is None:
        return _failed(user.email, address, user, "fel kod i andra steget")
    _signed_in(user, f"med lösenord och {'reservkod' if how == 'recovery code' else 'app'}")
    return user


def _failed(email: str, address: str, user: User | None, why: str) -> None:
    db.session.add(LoginAttempt(email=email, address=address))
    # An address that is no account's is not kept: it may be anyone's typing mistake.
    audit.record(None, "misslyckad inloggning", None, f"{user.email if user else 'okänd'}: {why}")
    db.session.flush()
    return None


def _signed_in(user: User, how: str) -> None:
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == user.email))
    user.last_login_at = utcnow()
    audit.record(user, "loggade in", None, how)


def end_sessions(user: User) -> User:
    """Sign the account out everywhere: every session cookie it was given stops working."""
    user.session_version += 1
    return user


def set_password_sign_in(allowed: bool, actor: User, actor_used_sso: bool) -> None:
    """Let coordinators sign in with passwords, or not (then only the region's sign-in works).

    :raise EventRegError: for turning passwords off without single sign-on, or from a session
        that began with a password: whoever does it must be able to sign in afterwards.
    """
    if not allowed and not (sso.enabled() and actor_used_sso):
        raise EventRegError(
            "Logga in med regionens konto först: annars kan du låsa ute dig själv.",
            field="password_sign_in",
        )
    organisation_profile.set_password_sign_in(allowed)
    audit.record(
        actor, "tillät inloggning med lösenord" if allowed else "stängde av inloggning med lösenord"
    )


def set_active(user: User, active: bool, actor: User) -> None:
    """:raise EventRegError: when administrators would lock themselves out."""
    if user.id == actor.id and not active:
        raise EventRegError("Du kan inte inaktivera ditt eget konto.")
    user.active = active
    if not active:
        end_sessions(user)
    audit.record(actor, "aktiverade konto" if active else "inaktiverade konto", None, user.email)
