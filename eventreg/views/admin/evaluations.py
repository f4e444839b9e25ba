"""An event's evaluation as coordinators see it: counts, averages and texts, without names."""

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from eventreg import exports
from eventreg.forms.evaluations import EvaluationQuestionsForm
from eventreg.models import Role
from eventreg.services import evaluations
from eventreg.views.admin import bp
from eventreg.views.admin.access import requires
from eventreg.views.admin.events import get_event
from eventreg.views.forms import run, status


@bp.get("/evenemang/<int:event_id>/utvardering")
@requires(Role.COORDINATOR)
def event_evaluation(event_id: int):
    event = get_event(event_id)
    return render_template(
        "admin/evaluation.html",
        event=event,
        results=evaluations.results(event.id),
        closes_at=evaluations.closes_at(event) if event.last_end else None,
    )


@bp.get("/evenemang/<int:event_id>/utvardering.<any(csv, xlsx):kind>")
@requires(Role.COORDINATOR)
def export_evaluation(event_id: int, kind: str):
    """The results as a table: each answer's count, each average, each free text (no names)."""
    event = get_event(event_id)
    results = evaluations.results(event.id)
    rows: list[list] = [["Svarande", f"{results.responses} av {results.came} som kom", ""]]
    for result in results.questions:
        text = result.question.text
        if result.average is not None:
            rows.append([text, "Medelvärde", round(result.average, 2)])
        if result.texts:
            rows += [[text, answer, ""] for answer in result.texts]
        else:
            rows += [[text, option, result.counts.get(option, 0)] for option in result.options()]
    return exports.download(
        kind,
        f"utvardering-{event.id}",
        ["Fråga", "Svar", "Antal"],
        rows,
        "Utvärdering",
        [40, 60, 10],
    )


def _edit(event, back: str):
    """The editor of an event's questions (``event`` None: the default ones)."""
    event_id = event.id if event else None
    shown = evaluations.questions_of(event_id) or (evaluations.questions_of(None) if event else [])
    form = (
        EvaluationQuestionsForm()
        if request.method == "POST"
        else EvaluationQuestionsForm.for_questions(shown or evaluations.default_texts())
    )
    if form.add_question.data:
        form.questions.append_entry()
    elif form.validate_on_submit() and run(
        lambda: evaluations.save_questions(event_id, form.question_texts(), current_user),
        form=form,
        success="Frågorna är sparade.",
    ):
        return redirect(back)
    return render_template(
        "admin/evaluation_questions.html",
        event=event,
        form=form,
        answered=bool(event) and evaluations.results(event.id).responses > 0,
    ), status(form)


@bp.route("/evenemang/<int:event_id>/utvardering/fragor", methods=["GET", "POST"])
@requires(Role.COORDINATOR)
def event_evaluation_questions(event_id: int):
    event = get_event(event_id)
    return _edit(event, url_for(".event_evaluation", event_id=event.id))


@bp.route("/utvardering", methods=["GET", "POST"])
@requires(Role.ADMIN)
def default_evaluation_questions():
    """The region's default questions, which every evaluation opened from now on starts as."""
    return _edit(None, url_for(".default_evaluation_questions"))
