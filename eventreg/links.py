"""Signed links: the only keys people have, so they must be impossible to forge or guess.

A link carries an id signed with SECRET_KEY (HMAC, via itsdangerous), with a salt per kind of
link: changing the id breaks the signature, a link of one kind never opens another kind, and
ids are never reused (AUTOINCREMENT on SQLite), so a link opens its own object and no other.
"""

from datetime import UTC, datetime

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from eventreg.errors import InvalidLink
from eventreg.extensions import db
from eventreg.models import Invitation, NetworkMember, Registration, User, Watch
from eventreg.urls import external_url

REGISTRATION = "registration-link"
INVITATION = "invitation"
LEAVE = "network-leave"
MY_COURSES = "my-courses"
#: How long a link to "Mina kurser" opens the page: it lists everything the address did.
MY_COURSES_SECONDS = 24 * 3600
MANAGER = "manager-sign-in"
#: How long a manager's invitation, and a sign-in link asked for, work.
MANAGER_INVITATION_SECONDS = 7 * 24 * 3600
MANAGER_LINK_SECONDS = 3600


def _signer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _load(salt: str, token: str, model):
    """:raise InvalidLink: when the signature does not match or the object is gone."""
    try:
        object_id = _signer(salt).loads(token)
    except BadSignature:
        raise InvalidLink(
            _("Länken är ogiltig. Kontrollera att du har kopierat hela länken.")
        ) from None
    found = db.session.get(model, object_id) if isinstance(object_id, int) else None
    if found is None:
        raise InvalidLink(_("Länken gäller inte längre."))
    return found


def registration_token(registration: Registration) -> str:
    return _signer(REGISTRATION).dumps(registration.id)


def personal_url(registration: Registration) -> str:
    """The personal page of a registration: see it, and cancel it."""
    return external_url("registration.manage", token=registration_token(registration))


def registration_from_token(token: str) -> Registration:
    return _load(REGISTRATION, token, Registration)


def manager_sign_in_url(manager: User, invitation: bool) -> str:
    """A manager's way in without a password: a week for the invitation, an hour for a link
    asked for; once used, the stamp it carries (:func:`manager_stamp`) no longer matches."""
    kind = "inbjudan" if invitation else "lank"
    token = _timed(MANAGER).dumps([manager.id, manager_stamp(manager), kind])
    return external_url("auth.manager_link", token=token)


def manager_stamp(manager: User) -> str:
    """What makes a sign-in link single-use: the last sign-in, which signing in changes."""
    return manager.last_login_at.isoformat() if manager.last_login_at else "aldrig"


def manager_from_token(token: str) -> tuple[int, str]:
    """(manager id, stamp) of a sign-in link. :raise InvalidLink: for one we did not make, or one
    past its time."""
    (manager_id, stamp, kind), signed = _load_timed(
        MANAGER, token, MANAGER_INVITATION_SECONDS, return_timestamp=True
    )
    if kind != "inbjudan" and (datetime.now(UTC) - signed).total_seconds() > MANAGER_LINK_SECONDS:
        raise InvalidLink(_expired())
    return manager_id, stamp


def answer_url(invitation: Invitation, answer: str) -> str:
    """ "Jag kommer" / "Jag kommer inte": the token names the invitation, the path the answer."""
    return external_url(
        "networks.answer", token=_signer(INVITATION).dumps(invitation.id), answer=answer
    )


def invitation_from_token(token: str) -> Invitation:
    return _load(INVITATION, token, Invitation)


def leave_url(member: NetworkMember) -> str:
    """The link in every network mail that lets a member leave the network."""
    return external_url("networks.leave", token=_signer(LEAVE).dumps(member.id))


def member_from_token(token: str) -> NetworkMember:
    return _load(LEAVE, token, NetworkMember)


WATCH = "watch"
WATCH_CONFIRM = "watch-confirm"


def watch_confirm_url(watch_id: int, requested_at: str) -> str:
    """Confirms the request made at ``requested_at``; it works for WATCH_CONFIRM_DAYS."""
    token = _timed(WATCH_CONFIRM).dumps([watch_id, requested_at])
    return external_url("watches.confirm", token=token)


def watch_request_from_token(token: str) -> tuple[int, str]:
    """:raise InvalidLink: for a link we did not make, or one older than the days it works."""
    watch_id, requested_at = _load_timed(
        WATCH_CONFIRM, token, current_app.config["WATCH_CONFIRM_DAYS"] * 86400
    )
    return watch_id, requested_at


def watch_url(watch: Watch, endpoint: str = "watches.manage") -> str:
    """A watch's own page (``watches.manage``), or its one-click unsubscribe (``watches.stop``)."""
    return external_url(endpoint, token=_signer(WATCH).dumps(watch.id))


def watch_from_token(token: str) -> Watch:
    return _load(WATCH, token, Watch)


def _timed(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _expired() -> str:
    return _("Länken har slutat gälla. Be om en ny här nedan.")


def _load_timed(salt: str, token: str, max_age: int, **options):
    """What a timed link carries. :raise InvalidLink: for one we did not make, or one past its
    time (a new one can be asked for on the page it opens)."""
    try:
        return _timed(salt).loads(token, max_age=max_age, **options)
    except SignatureExpired:
        raise InvalidLink(_expired()) from None
    except (BadSignature, ValueError, TypeError):
        raise InvalidLink(
            _("Länken är ogiltig. Kontrollera att du har kopierat hela länken.")
        ) from None


def my_courses_url(email: str) -> str:
    """The page of everything ``email`` signed up for; it opens for a day from now."""
    return external_url("my_courses.courses", token=_timed(MY_COURSES).dumps(email))


def email_from_my_courses_token(token: str) -> str:
    """:raise InvalidLink: for a link we did not make, or one older than a day."""
    return _load_timed(MY_COURSES, token, MY_COURSES_SECONDS)
