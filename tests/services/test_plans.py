"""Library plans as data: an event is tagged from the plan in force on its date, and keeps it."""

from datetime import date, timedelta

import pytest
from helpers import make_event, stockholm
from sqlalchemy import select

from eventreg.errors import EventRegError, InvalidEvent
from eventreg.extensions import db
from eventreg.models import AuditEntry, FocusArea
from eventreg.services import events, plans
from eventreg.services.events import SessionTimes
from eventreg.services.plans import AreaText

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date.today()


def plan(name: str, starts_on: date, ends_on: date, *areas: str):
    saved = plans.save_plan(None, name, starts_on, ends_on, [AreaText(a) for a in areas], None)
    db.session.commit()
    return saved


def area(name: str) -> int:
    return db.session.scalar(select(FocusArea.id).where(FocusArea.name == name))


@pytest.fixture
def two_plans():
    """The plan that has ended, and the one in force now."""
    plan("Plan 1", TODAY - timedelta(days=900), TODAY - timedelta(days=1), "Läsning", "Digitalt")
    plan("Plan 2", TODAY, TODAY + timedelta(days=900), "Läsfrämjande", "Mötesplatsen")


def test_an_event_is_tagged_from_the_plan_in_force_on_its_date(two_plans):
    event = make_event(days=20, focus_area_id=area("Läsfrämjande"))
    assert event.focus_area.name == "Läsfrämjande"

    with pytest.raises(InvalidEvent) as refused:
        make_event(days=20, focus_area_id=area("Läsning"))
    assert refused.value.field == "focus_area_id"
    assert "”Läsning” hör till Plan 1" in refused.value.message


def test_an_event_keeps_its_area_when_the_plan_ends_but_moving_it_asks_again(two_plans):
    old = make_event(days=20, focus_area_id=area("Läsfrämjande"))
    db.session.get(FocusArea, area("Läsfrämjande")).plan.ends_on = TODAY + timedelta(days=10)
    db.session.commit()
    session = old.sessions[0]

    events.update_event(
        old.id, [SessionTimes(session.starts_at, session.ends_at)], venue="Hörsalen"
    )  # the date and the area as they were: kept
    later = SessionTimes(stockholm(40, 9), stockholm(40, 12))
    with pytest.raises(InvalidEvent) as refused:
        events.update_event(old.id, [later])
    assert refused.value.field == "focus_area_id"


def test_retired_areas_and_ended_plans_are_not_offered_but_an_events_own_is(two_plans):
    current = db.session.get(FocusArea, area("Mötesplatsen")).plan
    plans.save_plan(
        current.id,
        current.name,
        current.starts_on,
        current.ends_on,
        [
            AreaText("Läsfrämjande", id=area("Läsfrämjande")),
            AreaText("Mötesplatsen", id=area("Mötesplatsen"), retired=True),
        ],
        None,
    )
    offered = [a.name for a in plans.areas_to_offer()]
    assert offered == ["Läsfrämjande"]
    kept = [a.name for a in plans.areas_to_offer(kept=area("Läsning"))]
    assert kept == ["Läsning", "Läsfrämjande"]  # the plans in time order


def test_a_plan_edit_rewords_and_adds_areas_and_never_deletes_one(two_plans):
    current = db.session.get(FocusArea, area("Läsfrämjande")).plan
    plans.save_plan(
        current.id,
        "Plan 2 (reviderad)",
        current.starts_on,
        current.ends_on,
        [
            AreaText("Läsfrämjande för alla", "Reading for all", id=area("Läsfrämjande")),
            AreaText("Hållbarhet"),
        ],
        None,
    )
    db.session.commit()
    names = [(a.name, a.name_en, a.retired) for a in current.areas]
    assert ("Läsfrämjande för alla", "Reading for all", False) in names
    assert ("Hållbarhet", "", False) in names
    assert ("Mötesplatsen", "", False) in names  # left out of the form: kept as it was
    assert (
        db.session.scalar(
            select(AuditEntry.detail)
            .where(AuditEntry.action == "sparade biblioteksplanen")
            .order_by(AuditEntry.id.desc())
        )
        == "Plan 2 (reviderad)"
    )


@pytest.mark.parametrize(
    ("name", "starts_on", "ends_on", "areas", "field"),
    [
        ("Plan 3", date(2030, 1, 1), date(2029, 1, 1), ["A"], "ends_on"),
        ("Plan 1", date(2030, 1, 1), date(2033, 1, 1), ["A"], "name"),
        ("Plan 3", date(2030, 1, 1), date(2033, 1, 1), ["  "], "areas"),
    ],
)
def test_a_plan_that_cannot_be_is_refused_next_to_its_field(
    two_plans, name, starts_on, ends_on, areas, field
):
    with pytest.raises(EventRegError) as refused:
        plans.save_plan(None, name, starts_on, ends_on, [AreaText(a) for a in areas], None)
    assert refused.value.field == field
