"""The coordinator's event form: details and any number of sessions, without JavaScript.

"Lägg till tillfälle" submits the form and comes back with one more row; a row marked
"Ta bort" is left out when the form is saved. Times are typed as Stockholm wall-clock times.
"""

from datetime import date, datetime, time

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SubmitField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from eventreg.formatting import STOCKHOLM
from eventreg.forms import BaseForm, BaseSubForm, Rows, strip, text_field
from eventreg.forms.registration import mail_address
from eventreg.ids import parse_id
from eventreg.models import Audience, Event, EventKind, FocusArea, Network
from eventreg.services.events import SessionTimes
from eventreg.templating import KIND_LABELS


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=STOCKHOLM)


def seats_field(label: str = "Antal platser", when: str = "") -> IntegerField:
    """A number of seats; ``when`` tells which seats, where it needs telling."""
    return IntegerField(
        label,
        description=" ".join(filter(None, (when, "Lämna tomt för obegränsat antal."))),
        validators=[
            Optional(),
            NumberRange(min=1, max=100000, message="Ange ett antal från 1 och uppåt."),
        ],
    )


#: Sessions one event can have: more is a series of events.
MAX_SESSIONS = 50


class SessionForm(BaseSubForm):
    """One session: a row of the sessions table (CSRF is on the enclosing form)."""

    #: The saved session this row edits; empty for a new one. (Not ``id``: a field has that.)
    session_id = HiddenField()
    day = DateField("Datum", validators=[InputRequired("Ange datum.")])
    starts = TimeField("Börjar", validators=[InputRequired("Ange starttid.")])
    ends = TimeField("Slutar", validators=[InputRequired("Ange sluttid.")])
    session_label = text_field("Rubrik", 200, description="Frivilligt, t.ex. ”Del 2: Bokprat”.")
    remove = BooleanField("Ta bort tillfället")

    def validate_ends(self, field):
        if self.starts.data and field.data and field.data <= self.starts.data:
            raise ValidationError("Sluttiden måste vara efter starttiden.")


