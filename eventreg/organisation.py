"""The organisation profile as pages, mail and calendar files read it.

It is read on nearly every request and by every mail the worker writes, so each process keeps
a copy for a few seconds (``PROFILE_SECONDS``) instead of asking the database each time; a
save in this process is seen at once, in other workers within those seconds.
"""

import time
from dataclasses import dataclass, fields
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from eventreg.extensions import db
from eventreg.models import Organisation
from eventreg.models.base import in_language
from eventreg.models.organisation import DEFAULT_COLOUR


@dataclass(frozen=True)
class Profile:
    name: str = ""
    short_name: str = ""
    unit: str = ""
    address: str = ""
    contact_email: str = ""
    phone: str = ""
    data_controller: str = ""
    privacy_email: str = ""
    sender_name: str = ""
    newsletter_sender: str = ""
    intro: str = ""
    intro_en: str = ""
    colour: str = DEFAULT_COLOUR
    logo_type: str = ""
    password_sign_in: bool = True
    updated_at: datetime | None = None

    @property
    def owner(self) -> str:
        """The unit and the region, "Regionbibliotek, Region Gotland": who runs the Kalendarium."""
        return ", ".join(part for part in (self.unit, self.name) if part)

    @property
    def site_name(self) -> str:
        """ "Kalendarium – " and the owner, for page titles, mail and calendar feeds."""
        return f"Kalendarium – {self.owner}" if self.owner else "Kalendarium"

    @property
    def prodid(self) -> str:
        """The PRODID of our calendar files (RFC 5545 §3.7.3): who made them."""
        return f"-//{self.name or 'eventreg'}//eventreg Kalendarium//SV"

    def intro_in(self, language: str) -> str:
        return in_language(self.intro, self.intro_en, language)

    @property
    def colour_dark(self) -> str:
        """The colour a quarter darker, for hover: contrast only grows."""
        red, green, blue = (int(self.colour[i : i + 2], 16) * 3 // 4 for i in (1, 3, 5))
        return f"#{red:02x}{green:02x}{blue:02x}"


def current() -> Profile:
    """The profile, as saved (or empty, before an administrator has filled it in)."""
    cached = current_app.extensions.get("eventreg_profile")
    if cached and time.monotonic() - cached[0] < current_app.config["PROFILE_SECONDS"]:
        return cached[1]
    row = db.session.scalar(select(Organisation).limit(1))
    names = [field.name for field in fields(Profile)]
    profile = Profile(**{name: getattr(row, name) for name in names}) if row else Profile()
    current_app.extensions["eventreg_profile"] = (time.monotonic(), profile)
    return profile


def forget() -> None:
    """After a save: this process reads the profile afresh."""
    current_app.extensions.pop("eventreg_profile", None)


def contrast(colour: str, other: str = "#ffffff") -> float:
    """The WCAG 2.1 contrast ratio of two "#rrggbb" colours (1 to 21)."""

    def luminance(value: str) -> float:
        channels = []
        for i in (1, 3, 5):
            c = int(value[i : i + 2], 16) / 255
            channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
        red, green, blue = channels
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue

    lighter, darker = sorted((luminance(colour), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
