"""Public pages kept rendered in each worker's memory, for the moments when everyone looks at once.

A page is stored under its URL and a version of the data: the latest change to any event (every
sign-up and cancellation touches its event too) and the current minute, since what a page says
also moves with the clock (sign-up opens, the deadline passes). Any change makes every stored page
stale at once, so a page is never more than a minute behind the clock and never behind the data.
Only anonymous visitors without a pending message get stored pages: nothing personal is stored.
"""

from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from threading import Lock

from flask import current_app, request, session
from flask_login import current_user
from sqlalchemy import func, select

from eventreg.extensions import db
from eventreg.models import Event
from eventreg.models.base import utcnow

#: Pages per worker; a calendar page is some tens of kilobytes.
SIZE = 256


class _Store:
    """One app's pages, shared by the threads of a worker."""

    def __init__(self):
        self.pages: OrderedDict[tuple, str] = OrderedDict()
        self.lock = Lock()


def _store() -> _Store:
    return current_app.extensions.setdefault("page_cache", _Store())


def data_version() -> tuple:
    latest = db.session.scalar(select(func.max(Event.updated_at)))
    return latest, utcnow().replace(second=0, microsecond=0)


def cached_page(view: Callable[..., str]) -> Callable[..., str]:
    """Serve the view's HTML from memory while the data behind it is unchanged."""

    @wraps(view)
    def serve(**kwargs):
        if current_user.is_authenticated or session.get("_flashes"):
            return view(**kwargs)
        key = (request.full_path, data_version())
        store = _store()
        with store.lock:
            page = store.pages.get(key)
            if page is not None:
                store.pages.move_to_end(key)
                return page
        page = view(**kwargs)
        with store.lock:
            store.pages[key] = page
            while len(store.pages) > SIZE:
                store.pages.popitem(last=False)
        return page

    return serve
