"""The period of a statistics report, read from the query string."""

from datetime import date

from wtforms import DateField
from wtforms.validators import InputRequired, ValidationError

from eventreg.forms import BaseForm


def current_term(today: date) -> tuple[date, date]:
    """Spring term (January–June) or autumn term (July–December) around ``today``."""
    if today.month <= 6:
        return date(today.year, 1, 1), date(today.year, 6, 30)
    return date(today.year, 7, 1), date(today.year, 12, 31)


class PeriodForm(BaseForm):
    class Meta(BaseForm.Meta):
        csrf = False  # a GET form that only reads

    fran = DateField("Från och med", validators=[InputRequired("Ange startdatum.")])
    till = DateField("Till och med", validators=[InputRequired("Ange slutdatum.")])

    def validate_till(self, field):
        if self.fran.data and field.data and field.data < self.fran.data:
            raise ValidationError("Slutdatum måste vara samma dag eller senare än startdatum.")
