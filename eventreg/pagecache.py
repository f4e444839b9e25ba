"""Public pages kept rendered in each worker's memory, for the moments when everyone looks at once.

A page is stored under its URL, its language and a version of the data: the latest change to any event and to
any registration, and the current minute, since what a page says also moves with the clock
(sign-up opens, the deadline passes). Any change makes every stored page stale at once, so a page
is never more than a minute behind the clock and never behind the data.

Only anonymous visitors without a pending message get stored pages: nothing personal is stored.
A page with a form is stored with a placeholder where the CSRF token goes, and each visitor gets
their own token put back in.
"""

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import wraps
from threading import Lock
from typing import TypeVar

from flask import current_app, request, session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import func, select

from eventreg import organisation
from eventreg.extensions import db
from eventreg.i18n import current_language
from eventreg.models import Event, Registration
from eventreg.models.base import utcnow

#: Pages per worker; a calendar page is some tens of kilobytes.
SIZE = 256

#: Stands where the visitor's CSRF token goes in a stored page.
TOKEN_PLACEHOLDER = "\x00csrf\x00"

T = TypeVar("T")


class _Store:
    """One app's pages, shared by the threads of a worker."""

    def __init__(self):
        self.pages: OrderedDict[tuple, str] = OrderedDict()
        self.lock = Lock()


def _store() -> _Store:
    return current_app.extensions.setdefault("page_cache", _Store())


def minute():
    return utcnow().replace(second=0, microsecond=0)


def data_version() -> tuple:
    """The latest change to events and to registrations (one round trip), the minute, and the
    organisation profile's (which every page shows)."""
    events, registrations = db.session.execute(
        select(
            select(func.max(Event.updated_at)).scalar_subquery(),
            select(func.max(Registration.updated_at)).scalar_subquery(),
        )
    ).one()
    return events, registrations, minute(), organisation.current().updated_at


def may_store() -> bool:
    """For visitors nobody is signed in as (Flask-Login keeps the account in the session, and
    reading that costs less than loading the user), with no message waiting for them."""
    return "_user_id" not in session and not session.get("_flashes")


def remember(
    key: tuple, render: Callable[[], str], with_form: bool = False, per_language: bool = True
) -> str:
    """The page stored under ``key`` in the visitor's language (unless it says the same in
    every language: ``per_language``), or ``render()`` stored there now."""
    key = (current_language() if per_language else "", *key)
    store = _store()
    with store.lock:
        page = store.pages.get(key)
        if page is not None:
            store.pages.move_to_end(key)
    if page is None:
        page = render()
        if with_form:
            page = page.replace(generate_csrf(), TOKEN_PLACEHOLDER)
        with store.lock:
            store.pages[key] = page
            while len(store.pages) > SIZE:
                store.pages.popitem(last=False)
    return page.replace(TOKEN_PLACEHOLDER, generate_csrf()) if with_form else page


def recently(kind: str, key: Hashable, seconds: float, fetch: Callable[[], T]) -> T:
    """What ``fetch()`` gave for ``key`` less than ``seconds`` ago in this worker, or what it
    gives now.

    For the moments when everyone asks the same at once (a course opens, a site polls the
    API): an answer a second old costs nobody anything, and spares the database a query per
    request. ``kind`` keeps the answers of different fetches apart.
    """
    kept = current_app.extensions.setdefault(f"eventreg_recent_{kind}", {})
    now = time.monotonic()
    found = kept.get(key)
    if found is not None and now - found[0] < seconds:
        return found[1]
    answer = fetch()
    if len(kept) >= SIZE:  # keys come from URLs: keep it bounded
        kept.clear()
    kept[key] = (now, answer)
    return answer


def cached_page(view: Callable[..., str]) -> Callable[..., str]:
    """Serve the view's HTML from memory while the data behind it is unchanged."""

    @wraps(view)
    def serve(**kwargs):
        if not may_store():
            return view(**kwargs)
        return remember((request.full_path, data_version()), lambda: view(**kwargs))

    return serve
