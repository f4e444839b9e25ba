"""Who may see what: every coordinator view names its role, and a view that names none is closed.

The check runs before every request to the blueprint, so a new view cannot forget it; the role
matrix test lists every route and fails if one lacks a declared role. An administrator signed in
with a password and without a second factor (``services.second_factor``) reaches nothing but
setting one up.
"""

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user

from eventreg.models import Role
from eventreg.views.admin import bp
from eventreg.views.auth import SIGNED_IN_WITH


def requires(role: Role) -> Callable:
    """Declare the least role a view needs: Role.COORDINATOR or Role.ADMIN."""

    def declare(view: Callable) -> Callable:
        view.required_role = role
        return view

    return declare


@bp.before_request
def check_access():
    """:raise 403: for a signed-in user without the role; anonymous users are sent to sign in."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    view = current_app.view_functions.get(request.endpoint)
    role = getattr(view, "required_role", None)
    if (
        role is None
        or current_user.is_manager
        or (role == Role.ADMIN and not current_user.is_admin)
    ):
        abort(403)  # a manager sees none of the coordinators' tools (``views.manager``)
    if (
        current_user.is_admin
        and session.get(SIGNED_IN_WITH) != "sso"  # the region's sign-in has its own factors
        and not current_user.has_second_factor
        and request.endpoint not in SETTING_UP_THE_SECOND_FACTOR
    ):
        flash("Administratörer loggar in i två steg. Slå på tvåstegsverifieringen först.", "error")
        return redirect(url_for("admin.second_factor_page"))
    return None


#: What an administrator without a second factor may reach: setting one up.
SETTING_UP_THE_SECOND_FACTOR = frozenset(
    {"admin.second_factor_page", "admin.second_factor_begin", "admin.second_factor_setup"}
)
