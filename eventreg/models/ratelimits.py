"""Counters behind the rate limits on public forms, and the bursts they turned away."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventreg.models.base import Base
from eventreg.models.events import Event
from eventreg.models.networks import Network


class RateLimitCounter(Base):
    """One fixed window of one limit for one client, keyed as ``limits`` names it
    (``LIMITER/<form>/<client>/<amount>/<multiples>/<period>``)."""

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    count: Mapped[int]
    expires_at: Mapped[datetime] = mapped_column(index=True)


class RefusedBurst(Base):
    """Requests turned away by a rate limit, per client and form and hour, for coordinators."""

    __tablename__ = "refused_burst"
    __table_args__ = (
        UniqueConstraint("hour", "form", "target", "client", name="uq_refused_burst"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The hour it happened in (UTC), the start of it.
    hour: Mapped[datetime] = mapped_column(index=True)
    #: Which form: "sign-up", "network-join" or "link".
    form: Mapped[str] = mapped_column(String(20))
    #: What the form was for, e.g. "event-12" or "network-3" (unique with the rest).
    target: Mapped[str] = mapped_column(String(40), default="")
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    network_id: Mapped[int | None] = mapped_column(ForeignKey("network.id", ondelete="CASCADE"))
    #: The client's network, not its address: 198.51.100.0/24 (IPv6: /48).
    client: Mapped[str] = mapped_column(String(64))
    refused: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event | None] = relationship()
    network: Mapped[Network | None] = relationship()
