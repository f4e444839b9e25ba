"""How views change things: run one service, commit once, or tell why not.

Every view that changes something calls :func:`run`, with the form it came from or from a
button; a page with a form answers :func:`status`, 422 when something must be corrected.
"""

from collections.abc import Callable
from typing import TypeVar

from flask import flash
from flask_wtf import FlaskForm

from eventreg import ratelimits
from eventreg.errors import EventRegError
from eventreg.extensions import db

T = TypeVar("T")


def show_error(form: FlaskForm, error: EventRegError) -> None:
    """Put a rule's message next to its field, or above the form when it concerns none of the
    form's fields; a page whose fields are not WTForms fields (an evaluation's questions) finds
    the one it concerns in ``form.errors_by_name``."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        form.form_errors.append(error.message)
        if error.field:
            form.errors_by_name = {error.field: error.message}


def run(
    action: Callable[[], T],
    form: FlaskForm | None = None,
    success: str = "",
    limit: str = "",
) -> T | None:
    """Run the service behind a form or a button and commit once; return what it returned.

    A rule's refusal is rolled back and told: next to its field, or above the form, when there
    is a ``form``; as a flashed message otherwise. Then None is returned, so an action must
    return something (the object it saved). ``success`` is flashed after the commit.
    ``limit`` names the rate limit of a public form (``ratelimits.hit``): the post is counted
    in the same transaction, and past the limit answered 429 without acting.
    """
    if limit:
        ratelimits.hit(limit)
    try:
        result = action()
    except EventRegError as error:
        db.session.rollback()
        if form is not None:
            show_error(form, error)
        else:
            flash(error.message, "error")
        return None
    db.session.commit()
    if success:
        flash(success, "success")
    return result


def status(*forms: FlaskForm) -> int:
    """422 when a form has something to correct (browsers show the page; tools see it failed)."""
    return 422 if any(form.errors or form.form_errors for form in forms) else 200
