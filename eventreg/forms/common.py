"""Forms shared by several views."""

from flask_wtf import FlaskForm


class ButtonForm(FlaskForm):
    """A form with only a button: it exists so that the POST carries a CSRF token."""
