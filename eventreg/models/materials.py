"""What a course leaves its participants: links and files (slides, handouts, pictures)."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from eventreg.models.base import Base, str_enum, utcnow


class MaterialKind(enum.StrEnum):
    LINK = "link"
    FILE = "file"


class Material(Base):
    """A link, or a file kept under the instance folder and served only through signed links
    (to those seated and to coordinators), or to anyone when the coordinator makes it public."""

    __tablename__ = "material"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MaterialKind] = mapped_column(str_enum(MaterialKind))
    title: Mapped[str] = mapped_column(String(200))
    #: For a link.
    url: Mapped[str] = mapped_column(String(1000), default="")
    #: For a file: its name as uploaded (for the download), the type its content is of, its size,
    #: and the random name it is stored under.
    filename: Mapped[str] = mapped_column(String(200), default="")
    content_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(default=0)
    stored_as: Mapped[str] = mapped_column(String(64), default="")
    #: Shown on the public event page to anyone, not only to those who took part.
    public: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Material {self.id} {self.kind} of event {self.event_id}>"
