"""All models, imported here so that Alembic and the app see every table."""

from eventreg.models.accounts import AuditEntry, LoginAttempt, RecoveryCode, Role, User
from eventreg.models.attendance import Attendance
from eventreg.models.audiences import Audience
from eventreg.models.calendar_entries import CalendarEntry, EntryState, PartStat
from eventreg.models.certificates import Certificate
from eventreg.models.evaluations import (
    EvaluationAnswer,
    EvaluationKind,
    EvaluationQuestion,
    EvaluationResponse,
)
from eventreg.models.events import AttendanceMode, Event, EventKind, EventSession, EventStatus
from eventreg.models.feeds import PersonalFeed
from eventreg.models.inbound import InboundMessage, InboundOutcome
from eventreg.models.materials import Material, MaterialKind
from eventreg.models.networks import (
    Invitation,
    InvitationStatus,
    JoinPolicy,
    MemberStatus,
    Network,
    NetworkMember,
)
from eventreg.models.newsletters import Newsletter
from eventreg.models.organisation import Organisation
from eventreg.models.outbox import OutboxMessage, OutboxStatus
from eventreg.models.places import Library, Municipality
from eventreg.models.plans import FocusArea, LibraryPlan
from eventreg.models.questions import Answer, Choice, Question, QuestionKind
from eventreg.models.ratelimits import RateLimitCounter, RefusedBurst
from eventreg.models.registrations import Registration, RegistrationStatus
from eventreg.models.watches import Watch
from eventreg.statistics.models import (
    CountedEvent,
    EventParticipation,
    MonthlyEvents,
    MonthlyParticipation,
)

__all__ = [
    "Answer",
    "Choice",
    "Question",
    "QuestionKind",
    "Invitation",
    "InvitationStatus",
    "JoinPolicy",
    "MemberStatus",
    "Network",
    "NetworkMember",
    "Attendance",
    "Certificate",
    "Audience",
    "CalendarEntry",
    "EntryState",
    "PartStat",
    "AuditEntry",
    "LoginAttempt",
    "RecoveryCode",
    "Role",
    "User",
    "AttendanceMode",
    "Event",
    "CountedEvent",
    "EventKind",
    "EventParticipation",
    "EventSession",
    "EventStatus",
    "FocusArea",
    "LibraryPlan",
    "InboundMessage",
    "InboundOutcome",
    "Library",
    "MonthlyEvents",
    "MonthlyParticipation",
    "Municipality",
    "Organisation",
    "OutboxMessage",
    "OutboxStatus",
    "PersonalFeed",
    "EvaluationAnswer",
    "EvaluationKind",
    "EvaluationQuestion",
    "EvaluationResponse",
    "Material",
    "MaterialKind",
    "Watch",
    "Newsletter",
    "RateLimitCounter",
    "RefusedBurst",
    "Registration",
    "RegistrationStatus",
]
