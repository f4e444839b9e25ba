"""Course certificates (kursintyg): one for each person who came to the sessions an event asks
for, checked by anyone who has its code."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.models.base import Base, utcnow

if TYPE_CHECKING:
    from eventreg.models.registrations import Registration


class Certificate(Base):
    """A certificate as issued. What it says (name, hours, dates) is read from the registration
    and the attendance when it is printed; its code stays, and tells whether it is valid."""

    __tablename__ = "certificate"
    __table_args__ = (
        # A person holds at most one valid certificate of an event; revoked ones stay, so that
        # their codes are answered "not valid" rather than "unknown".
        Index(
            "uq_certificate_valid",
            "registration_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    #: What the certificate prints and the verification page asks for, e.g. "K7QM-9XD4-TPAW".
    code: Mapped[str] = mapped_column(String(20), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When attendance changed so that the person no longer qualifies (or they were erased).
    revoked_at: Mapped[datetime | None]

    registration: Mapped["Registration"] = relationship()

    @property
    def valid(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<Certificate {self.code} reg={self.registration_id} valid={self.valid}>"
