"""The snippet that puts the calendar (or a selection of it) on another site."""

from flask import render_template, request

from eventreg.models import Role
from eventreg.services import search
from eventreg.urls import external_url
from eventreg.views.admin import bp
from eventreg.views.admin.access import requires
from eventreg.views.public import embed_size


@bp.get("/inbaddning")
@requires(Role.COORDINATOR)
def embedding():
    filters = search.Filters.from_args(request.args)
    shown = embed_size()
    return render_template(
        "admin/embedding.html",
        filters=filters,
        shown=shown,
        choices=search.choices(),
        source=external_url("public.embedded", antal=shown, **filters.args()),
    )
