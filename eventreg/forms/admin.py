"""Forms for administrators: accounts, libraries, municipalities and audiences."""

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, Regexp

from eventreg.forms import BaseForm, single_line
from eventreg.forms.registration import mail_address


class AccountForm(BaseForm):
    name = StringField(
        "Namn", validators=[DataRequired("Ange namnet."), Length(max=200), single_line]
    )
    email = EmailField(
        "E-postadress",
        validators=[
            DataRequired("Ange e-postadressen."),
            mail_address,
            Length(max=254),
        ],
    )
    password = PasswordField(
        "Lösenord",
        description="Minst 12 tecken. Lämna det till personen på ett säkert sätt.",
        validators=[DataRequired("Ange ett lösenord."), Length(max=1000)],
    )
    admin = BooleanField("Administratör (hanterar även konton, bibliotek och kommuner)")


class LibraryForm(BaseForm):
    name = StringField(
        "Bibliotekets namn", validators=[DataRequired("Ange namnet."), Length(max=200), single_line]
    )
    kind = SelectField(
        "Typ",
        choices=["huvudbibliotek", "filial", "bokbuss", "annat"],
        default="filial",
    )
    municipality_id = SelectField("Kommun", coerce=int)
    active = BooleanField("Visas i anmälningsformuläret", default=True)


class MunicipalityForm(BaseForm):
    name = StringField(
        "Kommunens namn", validators=[DataRequired("Ange namnet."), Length(max=100), single_line]
    )
    scb_code = StringField(
        "Kommunkod (SCB)",
        description="Fyra siffror, t.ex. 0685.",
        validators=[
            DataRequired("Ange kommunkoden."),
            Regexp(r"^\d{4}$", message="Kommunkoden är fyra siffror."),
        ],
    )


class AudienceForm(BaseForm):
    name = StringField(
        "Målgrupp",
        description="Som den ska stå i kalendariet, t.ex. ”Barnbibliotekarier”.",
        validators=[DataRequired("Ange målgruppen."), Length(max=200), single_line],
    )
    name_en = StringField(
        "På engelska", validators=[Length(max=200), single_line], description="Frivilligt."
    )
    retired = BooleanField("Används inte längre (erbjuds inte för nya evenemang)")


class LibraryFileForm(BaseForm):
    """A CSV of municipalities and libraries: uploaded, previewed, then applied."""

    file = FileField(
        "CSV-fil med kommuner och bibliotek",
        description="Kolumnerna kommunkod, kommun, bibliotek, typ – som i en export från Excel.",
    )
    #: The file's text, carried from the preview to "Genomför" (nothing is stored in between).
    text = HiddenField()
    preview = SubmitField("Förhandsgranska")
    apply = SubmitField("Genomför ändringarna")


class SignInForm(BaseForm):
    password_sign_in = BooleanField(
        "Tillåt inloggning med lösenord",
        description="Stäng av när alla samordnare loggar in med regionens konto.",
    )
