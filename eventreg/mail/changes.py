"""What changed in an event, as mail (and the audit log) tells it, in the reader's language.

Services say what changed as :class:`Change` values, which keep in the outbox until the mail
is written (``mail.writing``); the words are chosen then, in the language of whoever reads them.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from eventreg import formatting

TEXTS = {
    "title": _l("Ny titel: %(value)s"),
    "venue": _l("Ny plats: %(value)s"),
    "address": _l("Ny adress: %(value)s"),
    "online_url": _l("Ny länk till mötet: %(value)s"),
    "new_session": _l("Nytt tillfälle: %(when)s"),
    "new_time": _l("Ny tid: %(when)s (tidigare %(before)s)"),
    "new_label": _l("Ny rubrik: %(label)s (tidigare %(before)s)"),
    "removed_session": _l("Inställt tillfälle: %(when)s"),
}
#: For a detail that became empty.
NOTHING = _l("(ingen)")


@dataclass(frozen=True)
class Change:
    """One change: what (a key of TEXTS) and its values: text, or a session's time as a pair."""

    what: str
    values: dict[str, str | tuple[datetime, datetime]]

    def to_json(self) -> list:
        return [
            self.what,
            {
                key: [value[0].isoformat(), value[1].isoformat()]
                if isinstance(value, tuple)
                else value
                for key, value in self.values.items()
            },
        ]

    @classmethod
    def from_json(cls, data: list) -> "Change":
        what, values = data
        return cls(
            what,
            {
                key: tuple(datetime.fromisoformat(moment) for moment in value)
                if isinstance(value, list)
                else value
                for key, value in values.items()
            },
        )


def describe(change: Change) -> str:
    """The change in words, in the current language."""
    words = {
        key: formatting.time_span(*value) if isinstance(value, tuple) else value or str(NOTHING)
        for key, value in change.values.items()
    }
    return str(TEXTS[change.what]) % words
