"""An event's own questions: as fields of its sign-up form, and the coordinator's editor."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _nl
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from eventreg.forms import BaseForm, BaseSubForm, Rows, strip, text_field
from eventreg.forms.registration import RegistrationForm
from eventreg.ids import parse_id
from eventreg.models import Question, QuestionKind
from eventreg.services.questions import NO, YES, Asked, ChoiceText, QuestionText

KIND_LABELS = {
    QuestionKind.SHORT_TEXT: "Kort text",
    QuestionKind.LONG_TEXT: "Längre text",
    QuestionKind.SINGLE_CHOICE: "Ett val (alternativ)",
    QuestionKind.MULTIPLE_CHOICE: "Flera val (kryssrutor)",
    QuestionKind.YES_NO: "Ja eller nej",
}


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _field(question: Question, asked: Asked, language: str):
    """The question as a form field; the service checks choices, limits and required."""
    label = question.text_in(language)
    options = {
        "label": _l("%(question)s (svar krävs)", question=label) if question.required else label,
        "description": question.help_in(language),
    }
    # Not on radio buttons: ARIA allows aria-required on a text box, not on one option.
    text = {"filters": [strip], "default": "", "render_kw": {"aria-required": "true"}}
    if not question.required:
        text["render_kw"] = {}
    if question.kind == QuestionKind.SHORT_TEXT:
        return StringField(validators=[Length(max=500)], **text, **options)
    if question.kind == QuestionKind.LONG_TEXT:
        return TextAreaField(validators=[Length(max=5000)], **text, **options)
    if question.kind == QuestionKind.YES_NO:
        choices = [SelectChoice(YES, _l("Ja")), SelectChoice(NO, _l("Nej"))]
        return RadioField(choices=choices, validate_choice=False, **options)
    choices = []
    for choice in question.choices:
        if choice.removed:
            continue
        label, left = choice.text_in(language), asked.left(choice)
        if left == 0:
            label = _l("%(choice)s (fullt)", choice=label)
        elif left is not None:
            label = _nl(
                "%(choice)s (%(num)s plats kvar)",
                "%(choice)s (%(num)s platser kvar)",
                left,
                choice=label,
            )
        choices.append(SelectChoice(str(choice.id), label))
    kind = RadioField if question.kind == QuestionKind.SINGLE_CHOICE else CheckboxesField
    return kind(choices=choices, validate_choice=False, **options)


def sign_up_form(asked: Asked, language: str) -> type[RegistrationForm]:
    """The sign-up form of an event with questions: one field ``q<id>`` per question."""
    if not asked.questions:
        return RegistrationForm
    fields = {f"q{question.id}": _field(question, asked, language) for question in asked.questions}
    return type("EventSignUpForm", (RegistrationForm,), fields)


def answers_posted(formdata: MultiDict, prefix: str = "q") -> dict[int, list[str]]:
    """Every posted ``q<id>`` value (``e<id>`` for an evaluation), as the service takes them:
    it refuses a question the event does not ask (a form of another event, or a tampered one)."""
    return {
        int(name[1:]): formdata.getlist(name)
        for name in formdata
        if name.startswith(prefix) and name[1:].isdigit() and len(name) < 12
    }


# --- The coordinator's editor ------------------------------------------------------------------


def choice_texts(lines: str) -> list[ChoiceText]:
    """The choices typed one per line, "Svensk text | English text | places".

    :raise ValueError: naming the line that is not of that shape.
    """
    choices = []
    for number, line in enumerate(lines.splitlines(), start=1):
        parts = [part.strip() for part in line.split("|")]
        sv, en, places = (parts + ["", ""])[:3]
        if len(parts) > 3 or (places and not (places.isdigit() and int(places) > 0)):
            raise ValueError(
                f"Rad {number}: skriv ”Svensk text | English text | antal platser”, där antal "
                "är ett heltal från 1."
            )
        if sv:
            choices.append(ChoiceText(sv, en, int(places) if places else None))
    return choices


def _choices(form, field) -> None:
    try:
        choice_texts(field.data)
    except ValueError as error:
        raise ValidationError(str(error)) from None


class QuestionForm(BaseSubForm):
    """One question: a row of the editor (CSRF is on the enclosing form)."""

    question_id = HiddenField()
    kind = SelectField(
        "Typ av svar",
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        default=QuestionKind.SHORT_TEXT.value,
    )
    text = text_field(
        "Fråga", 500, description="T.ex. ”Vilken workshop vill du gå på?”. Tomma rader sparas inte."
    )
    text_en = text_field("Frågan på engelska", 500)
    help = text_field("Hjälptext", 1000, description="Frivillig förklaring under frågan.")
    help_en = text_field("Hjälptext på engelska", 1000)
    required = BooleanField("Svar krävs")
    choices = TextAreaField(
        "Alternativ",
        description="För ett eller flera val: ett per rad, som ”Workshop A | Workshop A | 20” "
        "(svenska | engelska | antal platser; engelska och antal är frivilliga). "
        "Ett alternativ som någon redan valt och som tas bort sparas som borttaget.",
        filters=[strip],
        default="",
        validators=[Length(max=5000), _choices],
    )
    remove = BooleanField("Ta bort frågan")

    def question_text(self) -> QuestionText:
        return QuestionText(
            kind=QuestionKind(self.kind.data),
            text=self.text.data,
            text_en=self.text_en.data,
            help=self.help.data,
            help_en=self.help_en.data,
            required=self.required.data,
            choices=tuple(choice_texts(self.choices.data)),
            id=parse_id(self.question_id.data),
            remove=self.remove.data,
        )


def _choice_lines(question: Question) -> str:
    return "\n".join(
        " | ".join([choice.text, choice.text_en, str(choice.places or "")]).rstrip(" |")
        for choice in question.choices
        if not choice.removed
    )


class QuestionsForm(BaseForm):
    """The event's questions, without JavaScript: "Lägg till fråga" comes back with a row more."""

    questions = Rows(FormField(QuestionForm), row_name="fråga", min_entries=1)
    add_question = SubmitField("Lägg till fråga")
    save = SubmitField("Spara frågorna")

    def question_texts(self) -> list[QuestionText]:
        return [entry.form.question_text() for entry in self.questions]

    @classmethod
    def for_questions(cls, questions: list[Question]) -> "QuestionsForm":
        return cls(
            data={
                "questions": [
                    {
                        "question_id": str(q.id),
                        "kind": q.kind.value,
                        "text": q.text,
                        "text_en": q.text_en,
                        "help": q.help,
                        "help_en": q.help_en,
                        "required": q.required,
                        "choices": _choice_lines(q),
                    }
                    for q in questions
                ]
                or [{}]
            }
        )


class CopyQuestionsForm(BaseForm):
    from_event = SelectField("Kopiera frågorna från", coerce=int, validate_choice=False)
    copy = SubmitField("Kopiera frågorna")
