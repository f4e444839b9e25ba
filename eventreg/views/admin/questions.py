"""The coordinator's page for an event's own sign-up questions: edit, copy, and see the counts."""

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from eventreg.extensions import db
from eventreg.forms.questions import KIND_LABELS, CopyQuestionsForm, QuestionsForm
from eventreg.models import Event, Question, Role
from eventreg.services import questions
from eventreg.views.admin import bp
from eventreg.views.admin.access import requires
from eventreg.views.admin.events import get_event
from eventreg.views.forms import run, status


def _copy_form(event: Event) -> CopyQuestionsForm:
    """Other events that have questions, the latest first."""
    form = CopyQuestionsForm()
    sources = db.session.execute(
        select(Event.id, Event.title)
        .where(
            Event.id != event.id, Event.id.in_(select(Question.event_id).where(~Question.removed))
        )
        .order_by(Event.first_start.desc())
        .limit(200)
    ).all()
    form.from_event.choices = [SelectChoice(row.id, row.title) for row in sources]
    return form


@bp.route("/evenemang/<int:event_id>/fragor", methods=["GET", "POST"])
@requires(Role.COORDINATOR)
def event_questions(event_id: int):
    event = get_event(event_id)
    every = questions.all_questions(event.id)
    asked = [question for question in every if not question.removed]
    form = QuestionsForm() if request.method == "POST" else QuestionsForm.for_questions(asked)
    if form.add_question.data:
        form.questions.append_entry()
    elif form.validate_on_submit() and run(
        lambda: questions.save_questions(event.id, form.question_texts(), current_user),
        form=form,
        success="Frågorna är sparade.",
    ):
        return redirect(url_for(".event_questions", event_id=event.id))
    return render_template(
        "admin/questions.html",
        event=event,
        form=form,
        copy_form=_copy_form(event),
        every=every,
        counts=questions.choice_counts(every),
        kinds=KIND_LABELS,
    ), status(form)


@bp.post("/evenemang/<int:event_id>/fragor/kopiera")
@requires(Role.COORDINATOR)
def copy_questions(event_id: int):
    event = get_event(event_id)
    form = _copy_form(event)
    if form.validate_on_submit():
        run(
            lambda: questions.copy_questions(form.from_event.data, event.id, current_user),
            success="Frågorna är kopierade. Ändra dem gärna innan du sparar.",
        )
    return redirect(url_for(".event_questions", event_id=event.id))
