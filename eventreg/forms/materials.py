"""The coordinator's forms for an event's materials: a link, or a file."""

from flask_wtf.file import FileField, FileRequired
from wtforms import URLField
from wtforms.validators import URL, DataRequired, Length

from eventreg.forms import BaseForm, strip, text_field


class MaterialLinkForm(BaseForm):
    link_title = text_field("Rubrik", 200, description="T.ex. ”Inspelningen av föreläsningen”.")
    url = URLField(
        "Länk",
        filters=[strip],
        validators=[
            DataRequired("Ange länken."),
            URL(message="Ange en hel adress som börjar med https://."),
            Length(max=1000),
        ],
    )


class MaterialFileForm(BaseForm):
    file_title = text_field("Rubrik", 200, description="Frivillig; annars filens namn.")
    file = FileField(
        "Fil",
        description="PDF, Word, PowerPoint, Excel eller en bild.",
        validators=[FileRequired("Välj en fil.")],
    )
