"""Follow-up per term or plan period: participation per municipality, library, focus area and
audience, and how it changed since the period before."""

from datetime import date

from flask import render_template, request

from eventreg import exports
from eventreg.forms.statistics import PeriodForm, current_term
from eventreg.models import Role
from eventreg.services import plans
from eventreg.statistics import choices
from eventreg.statistics import evaluations as evaluation_figures
from eventreg.statistics import report as statistics
from eventreg.views.admin import bp
from eventreg.views.admin.access import requires
from eventreg.views.forms import status

HEADINGS = ["Kommun eller bibliotek", "Kommunkod", "Deltagare", "Kom", "Uteblev"]


def _period() -> tuple[PeriodForm, statistics.Report | None]:
    form = PeriodForm(request.args if request.args else None)
    if not request.args:
        form.fran.data, form.till.data = current_term(date.today())
    elif not form.validate():
        return form, None
    return form, statistics.report(form.fran.data, form.till.data)


def _rows(report: statistics.Report) -> list[list]:
    return [
        [row.label, row.code, row.registered, row.attended, row.no_shows]
        for row in (*report.municipalities, *report.libraries)
    ]


@bp.get("/statistik")
@requires(Role.COORDINATOR)
def statistics_page():
    form, report = _period()
    comparison, asked, per_choice, per_mode, rated = None, [], [], [], {}
    if report:
        per_mode = choices.by_mode(report.start, report.end)
        rated = {
            "Per fokusområde": evaluation_figures.by_focus_area(report.start, report.end),
            "Per målgrupp": evaluation_figures.by_audience(report.start, report.end),
        }
        asked = choices.choice_questions(report.start, report.end)
        if request.args.get("fraga") in asked:
            per_choice = choices.by_choice(report.start, report.end, request.args["fraga"])
    if report and form.jamfor.data:
        before = statistics.report(*statistics.previous_period(report.start, report.end))
        comparison = statistics.Comparison(report, before)
    return render_template(
        "admin/statistics.html",
        form=form,
        report=report,
        comparison=comparison,
        plans=plans.plans(),
        asked=asked,
        per_choice=per_choice,
        per_mode=per_mode,
        rated=rated,
    ), status(form)


@bp.get("/statistik.<any(csv, xlsx):kind>")
@requires(Role.COORDINATOR)
def statistics_export(kind: str):
    form, report = _period()
    if report is None:
        return render_template(
            "admin/statistics.html", form=form, report=None, plans=plans.plans()
        ), status(form)
    return exports.download(
        kind,
        f"statistik-{report.start}-{report.end}",
        HEADINGS,
        _rows(report),
        "Statistik",
        [40, 12, 12, 10, 10],
    )
