"""Course materials: links, and files whose type is read from their content, not their name.

Files are kept under ``MATERIALS_DIR`` (in the instance folder) by a random name and served only
by the app: to those seated, through their personal link; to coordinators; and to anyone when
the coordinator makes a file public. An .exe renamed .pdf is refused, as is anything not a PDF,
an Office document (Word, PowerPoint, Excel) or a picture.
"""

import secrets
from pathlib import Path

import filetype
from flask import current_app
from sqlalchemy import select

from eventreg import audit
from eventreg.errors import EventRegError
from eventreg.extensions import db
from eventreg.models import Event, Material, MaterialKind, User
from eventreg.models.base import utcnow
from eventreg.services.locks import lock_event
from eventreg.text import without_control_characters

#: What may be uploaded, by the type its content shows.
ALLOWED = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WebP",
}


def max_bytes() -> int:
    return int(current_app.config["MATERIAL_MAX_MB"] * 1024 * 1024)


def _title(title: str, fallback: str) -> str:
    return " ".join(without_control_characters(title or fallback).split())[:200]


def add_link(event_id: int, title: str, url: str, actor: User) -> Material:
    event = lock_event(event_id)
    material = Material(
        event_id=event.id, kind=MaterialKind.LINK, title=_title(title, url), url=url
    )
    db.session.add(material)
    event.updated_at = utcnow()  # a public page that lists materials is rendered anew
    db.session.flush()
    audit.record(actor, "lade till material", event, material.title)
    return material


def add_file(event_id: int, title: str, filename: str, data: bytes, actor: User) -> Material:
    """:raise EventRegError: for a file too large, or of a type not allowed (by its content)."""
    if len(data) > max_bytes():
        raise EventRegError(
            f"Filen är för stor: högst {current_app.config['MATERIAL_MAX_MB']:g} MB.",
            field="file",
        )
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED:
        raise EventRegError(
            "Filen är inte en PDF, ett Word-, PowerPoint- eller Excel-dokument eller en bild "
            "(vad filen heter spelar ingen roll, bara vad den innehåller).",
            field="file",
        )
    event = lock_event(event_id)
    stored_as = secrets.token_hex(16)
    folder = Path(current_app.config["MATERIALS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored_as).write_bytes(data)
    name = Path(without_control_characters(filename)).name or f"material.{kind.extension}"
    material = Material(
        event_id=event.id,
        kind=MaterialKind.FILE,
        title=_title(title, name),
        filename=name[:200],
        content_type=kind.mime,
        size=len(data),
        stored_as=stored_as,
    )
    db.session.add(material)
    event.updated_at = utcnow()
    db.session.flush()
    audit.record(actor, "laddade upp material", event, f"{material.title} ({ALLOWED[kind.mime]})")
    return material


def get(event_id: int, material_id: int) -> Material | None:
    material = db.session.get(Material, material_id)
    return material if material is not None and material.event_id == event_id else None


def set_public(event_id: int, material_id: int, public: bool, actor: User) -> Material:
    event, material = _existing(event_id, material_id)
    material.public = public
    action = "gjorde material offentligt" if public else "gjorde material bara för deltagarna"
    audit.record(actor, action, event, material.title)
    return material


def remove(event_id: int, material_id: int, actor: User) -> Material:
    event, material = _existing(event_id, material_id)
    db.session.delete(material)
    db.session.flush()
    if material.stored_as:
        path_of(material).unlink(missing_ok=True)
    audit.record(actor, "tog bort material", event, material.title)
    return material


def _existing(event_id: int, material_id: int) -> tuple[Event, Material]:
    event = lock_event(event_id)
    material = get(event_id, material_id)
    if material is None:
        raise EventRegError("Materialet finns inte längre. Ladda om sidan.")
    event.updated_at = utcnow()
    return event, material


def materials_of(event_id: int, public_only: bool = False) -> list[Material]:
    query = select(Material).where(Material.event_id == event_id).order_by(Material.id)
    if public_only:
        query = query.where(Material.public)
    return list(db.session.scalars(query))


def path_of(material: Material) -> Path:
    return Path(current_app.config["MATERIALS_DIR"]) / material.stored_as
