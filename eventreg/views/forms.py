"""What views do with a submitted form or a button: run one service, commit, or explain why not."""

from collections.abc import Callable
from typing import TypeVar

from flask import flash
from flask_wtf import FlaskForm

from eventreg.extensions import db
from eventreg.services.errors import EventRegError

T = TypeVar("T")


def show_error(form: FlaskForm, error: EventRegError) -> None:
    """Put a rule's message next to its field, or above the form when it concerns no field."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        form.form_errors.append(error.message)


def save(form: FlaskForm, action: Callable[[], T]) -> T | None:
    """Run the service behind a valid form and commit once.

    A rule's refusal is rolled back and shown next to its field; then None is returned, so an
    action must return something (the object it saved).
    """
    try:
        result = action()
    except EventRegError as error:
        db.session.rollback()
        show_error(form, error)
        return None
    db.session.commit()
    return result


def act(action: Callable[[], object], success: str) -> bool:
    """Run the service behind a button and commit, telling the outcome in a flashed message."""
    try:
        action()
    except EventRegError as error:
        db.session.rollback()
        flash(error.message, "error")
        return False
    db.session.commit()
    flash(success, "success")
    return True
