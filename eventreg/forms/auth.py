"""Signing in."""

from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from eventreg.forms import BaseForm


class LoginForm(BaseForm):
    email = EmailField(
        "E-postadress",
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[DataRequired("Fyll i din e-postadress."), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Lösenord",
        validators=[DataRequired("Fyll i ditt lösenord."), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
