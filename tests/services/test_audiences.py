"""Audiences as a list: an event names one, and the statistics count it as one however typed."""

import pytest
from helpers import make_event, sign_up, stockholm

from eventreg.errors import EventRegError, InvalidEvent
from eventreg.extensions import db
from eventreg.services import events
from eventreg.services.audiences import audiences_to_offer, save_audience
from eventreg.statistics import report as statistics

pytestmark = pytest.mark.usefixtures("ctx")


def test_a_typed_audience_the_list_has_is_the_listed_one_and_counted_as_one():
    children = save_audience(None, "Barnbibliotekarier", "Children's librarians", False, None)
    picked = make_event(days=3, audience_id=children.id)
    typed = make_event(days=4, audience="  barnbibliotekarier ")
    one_off = make_event(days=5, audience="Medlemmar i Barnnätverket")
    for event in (picked, typed, one_off):
        sign_up(event)
    assert (typed.audience_id, typed.audience) == (children.id, "")
    assert (one_off.audience_id, one_off.audience) == (None, "Medlemmar i Barnnätverket")
    assert typed.audience_in("en") == "Children's librarians"

    result = statistics.report(stockholm(0).date(), stockholm(10).date())
    assert [(row.label, row.events, row.registered) for row in result.audiences] == [
        ("Barnbibliotekarier", 2, 2),
        ("Medlemmar i Barnnätverket", 1, 1),
    ]

    save_audience(children.id, "Barn- och ungdomsbibliotekarier", "", False, None)
    db.session.commit()
    result = statistics.report(stockholm(0).date(), stockholm(10).date())
    assert result.audiences[0].label == "Barn- och ungdomsbibliotekarier"  # reworded, not split


def test_a_retired_audience_is_not_offered_but_an_event_keeps_it():
    staff = save_audience(None, "All personal", "", False, None)
    event = make_event(audience_id=staff.id)
    save_audience(staff.id, "All personal", "", True, None)
    assert audiences_to_offer() == []
    assert audiences_to_offer(kept=staff.id) == [staff]

    session = event.sessions[0]
    kept = events.update_event(
        event.id,
        [events.SessionTimes(session.starts_at, session.ends_at, id=session.id)],
        audience_id=staff.id,
        venue="Hörsalen",
    )
    assert kept.audience_id == staff.id
    with pytest.raises(InvalidEvent) as refused:
        make_event(audience_id=staff.id)
    assert refused.value.field == "audience_id"


def test_the_list_refuses_a_name_it_has_in_another_spelling():
    save_audience(None, "Bibliotekschefer", "", False, None)
    with pytest.raises(EventRegError) as refused:
        save_audience(None, "bibliotekschefer ", "", False, None)
    assert refused.value.field == "name"
