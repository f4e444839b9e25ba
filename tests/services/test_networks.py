"""Networks: joining, invitations and answers, reminders that go once, and members leaving."""

from datetime import timedelta

import icalendar
import pytest
from helpers import applicant, calendar_part, counting, deliver, make_event, stockholm
from sqlalchemy import func, select

from eventreg.errors import RegistrationClosed
from eventreg.extensions import db
from eventreg.models import (
    EventKind,
    Invitation,
    InvitationStatus,
    JoinPolicy,
    MemberStatus,
    OutboxMessage,
)
from eventreg.services import invitations, networks, registrations, reminders
from eventreg.services.events import SessionTimes, cancel_event, publish_event, update_event

pytestmark = pytest.mark.usefixtures("ctx")


@pytest.fixture
def network():
    network = networks.create_network(
        None, name="Barnnätverket", contact_name="Karin", contact_email="karin@region.se"
    )
    for n in (1, 2, 3):
        networks.add_member(network, applicant(n))
    db.session.commit()
    return network


def meeting(network, **details):
    event = make_event(
        kind=EventKind.NETWORK_MEETING,
        network_id=network.id,
        publish=False,
        capacity=None,
        **details,
    )
    publish_event(event.id)
    db.session.commit()
    return event


def invitation_of(event, n) -> Invitation:
    return db.session.scalars(
        select(Invitation)
        .join(Invitation.member)
        .where(Invitation.event_id == event.id)
        .order_by(Invitation.id)
    ).all()[n - 1]


def kinds() -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)))


