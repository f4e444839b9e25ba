"""Course evaluations: opened by the mail after the course, answered by those who came (and
changed until they close), shown to coordinators without names."""

import re
from datetime import timedelta

import pytest
from helpers import came, csrf_token, deliver
from sqlalchemy import select

from eventreg.extensions import db
from eventreg.models import EvaluationQuestion, Event
from eventreg.models.base import utcnow
from eventreg.services import followups


def mails_after(app, smtp) -> dict:
    with app.app_context():
        deliver(smtp)
        followups.send_due()
        db.session.commit()
        return {m["To"]: m.get_body(("plain",)).get_content() for m in deliver(smtp)}


def evaluation_link(text: str) -> str:
    return re.search(r"https://kalendarium\.test(/anmalan/\S+/utvardering)", text).group(1)


def names_by_position(page: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'name="(e\d+)"', page)))


def test_those_who_came_answer_and_the_coordinator_sees_counts_without_names(
    app,
    client,
    smtp,
    held,
    coordinator_client,
):
    event_id, (asa, bo, _cia) = held
    came(app, event_id, {0: {asa, bo}, 1: {asa}, 2: {asa}})
    mails = mails_after(app, smtp)
    asa_url = evaluation_link(mails["Åsa Öberg <person0@bibliotek.se>"])
    bo_url = evaluation_link(mails["Bo Ek <person1@bibliotek.se>"])
    page = client.get(asa_url).text
    assert "<legend>Vad tycker du om kursen som helhet? (svar krävs)</legend>" in page
    overall, useful, take_away, better = names_by_position(page)
    missing = client.post(asa_url, data={"csrf_token": csrf_token(page), overall: "5"})
    assert missing.status_code == 422
    assert f'id="{useful}-error"' in missing.text and "Svara på frågan." in missing.text
    assert 'value="5" checked' in missing.text  # what was chosen stays
    tampered = client.post(
        asa_url, data={"csrf_token": csrf_token(page), overall: "9", useful: "4"}
    )
    assert tampered.status_code == 422 and "Välj bland alternativen." in tampered.text
    saved = client.post(
        asa_url,
        data={"csrf_token": csrf_token(page), overall: "5", useful: "4", take_away: "Bokprat!"},
        follow_redirects=True,
    )
    assert "Tack för dina svar!" in saved.text
    changed = client.post(  # changed her mind: one response, not two
        asa_url,
        data={"csrf_token": csrf_token(page), overall: "4", useful: "4", better: "Mer fika"},
    )
    assert changed.status_code == 302
    page = client.get(bo_url).text
    client.post(bo_url, data={"csrf_token": csrf_token(page), overall: "2", useful: "3"})
    results = coordinator_client.get(f"/samordnare/evenemang/{event_id}/utvardering").text
    assert "2 av 2 som kom har svarat (100 %)" in results
    assert "Medelvärde: <strong>3,0</strong> av 5 (2 svar)" in results
    assert "Mer fika" in results and "Bokprat!" not in results  # replaced
    assert "Åsa" not in results and "Bo Ek" not in results
    exported = coordinator_client.get(f"/samordnare/evenemang/{event_id}/utvardering.csv")
    table = exported.data.decode("utf-8-sig")
    assert "Vad tycker du om kursen som helhet?;Medelvärde;3.0" in table
    assert "Vad kunde ha varit bättre?;Mer fika;" in table and "Åsa" not in table


def test_those_absent_and_those_too_late_cannot_answer(app, client, smtp, held):
    event_id, (asa, bo, cia) = held
    came(app, event_id, {0: {asa}})
    mails = mails_after(app, smtp)
    assert not any("utvardering" in text for to, text in mails.items() if "Cia" in to)
    url = evaluation_link(mails["Åsa Öberg <person0@bibliotek.se>"])
    with app.app_context():
        event = db.session.get(Event, event_id)
        for session in event.sessions:  # three weeks and more ago
            session.starts_at -= timedelta(days=30)
            session.ends_at -= timedelta(days=30)
        event.last_end = event.sessions[-1].ends_at
        db.session.commit()
    closed = client.get(url).text
    assert "Utvärderingen är stängd" in closed and "Skicka svaren" not in closed


@pytest.mark.usefixtures("ctx")
def test_an_event_starts_from_the_default_questionnaire():
    from helpers import make_event

    from eventreg.services import evaluations

    event = make_event()
    asked = evaluations.open_evaluation(event)
    assert [q.text for q in asked] == [text for _kind, text, _en, _req in evaluations.DEFAULTS]
    assert db.session.scalar(
        select(EvaluationQuestion.id).where(EvaluationQuestion.event_id.is_(None))
    )


def test_one_reminder_a_week_on_to_those_who_have_not_answered(app, client, smtp, held):
    event_id, (asa, bo, _cia) = held
    came(app, event_id, {0: {asa, bo}})
    mails = mails_after(app, smtp)
    url = evaluation_link(mails["Åsa Öberg <person0@bibliotek.se>"])
    page = client.get(url).text
    overall, useful, *_ = names_by_position(page)
    client.post(url, data={"csrf_token": csrf_token(page), overall: "4", useful: "4"})
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert followups.remind_to_evaluate() == 0  # not a week yet
        week_on = event.followup_sent_at + timedelta(days=7, minutes=1)
        assert followups.remind_to_evaluate(week_on) == 1  # Bo; Åsa answered
        assert followups.remind_to_evaluate(week_on) == 0  # once
        db.session.commit()
        (reminder,) = deliver(smtp)
    assert reminder["To"] == "Bo Ek <person1@bibliotek.se>"
    assert reminder["Subject"] == "Påminnelse: utvärdering av Läsfrämjande för små och stora"
    assert "/utvardering" in reminder.get_body(("plain",)).get_content()


