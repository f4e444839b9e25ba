"""The list of audiences (målgrupper) an event is for, and how an event names one.

An event picks its audience from the list, or types a one-off. A typed audience that the list
already has, in any case or spacing, is taken as the listed one: that is what keeps the
statistics per audience from splitting on spelling.
"""

from sqlalchemy import select

from eventreg import audit
from eventreg.errors import EventRegError, InvalidEvent
from eventreg.extensions import db
from eventreg.models import Audience, Event, User


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def audiences() -> list[Audience]:
    return list(db.session.scalars(select(Audience).order_by(Audience.name)))


def audiences_to_offer(kept: int | None = None) -> list[Audience]:
    """Those in use, and the event's own (``kept``) even when retired."""
    return [a for a in audiences() if not a.retired or a.id == kept]


def settle_audience(event: Event, kept: int | None = None) -> None:
    """Name the event's audience from the list when it can.

    :param kept: the audience the event had, which it may keep though it was retired.
    :raise InvalidEvent: for an audience not in the list, or retired.
    """
    if event.audience_id is not None:
        audience = db.session.get(Audience, event.audience_id)
        if audience is None or (audience.retired and audience.id != kept):
            raise InvalidEvent("Välj en målgrupp i listan.", field="audience_id")
        event.audience = ""
        return
    typed = " ".join((event.audience or "").split())
    listed = next((a for a in audiences() if _key(a.name) == _key(typed)), None)
    if listed is not None and (not listed.retired or listed.id == kept):
        event.audience_id, event.audience = listed.id, ""
    else:
        event.audience = typed


def save_audience(
    audience_id: int | None, name: str, name_en: str, retired: bool, actor: User | None
) -> Audience:
    """Add an audience to the list, or reword or retire one (never deleted: events keep it).

    :raise EventRegError: for a name the list already has, in any case or spacing.
    """
    name = " ".join(name.split())
    if any(_key(a.name) == _key(name) and a.id != audience_id for a in audiences()):
        raise EventRegError("Listan har redan den målgruppen.", field="name")
    audience = Audience() if audience_id is None else db.session.get(Audience, audience_id)
    if audience is None:
        raise EventRegError("Målgruppen finns inte.")
    audience.name, audience.name_en, audience.retired = name, " ".join(name_en.split()), retired
    db.session.add(audience)
    db.session.flush()
    audit.record(actor, "sparade målgruppen", None, name)
    return audience
