"""The period of a statistics report, read from the query string."""

from datetime import date

from wtforms import BooleanField, DateField
from wtforms.validators import InputRequired, ValidationError

from eventreg.forms import BaseForm


def current_term(today: date) -> tuple[date, date]:
    """Spring term (January–June) or autumn term (July–December) around ``today``."""
    if today.month <= 6:
        return date(today.year, 1, 1), date(today.year, 6, 30)
    return date(today.year, 7, 1), date(today.year, 12, 31)


#: Reports cover years where courses can have been held: dates far out would only overflow.
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


def _within_reason(field) -> None:
    if field.data and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(f"Välj ett datum mellan år {EARLIEST.year} och {LATEST.year}.")


class PeriodForm(BaseForm):
    class Meta(BaseForm.Meta):
        csrf = False  # a GET form that only reads

    fran = DateField("Från och med", validators=[InputRequired("Ange startdatum.")])
    till = DateField("Till och med", validators=[InputRequired("Ange slutdatum.")])
    jamfor = BooleanField(
        "Jämför med föregående period (för en hel biblioteksplan: med planen före)"
    )

    def validate_fran(self, field):
        _within_reason(field)

    def validate_till(self, field):
        _within_reason(field)
        if self.fran.data and field.data and field.data < self.fran.data:
            raise ValidationError("Slutdatum måste vara samma dag eller senare än startdatum.")
