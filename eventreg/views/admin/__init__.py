"""The coordinators' workspace under /samordnare. Every view declares the role it needs."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/samordnare")

from eventreg.views.admin import (  # noqa: E402, F401
    access,
    attendees,
    audiences,
    embedding,
    evaluations,
    events,
    managers,
    materials,
    networks,
    newsletters,
    organisation,
    outbox,
    personal_data,
    plans,
    questions,
    second_factor,
    settings,
    statistics,
)
