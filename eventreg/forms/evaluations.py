"""The editor of an evaluation's questions: an event's own, or the region's default ones."""

from wtforms import (
    BooleanField,
    FormField,
    IntegerField,
    SelectField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from eventreg.forms import BaseForm, BaseSubForm, Rows, strip, text_field
from eventreg.models import EvaluationKind, EvaluationQuestion
from eventreg.services.evaluations import QuestionText

KIND_LABELS = {
    EvaluationKind.SCALE: "Skala 1–5",
    EvaluationKind.SINGLE_CHOICE: "Ett val (alternativ)",
    EvaluationKind.MULTIPLE_CHOICE: "Flera val (kryssrutor)",
    EvaluationKind.SHORT_TEXT: "Kort text",
    EvaluationKind.LONG_TEXT: "Längre text",
}


class EvaluationQuestionForm(BaseSubForm):
    """One question: a row of the editor (CSRF is on the enclosing form). Saving replaces the
    questions, so a row names no question: an evaluation's questions change only until
    someone answers."""

    order = IntegerField(
        "Ordning",
        description="Lägre nummer kommer först.",
        validators=[Optional(), NumberRange(min=1, max=99, message="Ange 1–99.")],
    )
    text = text_field("Fråga", 500, description="Tomma rader sparas inte.")
    text_en = text_field("Frågan på engelska", 500)
    kind = SelectField(
        "Typ av svar",
        choices=[SelectChoice(kind.value, label) for kind, label in KIND_LABELS.items()],
        default=EvaluationKind.SCALE.value,
    )
    required = BooleanField("Svar krävs")
    choices = TextAreaField(
        "Alternativ",
        description="För ett eller flera val: ett per rad, som ”Ja, mycket | Yes, a lot” "
        "(svenska | engelska; engelska är frivilligt).",
        filters=[strip],
        default="",
        validators=[Length(max=5000)],
    )
    remove = BooleanField("Ta bort frågan")

    def validate_choices(self, field):
        if self.kind.data in ("single_choice", "multiple_choice") and not field.data:
            raise ValidationError("Skriv alternativen, ett per rad.")

    def question_text(self, position: int) -> QuestionText:
        lines = [
            [part.strip() for part in line.split("|", 1)] for line in self.choices.data.splitlines()
        ]
        lines = [parts for parts in lines if parts[0]]
        has_choices = EvaluationKind(self.kind.data).has_choices
        return QuestionText(
            kind=EvaluationKind(self.kind.data),
            text=self.text.data,
            text_en=self.text_en.data,
            required=self.required.data,
            choices=tuple(parts[0] for parts in lines) if has_choices else (),
            choices_en=tuple(parts[1] if len(parts) > 1 else "" for parts in lines)
            if has_choices
            else (),
            position=self.order.data or position,
            remove=self.remove.data,
        )


class EvaluationQuestionsForm(BaseForm):
    """The questions, without JavaScript: "Lägg till fråga" comes back with a row more."""

    questions = Rows(FormField(EvaluationQuestionForm), row_name="fråga", min_entries=1)
    add_question = SubmitField("Lägg till fråga")
    save = SubmitField("Spara frågorna")

    def question_texts(self) -> list[QuestionText]:
        return [entry.form.question_text(n) for n, entry in enumerate(self.questions, start=1)]

    @classmethod
    def for_questions(cls, questions: list[EvaluationQuestion]) -> "EvaluationQuestionsForm":
        def lines(q: EvaluationQuestion) -> str:
            english = q.choices_en.splitlines()
            return "\n".join(
                f"{sv} | {english[n]}" if n < len(english) and english[n] else sv
                for n, sv in enumerate(q.choices.splitlines())
            )

        return cls(
            data={
                "questions": [
                    {
                        "question_id": str(q.id)
                        if q.event_id is not None or not q.id
                        else str(q.id),
                        "order": n,
                        "kind": q.kind.value,
                        "text": q.text,
                        "text_en": q.text_en,
                        "required": q.required,
                        "choices": lines(q),
                    }
                    for n, q in enumerate(questions, start=1)
                ]
                or [{}]
            }
        )
