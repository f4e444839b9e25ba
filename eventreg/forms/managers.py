"""Forms about library managers: inviting one, and a manager signing up a colleague."""

from wtforms import EmailField, SelectField
from wtforms.validators import DataRequired, Length

from eventreg.forms import BaseForm, strip, text_field
from eventreg.forms.registration import mail_address


def _email() -> EmailField:
    return EmailField(
        "E-postadress",
        filters=[strip],
        validators=[DataRequired("Fyll i e-postadressen."), Length(max=254), mail_address],
    )


class ManagerForm(BaseForm):
    name = text_field("Namn", 200, "Fyll i namnet.")
    email = _email()
    unit = SelectField(
        "Chef för",
        description="Ett bibliotek, eller alla bibliotek i en kommun (för en bibliotekschef).",
        validators=[DataRequired("Välj ett bibliotek eller en kommun.")],
    )

    def offer(self, municipalities, libraries) -> "ManagerForm":
        self.unit.choices = {
            "Kommuner": [(f"kommun-{m.id}", m.name) for m in municipalities],
            "Bibliotek": [(f"bibliotek-{lib.id}", lib.name) for lib in libraries],
        }
        return self

    def chosen(self) -> tuple[int | None, int | None]:
        """(library id, municipality id) of the unit chosen."""
        kind, _, number = (self.unit.data or "").partition("-")
        unit = int(number) if number.isdigit() else None
        return (unit, None) if kind == "bibliotek" else (None, unit)


class ColleagueForm(BaseForm):
    event = SelectField("Evenemang", coerce=int, validate_choice=False)
    name = text_field("Kollegans namn", 200, "Fyll i kollegans namn.")
    email = _email()
    library = SelectField("Bibliotek", coerce=int, validate_choice=False)
