"""Course evaluations (kursutvärdering): asked of those who came, answered once (and changed
until the evaluation closes), and shown to coordinators without names.

An event's evaluation opens when the mail after the course goes out: its questions are then a
copy of the region's default questionnaire, which is made from :data:`DEFAULTS` the first
time it is needed. It closes ``EVALUATION_DAYS`` (21) after the last session.
"""

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from eventreg import audit
from eventreg.errors import EventRegError, RegistrationClosed
from eventreg.extensions import db
from eventreg.models import (
    Attendance,
    EvaluationAnswer,
    EvaluationKind,
    EvaluationQuestion,
    EvaluationResponse,
    Event,
    Registration,
    RegistrationStatus,
    User,
)
from eventreg.models.base import utcnow
from eventreg.services.locks import lock_event
from eventreg.text import given

#: The region's questionnaire until it is changed: (kind, Swedish, English, required).
DEFAULTS = (
    (
        EvaluationKind.SCALE,
        "Vad tycker du om kursen som helhet?",
        "What did you think of the course as a whole?",
        True,
    ),
    (
        EvaluationKind.SCALE,
        "Hur användbar är kursen i ditt arbete?",
        "How useful is the course in your work?",
        True,
    ),
    (EvaluationKind.LONG_TEXT, "Vad tar du med dig?", "What will you take with you?", False),
    (EvaluationKind.LONG_TEXT, "Vad kunde ha varit bättre?", "What could have been better?", False),
)
SCALE = ("1", "2", "3", "4", "5")


@dataclass(frozen=True)
class QuestionText:
    """A question as the editor gives it."""

    kind: EvaluationKind
    text: str
    text_en: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    choices_en: tuple[str, ...] = ()
    position: int = 0
    remove: bool = False


def questions_of(event_id: int | None) -> list[EvaluationQuestion]:
    """An event's questions in order (None: the default questionnaire's)."""
    return list(
        db.session.scalars(
            select(EvaluationQuestion)
            .where(
                EvaluationQuestion.event_id.is_(None)
                if event_id is None
                else EvaluationQuestion.event_id == event_id
            )
            .order_by(EvaluationQuestion.position, EvaluationQuestion.id)
        )
    )


def evaluated_events(event_ids: set[int]) -> set[int]:
    """Those of the events whose evaluation has opened, in one query for a list."""
    return set(
        db.session.scalars(
            select(EvaluationQuestion.event_id)
            .where(EvaluationQuestion.event_id.in_(event_ids))
            .distinct()
        )
    )


def default_texts() -> list[EvaluationQuestion]:
    """The built-in questions, unsaved: what the editor shows before the region saves its own."""
    return [
        EvaluationQuestion(
            position=n,
            kind=kind,
            text=text,
            text_en=text_en,
            choices="",
            choices_en="",
            required=required,
        )
        for n, (kind, text, text_en, required) in enumerate(DEFAULTS)
    ]


def _defaults() -> list[EvaluationQuestion]:
    found = questions_of(None)
    if not found:
        found = default_texts()
        db.session.add_all(found)
    return found


def open_evaluation(event: Event) -> list[EvaluationQuestion]:
    """The event's questions, copied from the default questionnaire the first time (the
    caller holds the event's lock: the mail after the course opens the evaluation)."""
    own = questions_of(event.id)
    if not own:
        own = [
            EvaluationQuestion(
                event_id=event.id,
                position=q.position,
                kind=q.kind,
                text=q.text,
                text_en=q.text_en,
                choices=q.choices,
                choices_en=q.choices_en,
                required=q.required,
            )
            for q in _defaults()
        ]
        db.session.add_all(own)
        db.session.flush()
    return own


def closes_at(event: Event) -> datetime:
    return event.last_end + timedelta(days=current_app.config["EVALUATION_DAYS"])


def _came(registration: Registration) -> bool:
    return registration.status == RegistrationStatus.CONFIRMED and bool(
        db.session.scalar(
            select(
                exists().where(Attendance.registration_id == registration.id, Attendance.present)
            )
        )
    )


def open_until(event: Event, now: datetime | None = None) -> datetime | None:
    """When the event's evaluation closes, while it is open (it opens with the mail after the
    course, which gives it its questions); None otherwise."""
    closes = closes_at(event)
    if (now or utcnow()) >= closes or not questions_of(event.id):
        return None
    return closes


def can_answer(registration: Registration, now: datetime | None = None) -> bool:
    """Those who came, from when the evaluation opens until it closes."""
    return _came(registration) and open_until(registration.event, now) is not None


def response_of(registration_id: int) -> EvaluationResponse | None:
    return db.session.scalar(
        select(EvaluationResponse).where(EvaluationResponse.registration_id == registration_id)
    )


def answers_by_question(response: EvaluationResponse | None) -> dict[int, list[str]]:
    chosen: dict[int, list[str]] = {}
    for answer in response.answers if response else ():
        chosen.setdefault(answer.question_id, []).append(answer.value)
    return chosen


