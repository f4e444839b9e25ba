"""An event's own questions on the sign-up form, their choices, and the answers people give.

Questions and choices are never deleted once someone has answered them: they are marked
removed, so that answers stay readable in the attendee list and the exports.
"""

import enum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.models.base import Base, in_language, str_enum


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"

    @property
    def has_choices(self) -> bool:
        return self in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


class Question(Base):
    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind))
    #: The question in Swedish and in English (the Swedish is shown when the English is empty).
    text: Mapped[str] = mapped_column(String(500))
    text_en: Mapped[str] = mapped_column(String(500), default="")
    help: Mapped[str] = mapped_column(String(1000), default="")
    help_en: Mapped[str] = mapped_column(String(1000), default="")
    required: Mapped[bool] = mapped_column(default=False)
    #: No longer asked; kept because someone answered it.
    removed: Mapped[bool] = mapped_column(default=False)

    choices: Mapped[list["Choice"]] = relationship(
        back_populates="question",
        order_by="Choice.position, Choice.id",
        cascade="all, delete-orphan",
    )

    def text_in(self, language: str) -> str:
        return in_language(self.text, self.text_en, language)

    def help_in(self, language: str) -> str:
        return in_language(self.help, self.help_en, language)

    def __repr__(self) -> str:
        return f"<Question {self.id} event={self.event_id} {self.kind}>"


class Choice(Base):
    __tablename__ = "choice"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(200))
    text_en: Mapped[str] = mapped_column(String(200), default="")
    #: How many may pick it ("Workshop A, 20 places"); None: no limit.
    places: Mapped[int | None]
    #: No longer offered; kept because someone picked it.
    removed: Mapped[bool] = mapped_column(default=False)

    question: Mapped[Question] = relationship(back_populates="choices")

    def text_in(self, language: str) -> str:
        return in_language(self.text, self.text_en, language)

    def __repr__(self) -> str:
        return f"<Choice {self.id} {self.text!r}>"


class Answer(Base):
    """One answer: the text of a text or yes/no question, or one picked choice."""

    __tablename__ = "answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    choice_id: Mapped[int | None] = mapped_column(
        ForeignKey("choice.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<Answer registration={self.registration_id} question={self.question_id}>"
