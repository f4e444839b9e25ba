"""An event's evaluation as coordinators see it: counts, averages and texts, without names."""

from flask import render_template

from eventreg.models import Role
from eventreg.services import evaluations
from eventreg.views.admin import bp
from eventreg.views.admin.access import requires
from eventreg.views.admin.events import get_event


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
