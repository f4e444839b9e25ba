"""The rules on an event's own questions: what a coordinator may change, and which answers count.

A question or choice that someone has answered is never deleted, only marked removed, so their
answer stays in the lists. A choice with a limit is counted under the event's lock, as seats
are, so two people signing up at once never both take its last place; people on the waiting
list hold their choice too, so a seat freeing up never overfills it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select, true
from sqlalchemy.orm import joinedload, selectinload

from eventreg import audit
from eventreg.errors import EventRegError
from eventreg.extensions import db
from eventreg.i18n import current_language
from eventreg.models import (
    Answer,
    Choice,
    Event,
    Question,
    QuestionKind,
    Registration,
    RegistrationStatus,
    User,
)
from eventreg.models.base import utcnow
from eventreg.services.locks import lock_event
from eventreg.text import given

#: The answers to yes/no questions, as stored and posted.
YES, NO = "ja", "nej"


@dataclass(frozen=True)
class ChoiceText:
    text: str
    text_en: str = ""
    places: int | None = None


@dataclass(frozen=True)
class QuestionText:
    """A question as the coordinator's form gives it; ``id`` names one being edited."""

    kind: QuestionKind
    text: str
    text_en: str = ""
    help: str = ""
    help_en: str = ""
    required: bool = False
    choices: tuple[ChoiceText, ...] = ()
    id: int | None = None
    remove: bool = False


@dataclass
class Asked:
    """An event's questions as the sign-up form asks them, with each choice's places taken."""

    questions: list[Question] = field(default_factory=list)
    taken: dict[int, int] = field(default_factory=dict)

    def full(self, choice: Choice) -> bool:
        return choice.places is not None and self.taken.get(choice.id, 0) >= choice.places

    @property
    def full_ids(self) -> set[str]:
        """The choices no one more may pick, as the form's values."""
        return {str(c.id) for q in self.questions for c in q.choices if self.full(c)}

    def left(self, choice: Choice) -> int | None:
        return (
            None if choice.places is None else max(choice.places - self.taken.get(choice.id, 0), 0)
        )


#: Built once: every sign-up to an event with questions reads them, with their choices in the
#: same statement.
_ASKED = (
    select(Question)
    .where(Question.event_id == bindparam("event_id"), ~Question.removed)
    .options(joinedload(Question.choices))
    .order_by(Question.position, Question.id)
)


def asked(event_id: int, excluding: int | None = None) -> Asked:
    """The questions still asked, in order, and the places taken of their choices (by others
    than registration ``excluding``, who is changing their answers)."""
    questions = list(db.session.scalars(_ASKED, {"event_id": event_id}).unique())
    limited = [c.id for q in questions for c in q.choices if c.places is not None]
    return Asked(questions, _taken(limited, excluding) if limited else {})


def all_questions(event_id: int) -> list[Question]:
    """Every question of the event, removed ones too (their answers are still shown)."""
    return list(
        db.session.scalars(
            select(Question)
            .where(Question.event_id == event_id)
            .options(selectinload(Question.choices))
            .order_by(Question.removed, Question.position, Question.id)
        )
    )


def choice_counts(questions: list[Question]) -> dict[int, int]:
    """How many registered people (seated or waiting) picked each choice."""
    return _taken([choice.id for question in questions for choice in question.choices])


def _taken(choice_ids: list[int], excluding: int | None = None) -> dict[int, int]:
    """Places taken per choice: by everyone registered, seated or waiting."""
    return dict(
        db.session.execute(
            select(Answer.choice_id, func.count())
            .join(Registration, Registration.id == Answer.registration_id)
            .where(
                Answer.choice_id.in_(choice_ids),
                Registration.status != RegistrationStatus.CANCELLED,
                Registration.id != excluding if excluding is not None else true(),
            )
            .group_by(Answer.choice_id)
        ).all()
    )


def answers_for(
    event_id: int,
    raw: Mapping[int, Sequence[str]],
    required: bool = True,
    registration_id: int | None = None,
) -> list[Answer]:
    """The answers a sign-up gives, checked against the event's questions (call under the
    event's lock: choice limits are counted here).

    :param raw: the posted values per question id: text, "ja"/"nej", or choice ids.
    :param required: whether a required question must be answered (not when a coordinator
        adds someone).
    :param registration_id: the registration whose answers these replace: its own choices do
        not count against their limits.
    :raise EventRegError: naming the question's field (``q<id>``) for a missing required
        answer, or a choice that is not the question's, removed or full.
    """
    questions = asked(event_id, excluding=registration_id)
    known = {question.id for question in questions.questions}
    if any(question_id not in known for question_id in raw):
        raise EventRegError(_("Svaret hör inte till en fråga i formuläret. Ladda om sidan."))
    answers = []
    for question in questions.questions:
        # Read from the post itself, past the form's filters: control characters go here.
        values = given(raw.get(question.id, ()))
        name = f"q{question.id}"
        if not values:
            if question.required and required:
                raise EventRegError(_("Svara på frågan."), field=name)
            continue
        if question.kind.has_choices:
            choices = {str(choice.id): choice for choice in question.choices}
            picked = [choices.get(value) for value in dict.fromkeys(values)]
            if any(choice is None or choice.removed for choice in picked):
                raise EventRegError(_("Välj bland alternativen."), field=name)
            if question.kind == QuestionKind.SINGLE_CHOICE and len(picked) > 1:
                raise EventRegError(_("Välj ett alternativ."), field=name)
            full = [choice for choice in picked if questions.full(choice)]
            if full:
                raise EventRegError(
                    _(
                        "”%(choice)s” är fullt. Välj ett annat alternativ.",
                        choice=full[0].text_in(current_language()),
                    ),
                    field=name,
                )
            answers += [Answer(question_id=question.id, choice_id=c.id) for c in picked]
        elif question.kind == QuestionKind.YES_NO:
            if values[0] not in (YES, NO):
                raise EventRegError(_("Svara ja eller nej."), field=name)
            answers.append(Answer(question_id=question.id, text=values[0]))
        else:
            limit = 500 if question.kind == QuestionKind.SHORT_TEXT else 5000
            text = " ".join(values[0].split()) if limit == 500 else values[0]
            answers.append(Answer(question_id=question.id, text=text[:limit]))
    return answers


