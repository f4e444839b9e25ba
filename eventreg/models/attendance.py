"""Who came: one mark per registration and session, set at the door."""

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from eventreg.models.base import Base, utcnow


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("registration_id", "session_id", name="uq_attendance_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registration.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(
        ForeignKey("event_session.id", ondelete="CASCADE"), index=True
    )
    #: True when the person came; False when marked absent (a no-show).
    present: Mapped[bool]
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    def __repr__(self) -> str:
        return f"<Attendance reg={self.registration_id} session={self.session_id} {self.present}>"