def save_response(registration_id: int, raw: Mapping[int, Sequence[str]]) -> EvaluationResponse:
    """Save (or replace) a person's answers.

    :raise RegistrationClosed: when the person did not come, or the evaluation is not open.
    :raise EventRegError: naming the question's field (``e<id>``) whose answer is missing or
        not one of those offered.
    """
    registration = db.session.get(Registration, registration_id)
    event = lock_event(registration.event_id)
    if not can_answer(registration):
        raise RegistrationClosed(_("Utvärderingen är stängd."))
    values = []
    for question in questions_of(event.id):
        answer = given(raw.get(question.id, ()))
        name = f"e{question.id}"
        if not answer:
            if question.required:
                raise EventRegError(_("Svara på frågan."), field=name)
            continue
        if question.kind == EvaluationKind.SCALE:
            allowed = SCALE
        elif question.kind.has_choices:
            allowed = tuple(question.choices.splitlines())
        else:
            limit = 500 if question.kind == EvaluationKind.SHORT_TEXT else 5000
            values.append((question.id, answer[0][:limit]))
            continue
        if any(value not in allowed for value in answer) or (
            question.kind != EvaluationKind.MULTIPLE_CHOICE and len(answer) > 1
        ):
            raise EventRegError(_("Välj bland alternativen."), field=name)
        values += [(question.id, value) for value in dict.fromkeys(answer)]
    response = response_of(registration.id)
    if response is None:
        response = EvaluationResponse(event_id=event.id, registration_id=registration.id)
        db.session.add(response)
    response.answers = [EvaluationAnswer(question_id=q, value=v) for q, v in values]
    response.updated_at = utcnow()
    db.session.flush()
    return response


@dataclass
class QuestionResult:
    question: EvaluationQuestion
    counts: Counter = field(default_factory=Counter)
    texts: list[str] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(self.counts.values()) if self.counts else len(self.texts)

    @property
    def average(self) -> float | None:
        total = sum(self.counts.values())
        if self.question.kind != EvaluationKind.SCALE or not total:
            return None
        return sum(int(value) * count for value, count in self.counts.items()) / total

    def options(self) -> list[str]:
        """The values counted, in the order the question offers them."""
        if self.question.kind == EvaluationKind.SCALE:
            return list(SCALE)
        return self.question.choices.splitlines()


@dataclass(frozen=True)
class Results:
    responses: int
    came: int
    questions: list[QuestionResult]

    @property
    def rate(self) -> float | None:
        return self.responses / self.came if self.came else None


def results(event_id: int) -> Results:
    """Counts, averages and the free texts (in random order), with no names."""
    questions = {q.id: QuestionResult(q) for q in questions_of(event_id)}
    rows = db.session.execute(
        select(EvaluationAnswer.question_id, EvaluationAnswer.value)
        .join(EvaluationResponse)
        .where(EvaluationResponse.event_id == event_id)
    )
    for question_id, value in rows:
        result = questions.get(question_id)
        if result is None:
            continue
        if result.question.kind in (EvaluationKind.SHORT_TEXT, EvaluationKind.LONG_TEXT):
            result.texts.append(value)
        else:
            result.counts[value] += 1
    for result in questions.values():
        random.shuffle(result.texts)  # the order they came in could tell who wrote what
    responses = db.session.scalar(
        select(func.count()).where(EvaluationResponse.event_id == event_id)
    )
    came = db.session.scalar(
        select(func.count(func.distinct(Attendance.registration_id)))
        .join(Registration, Registration.id == Attendance.registration_id)
        .where(Registration.event_id == event_id, Attendance.present)
    )
    return Results(responses, came, list(questions.values()))


def save_questions(
    event_id: int | None, texts: list[QuestionText], actor: User
) -> list[EvaluationQuestion]:
    """Make the questions those of the editor, in its order: an event's own (until someone has
    answered: their answers would no longer say what they answered), or the default ones (which
    evaluations opened later start from).

    :raise EventRegError: once someone has answered the event's evaluation, or for no question.
    """
    event = lock_event(event_id) if event_id is not None else None
    if event is not None and db.session.scalar(
        select(exists().where(EvaluationResponse.event_id == event.id))
    ):
        raise EventRegError(
            "Någon har redan svarat på utvärderingen, så frågorna kan inte ändras längre."
        )
    existing = questions_of(event_id)
    kept = sorted((t for t in texts if not t.remove and t.text.strip()), key=lambda t: t.position)
    if not kept:
        raise EventRegError("Utvärderingen behöver minst en fråga.")
    for question in existing:
        db.session.delete(question)
    db.session.flush()
    saved = [
        EvaluationQuestion(
            event_id=event_id,
            position=position,
            kind=text.kind,
            text=" ".join(text.text.split()),
            text_en=" ".join(text.text_en.split()),
            required=text.required,
            choices="\n".join(text.choices),
            choices_en="\n".join(text.choices_en) if any(text.choices_en) else "",
        )
        for position, text in enumerate(kept)
    ]
    db.session.add_all(saved)
    db.session.flush()
    audit.record(
        actor,
        "sparade utvärderingens frågor" if event else "sparade standardfrågorna för utvärderingar",
        event,
    )
    return saved
