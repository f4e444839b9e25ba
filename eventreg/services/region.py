"""A region set up from one file: its profile, library plans, audiences and libraries.

So that a fresh install (or a test, or the demo) needs no clicking and no code::

    flask --app wsgi load-region region.toml

The file is TOML: an ``[organisation]`` table (the profile's fields), ``[[plans]]`` with their
``[[plans.areas]]``, an ``audiences`` list, and ``libraries``, a CSV beside the file. A plan or
audience the database has already (by name) is left as it is, so loading twice changes nothing.
"""

import tomllib
from datetime import date
from pathlib import Path

from eventreg.models import User
from eventreg.models.organisation import DEFAULT_COLOUR
from eventreg.services import audiences, organisation, places, plans


def load_region(path: Path, actor: User | None = None) -> str:
    """Load the file; say what was added."""
    spec = tomllib.loads(path.read_text(encoding="utf-8"))
    profile = dict(spec.get("organisation", {}))
    if profile:  # a file of plans only leaves the profile as it is
        organisation.save_profile(actor, colour=profile.pop("colour", DEFAULT_COLOUR), **profile)
    known_plans = {plan.name for plan in plans.plans()}
    added_plans = 0
    for plan in spec.get("plans", []):
        if plan["name"] in known_plans:
            continue
        areas = [plans.AreaText(**area) for area in plan["areas"]]
        starts_on, ends_on = (_day(plan[key]) for key in ("starts_on", "ends_on"))
        plans.save_plan(None, plan["name"], starts_on, ends_on, areas, actor)
        added_plans += 1
    known_audiences = {audience.name for audience in audiences.audiences()}
    added_audiences = 0
    for audience in spec.get("audiences", []):
        if audience["name"] not in known_audiences:
            audiences.save_audience(
                None, audience["name"], audience.get("name_en", ""), False, actor
            )
            added_audiences += 1
    libraries = (
        places.import_libraries(path.parent / spec["libraries"]) if "libraries" in spec else 0
    )
    return (
        f"{spec.get('organisation', {}).get('name', 'Organisationen')}: {added_plans} biblioteksplaner, "
        f"{added_audiences} målgrupper och {libraries} bibliotek tillagda."
    )


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
