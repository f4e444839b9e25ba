"""Coordinator forms for networks, members and a series of meetings."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FormField,
    IntegerField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from eventreg.forms import BaseForm, BaseSubForm, Rows, single_line
from eventreg.forms.events import at, seats_field
from eventreg.forms.registration import ModeChoice, mail_address
from eventreg.models import JoinPolicy
from eventreg.services.events import SessionTimes


class NetworkForm(BaseForm):
    name = StringField(
        "Nätverkets namn",
        validators=[DataRequired("Ge nätverket ett namn."), Length(max=200), single_line],
    )
    description = TextAreaField(
        "Beskrivning",
        description="Visas på nätverkets sida. Markdown fungerar.",
        default="",
        validators=[Optional(), Length(max=10000)],
    )
    contact_name = StringField(
        "Kontaktperson",
        validators=[DataRequired("Ange kontaktperson."), Length(max=200), single_line],
    )
    contact_email = EmailField(
        "Kontaktpersonens e-post",
        validators=[
            DataRequired("Ange kontaktpersonens e-post."),
            mail_address,
            Length(max=254),
        ],
    )
    join_policy = RadioField(
        "Hur blir man medlem?",
        choices=[
            SelectChoice(JoinPolicy.APPROVAL.value, "Ansökan som samordnare godkänner"),
            SelectChoice(
                JoinPolicy.OPEN.value, "Öppet: alla som anmäler sig blir medlemmar direkt"
            ),
        ],
        default=JoinPolicy.APPROVAL.value,
    )


class PasteMembersForm(BaseForm):
    members = TextAreaField(
        "Klistra in medlemmar",
        description="En per rad: ”Namn <adress>”, ”Namn, adress” eller bara adressen.",
        validators=[DataRequired("Klistra in minst en rad."), Length(max=50000)],
    )


class MeetingRowForm(BaseSubForm):
    """One meeting of a series; rows left empty are skipped."""

    day = DateField("Datum", validators=[Optional()])
    starts = TimeField("Börjar", validators=[Optional()])
    ends = TimeField("Slutar", validators=[Optional()])

    def validate_starts(self, field):
        if self.day.data and not field.data:
            raise ValidationError("Ange starttid.")

    def validate_ends(self, field):
        if self.day.data and not field.data:
            raise ValidationError("Ange sluttid.")
        if self.starts.data and field.data and field.data <= self.starts.data:
            raise ValidationError("Sluttiden måste vara efter starttiden.")


class SeriesForm(BaseForm):
    """Several meetings of a network at once, e.g. the four meetings of a term."""

    title = StringField(
        "Titel", validators=[DataRequired("Ge träffarna en titel."), Length(max=200), single_line]
    )
    summary = StringField(
        "Kort beskrivning", default="", validators=[Optional(), Length(max=500), single_line]
    )
    venue = StringField("Lokal", default="", validators=[Optional(), Length(max=200), single_line])
    address = StringField(
        "Adress", default="", validators=[Optional(), Length(max=300), single_line]
    )
    online_url = URLField(
        "Länk till digitalt möte",
        default="",
        validators=[
            Optional(),
            URL(message="Ange en hel adress som börjar med https://."),
            Length(max=500),
        ],
    )
    online_note = StringField(
        "Om det digitala mötet", default="", validators=[Optional(), Length(max=300), single_line]
    )
    capacity = seats_field()
    invited_only = BooleanField("Bara för inbjudna medlemmar (särskilt inbjudna)")
    deadline_days = IntegerField(
        "Sista anmälningsdag, antal dagar före varje träff",
        default=7,
        validators=[
            DataRequired("Ange antal dagar."),
            NumberRange(min=1, max=90, message="Ange 1–90 dagar."),
        ],
    )
    meetings = Rows(FormField(MeetingRowForm), row_name="träff", min_entries=4, max_entries=20)

    save = SubmitField("Spara som utkast")
    publish = SubmitField("Publicera och bjud in medlemmarna")

    def validate_meetings(self, field):
        if not any(row.day.data for row in field):
            raise ValidationError("Fyll i minst en träff.")

    def session_times(self) -> list[SessionTimes]:
        return [
            SessionTimes(at(row.day.data, row.starts.data), at(row.day.data, row.ends.data))
            for row in self.meetings
            if row.day.data
        ]


class AnswerForm(ModeChoice, BaseForm):
    """A member's answer to an invitation: the button, special diet when food is served, and
    on site or online where the meeting lets people choose."""

    dietary_needs = StringField(
        _l("Specialkost"),
        default="",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            Optional(),
            Length(max=500, message=_l("Texten får vara högst %(max)d tecken.")),
            single_line,
        ],
    )
