"""Helpers for views that handle forms."""

from flask_wtf import FlaskForm

from eventreg.services.errors import EventRegError


def show_error(form: FlaskForm, error: EventRegError) -> None:
    """Put a rule's message next to its field, or above the form when it concerns no field."""
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        form.form_errors.append(error.message)
