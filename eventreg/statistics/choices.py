"""Participation per choice made at sign-up over a period: the answer to a choice question
("which workshop?"), or on site and online where events let people choose.

Questions belong to events, but a coordinator asks the same one of several (copied from event
to event), so a question is known here by its Swedish text. This is read from the answers
themselves, on demand: unlike the term's report it is not counted ahead of time.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, select

from eventreg.extensions import db
from eventreg.models import (
    Answer,
    Attendance,
    Choice,
    CountedEvent,
    Event,
    Question,
    QuestionKind,
    Registration,
    RegistrationStatus,
)
from eventreg.templating import MODE_LABELS

_CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


@dataclass(frozen=True)
class ChoiceRow:
    choice: str
    events: int
    registered: int
    attended: int


def _held(start: date, end: date):
    """The events the report counts: published, first session in the period."""
    return select(CountedEvent.event_id).where(CountedEvent.day.between(start, end))


def choice_questions(start: date, end: date) -> list[str]:
    """The choice questions asked by the period's events, by text."""
    return list(
        db.session.scalars(
            select(Question.text)
            .where(Question.event_id.in_(_held(start, end)), Question.kind.in_(_CHOICE_KINDS))
            .distinct()
            .order_by(Question.text)
        )
    )


def by_choice(start: date, end: date, question: str) -> list[ChoiceRow]:
    """Seated people per answer to ``question`` at the period's events, and of them who came."""
    came = exists().where(Attendance.registration_id == Registration.id, Attendance.present)
    rows = db.session.execute(
        select(
            Choice.text,
            func.count(func.distinct(Question.event_id)),
            func.count(func.distinct(Registration.id)),
            func.count(func.distinct(Registration.id)).filter(came),
        )
        .select_from(Answer)
        .join(Choice, Choice.id == Answer.choice_id)
        .join(Question, Question.id == Answer.question_id)
        .join(Registration, Registration.id == Answer.registration_id)
        .where(
            Question.text == question,
            Question.event_id.in_(_held(start, end)),
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .group_by(Choice.text)
        .order_by(Choice.text)
    ).all()
    return [ChoiceRow(*row) for row in rows]


def by_mode(start: date, end: date) -> list[ChoiceRow]:
    """Seated people on site and online at the period's events that let people choose, and of
    them who came; empty when none did."""
    came = exists().where(Attendance.registration_id == Registration.id, Attendance.present)
    rows = db.session.execute(
        select(
            Registration.mode,
            func.count(func.distinct(Registration.event_id)),
            func.count(),
            func.count().filter(came),
        )
        .where(
            # Only the events that let people choose: their registrations are found by event,
            # not by reading every registration of the period for a mode.
            Registration.event_id.in_(
                _held(start, end)
                .join(Event, Event.id == CountedEvent.event_id)
                .where(Event.choose_mode)
            ),
            Registration.mode.is_not(None),
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .group_by(Registration.mode)
        .order_by(Registration.mode.desc())  # on site first
    ).all()
    return [ChoiceRow(str(MODE_LABELS[mode]), *counts) for mode, *counts in rows]
