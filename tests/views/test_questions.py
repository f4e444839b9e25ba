"""A coordinator asks an event's own questions; people answer them when signing up."""

import csv
import io
import re
from datetime import timedelta

import pytest
from helpers import csrf_token, deliver, make_event, personal_link, sign_up_form
from sqlalchemy import select

from eventreg.errors import RegistrationClosed
from eventreg.extensions import db
from eventreg.models import Answer, QuestionKind, Registration
from eventreg.services import questions, registrations
from eventreg.services.questions import QuestionText


@pytest.fixture
def event_id(app):
    with app.app_context():
        event = make_event(capacity=10)
        db.session.commit()
        return event.id


@pytest.fixture
def asking(app, coordinator_client, event_id):
    """The coordinator adds two questions through the editor, one row added on the way."""
    url = f"/samordnare/evenemang/{event_id}/fragor"
    page = coordinator_client.get(url).get_data(as_text=True)
    first = {
        "questions-0-text": "Vilken workshop vill du gå på?",
        "questions-0-text_en": "Which workshop?",
        "questions-0-kind": "single_choice",
        "questions-0-required": "y",
        "questions-0-choices": "Workshop A | Workshop A | 1\nWorkshop B | Workshop B",
    }
    more = coordinator_client.post(
        url, data={"csrf_token": csrf_token(page), **first, "add_question": "y"}
    )
    assert 'name="questions-1-text"' in more.get_data(as_text=True)
    saved = coordinator_client.post(
        url,
        data={
            "csrf_token": csrf_token(page),
            **first,
            "questions-1-text": "Något du vill att vi tar upp?",
            "questions-1-kind": "long_text",
            "save": "y",
        },
        follow_redirects=True,
    )
    assert "Frågorna är sparade." in saved.get_data(as_text=True)
    form = coordinator_client.get(f"/evenemang/{event_id}/anmalan").get_data(as_text=True)
    return {
        name: re.search(
            rf'name="(q\d+)"[^>]*value="(\d+)"[^>]*>\s*<label[^>]*>{name}', form
        ).groups()
        for name in ("Workshop A", "Workshop B")
    } | {"topic": re.search(r'<textarea[^>]*name="(q\d+)"', form).group(1)}


def post_sign_up(client, event_id: int, n: int, **answers):
    page = client.get(f"/evenemang/{event_id}/anmalan").get_data(as_text=True)
    return client.post(
        f"/evenemang/{event_id}/anmalan",
        data={"csrf_token": csrf_token(page), "questions": "1", **sign_up_form(n), **answers},
    )


def test_questions_are_asked_answered_and_shown_in_the_list_and_the_export(
    app, client, coordinator_client, event_id, asking
):
    app.config["SIGN_UP_FRESH_SECONDS"] = 0  # the form is looked at right after each change
    page = client.get(f"/evenemang/{event_id}/anmalan").get_data(as_text=True)
    assert "<legend>Vilken workshop vill du gå på? (svar krävs)</legend>" in page
    assert "Workshop A (1 plats kvar)" in page

    unanswered = post_sign_up(client, event_id, 1)
    assert unanswered.status_code == 422
    html = unanswered.get_data(as_text=True)
    question, _ = asking["Workshop A"]
    assert f'id="{question}-error"' in html and "Svara på frågan." in html
    assert 'value="Person 1"' in html  # nothing typed is lost

    question, workshop_a = asking["Workshop A"]
    signed_up = post_sign_up(
        client, event_id, 1, **{question: workshop_a, asking["topic"]: "Bokprat för unga"}
    )
    assert signed_up.status_code == 302
    later = client.get(f"/evenemang/{event_id}/anmalan").get_data(as_text=True)
    assert "Workshop A (fullt)" in later
    assert re.search(
        rf'<input[^>]*disabled[^>]*value="{workshop_a}"|<input[^>]*value="{workshop_a}"[^>]*disabled',
        later,
    )
    full = post_sign_up(client, event_id, 2, **{question: workshop_a})
    assert full.status_code == 422
    assert "”Workshop A” är fullt. Välj ett annat alternativ." in full.get_data(as_text=True)

    listing = coordinator_client.get(f"/samordnare/evenemang/{event_id}/deltagare").get_data(
        as_text=True
    )
    assert "Vilken workshop vill du gå på?: Workshop A" in listing
    exported = coordinator_client.get(f"/samordnare/evenemang/{event_id}/deltagare.csv")
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig")), delimiter=";"))
    column = rows[0].index("Vilken workshop vill du gå på?")
    assert rows[1][column] == "Workshop A"
    assert rows[1][rows[0].index("Något du vill att vi tar upp?")] == "Bokprat för unga"
    counts = coordinator_client.get(f"/samordnare/evenemang/{event_id}/fragor").get_data(
        as_text=True
    )
    assert re.search(
        r"Workshop A</th><td class=\"number\">1</td><td class=\"number\">1</td>", counts
    )


def test_an_answer_to_another_events_question_changes_nothing(app, client, event_id, asking):
    with app.app_context():
        other = make_event(title="Ett annat evenemang")
        db.session.commit()
        other_id = other.id
    question, workshop_a = asking["Workshop A"]
    response = post_sign_up(client, other_id, 3, **{question: workshop_a})
    assert response.status_code == 422
    assert "Svaret hör inte till en fråga i formuläret." in response.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(select(Registration.id).where(Registration.event_id == other_id))
            is None
        )
        assert db.session.scalar(select(Answer.id)) is None


