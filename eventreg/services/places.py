"""The county's municipalities and libraries."""

import csv
from pathlib import Path

from sqlalchemy import select

from eventreg import audit
from eventreg.errors import EventRegError
from eventreg.extensions import db
from eventreg.models import Library, Municipality, User


def library_options() -> list[tuple[int, str, str]]:
    """(library id, library name, municipality name) of the libraries offered in forms.

    One light query: every sign-up form page asks for it.
    """
    rows = db.session.execute(
        select(Library.id, Library.name, Municipality.name)
        .join(Municipality, Library.municipality_id == Municipality.id)
        .where(Library.active)
        .order_by(Municipality.name, Library.name)
    )
    return [tuple(row) for row in rows]


def import_libraries(path: Path) -> int:
    """Add the municipalities and libraries of a CSV (kommunkod,kommun,bibliotek,typ) not yet known.

    Existing rows are left alone, so coordinators' later edits survive a second import.
    Returns the number of libraries added.
    """
    municipalities = {m.scb_code: m for m in db.session.execute(select(Municipality)).scalars()}
    known = set(db.session.execute(select(Library.name)).scalars())
    added = 0
    with path.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            code = row["kommunkod"].strip()
            municipality = municipalities.get(code)
            if municipality is None:
                municipality = Municipality(scb_code=code, name=row["kommun"].strip())
                municipalities[code] = municipality
                db.session.add(municipality)
            name = row["bibliotek"].strip()
            if name not in known:
                db.session.add(
                    Library(municipality=municipality, name=name, kind=row["typ"].strip())
                )
                known.add(name)
                added += 1
    db.session.flush()
    return added


def save_library(library: Library | None, actor: User, **values) -> Library:
    """Add a library or change one; a closed library stays for statistics but leaves the form.

    :raise EventRegError: when another library has the same name.
    """
    clash = db.session.scalar(
        select(Library.id).where(
            Library.name == values["name"], Library.id != (library.id if library else None)
        )
    )
    if clash:
        raise EventRegError("Det finns redan ett bibliotek med det namnet.", field="name")
    if library is None:
        library = Library()
        db.session.add(library)
    for key, value in values.items():
        setattr(library, key, value)
    db.session.flush()
    audit.record(actor, "sparade bibliotek", None, library.name)
    return library


def save_municipality(
    municipality: Municipality, actor: User, name: str, scb_code: str
) -> Municipality:
    """:raise EventRegError: when the name or code belongs to another municipality."""
    for column, value, field in (
        (Municipality.name, name, "name"),
        (Municipality.scb_code, scb_code, "scb_code"),
    ):
        if db.session.scalar(
            select(Municipality.id).where(column == value, Municipality.id != municipality.id)
        ):
            raise EventRegError("En annan kommun har redan det värdet.", field=field)
    municipality.name, municipality.scb_code = name, scb_code
    db.session.flush()
    audit.record(actor, "sparade kommun", None, f"{scb_code} {name}")
    return municipality
