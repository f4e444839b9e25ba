"""What evaluations said over a period: average rating and response rate, per focus area and
per audience of the period's events (read from the answers on demand, as ``choices`` is).

The rating is each event's first 1–5 question (in the default questionnaire: the course as a
whole); the response rate is those who answered of those who came.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, cast, func, select

from eventreg.extensions import db
from eventreg.models import (
    Attendance,
    Audience,
    CountedEvent,
    EvaluationAnswer,
    EvaluationKind,
    EvaluationQuestion,
    EvaluationResponse,
    FocusArea,
    Registration,
)
from eventreg.statistics.models import NO_FOCUS_AREA


@dataclass(frozen=True)
class EvaluationRow:
    label: str
    events: int
    came: int
    responses: int
    #: The mean of the ratings given; None when nobody rated.
    average: float | None

    @property
    def rate(self) -> float | None:
        return self.responses / self.came if self.came else None


@dataclass(frozen=True)
class _Event:
    focus_area_id: int
    audience: tuple[int, str]
    came: int = 0
    responses: int = 0
    ratings: tuple[int, int] = (0, 0)  # sum, count


def _events(start: date, end: date) -> dict[int, _Event]:
    """The period's evaluated events, with who came, who answered and their ratings."""
    counted = {
        row.event_id: row
        for row in db.session.execute(
            select(
                CountedEvent.event_id,
                CountedEvent.focus_area_id,
                CountedEvent.audience_id,
                CountedEvent.audience,
            ).where(
                CountedEvent.day.between(start, end),
                CountedEvent.event_id.in_(select(EvaluationQuestion.event_id)),
            )
        )
    }
    if not counted:
        return {}
    ids = list(counted)
    came = dict(
        db.session.execute(
            select(Registration.event_id, func.count(func.distinct(Attendance.registration_id)))
            .join(Registration, Registration.id == Attendance.registration_id)
            .where(Registration.event_id.in_(ids), Attendance.present)
            .group_by(Registration.event_id)
        ).all()
    )
    responses = dict(
        db.session.execute(
            select(EvaluationResponse.event_id, func.count())
            .where(EvaluationResponse.event_id.in_(ids))
            .group_by(EvaluationResponse.event_id)
        ).all()
    )
    rated = (
        select(func.min(EvaluationQuestion.id))
        .where(
            EvaluationQuestion.event_id.in_(ids), EvaluationQuestion.kind == EvaluationKind.SCALE
        )
        .group_by(EvaluationQuestion.event_id)
    )
    ratings = {
        event_id: (total, count)
        for event_id, total, count in db.session.execute(
            select(
                EvaluationResponse.event_id,
                func.sum(cast(EvaluationAnswer.value, Integer)),
                func.count(),
            )
            .join(EvaluationResponse, EvaluationResponse.id == EvaluationAnswer.response_id)
            .where(EvaluationAnswer.question_id.in_(rated))
            .group_by(EvaluationResponse.event_id)
        )
    }
    return {
        event_id: _Event(
            row.focus_area_id,
            (row.audience_id, row.audience),
            came.get(event_id, 0),
            responses.get(event_id, 0),
            ratings.get(event_id, (0, 0)),
        )
        for event_id, row in counted.items()
    }


def _rows(groups: dict, labels: dict) -> list[EvaluationRow]:
    rows = []
    for key, events in groups.items():
        total = sum(e.ratings[0] for e in events)
        count = sum(e.ratings[1] for e in events)
        rows.append(
            EvaluationRow(
                labels.get(key, ""),
                len(events),
                sum(e.came for e in events),
                sum(e.responses for e in events),
                total / count if count else None,
            )
        )
    return sorted(rows, key=lambda row: row.label.casefold())


def by_focus_area(start: date, end: date) -> list[EvaluationRow]:
    groups = defaultdict(list)
    for event in _events(start, end).values():
        groups[event.focus_area_id].append(event)
    labels = dict(
        db.session.execute(
            select(FocusArea.id, FocusArea.name).where(FocusArea.id.in_(groups))
        ).all()
    )
    labels[NO_FOCUS_AREA] = "Inget fokusområde"
    return _rows(groups, labels)


def by_audience(start: date, end: date) -> list[EvaluationRow]:
    groups = defaultdict(list)
    for event in _events(start, end).values():
        groups[event.audience].append(event)
    names = dict(
        db.session.execute(
            select(Audience.id, Audience.name).where(Audience.id.in_([k[0] for k in groups]))
        ).all()
    )
    return _rows(groups, {key: names.get(key[0], key[1]) for key in groups})