def test_a_yes_or_no_question_is_answered_in_english_too(app, client, event_id):
    with app.app_context():
        questions.save_questions(
            event_id,
            [
                QuestionText(
                    QuestionKind.YES_NO, "Vill du ha material i förväg?", "Material beforehand?"
                )
            ],
            None,
        )
        db.session.commit()
        question = questions.asked(event_id).questions[0].id
    client.get("/sprak/en")
    page = client.get(f"/evenemang/{event_id}/anmalan").get_data(as_text=True)
    assert "<legend>Material beforehand?</legend>" in page
    assert f'<label for="q{question}-0">Yes</label>' in page
    assert post_sign_up(client, event_id, 5, **{f"q{question}": "ja"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Answer.text)) == "ja"


def test_the_sign_in_sheet_shows_the_answers_the_coordinator_ticks(
    client, coordinator_client, event_id, asking
):
    question, workshop_a = asking["Workshop A"]
    post_sign_up(client, event_id, 1, **{question: workshop_a, asking["topic"]: "Hemligt"})
    url = f"/samordnare/evenemang/{event_id}/namnlista"
    plain = coordinator_client.get(url).get_data(as_text=True)
    assert "Visa svar på frågorna" in plain and "<td>Workshop A</td>" not in plain
    ticked = coordinator_client.get(url, query_string={"fraga": question[1:]}).get_data(
        as_text=True
    )
    assert '<th scope="col">Vilken workshop vill du gå på?</th>' in ticked
    assert "<td>Workshop A</td>" in ticked and "Hemligt" not in ticked


def test_a_person_changes_their_answers_and_needs_through_their_link(
    app, client, coordinator_client, smtp, event_id, asking
):
    question, workshop_a = asking["Workshop A"]
    _, workshop_b = asking["Workshop B"]
    post_sign_up(client, event_id, 1, **{question: workshop_a})
    with app.app_context():
        (mail,) = deliver(smtp)
    link = personal_link(mail)
    page = client.get(link).get_data(as_text=True)
    assert 'Vilken workshop vill du gå på?</dt><dd class="pre-line">Workshop A' in page
    change = client.get(f"{link}/andra").get_data(as_text=True)
    assert (
        f'<input checked id="{question}-0" name="{question}" type="radio" value="{workshop_a}">'
        in change
    )
    assert "Workshop A (fullt)" not in change  # her own place is not counted against her

    post_sign_up(client, event_id, 2, **{question: workshop_b})  # someone else, B
    saved = client.post(
        f"{link}/andra",
        data={
            "csrf_token": csrf_token(change),
            "name": "Person 1",
            "library": "other",
            "other_workplace": "Skolbiblioteket",
            "accessibility_needs": "Hörslinga",
            "questions": "1",
            question: workshop_b,
        },
        follow_redirects=True,
    )
    html = saved.get_data(as_text=True)
    assert "Dina ändringar är sparade." in html and "Hörslinga" in html
    listing = coordinator_client.get(f"/samordnare/evenemang/{event_id}/deltagare").get_data(
        as_text=True
    )
    assert listing.count("Vilken workshop vill du gå på?: Workshop B") == 2
    again = client.get(f"/evenemang/{event_id}/anmalan").get_data(as_text=True)
    assert "Workshop A (1 plats kvar)" in again  # her old place is free again


def test_after_the_last_day_to_sign_up_the_answers_stay_as_they_are(app, client, smtp):
    with app.app_context():
        event = make_event(deadline_days=0)
        questions.save_questions(
            event.id, [QuestionText(QuestionKind.SHORT_TEXT, "Allergier?")], None
        )
        db.session.commit()
        event_id, question = event.id, questions.asked(event.id).questions[0].id
    post_sign_up(client, event_id, 1, **{f"q{question}": "Nötter"})
    with app.app_context():
        (mail,) = deliver(smtp)
        registration = db.session.scalar(select(Registration))
        registration.event.registration_deadline -= timedelta(days=1)
        db.session.commit()
        with pytest.raises(RegistrationClosed):
            registrations.change_details(
                registration.id,
                registrations.Applicant(
                    name="X",
                    email="",
                    library_id=None,
                    other_workplace="Y",
                    answers={question: ["Inga"]},
                ),
            )
    link = personal_link(mail)
    assert "Ändra dina uppgifter och svar" not in client.get(link).get_data(as_text=True)
    assert client.get(f"{link}/andra").status_code == 302


def test_a_choice_line_of_the_wrong_shape_is_told_by_its_number(coordinator_client, event_id):
    url = f"/samordnare/evenemang/{event_id}/fragor"
    page = coordinator_client.get(url).get_data(as_text=True)
    refused = coordinator_client.post(
        url,
        data={
            "csrf_token": csrf_token(page),
            "questions-0-text": "Vilken workshop?",
            "questions-0-kind": "single_choice",
            "questions-0-choices": "Workshop A | Workshop A | 20\nWorkshop B | | 0",
            "save": "y",
        },
    )
    assert refused.status_code == 422
    assert "Rad 2: skriv ”Svensk text | English text | antal platser”" in refused.get_data(
        as_text=True
    )
