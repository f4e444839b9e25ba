"""Signing in."""

from wtforms import EmailField, PasswordField, StringField
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


class CodeForm(BaseForm):
    """The second step: a code from the authenticator app, or a recovery code."""

    code = StringField(
        "Kod",
        description="Sex siffror från appen, eller en av dina reservkoder (som abcd-efgh).",
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[DataRequired("Skriv koden."), Length(max=20, message="Koden är för lång.")],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"},
    )