def test_publishing_a_meeting_invites_every_active_member_with_a_calendar_invite(network, smtp):
    networks.remove_member(network.members[2])
    event = meeting(network)
    mails = deliver(smtp)

    assert sorted(m["To"] for m in mails) == [
        "Person 1 <person1@bibliotek.se>",
        "Person 2 <person2@bibliotek.se>",
    ]
    text = mails[0].get_body(("plain",)).get_content()
    assert "/inbjudan/" in text and "/kommer-inte" in text and "/natverk/lamna/" in text
    (vevent,) = icalendar.Calendar.from_ical(calendar_part(mails[0]).get_content()).walk("VEVENT")
    assert vevent["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
    assert vevent["UID"] == f"session-{event.sessions[0].id}@kalendarium.test"
    assert invitations.invite_members(event) == 0  # nobody twice


def test_accepting_signs_up_and_twice_changes_nothing(network):
    event = meeting(network)
    invitation = invitation_of(event, 1)
    invitations.answer(invitation.id, accept=True)
    invitations.answer(invitation.id, accept=True)
    db.session.commit()
    assert invitation.status == InvitationStatus.ACCEPTED
    assert registrations.confirmed_count(event.id) == 1
    assert kinds().count("confirmation") == 1


def test_declining_after_accepting_cancels_the_seat(network, smtp):
    event = meeting(network)
    invitation = invitation_of(event, 1)
    invitations.answer(invitation.id, accept=True)
    db.session.commit()
    deliver(smtp)
    invitations.answer(invitation.id, accept=False)
    db.session.commit()
    (mail,) = deliver(smtp)
    assert calendar_part(mail).get_param("method") == "CANCEL"
    assert registrations.confirmed_count(event.id) == 0
    assert invitation.status == InvitationStatus.DECLINED


def test_declining_right_away_takes_the_meeting_out_of_the_calendar(network, smtp):
    event = meeting(network)
    invites = {m["To"]: m for m in deliver(smtp)}
    invitations.answer(invitation_of(event, 2).id, accept=False)
    db.session.commit()
    (mail,) = deliver(smtp)
    cancel = icalendar.Calendar.from_ical(calendar_part(mail).get_content()).walk("VEVENT")[0]
    invite = icalendar.Calendar.from_ical(calendar_part(invites[mail["To"]]).get_content()).walk(
        "VEVENT"
    )[0]
    assert cancel["UID"] == invite["UID"] and cancel["SEQUENCE"] > invite["SEQUENCE"]


def test_an_answer_after_the_deadline_is_refused(network):
    event = meeting(network, days=5, deadline_days=-1)
    with pytest.raises(RegistrationClosed, match="Svarstiden har gått ut"):
        invitations.answer(invitation_of(event, 1).id, accept=True)


def test_invited_only_meetings_take_no_public_sign_ups(network):
    event = meeting(network, invited_only=True)
    assert registrations.sign_up_state(event, {}) == registrations.SignUpState.INVITED_ONLY
    with pytest.raises(RegistrationClosed, match="för inbjudna"):
        registrations.register(event.id, applicant(9))
    invitations.answer(invitation_of(event, 1).id, accept=True)
    db.session.commit()
    assert registrations.confirmed_count(event.id) == 1


def test_one_reminder_to_those_who_have_not_answered_run_twice_sends_once(app, network):
    event = meeting(network, days=10, deadline_days=2)
    invitations.answer(invitation_of(event, 1).id, accept=True)
    invitations.answer(invitation_of(event, 2).id, accept=False)
    db.session.commit()
    first = reminders.send_reminders()
    second = reminders.send_reminders()
    db.session.commit()
    assert (first.invitations, second.invitations) == (1, 0)
    assert kinds().count("invitation-reminder") == 1
    assert invitation_of(event, 3).reminded_at is not None


def test_no_reminder_before_its_time(network):
    meeting(network, days=30, deadline_days=20)
    assert reminders.send_reminders().invitations == 0


def test_event_reminders_go_once_to_seated_people_days_before(app, smtp):
    soon = make_event(days=1, capacity=1, online_url="https://meet.test/x")
    later = make_event(days=20)
    for event in (soon, later):
        registrations.register(event.id, applicant(1))
    registrations.register(soon.id, applicant(2))  # waiting list: no reminder
    db.session.commit()
    deliver(smtp)
    assert reminders.send_reminders().events == 1
    assert reminders.send_reminders().events == 0
    db.session.commit()
    (mail,) = deliver(smtp)
    assert mail["Subject"] == "Påminnelse: Bokprat för unga läsare"
    assert "https://meet.test/x" in mail.get_body(("plain",)).get_content()


def test_joining_is_open_or_waits_for_approval(network):
    pending = networks.request_membership(network.id, applicant(7))
    assert pending.status == MemberStatus.PENDING
    network.join_policy = JoinPolicy.OPEN
    joined = networks.request_membership(network.id, applicant(8))
    assert joined.status == MemberStatus.ACTIVE
    networks.approve_member(pending, None)
    db.session.commit()
    assert pending.status == MemberStatus.ACTIVE
    assert kinds().count("membership") == 3


def test_a_pasted_list_adds_new_members_and_reports_lines_without_address(network):
    result = networks.add_members_from_text(
        network,
        "Anna Ek <anna@vetlanda.se>\nBo Al, bo@habo.se\nperson1@bibliotek.se\nbara ett namn\n\n",
        None,
    )
    db.session.commit()
    assert result.added == 2
    assert result.skipped == ["bara ett namn"]
    names = {m.email: m.name for m in network.members}
    assert names["anna@vetlanda.se"] == "Anna Ek" and names["bo@habo.se"] == "Bo Al"


def test_a_member_who_left_is_not_invited_and_can_come_back(network):
    member = network.members[0]
    networks.remove_member(member)
    event = meeting(network)
    assert db.session.scalar(select(func.count()).where(Invitation.event_id == event.id)) == 2
    networks.add_member(network, applicant(1))
    assert member.status == MemberStatus.ACTIVE


def test_a_series_of_meetings_invites_for_each(network):
    days = [stockholm(d, 13) for d in (20, 50, 80, 110)]
    planned = networks.plan_series(
        network,
        [SessionTimes(d, d + timedelta(hours=2)) for d in days],
        7,
        None,
        publish=True,
        title="Barnnätverket träffas",
    )
    db.session.commit()
    assert [e.first_start for e in planned] == days
    assert all(
        e.registration_deadline == (d - timedelta(days=7)).date()
        for e, d in zip(planned, days, strict=True)
    )
    assert kinds().count("invitation") == 12
    assert {e.network_id for e in planned} == {network.id}


def test_a_no_by_invitation_also_cancels_a_seat_taken_on_the_event_page(network):
    event = meeting(network)
    registrations.register(event.id, applicant(1))
    db.session.commit()
    invitations.answer(invitation_of(event, 1).id, accept=False)
    db.session.commit()
    assert registrations.confirmed_count(event.id) == 0


def test_every_mail_about_a_network_meeting_has_the_leave_link(network, smtp):
    event = meeting(network)
    invitations.answer(invitation_of(event, 1).id, accept=True)
    db.session.commit()
    mails = deliver(smtp)
    confirmation = next(m for m in mails if m["Subject"].startswith("Bekräftelse"))
    assert "/natverk/lamna/" in confirmation.get_body(("plain",)).get_content()
    assert "Lämna nätverket" in confirmation.get_body(("html",)).get_content()
    assert all("/natverk/lamna/" in m.get_body(("plain",)).get_content() for m in mails)


def test_mail_about_a_meeting_reads_the_same_for_2_or_8_attendees(network):
    """Each mail about a network's meeting carries a leave link: looked up once, not per person.

    Reads are counted; each mail is of course one INSERT into the outbox.
    """
    for n in range(4, 9):
        networks.add_member(network, applicant(n))
    meetings = [meeting(network), meeting(network)]
    for event, members in zip(meetings, (range(1, 3), range(1, 9)), strict=True):
        for n in members:
            registrations.register(event.id, applicant(n))
    db.session.commit()

    def queries(change) -> list[int]:
        counts = []
        for event in meetings:
            with counting(db.engine) as statements:
                change(event)
                db.session.flush()
            counts.append(sum(s.startswith("SELECT") for s in statements))
        return counts

    later = [SessionTimes(stockholm(20, 13), stockholm(20, 15))]
    # Fewer is fine: the first meeting also loads the network, which the second finds in memory.
    few, many = queries(lambda event: update_event(event.id, later))
    assert many <= few
    few, many = queries(lambda event: cancel_event(event.id, "Sjukdom."))
    assert many <= few
