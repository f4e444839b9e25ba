"""What pages reached by a personal link have in common: a link we did not make is answered
with a page that says so (404), and no shared cache may keep a page that holds personal data."""

from collections.abc import Callable
from typing import TypeVar

from flask import abort

from eventreg.errors import InvalidLink

T = TypeVar("T")


def opened(loader: Callable[[str], T], token: str) -> T:
    """What the link opens; :raise 404: for a link we did not make, or one no longer valid."""
    try:
        return loader(token)
    except InvalidLink as error:
        abort(404, description=error.message)


def no_store(response):
    """For ``after_request`` of a blueprint whose pages hold personal data."""
    response.headers["Cache-Control"] = "no-store"
    return response
