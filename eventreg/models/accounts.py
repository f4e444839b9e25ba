"""Coordinator accounts, sign-in attempts (for throttling) and the audit log."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.models.base import Base, str_enum, utcnow

if TYPE_CHECKING:
    from eventreg.models.events import Event


class Role(enum.StrEnum):
    #: A library's manager, or a municipality's library chief: sees their own staff's courses.
    MANAGER = "manager"
    #: Manages events, attendees and mail.
    COORDINATOR = "coordinator"
    #: Also manages accounts, libraries and municipalities.
    ADMIN = "admin"


class User(UserMixin, Base):
    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lower_case"),
        # A manager is the manager of one library or of one municipality's libraries.
        CheckConstraint(
            "role <> 'manager' OR (manager_library_id IS NULL) <> (manager_municipality_id IS NULL)",
            name="manager_has_one_unit",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: werkzeug's scrypt hash; never the password. Empty for an account made by the region's
    #: sign-in (single sign-on), which has no password here.
    password_hash: Mapped[str] = mapped_column(String(300))
    #: Who the region's identity provider says this is: its issuer and the subject claim, which
    #: stays the same when a name or an address changes.
    sso_subject: Mapped[str | None] = mapped_column(String(400), unique=True)
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.COORDINATOR)
    #: A deactivated account cannot sign in, but its name stays in the audit log.
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    #: Part of every session cookie: raising it (signing out) ends every session of the account.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    #: The shared secret of the authenticator app (RFC 6238, base32); set when setting it up
    #: begins, in use once ``second_factor_at`` is set.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    #: When the second factor was turned on; None while the account signs in with a password
    #: alone.
    second_factor_at: Mapped[datetime | None]
    #: The last 30-second step whose code signed in: a code is never taken twice.
    totp_last_step: Mapped[int | None]

    #: The unit a manager sees: one library, or every library of one municipality.
    manager_library_id: Mapped[int | None] = mapped_column(ForeignKey("library.id"))
    manager_municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))

    recovery_codes: Mapped[list["RecoveryCode"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    def get_id(self) -> str:
        """What the session cookie names: the account, and the session version it was given."""
        return f"{self.id}.{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def has_second_factor(self) -> bool:
        return self.second_factor_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class RecoveryCode(Base):
    """A one-time code for signing in without the phone; only its SHA-256 is kept (the code is
    random enough that a fast hash does not help a thief of the database)."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]


class LoginAttempt(Base):
    """A failed sign-in, kept briefly so that guessing passwords is slowed down."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        Index("ix_login_attempt_email_at", "email", "at"),
        Index("ix_login_attempt_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    #: The client's IP address.
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Who changed what, for coordinators to look back on; never the personal data itself."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: A short verb phrase, e.g. "publicerade", "avbokade deltagare".
    action: Mapped[str] = mapped_column(String(100))
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="SET NULL"), index=True
    )
    detail: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship()
    event: Mapped["Event | None"] = relationship()

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action!r}>"
