"""Ids and page numbers from URLs and forms: whole numbers the database can hold, or nothing.

Anyone can put "²" (a digit to str.isdigit, not to int), or a number of 5,000 digits, where an
id goes. Such a value names nothing: a URL gives 404, a form field its message, never a 500
from the database refusing the number.
"""

from flask import abort, request
from werkzeug.routing import IntegerConverter

#: The largest id a column holds (PostgreSQL's INTEGER, SQLite takes more): larger names nothing.
MAX_ID = 2**31 - 1
#: No list has anywhere near this many pages.
MAX_PAGE = 100_000


def parse_id(text: str | None) -> int | None:
    """The id in ``text`` (ASCII digits only, within MAX_ID), or None."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 10):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


class IdConverter(IntegerConverter):
    """``<int:…>`` in every URL rule: ASCII digits only (Werkzeug's ``\\d`` also takes "٣"), and
    a number beyond MAX_ID matches no route (404)."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits, min, max, signed)


def page_number() -> int:
    """The ``page`` of a listing, 1 when not given.

    :raise 404: for a page that cannot exist (not a number from 1 to MAX_PAGE).
    """
    text = request.args.get("page")
    if text is None:
        return 1
    number = parse_id(text)
    if number is None or number > MAX_PAGE:
        abort(404)
    return number
