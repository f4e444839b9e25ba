"""The administrator's form for the organisation profile."""

from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, TextAreaField
from wtforms.validators import Length, Optional

from eventreg.forms import BaseForm, strip, text_field
from eventreg.forms.registration import mail_address
from eventreg.services.organisation import TEXTS


def _mail(label: str, description: str = "") -> EmailField:
    return EmailField(
        label,
        description=description,
        filters=[strip],
        validators=[Optional(), mail_address, Length(max=254)],
    )


def _prose(label: str, description: str) -> TextAreaField:
    return TextAreaField(
        label,
        description=description,
        filters=[strip],
        default="",
        validators=[Length(max=2000, message="Högst 2 000 tecken.")],
    )


class ProfileForm(BaseForm):
    name = text_field(
        "Organisationens namn", 200, "Ange namnet.", description="T.ex. ”Region Gotland”."
    )
    short_name = text_field("Kortnamn", 50, description="Där platsen är liten, t.ex. ”RG”.")
    unit = text_field(
        "Enhetens namn", 200, description="Den som håller i kurserna, t.ex. ”Regionbibliotek”."
    )
    address = text_field("Postadress", 300)
    contact_email = _mail(
        "E-post till enheten", "Visas i sidfoten och tar emot vidarebefordrad post."
    )
    phone = text_field("Telefon", 50)
    data_controller = text_field(
        "Personuppgiftsansvarig", 200, description="Står på sidan om personuppgifter."
    )
    privacy_email = _mail("E-post för frågor om personuppgifter")
    sender_name = text_field(
        "Avsändarnamn i mejl", 200, description="T.ex. ”Kalendarium – Regionbibliotek”."
    )
    newsletter_sender = text_field("Avsändarnamn för nyhetsbrevet", 200)
    intro = _prose("Kalendariets inledning", "Texten överst i kalendariet.")
    intro_en = _prose("Kalendariets inledning på engelska", "Visas på de engelska sidorna.")
    colour = text_field(
        "Profilfärg",
        7,
        "Ange en färg.",
        description="Som #rrggbb. Vit text ska gå att läsa på den (kontrast minst 4,5:1).",
    )
    logo = FileField("Logotyp", description="PNG eller SVG, högst 200 kB. Visas i sidhuvudet.")
    drop_logo = BooleanField("Ta bort logotypen")

    def texts(self) -> dict[str, str]:
        return {name: self[name].data or "" for name in TEXTS}