def save_questions(event_id: int, texts: list[QuestionText], actor: User | None) -> Event:
    """Make the event's questions those of the form, in its order.

    A question or choice left out is deleted, or marked removed when someone answered it.
    :raise EventRegError: for a choice question without choices, or a question without text.
    """
    event = lock_event(event_id)  # sign-ups count the choices' places under this lock too
    existing = {
        q.id: q
        for q in db.session.scalars(
            select(Question)
            .where(Question.event_id == event_id)
            .options(selectinload(Question.choices))
        )
    }
    answered = _answered(list(existing))
    position = 0
    for number, text in enumerate(texts, start=1):
        question = existing.get(text.id) if text.id is not None else None
        if text.remove or not text.text.strip():
            if question is not None:
                _drop(question, answered)
            continue
        if text.kind.has_choices and not text.choices:
            raise EventRegError(
                f"Fråga {number}: skriv alternativen, ett per rad.",
                field=f"questions-{number - 1}-choices",
            )
        if question is None:
            question = Question(event_id=event_id)
            db.session.add(question)
        question.kind, question.position, question.removed = text.kind, position, False
        question.text, question.text_en = (
            " ".join(text.text.split()),
            " ".join(text.text_en.split()),
        )
        question.help, question.help_en = text.help.strip(), text.help_en.strip()
        question.required = text.required
        _set_choices(question, text.choices if text.kind.has_choices else (), answered)
        position += 1
    event.updated_at = utcnow()  # the stored sign-up form, and the posted one's version
    db.session.flush()
    audit.record(actor, "sparade frågorna", event)
    return event


def copy_questions(from_event_id: int, to_event_id: int, actor: User | None) -> int:
    """Add the questions of another event (those still asked) after this event's own."""
    target = lock_event(to_event_id)
    source = asked(from_event_id).questions
    start = db.session.scalar(
        select(func.count()).select_from(Question).where(Question.event_id == to_event_id)
    )
    for offset, question in enumerate(source):
        copy = Question(
            event_id=to_event_id,
            position=start + offset,
            kind=question.kind,
            text=question.text,
            text_en=question.text_en,
            help=question.help,
            help_en=question.help_en,
            required=question.required,
        )
        copy.choices = [
            Choice(position=c.position, text=c.text, text_en=c.text_en, places=c.places)
            for c in question.choices
            if not c.removed
        ]
        db.session.add(copy)
    target.updated_at = utcnow()
    db.session.flush()
    audit.record(
        actor,
        "kopierade frågor",
        target,
        f"från evenemang {from_event_id}",
    )
    return len(source)


def _answered(question_ids: list[int]) -> tuple[set[int], set[int]]:
    """(questions, choices) someone has answered."""
    if not question_ids:
        return set(), set()
    rows = db.session.execute(
        select(Answer.question_id, Answer.choice_id)
        .where(Answer.question_id.in_(question_ids))
        .distinct()
    ).all()
    return {row.question_id for row in rows}, {row.choice_id for row in rows if row.choice_id}


def _drop(question: Question, answered: tuple[set[int], set[int]]) -> None:
    if question.id in answered[0]:
        question.removed = True
    else:
        db.session.delete(question)


def _set_choices(question: Question, texts: Sequence[ChoiceText], answered) -> None:
    """Choices are known by their Swedish text: a new wording is a new choice."""
    by_text = {choice.text: choice for choice in question.choices}
    kept = []
    for position, text in enumerate(texts):
        wording = " ".join(text.text.split())
        choice = by_text.pop(wording, None) or Choice(text=wording)
        choice.position, choice.text_en, choice.places = position, text.text_en, text.places
        choice.removed = False
        kept.append(choice)
    for choice in by_text.values():
        if choice.id in answered[1]:
            choice.removed = True
            kept.append(choice)
    question.choices = kept


def headings(asked_ever: list[Question]) -> list[str]:
    """A column heading per question (``all_questions``), removed ones marked."""
    return [q.text + (" (borttagen)" if q.removed else "") for q in asked_ever]


#: Yes and no as the lists and the personal page say them.
YES_NO_WORDS = {"sv": {YES: "Ja", NO: "Nej"}, "en": {YES: "Yes", NO: "No"}}


def answer_cells(
    registration: Registration, asked_ever: list[Question], language: str = "sv"
) -> list[str]:
    """The registration's answers, one cell per question in ``asked_ever``, in ``language``
    (the coordinators' lists and exports are Swedish)."""
    columns = {q.id for q in asked_ever}
    choices = {c.id: c for q in asked_ever for c in q.choices}
    given: dict[int, list[str]] = {}
    for answer in registration.answers:
        if answer.question_id not in columns:
            continue
        if answer.choice_id is not None:
            choice = choices[answer.choice_id]
            text = choice.text_in(language) + (" (borttaget)" if choice.removed else "")
        else:
            text = YES_NO_WORDS[language].get(answer.text, answer.text)
        given.setdefault(answer.question_id, []).append(text)
    return [", ".join(given.get(q.id, [])) for q in asked_ever]
