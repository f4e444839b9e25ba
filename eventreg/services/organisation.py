"""The rules on the organisation profile: a colour white text can be read on, a safe logo."""

import re
from xml.etree import ElementTree

from flask import current_app
from sqlalchemy import select

from eventreg import audit, organisation
from eventreg.errors import EventRegError
from eventreg.extensions import db
from eventreg.models import Organisation, User

#: Every text of the profile, as ``save_profile`` takes them.
TEXTS = (
    "name",
    "short_name",
    "unit",
    "address",
    "contact_email",
    "phone",
    "data_controller",
    "privacy_email",
    "sender_name",
    "newsletter_sender",
    "intro",
    "intro_en",
)
PNG = b"\x89PNG\r\n\x1a\n"
#: What an SVG logo may not hold: it is shown on our pages, so nothing in it may run.
_ACTIVE_SVG = re.compile(rb"<script|<foreignObject|\son\w+\s*=|javascript:|<!ENTITY", re.I)


def _logo_type(logo: bytes) -> str:
    """:raise EventRegError: unless the logo is a PNG or an SVG without anything active."""
    if len(logo) > current_app.config["LOGO_MAX_BYTES"]:
        limit = current_app.config["LOGO_MAX_BYTES"] // 1000
        raise EventRegError(f"Logotypen får vara högst {limit} kB.", field="logo")
    if logo.startswith(PNG):
        return "image/png"
    if _ACTIVE_SVG.search(logo):
        raise EventRegError("Logotypen får inte innehålla skript eller länkar.", field="logo")
    try:
        root = ElementTree.fromstring(logo)
    except ElementTree.ParseError:
        root = None
    if root is None or root.tag.rsplit("}", 1)[-1] != "svg":
        raise EventRegError("Logotypen ska vara en PNG- eller SVG-fil.", field="logo")
    return "image/svg+xml"


def save_profile(
    actor: User | None, *, colour: str, logo: bytes | None = None, drop_logo: bool = False, **texts
) -> Organisation:
    """Save the profile; ``logo`` replaces the logo, ``drop_logo`` removes it.

    :raise EventRegError: for a colour white text fails WCAG AA on (4.5:1) or a logo that is
        too large, not a PNG or an SVG, or holds a script.
    """
    colour = colour.strip().lower()
    if not re.fullmatch(r"#[0-9a-f]{6}", colour):
        raise EventRegError("Ange färgen som #rrggbb, t.ex. #00509e.", field="colour")
    ratio = organisation.contrast(colour)
    if ratio < 4.5:
        shown = f"{ratio:.1f}".replace(".", ",")
        raise EventRegError(
            f"Vit text på {colour} har kontrasten {shown}:1; WCAG AA kräver minst 4,5:1. "
            "Välj en mörkare färg.",
            field="colour",
        )
    row = db.session.scalar(select(Organisation).limit(1)) or Organisation()
    changed = [name for name in TEXTS if name in texts and getattr(row, name) != texts[name]]
    for name in TEXTS:
        if name in texts:
            setattr(row, name, texts[name].strip())
    if row.colour != colour:
        changed.append("colour")
        row.colour = colour
    if logo:
        row.logo_type, row.logo = _logo_type(logo), logo
        changed.append("logo")
    elif drop_logo and row.logo:
        row.logo, row.logo_type = None, ""
        changed.append("logo")
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "sparade organisationens uppgifter", None, ", ".join(changed))
    organisation.forget()
    return row


def set_password_sign_in(allowed: bool) -> None:
    """Whether passwords sign in (``services.accounts.set_password_sign_in`` holds the rule)."""
    row = db.session.scalar(select(Organisation).limit(1)) or Organisation()
    row.password_sign_in = allowed
    db.session.add(row)
    db.session.flush()
    organisation.forget()
