"""An event's own questions: answers checked and kept, choice limits held like seats."""

import threading

import pytest
from helpers import applicant, make_event, sign_up
from sqlalchemy import func, select

from eventreg.errors import EventRegError
from eventreg.extensions import db
from eventreg.models import Answer, Choice, QuestionKind, Registration
from eventreg.services import questions, registrations
from eventreg.services.questions import ChoiceText, QuestionText

WORKSHOP = QuestionText(
    QuestionKind.SINGLE_CHOICE,
    "Vilken workshop?",
    "Which workshop?",
    required=True,
    choices=(ChoiceText("Workshop A", "Workshop A", 2), ChoiceText("Workshop B")),
)


def with_questions(*texts: QuestionText, **event) -> tuple[int, dict[str, int]]:
    """An event asking ``texts``: its id, and its choices' ids by Swedish text."""
    made = make_event(**event)
    questions.save_questions(made.id, list(texts), None)
    db.session.commit()
    choices = {c.text: c.id for c in db.session.scalars(select(Choice))}
    return made.id, choices


def question_id(event_id: int, number: int = 0) -> int:
    return questions.asked(event_id).questions[number].id


@pytest.mark.usefixtures("ctx")
def test_answers_are_kept_and_a_required_or_foreign_or_full_answer_is_refused():
    event_id, choices = with_questions(
        WORKSHOP, QuestionText(QuestionKind.SHORT_TEXT, "Vad vill du ta upp?")
    )
    workshop, topic = question_id(event_id), question_id(event_id, 1)
    a = str(choices["Workshop A"])

    seated = registrations.register(
        event_id, applicant(1, answers={workshop: [a], topic: ["  Bokprat   för unga "]})
    )
    assert [(x.choice_id, x.text) for x in seated.answers] == [
        (choices["Workshop A"], ""),
        (None, "Bokprat för unga"),
    ]
    for answers, message in (
        ({}, "Svara på frågan."),
        ({workshop: ["999999"]}, "Välj bland alternativen."),
        ({workshop: [a, str(choices["Workshop B"])]}, "Välj ett alternativ."),
        ({workshop: [a], 999999: ["x"]}, "Svaret hör inte till en fråga i formuläret."),
    ):
        with pytest.raises(EventRegError) as refused:
            registrations.register(event_id, applicant(2, answers=answers))
        assert refused.value.message.startswith(message)
    registrations.register(event_id, applicant(3, answers={workshop: [a]}))
    with pytest.raises(EventRegError) as full:
        registrations.register(event_id, applicant(4, answers={workshop: [a]}))
    assert full.value.field == f"q{workshop}"
    assert "”Workshop A” är fullt" in full.value.message


@pytest.mark.usefixtures("ctx")
def test_a_cancelled_place_frees_the_choice_and_a_removed_choice_keeps_its_answers():
    event_id, choices = with_questions(WORKSHOP)
    workshop = question_id(event_id)
    first = registrations.register(
        event_id, applicant(1, answers={workshop: [str(choices["Workshop A"])]})
    )
    registrations.register(event_id, applicant(2, answers={workshop: [str(choices["Workshop A"])]}))
    db.session.commit()
    registrations.cancel_registration(first.id)
    db.session.commit()
    registrations.register(event_id, applicant(3, answers={workshop: [str(choices["Workshop A"])]}))

    changed = QuestionText(
        QuestionKind.SINGLE_CHOICE,
        "Vilken workshop?",
        choices=(ChoiceText("Workshop B"), ChoiceText("Workshop C")),
        id=workshop,
    )
    questions.save_questions(event_id, [changed], None)
    db.session.commit()
    kept = db.session.get(Choice, choices["Workshop A"])
    assert kept.removed  # picked by two: kept, marked
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 3
    offered = [c.text for c in questions.asked(event_id).questions[0].choices if not c.removed]
    assert offered == ["Workshop B", "Workshop C"]
    with pytest.raises(EventRegError) as removed:  # a form loaded before the change
        registrations.register(event_id, applicant(4, answers={workshop: [str(kept.id)]}))
    assert removed.value.message == "Välj bland alternativen."


@pytest.mark.usefixtures("ctx")
def test_questions_are_copied_from_another_event_and_an_event_without_them_asks_nothing():
    source, _ = with_questions(WORKSHOP)
    target = make_event(title="Nästa termin")
    assert questions.copy_questions(source, target.id, None) == 1
    copied = questions.asked(target.id).questions
    assert [(q.text, [c.text for c in q.choices]) for q in copied] == [
        ("Vilken workshop?", ["Workshop A", "Workshop B"])
    ]
    plain = make_event()
    assert sign_up(plain).answers == []


def test_a_choice_limit_holds_when_many_sign_up_at_once(app):
    """Twenty people at once, all for the two places of workshop A."""
    with app.app_context():
        event_id, choices = with_questions(WORKSHOP, capacity=50)
        workshop = question_id(event_id)
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def sign_up_one(n: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                registrations.register(
                    event_id, applicant(n, answers={workshop: [str(choices["Workshop A"])]})
                )
                db.session.commit()
                outcomes.append("seated")
            except EventRegError as error:
                db.session.rollback()
                outcomes.append(error.message)

    threads = [threading.Thread(target=sign_up_one, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("seated") == 2
    assert all("är fullt" in outcome for outcome in outcomes if outcome != "seated")
    with app.app_context():
        picked = db.session.scalar(
            select(func.count())
            .select_from(Answer)
            .join(Registration, Registration.id == Answer.registration_id)
            .where(Answer.choice_id == choices["Workshop A"])
        )
        assert picked == 2


@pytest.mark.usefixtures("ctx")
def test_control_characters_in_a_posted_answer_are_not_stored():
    event_id, _ = with_questions(QuestionText(QuestionKind.SHORT_TEXT, "Vad vill du ta upp?"))
    topic = question_id(event_id)
    registration = registrations.register(
        event_id, applicant(1, answers={topic: ["Bok\x00prat\x1b för unga"]})
    )
    assert [answer.text for answer in registration.answers] == ["Bokprat för unga"]
