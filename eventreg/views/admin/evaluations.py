"""An event's evaluation as coordinators see it: counts, averages and texts, without names."""

from flask import render_template

from eventreg import exports
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
