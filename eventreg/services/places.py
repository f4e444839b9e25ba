"""The county's municipalities and libraries."""

import csv
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from eventreg.extensions import db
from eventreg.models import Library, Municipality


def municipalities_with_libraries() -> list[Municipality]:
    return list(
        db.session.execute(
            select(Municipality)
            .options(selectinload(Municipality.libraries))
            .order_by(Municipality.name)
        ).scalars()
    )


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
