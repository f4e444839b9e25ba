"""Fixtures for reading our invites with Mozilla's ical.js, run in Node.

tests/setup_system.py installs Node and runs `npm ci` here; these tests never install anything
themselves, they only say what is missing.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from setup_system import node_modules_current

PARSE = Path(__file__).parent / "parse.mjs"
SETUP = "python tests/setup_system.py"


@pytest.fixture
def database_url(migrated_databases, smtp):
    """SQLite only: an invite's text does not depend on the database, so one run is enough."""
    return migrated_databases("sqlite", smtp.port)


@pytest.fixture(scope="session")
def icaljs():
    """``read(calendars) -> [dict]``: what ical.js reads from each iCalendar text (parse.mjs).

    One Node process reads them all, since starting Node costs more than parsing. TZ=UTC, so a
    time ical.js fails to tie to its VTIMEZONE cannot pass as Stockholm time by accident.
    """
    if shutil.which("node") is None:
        if os.geteuid() == 0:
            pytest.fail(f"node is missing: `{SETUP}` installs it.")
        pytest.skip(f"node is missing and installing it needs root: `sudo {SETUP}`.")
    if not node_modules_current():
        pytest.fail(f"tests/interop/node_modules does not match package-lock.json: run `{SETUP}`.")

    def read(calendars: list[str]) -> list[dict]:
        result = subprocess.run(
            ["node", str(PARSE)],
            input=json.dumps(calendars),
            capture_output=True,
            text=True,
            env={**os.environ, "TZ": "UTC"},
            timeout=30,
        )
        if result.returncode:
            pytest.fail(f"ical.js could not read the calendars:\n{result.stderr}")
        return json.loads(result.stdout)

    return read
