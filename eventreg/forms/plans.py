"""The administrator's form for a library plan and its focus areas, without JavaScript.

"Lägg till område" submits the form and comes back with one more row, as the event form does
for sessions. Areas are never removed, only retired: events and statistics keep them.
"""

from wtforms import BooleanField, DateField, FormField, HiddenField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from eventreg.forms import BaseForm, BaseSubForm, Rows, strip, text_field
from eventreg.ids import parse_id
from eventreg.models import LibraryPlan
from eventreg.services.plans import AreaText


class AreaForm(BaseSubForm):
    """One focus area: a row of the plan's areas (CSRF is on the enclosing form)."""

    #: The saved area this row edits; empty for a new one.
    area_id = HiddenField()
    name = text_field("Namn", 200, description="Som planen skriver det. Tomma rader sparas inte.")
    name_en = text_field("Namn på engelska", 200, description="Visas på de engelska sidorna.")
    description = TextAreaField(
        "Beskrivning",
        filters=[strip],
        default="",
        validators=[Optional(), Length(max=2000, message="Högst 2 000 tecken.")],
    )
    retired = BooleanField("Används inte längre (erbjuds inte för nya evenemang)")


class PlanForm(BaseForm):
    name = text_field(
        "Planens namn",
        200,
        "Ange planens namn.",
        description="T.ex. ”Regional biblioteksplan 2026–2029”.",
    )
    starts_on = DateField("Gäller från och med", validators=[InputRequired("Ange startdatum.")])
    ends_on = DateField("Gäller till och med", validators=[InputRequired("Ange slutdatum.")])
    areas = Rows(FormField(AreaForm), row_name="område", min_entries=1)

    add_area = SubmitField("Lägg till område")
    save = SubmitField("Spara planen")

    def area_texts(self) -> list[AreaText]:
        return [
            AreaText(
                entry.form.name.data,
                entry.form.name_en.data,
                entry.form.description.data,
                entry.form.retired.data,
                parse_id(entry.form.area_id.data),
            )
            for entry in self.areas
        ]

    @classmethod
    def for_plan(cls, plan: LibraryPlan) -> "PlanForm":
        return cls(
            data={
                "name": plan.name,
                "starts_on": plan.starts_on,
                "ends_on": plan.ends_on,
                "areas": [
                    {
                        "area_id": str(area.id),
                        "name": area.name,
                        "name_en": area.name_en,
                        "description": area.description,
                        "retired": area.retired,
                    }
                    for area in plan.areas
                ],
            }
        )
