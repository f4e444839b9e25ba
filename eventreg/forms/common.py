"""Forms shared by several views."""

from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from eventreg.forms import BaseForm


class ButtonForm(BaseForm):
    """A form with only a button: it exists so that the POST carries a CSRF token."""


class CancelEventForm(BaseForm):
    message = TextAreaField(
        "Meddelande till de anmälda",
        description="Skickas till alla som är anmälda eller står på reservlistan, t.ex. varför och om ett nytt datum kommer.",
        validators=[Optional(), Length(max=5000, message="Högst 5 000 tecken.")],
        default="",
    )


class MessageForm(BaseForm):
    """A message from a coordinator to the people registered for an event."""

    subject = StringField(
        "Ämnesrad",
        validators=[
            DataRequired("Skriv en ämnesrad."),
            Length(max=200, message="Högst 200 tecken."),
        ],
    )
    message = TextAreaField(
        "Meddelande",
        validators=[
            DataRequired("Skriv ett meddelande."),
            Length(max=10000, message="Högst 10 000 tecken."),
        ],
    )
    include_waiting = BooleanField("Skicka även till dem på reservlistan")


class EraseForm(BaseForm):
    email = StringField(
        "E-postadress",
        validators=[
            DataRequired("Ange e-postadressen."),
            Length(max=254, message="Högst 254 tecken."),
        ],
    )
    confirm = BooleanField(
        "Jag har kontrollerat att begäran kommer från personen själv.",
        validators=[DataRequired("Bekräfta att begäran kommer från personen själv.")],
    )
