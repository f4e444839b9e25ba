"""Personal links: the only key to a registration, so they must be impossible to forge or guess.

A link carries the registration's id signed with SECRET_KEY (HMAC, via itsdangerous): changing
the id breaks the signature, and ids are never reused (AUTOINCREMENT on SQLite), so a link opens
its own registration and no other.
"""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from eventreg.extensions import db
from eventreg.models import Registration
from eventreg.services.errors import InvalidLink
from eventreg.urls import external_url


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="registration-link")


def registration_token(registration: Registration) -> str:
    """The secret part of a personal link: the registration's id, signed with SECRET_KEY."""
    return _serializer().dumps(registration.id)


def personal_url(registration: Registration) -> str:
    return external_url("registration.manage", token=registration_token(registration))


def registration_from_token(token: str) -> Registration:
    """The registration a personal link was made for.

    :raise InvalidLink: when the signature does not match or the registration is gone.
    """
    try:
        registration_id = _serializer().loads(token)
    except BadSignature:
        raise InvalidLink(
            "Länken är ogiltig. Kontrollera att du har kopierat hela länken."
        ) from None
    registration = (
        db.session.get(Registration, registration_id) if isinstance(registration_id, int) else None
    )
    if registration is None:
        raise InvalidLink("Anmälan finns inte längre.")
    return registration