def test_answers_lose_their_names_when_the_evaluation_closes(app, client, smtp, held):
    from eventreg.models import EvaluationResponse
    from eventreg.services import personal_data

    event_id, (asa, _bo, _cia) = held
    came(app, event_id, {0: {asa}})
    url = evaluation_link(mails_after(app, smtp)["Åsa Öberg <person0@bibliotek.se>"])
    page = client.get(url).text
    overall, useful, *_ = names_by_position(page)
    client.post(url, data={"csrf_token": csrf_token(page), overall: "5", useful: "5"})
    with app.app_context():
        personal_data.purge()
        db.session.commit()
        assert db.session.scalar(select(EvaluationResponse.registration_id)) is not None
        personal_data.purge(utcnow() + timedelta(days=21))
        db.session.commit()
        response = db.session.scalar(select(EvaluationResponse))
        assert response.registration_id is None and len(response.answers) == 2


def test_statistics_give_the_average_rating_and_response_rate_per_focus_area(
    app,
    client,
    smtp,
    held,
    coordinator_client,
):
    event_id, (asa, bo, _cia) = held
    came(app, event_id, {0: {asa, bo}})
    url = evaluation_link(mails_after(app, smtp)["Åsa Öberg <person0@bibliotek.se>"])
    page = client.get(url).text
    overall, useful, *_ = names_by_position(page)
    client.post(url, data={"csrf_token": csrf_token(page), overall: "4", useful: "2"})
    with app.app_context():
        day = db.session.get(Event, event_id).first_start.date()
    stats = coordinator_client.get(
        f"/samordnare/statistik?fran={day - timedelta(days=3)}&till={day + timedelta(days=3)}"
    ).text
    assert '<h2 id="evaluations-heading">Kursutvärderingar</h2>' in stats
    assert re.search(
        r'<td class="number">1</td><td class="number">2</td><td class="number">1</td>'
        r'<td class="number">50 %</td><td class="number">4,0</td>',
        stats,
    )


def test_a_coordinator_adapts_an_events_questions_until_someone_answers(
    app,
    client,
    smtp,
    held,
    coordinator_client,
):
    event_id, (asa, _bo, _cia) = held
    url = f"/samordnare/evenemang/{event_id}/utvardering/fragor"
    page = coordinator_client.get(url).text
    assert 'value="Vad tycker du om kursen som helhet?"' in page  # the defaults, to adapt
    data = {"csrf_token": csrf_token(page)}
    for n, (text, kind, choices) in enumerate(
        (
            ("Vilken del var mest givande?", "single_choice", "Del 1\nDel 2 | Part 2"),
            ("Vad tycker du om kursen som helhet?", "scale", ""),
        )
    ):
        data |= {
            f"questions-{n}-text": text,
            f"questions-{n}-kind": kind,
            f"questions-{n}-choices": choices,
            f"questions-{n}-order": str(2 - n),
            f"questions-{n}-required": "y",
        }
    no_choices = coordinator_client.post(url, data={**data, "questions-0-choices": ""})
    assert no_choices.status_code == 422 and "Skriv alternativen, ett per rad." in no_choices.text
    assert coordinator_client.post(url, data=data).status_code == 302
    came(app, event_id, {0: {asa}})
    evaluation = evaluation_link(mails_after(app, smtp)["Åsa Öberg <person0@bibliotek.se>"])
    form = client.get(evaluation).text
    assert form.index("kursen som helhet") < form.index("Vilken del var mest givande?")
    overall, part = names_by_position(form)
    client.post(evaluation, data={"csrf_token": csrf_token(form), overall: "5", part: "Del 2"})
    locked = coordinator_client.post(url, data=data)
    assert "Någon har redan svarat på utvärderingen" in locked.text


def test_an_administrator_changes_the_default_questions_for_evaluations_to_come(app, administrator):
    from helpers import login

    client = app.test_client()
    login(client, administrator)
    page = client.get("/samordnare/utvardering").text
    data = {
        "csrf_token": csrf_token(page),
        "questions-0-text": "Hur nöjd är du?",
        "questions-0-kind": "scale",
        "questions-0-required": "y",
    }
    assert client.post("/samordnare/utvardering", data=data).status_code == 302
    with app.app_context():
        from helpers import make_event

        from eventreg.services import evaluations

        opened = evaluations.open_evaluation(make_event())
        assert [q.text for q in opened] == ["Hur nöjd är du?"]


def test_the_access_report_shows_attendance_certificate_and_evaluation_answers(
    app, client, smtp, held, coordinator_client
):
    event_id, (asa, _bo, _cia) = held
    came(app, event_id, {0: {asa}, 1: {asa}, 2: {asa}})
    url = evaluation_link(mails_after(app, smtp)["Åsa Öberg <person0@bibliotek.se>"])
    page = client.get(url).text
    overall, useful, take_away, _better = names_by_position(page)
    client.post(
        url,
        data={"csrf_token": csrf_token(page), overall: "5", useful: "4", take_away: "Boktips"},
    )
    report = coordinator_client.get(
        "/samordnare/personuppgifter", query_string={"epost": "person0@bibliotek.se"}
    ).text
    assert "Läsfrämjande för små och stora: kom till 3 tillfällen; kursintyg " in report
    assert "Vad tar du med dig? – Boktips" in report
    assert "Kalenderadress i Mina kurser: finns inte." in report