class EventForm(BaseForm):
    kind = RadioField(
        "Typ av evenemang",
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        validators=[InputRequired("Välj typ av evenemang.")],
    )
    title = text_field("Titel", 200, "Ge evenemanget en titel.")
    summary = text_field(
        "Kort beskrivning", 500, description="En eller två meningar som visas i kalendariet."
    )
    description = TextAreaField(
        "Beskrivning",
        description="Markdown: **fet**, *kursiv*, listor med - och länkar som [text](https://…).",
        filters=[strip],
        default="",
        validators=[Optional(), Length(max=20000, message="Högst 20 000 tecken.")],
    )
    audience_id = SelectField("Målgrupp", default="")
    audience = text_field(
        "Annan målgrupp",
        200,
        description="Bara när den inte finns i listan, t.ex. ”Medlemmar i Barnnätverket”.",
    )
    focus_area_id = SelectField(
        "Fokusområde i biblioteksplanen",
        description="Områdena i den plan som gäller när evenemanget hålls.",
        default="",
    )
    organiser = text_field("Arrangör", 200, "Ange arrangör.")
    contact_name = text_field("Kontaktperson", 200, "Ange kontaktperson.")
    contact_title = text_field(
        "Kontaktpersonens titel",
        200,
        description="Står under namnet på kursintygen, som kontaktpersonen undertecknar.",
    )
    contact_email = EmailField(
        "Kontaktpersonens e-post",
        description="Svar på utskick går hit, och den står som arrangör i kalenderinbjudan.",
        filters=[strip],
        validators=[
            DataRequired("Ange kontaktpersonens e-post."),
            mail_address,
            Length(max=254),
        ],
    )
    venue = text_field(
        "Lokal",
        200,
        description="T.ex. ”Stadsbiblioteket, hörsalen”. Lämna tomt om allt är digitalt.",
    )
    address = text_field("Adress", 300)
    online_url = URLField(
        "Länk till digitalt möte",
        description="Visas bara för den som har fått en plats: i mejlet och på den personliga sidan.",
        filters=[strip],
        default="",
        validators=[
            Optional(),
            URL(message="Ange en hel adress som börjar med https://."),
            Length(max=500),
        ],
    )
    online_note = text_field(
        "Om det digitala mötet",
        300,
        description="Syns för alla, t.ex. ”Teams-länk skickas till anmälda”.",
    )
    choose_mode = BooleanField(
        "Deltagarna väljer: på plats eller digitalt (var sitt antal platser och var sin "
        "reservlista; den som är på plats får adressen, den som deltar digitalt länken)"
    )
    capacity = seats_field(when="På plats, när deltagarna väljer.")
    online_capacity = seats_field("Antal platser digitalt", "När deltagarna väljer.")
    certificate_sessions = IntegerField(
        "Kursintyg kräver närvaro vid minst så här många tillfällen",
        description="Lämna tomt för att kräva alla tillfällen.",
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_SESSIONS, message="Ange ett antal från 1."),
        ],
    )
    offer_window_hours = IntegerField(
        "Erbjud lediga platser i stället för att ge dem direkt, så här många timmar före start",
        default=72,
        description="Den som står först på reservlistan får då en tid att svara på.",
        validators=[Optional(), NumberRange(min=0, max=2000, message="Ange 0–2000 timmar.")],
    )
    offer_hours = IntegerField(
        "Timmar att svara på ett erbjudande",
        default=24,
        description="Aldrig längre än till starten.",
        validators=[Optional(), NumberRange(min=1, max=336, message="Ange 1–336 timmar.")],
    )
    requires_approval = BooleanField(
        "Anmälan kräver godkännande (du godkänner eller avböjer i deltagarlistan; platser tas vid "
        "godkännande)"
    )
    serves_meal = BooleanField("Mat eller fika serveras (anmälan frågar efter specialkost)")
    meal_note = text_field(
        "Vad serveras?", 200, description="T.ex. ”Lunch och eftermiddagsfika ingår”."
    )
    opens_day = DateField(
        "Anmälan öppnar (datum)",
        description="Lämna tomt för att öppna direkt vid publicering.",
        validators=[Optional()],
    )
    opens_time = TimeField("Anmälan öppnar (klockslag)", validators=[Optional()])
    registration_deadline = DateField(
        "Sista anmälningsdag",
        description="Måste vara före dagen för första tillfället.",
        validators=[InputRequired("Ange sista anmälningsdag.")],
    )
    network_id = SelectField(
        "Nätverk",
        description="För en nätverksträff: medlemmarna bjuds in när träffen publiceras.",
        default="",
    )
    invited_only = BooleanField("Bara för inbjudna medlemmar (särskilt inbjudna)")
    #: No max_entries: WTForms would drop the rest without a word. validate_sessions says it.
    sessions = Rows(FormField(SessionForm), row_name="tillfälle", min_entries=1)

    add_session = SubmitField("Lägg till tillfälle")
    preview = SubmitField("Förhandsgranska beskrivningen")
    save = SubmitField("Spara")
    publish = SubmitField("Spara och publicera")

    def validate_sessions(self, field):
        if len(field.entries) > MAX_SESSIONS:
            raise ValidationError(
                f"Ett evenemang kan ha högst {MAX_SESSIONS} tillfällen. Dela upp det i flera "
                "evenemang, eller planera nätverksträffar som en serie."
            )

    def validate_audience_id(self, field):
        if not field.data and not self.audience.data:
            raise ValidationError("Välj en målgrupp i listan, eller skriv en annan.")

    def validate_online_url(self, field):
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError("Ange en hel adress som börjar med https://.")

    def validate_choose_mode(self, field):
        if field.data and not (self.venue.data or self.address.data):
            raise ValidationError("Ange lokal eller adress för dem som deltar på plats.")
        if field.data and not (self.online_url.data or self.online_note.data):
            raise ValidationError(
                "Ange länken till det digitala mötet, eller skriv om det digitala mötet att "
                "länken kommer senare."
            )

    def details(self) -> dict:
        """The event's fields, as the services take them."""
        opens_at = (
            at(self.opens_day.data, self.opens_time.data or time(0))
            if self.opens_day.data
            else None
        )
        return {
            "kind": EventKind(self.kind.data),
            "title": self.title.data,
            "summary": self.summary.data,
            "description": self.description.data,
            "audience_id": parse_id(self.audience_id.data),
            "audience": "" if self.audience_id.data else self.audience.data,
            "focus_area_id": parse_id(self.focus_area_id.data),
            "organiser": self.organiser.data,
            "contact_name": self.contact_name.data,
            "contact_email": self.contact_email.data.lower(),
            "contact_title": self.contact_title.data,
            "certificate_sessions": self.certificate_sessions.data,
            "venue": self.venue.data,
            "address": self.address.data,
            "online_url": self.online_url.data,
            "online_note": self.online_note.data,
            "capacity": self.capacity.data,
            "choose_mode": self.choose_mode.data,
            "online_capacity": self.online_capacity.data if self.choose_mode.data else None,
            "serves_meal": self.serves_meal.data,
            "requires_approval": self.requires_approval.data,
            # Left empty: the defaults (72 and 24 hours).
            "offer_window_hours": _or(self.offer_window_hours.data, 72),
            "offer_hours": _or(self.offer_hours.data, 24),
            "meal_note": self.meal_note.data if self.serves_meal.data else "",
            "registration_opens_at": opens_at,
            "registration_deadline": self.registration_deadline.data,
            "network_id": parse_id(self.network_id.data),
            "invited_only": self.invited_only.data and bool(self.network_id.data),
        }

    def first_day(self) -> date | None:
        """The first day the sessions give, once the form has one (to offer that plan's areas)."""
        days = [
            entry.day.data
            for entry in self.sessions
            if isinstance(entry.day.data, date) and not entry.remove.data
        ]
        return min(days, default=None)

    def offer_focus_areas(self, areas: list[FocusArea]) -> "EventForm":
        """The areas to choose from, grouped by plan (``services.plans.areas_to_offer``)."""
        self.focus_area_id.choices = [SelectChoice("", "Inget särskilt")] + [
            SelectChoice(str(area.id), area.name, optgroup=area.plan.name) for area in areas
        ]
        return self

    def offer_audiences(self, audiences: list[Audience]) -> "EventForm":
        """The list to choose from (``services.audiences.audiences_to_offer``)."""
        self.audience_id.choices = [SelectChoice("", "Annan – skriv den nedan")] + [
            SelectChoice(str(audience.id), audience.name) for audience in audiences
        ]
        return self

    def offer_networks(self, networks: list[Network]) -> "EventForm":
        self.network_id.choices = [SelectChoice("", "Inget nätverk")] + [
            SelectChoice(str(network.id), network.name) for network in networks
        ]
        return self

    def session_times(self) -> list[SessionTimes]:
        return [
            SessionTimes(
                at(entry.day.data, entry.starts.data),
                at(entry.day.data, entry.ends.data),
                entry.session_label.data,
                parse_id(entry.session_id.data),
            )
            for entry in self.sessions
            if not entry.remove.data
        ]

    @classmethod
    def for_event(cls, event: Event) -> "EventForm":
        """The form filled in from a saved event."""
        opens = (
            event.registration_opens_at.astimezone(STOCKHOLM)
            if event.registration_opens_at
            else None
        )
        data = {
            column: getattr(event, column)
            for column in (
                "title",
                "summary",
                "description",
                "audience",
                "organiser",
                "contact_name",
                "contact_email",
                "contact_title",
                "certificate_sessions",
                "venue",
                "address",
                "online_url",
                "online_note",
                "capacity",
                "choose_mode",
                "online_capacity",
                "requires_approval",
                "offer_window_hours",
                "offer_hours",
                "serves_meal",
                "meal_note",
                "registration_deadline",
            )
        }
        data.update(
            network_id=str(event.network_id or ""),
            invited_only=event.invited_only,
            kind=event.kind.value,
            focus_area_id=str(event.focus_area_id or ""),
            audience_id=str(event.audience_id or ""),
            opens_day=opens.date() if opens else None,
            opens_time=opens.time() if opens else None,
            sessions=[
                {
                    "session_id": str(s.id),
                    "day": s.starts_at.astimezone(STOCKHOLM).date(),
                    "starts": s.starts_at.astimezone(STOCKHOLM).time(),
                    "ends": s.ends_at.astimezone(STOCKHOLM).time(),
                    "session_label": s.label,
                }
                for s in event.sessions
            ],
        )
        return cls(data=data)
