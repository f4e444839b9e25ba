"""The sign-up form: it checks shape (filled in, length, e-mail format); rules live in services."""

from collections.abc import Mapping

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from eventreg.forms import BaseForm, single_line, strip
from eventreg.ids import parse_id
from eventreg.models import AttendanceMode
from eventreg.templating import MODE_LABELS

OTHER_WORKPLACE = "other"


def mail_address(form, field):
    """Accept what every mail server accepts, and store it as the mail path sends it: the domain
    in ASCII (IDNA: exämple.se is xn--exmple-cua.se). A local part with å, ä, ö would need
    SMTPUTF8, which many relays refuse, so it is refused here with why."""
    try:
        result = validate_email(field.data, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        try:
            validate_email(field.data, check_deliverability=False, allow_smtputf8=True)
        except EmailNotValidError:
            raise ValidationError(_l("Skriv en e-postadress som namn@exempel.se.")) from None
        raise ValidationError(
            _l(
                "Använd en adress utan å, ä, ö och andra specialtecken före @: alla e-postservrar klarar inte dem."
            )
        ) from None
    field.data = result.ascii_email.lower()


def email_field(label, required: str, **kwargs) -> EmailField:
    """An address to write to: trimmed, required (``required`` says so), and one every mail
    server takes (:func:`mail_address`)."""
    return EmailField(
        label,
        filters=[strip],
        validators=[DataRequired(required), Length(max=254), mail_address],
        **kwargs,
    )


class ModeChoice:
    """On site or online, for a form about an event that lets people choose; a form about
    another event deletes the field."""

    mode = RadioField(
        _l("Hur deltar du?"),
        description=_l("På plats och digitalt har egna platser och egna reservlistor."),
        validate_choice=False,
    )

    def __init__(self, *args, choose_mode: bool = False, **kwargs):
        """``choose_mode``: the event lets people choose on site or online."""
        super().__init__(*args, **kwargs)
        if not choose_mode:
            del self.mode

    def offer_modes(self, full: Mapping[AttendanceMode | None, bool]):
        """The ways to take part, each saying when it is full (its waiting list is then next);
        only needed to show the form."""
        self.mode.choices = [
            SelectChoice(
                mode.value,
                _l("%(mode)s – fullt, du hamnar på reservlistan", mode=MODE_LABELS[mode])
                if is_full
                else MODE_LABELS[mode],
            )
            for mode, is_full in full.items()
        ]
        return self

    def validate_mode(self, field):
        if self.chosen_mode is None:
            raise ValidationError(_l("Välj om du deltar på plats eller digitalt."))

    @property
    def chosen_mode(self) -> AttendanceMode | None:
        """The way chosen; None for none, or for a value no form offers."""
        try:
            return AttendanceMode(self.mode.data) if "mode" in self else None
        except ValueError:
            return None


def _length(maximum: int) -> Length:
    return Length(max=maximum, message=_l("Texten får vara högst %(max)d tecken."))


class RegistrationForm(ModeChoice, BaseForm):
    name = StringField(
        _l("Namn"),
        filters=[strip],
        validators=[DataRequired(_l("Fyll i ditt namn.")), _length(200), single_line],
        render_kw={"autocomplete": "name"},
    )
    email = EmailField(
        _l("E-postadress"),
        description=_l("Hit skickar vi bekräftelsen och din personliga länk."),
        filters=[strip],
        validators=[
            DataRequired(_l("Fyll i din e-postadress.")),
            _length(254),
            single_line,
            mail_address,
        ],
        render_kw={"autocomplete": "email"},
    )
    library = SelectField(
        _l("Arbetsplats"),
        description=_l(
            "Välj ditt bibliotek. Arbetar du någon annanstans, välj ”Annan arbetsplats”."
        ),
        validate_choice=False,
        validators=[InputRequired(_l("Välj din arbetsplats."))],
    )
    other_workplace = StringField(
        _l("Annan arbetsplats"),
        default="",
        description=_l("Fyll bara i om du valt ”Annan arbetsplats” ovan."),
        filters=[strip],
        validators=[_length(200), single_line],
        render_kw={"autocomplete": "organization"},
    )
    role_title = StringField(
        _l("Roll eller titel"),
        default="",
        description=_l("Till exempel barnbibliotekarie eller bibliotekschef. Frivilligt."),
        filters=[strip],
        validators=[Optional(), _length(200), single_line],
        render_kw={"autocomplete": "organization-title"},
    )
    dietary_needs = StringField(
        _l("Specialkost"),
        default="",
        description=_l("Allergier eller annan kost. Lämna tomt om du inte har några behov."),
        filters=[strip],
        validators=[Optional(), _length(500), single_line],
    )
    accessibility_needs = StringField(
        _l("Behov för att kunna delta"),
        default="",
        description=_l(
            "Till exempel teckenspråkstolk, hörslinga eller tillgänglig entré. Frivilligt."
        ),
        filters=[strip],
        validators=[Optional(), _length(500), single_line],
    )
    message = TextAreaField(
        _l("Meddelande till arrangören"),
        default="",
        description=_l("Till exempel en fråga inför kursen. Frivilligt."),
        filters=[strip],
        validators=[Optional(), _length(2000)],
    )
    consent = BooleanField(
        _l("Jag har läst hur mina personuppgifter behandlas och godkänner det."),
        validators=[
            DataRequired(
                _l("Du behöver godkänna behandlingen av personuppgifter för att anmäla dig.")
            )
        ],
    )

    def __init__(self, *args, serves_meal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not serves_meal:
            del self.dietary_needs
        self.library.choices = []

    def offer_libraries(self, libraries: list[tuple[int, str, str]]) -> "RegistrationForm":
        """Fill the list of workplaces; only needed to show the form (the service checks ids)."""
        self.library.choices = library_choices(libraries)
        return self

    def validate_library(self, field):
        if field.data != OTHER_WORKPLACE and parse_id(field.data) is None:
            raise ValidationError(_l("Välj din arbetsplats i listan."))

    def validate_other_workplace(self, field):
        if self.library.data == OTHER_WORKPLACE and not field.data:
            raise ValidationError(_l("Skriv namnet på din arbetsplats."))

    @property
    def library_id(self) -> int | None:
        return None if self.library.data == OTHER_WORKPLACE else parse_id(self.library.data)


def library_choices(libraries: list[tuple[int, str, str]]) -> list[SelectChoice]:
    """Libraries grouped by municipality, for an accessible ``<optgroup>`` list."""
    return [
        SelectChoice("", _l("Välj arbetsplats …")),
        *(
            SelectChoice(str(id_), name, optgroup=_l("%(town)s kommun", town=town))
            for id_, name, town in libraries
        ),
        SelectChoice(
            OTHER_WORKPLACE, _l("Annan arbetsplats"), optgroup=_l("Utanför länets bibliotek")
        ),
    ]


class LinkAgainForm(BaseForm):
    """Someone lost the mail with their personal link."""

    email = EmailField(
        _l("E-postadress"),
        description=_l("Den du anmälde dig med."),
        filters=[strip],
        validators=[
            DataRequired(_l("Fyll i din e-postadress.")),
            _length(254),
            single_line,
            mail_address,
        ],
        render_kw={"autocomplete": "email"},
    )
