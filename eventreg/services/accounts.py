"""Coordinator accounts and signing in, with throttling of failed attempts."""

import logging
from datetime import timedelta

from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from eventreg.extensions import db
from eventreg.models import LoginAttempt, Role, User
from eventreg.models.base import utcnow
from eventreg.services import audit
from eventreg.services.errors import EventRegError

log = logging.getLogger(__name__)

#: Failed attempts allowed per address and per e-mail within the window before we stop listening.
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12

#: Checked when the e-mail is unknown, so that a wrong address takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password")


class LoginFailed(EventRegError):
    """Wrong e-mail or password; the message does not say which."""


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


def authenticate(email: str, password: str, address: str) -> User:
    """The active user with this e-mail and password.

    :raise TooManyAttempts: after too many recent failures for the e-mail or the address.
    :raise LoginFailed: for a wrong e-mail or password, or an inactive account.
    """
    email = email.strip().lower()
    since = utcnow() - FAILURE_WINDOW
    by_email = db.session.scalar(
        select(func.count()).where(LoginAttempt.email == email, LoginAttempt.at >= since)
    )
    by_address = db.session.scalar(
        select(func.count()).where(LoginAttempt.address == address, LoginAttempt.at >= since)
    )
    if by_email >= MAX_FAILURES_PER_EMAIL or by_address >= MAX_FAILURES_PER_ADDRESS:
        log.warning("sign-in for %r from %r refused: too many attempts", email, address)
        raise TooManyAttempts("För många misslyckade inloggningar. Vänta en kvart och försök igen.")
    user = db.session.scalar(select(User).where(User.email == email))
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if not (user and valid and user.active):
        db.session.add(LoginAttempt(email=email, address=address))
        db.session.flush()
        raise LoginFailed("Fel e-postadress eller lösenord.")
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    user.last_login_at = utcnow()
    return user


def set_active(user: User, active: bool, actor: User) -> None:
    """:raise EventRegError: when administrators would lock themselves out."""
    if user.id == actor.id and not active:
        raise EventRegError("Du kan inte inaktivera ditt eget konto.")
    user.active = active
    audit.record(actor, "aktiverade konto" if active else "inaktiverade konto", None, user.email)
