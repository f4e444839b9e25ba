"""Swedish first, English second: the language of a page, and of a mail.

The language is the visitor's choice, kept in their session; until they choose it is Swedish,
also for browsers that ask for English (many Swedes run English systems). The coordinators'
workspace is Swedish only. A mail is in the language of the person it is about: their
registration remembers the language they signed up in.
"""

from flask import Flask, has_request_context, request, session
from flask_babel import get_locale

#: The languages pages and mail can be in.
LANGUAGES = ("sv", "en")
DEFAULT = "sv"
#: Blueprints whose pages are in Swedish whatever the visitor chose.
SWEDISH_ONLY = frozenset({"admin", "auth"})


def select_locale() -> str:
    if has_request_context() and request.blueprint not in SWEDISH_ONLY:
        chosen = session.get("language")
        if chosen in LANGUAGES:
            return chosen
    return DEFAULT


def current_language() -> str:
    """The language being rendered: the page's, or the one a mail is forced to."""
    locale = get_locale()
    return locale.language if locale else DEFAULT


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(current_language=current_language)
