"""The coordinators' workspace under /samordnare. Every view declares the role it needs."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/samordnare")

from eventreg.views.admin import access, attendees, events, outbox  # noqa: E402, F401
