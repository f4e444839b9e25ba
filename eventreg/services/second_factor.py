"""A second factor for accounts that sign in with a password: an authenticator app (TOTP, RFC
6238, through pyotp) and one-time recovery codes for the day the phone is lost.

Setting it up is two steps: a secret is made and shown (as a QR code), and only a code from the
app turns it on, so nobody is locked out by a scan that failed. A code is taken once (the step it
belongs to is kept), with one step of clock drift either way. Administrators must have one
(``views.admin.access``); an administrator can also take away another's, when both phone and
codes are gone.
"""

import hashlib
import secrets
from datetime import datetime

import pyotp
from sqlalchemy import select

from eventreg import audit, organisation
from eventreg.errors import EventRegError
from eventreg.extensions import db
from eventreg.models import RecoveryCode, User
from eventreg.models.base import utcnow

#: Recovery codes given at a time.
RECOVERY_CODES = 10
#: Steps of 30 s a code may be off by, either way (a phone's clock, a slow typist).
DRIFT_STEPS = 1
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def begin(user: User) -> str:
    """A new secret for the account's app, not in use until :func:`turn_on` gets a code from it.

    :raise EventRegError: when the account already has a second factor.
    """
    if user.has_second_factor:
        raise EventRegError("Tvåstegsverifieringen är redan påslagen.")
    user.totp_secret = pyotp.random_base32()
    return user.totp_secret


def setup_uri(user: User) -> str:
    """The ``otpauth://`` address the QR code carries: the app shows the site and the account."""
    issuer = organisation.current().site_name or "Kalendarium"
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=issuer)


def turn_on(user: User, code: str) -> list[str]:
    """Turn the second factor on with a code from the app; the recovery codes, shown once.

    :raise EventRegError: for a wrong code (next to the field), or without a secret begun.
    """
    if user.totp_secret is None or user.has_second_factor:
        raise EventRegError("Börja om: skanna QR-koden på nytt.")
    if not _totp_matches(user, code):
        raise EventRegError("Koden stämmer inte. Skriv koden som appen visar nu.", field="code")
    user.second_factor_at = utcnow()
    audit.record(user, "slog på tvåstegsverifiering")
    return _new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    """Replace the recovery codes (the old ones stop working); the new ones, shown once."""
    if not user.has_second_factor:
        raise EventRegError("Slå på tvåstegsverifieringen först.")
    audit.record(user, "tog fram nya reservkoder")
    return _new_recovery_codes(user)


def _new_recovery_codes(user: User) -> list[str]:
    codes = ["-".join(_random(4) for _ in range(2)) for _ in range(RECOVERY_CODES)]
    user.recovery_codes = [RecoveryCode(code_hash=_digest(code)) for code in codes]
    return codes


def _random(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def _digest(code: str) -> str:
    return hashlib.sha256(_normalised(code).encode()).hexdigest()


def _normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def check(user: User, code: str, now: datetime | None = None) -> str | None:
    """How the code proves the second factor ("app" or "recovery code"), or None.

    A recovery code is used up; an app's code cannot be used again.
    """
    if not user.has_second_factor:
        return None
    if _totp_matches(user, code, now):
        return "app"
    digest = _digest(code)
    unused = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == digest,
            RecoveryCode.used_at.is_(None),
        )
    )
    if unused is None:
        return None
    unused.used_at = utcnow()
    audit.record(user, "använde en reservkod")
    return "recovery code"


def _totp_matches(user: User, code: str, now: datetime | None = None) -> bool:
    """Whether the code is the app's for now (give or take a step) and newer than the last
    one taken; the step is then kept."""
    code = "".join(code.split())
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = now or utcnow()
    current = totp.timecode(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if user.totp_last_step is not None and step <= user.totp_last_step:
            continue
        if secrets.compare_digest(totp.generate_otp(step), code):
            user.totp_last_step = step
            return True
    return False


def remaining_recovery_codes(user: User) -> int:
    return sum(1 for code in user.recovery_codes if code.used_at is None)


def turn_off(user: User, actor: User) -> None:
    """Take the second factor away: one's own, or (an administrator) another's whose phone and
    codes are both gone; they set it up again at their next sign-in, if they must have one."""
    if actor.id != user.id and not actor.is_admin:
        raise EventRegError("Bara en administratör kan stänga av någon annans.")
    user.totp_secret = None
    user.second_factor_at = None
    user.totp_last_step = None
    user.recovery_codes = []
    audit.record(actor, "stängde av tvåstegsverifiering", None, user.email)
