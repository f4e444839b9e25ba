"""The newsletter editor: a subject, an introduction in Markdown, and events to present."""

from wtforms import TextAreaField
from wtforms.validators import Length

from eventreg.formatting import long_date
from eventreg.forms import BaseForm, text_field
from eventreg.forms.watches import Checkboxes
from eventreg.services.newsletters import Draft


class NewsletterForm(BaseForm):
    subject = text_field("Ämnesrad", 200, "Skriv en ämnesrad.")
    introduction = TextAreaField(
        "Inledning",
        description="Markdown: **fet**, *kursiv*, listor med - och länkar som [text](https://…).",
        validators=[Length(max=20000, message="Högst 20 000 tecken.")],
        default="",
    )
    events = Checkboxes("Evenemang i nyhetsbrevet", coerce=int, validate_choice=False)

    def offer(self, events) -> "NewsletterForm":
        self.events.choices = [
            (event.id, f"{event.title} ({long_date(event.first_start, weekday=False)})")
            for event in events
        ]
        return self

    def draft(self) -> Draft:
        return Draft(self.subject.data, self.introduction.data or "", tuple(self.events.data or ()))
