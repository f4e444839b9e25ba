"""Course evaluations (kursutvärdering): questions, and answers kept apart from names."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.models.base import Base, in_language, str_enum, utcnow


class EvaluationKind(enum.StrEnum):
    SCALE = "scale"  # 1–5
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"

    @property
    def has_choices(self) -> bool:
        return self in (EvaluationKind.SINGLE_CHOICE, EvaluationKind.MULTIPLE_CHOICE)


class EvaluationQuestion(Base):
    """A question of an event's evaluation, or (``event_id`` None) of the region's default
    questionnaire, which an event's evaluation starts as a copy of."""

    __tablename__ = "evaluation_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[EvaluationKind] = mapped_column(str_enum(EvaluationKind))
    text: Mapped[str] = mapped_column(String(500))
    text_en: Mapped[str] = mapped_column(String(500), default="")
    #: The choices of a choice question, one per line (Swedish, and English line by line).
    choices: Mapped[str] = mapped_column(Text, default="")
    choices_en: Mapped[str] = mapped_column(Text, default="")
    required: Mapped[bool] = mapped_column(default=False, server_default=false())

    def text_in(self, language: str) -> str:
        return in_language(self.text, self.text_en, language)

    def choices_in(self, language: str) -> list[str]:
        """The choices as shown; the Swedish ones are what answers store."""
        swedish = self.choices.splitlines()
        english = self.choices_en.splitlines()
        if language == "en" and len(english) == len(swedish):
            return english
        return swedish

    def __repr__(self) -> str:
        return f"<EvaluationQuestion {self.id} of event {self.event_id}>"


class EvaluationResponse(Base):
    """One person's answers to an event's evaluation. It knows whose they are only so that they
    can be changed until the evaluation closes; results never show it."""

    __tablename__ = "evaluation_response"
    __table_args__ = (UniqueConstraint("registration_id", name="uq_evaluation_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL")
    )
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    answers: Mapped[list["EvaluationAnswer"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class EvaluationAnswer(Base):
    """One answer: a number 1–5, a choice (in Swedish) or text; a multiple choice has one each."""

    __tablename__ = "evaluation_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_response.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_question.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[str] = mapped_column(Text)
