"""Forms about library managers: inviting one, and a manager signing up a colleague."""

from wtforms import SelectField
from wtforms.validators import DataRequired

from eventreg.forms import BaseForm, text_field
from eventreg.forms.registration import email_field


class ManagerForm(BaseForm):
    name = text_field("Namn", 200, "Fyll i namnet.")
    email = email_field("E-postadress", "Fyll i e-postadressen.")
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
    email = email_field("E-postadress", "Fyll i e-postadressen.")
    library = SelectField("Bibliotek", coerce=int, validate_choice=False)
