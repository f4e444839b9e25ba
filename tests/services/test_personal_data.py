"""Retention and erasure: what is erased when, what survives for statistics, and idempotence."""

from datetime import timedelta

import pytest
from helpers import applicant, make_event
from sqlalchemy import func, select

from eventreg.extensions import db
from eventreg.models import (
    Answer,
    AuditEntry,
    CalendarEntry,
    Library,
    OutboxMessage,
    QuestionKind,
    Registration,
    RegistrationStatus,
    User,
)
from eventreg.models.base import utcnow
from eventreg.services import personal_data, questions
from eventreg.services.accounts import create_user
from eventreg.services.questions import ChoiceText, QuestionText
from eventreg.services.registrations import register

pytestmark = pytest.mark.usefixtures("ctx")


def registration(event, email="anna@bibliotek.se"):
    library = db.session.scalar(select(Library).where(Library.name == "Habo bibliotek"))
    created = register(
        event.id,
        applicant(
            name="Anna Ek",
            email=email,
            library_id=library.id,
            role_title="Bibliotekarie",
            accessibility_needs="Hörslinga",
            message="Hej",
        ),
    )
    db.session.commit()
    return created


def age(event, days: int) -> None:
    """Pretend the event took place ``days`` ago."""
    event.first_start = utcnow() - timedelta(days=days, hours=3)
    event.last_end = utcnow() - timedelta(days=days)
    db.session.commit()


def test_needs_are_erased_30_days_after_the_event_and_names_kept():
    event = make_event(serves_meal=True)
    kept = registration(event)
    age(event, 29)
    assert personal_data.purge().needs_erased == 0
    age(event, 31)
    report = personal_data.purge()
    db.session.commit()
    db.session.refresh(kept)
    assert report.needs_erased == 1
    assert (kept.accessibility_needs, kept.message) == ("", "")
    assert kept.name == "Anna Ek"
    assert report.calendar_entries_deleted == 1  # what her calendar was sent, by address
    assert db.session.scalar(select(func.count()).select_from(CalendarEntry)) == 0


def test_registrations_are_anonymised_after_the_retention_period_keeping_the_library():
    event = make_event()
    old = registration(event)
    age(event, 731)
    first = personal_data.purge()
    second = personal_data.purge()
    db.session.commit()
    db.session.refresh(old)
    assert (first.anonymised, second.anonymised) == (1, 0)
    assert old.name == "" and old.email.endswith("@anonymiserad.invalid")
    assert old.library.name == "Habo bibliotek"
    assert old.status == RegistrationStatus.CONFIRMED


def test_old_mail_is_deleted_after_its_retention():
    event = make_event()
    registration(event)
    db.session.execute(
        OutboxMessage.__table__.update().values(
            status="sent", created_at=utcnow() - timedelta(days=91)
        )
    )
    db.session.commit()
    assert personal_data.purge().mails_deleted == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_person_is_erased_on_request_and_told_of_cancelled_seats():
    coordinator = create_user("k@region.se", "Karin", "ett-långt-lösenord")
    past, coming = make_event(), make_event()
    registration(past)
    seat = registration(coming)
    age(past, 10)
    registrations_before, mails_before = personal_data.stored_about("ANNA@bibliotek.se")
    assert len(registrations_before) == 2 and mails_before

    erased = personal_data.erase_person("anna@bibliotek.se", coordinator)
    db.session.commit()

    assert erased == 2
    assert personal_data.stored_about("anna@bibliotek.se")[0] == []
    db.session.refresh(seat)
    assert seat.status == RegistrationStatus.CANCELLED
    pending = db.session.scalars(
        select(OutboxMessage.kind).where(OutboxMessage.to_email == "anna@bibliotek.se")
    ).all()
    assert pending == ["cancellation"]  # the cancellation still reaches her, then goes
    line = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "raderade personuppgifter")
    )
    assert "anna" not in line.detail.lower()
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 2
    assert db.session.scalar(select(func.count()).select_from(CalendarEntry)) == 0


def test_answers_in_words_are_erased_with_the_needs_and_a_picked_choice_is_kept():
    event = make_event()
    questions.save_questions(
        event.id,
        [
            QuestionText(QuestionKind.LONG_TEXT, "Något vi bör veta?"),
            QuestionText(QuestionKind.YES_NO, "Behöver du ledsagare?"),
            QuestionText(QuestionKind.SINGLE_CHOICE, "Workshop?", choices=(ChoiceText("A"),)),
        ],
        None,
    )
    free, yes_no, workshop = questions.asked(event.id).questions
    register(
        event.id,
        applicant(
            answers={
                free.id: ["Jag har diabetes"],
                yes_no.id: ["ja"],
                workshop.id: [str(workshop.choices[0].id)],
            }
        ),
    )
    db.session.commit()
    age(event, 31)
    personal_data.purge()
    db.session.commit()
    kept = db.session.execute(select(Answer.choice_id, Answer.text).order_by(Answer.id)).all()
    assert kept == [(None, ""), (None, ""), (workshop.choices[0].id, "")]
