"""After the course: certificates for a 200-person course, one certificate's PDF, and Mina kurser
for a person with 100 registrations, each against a baseline measured in the same run.

    .venv/bin/python bench/after_course.py           # writes its section of BENCHMARKS.md
    .venv/bin/python bench/after_course.py --quick   # fewer repeats, prints the section only

For SQLite and a throw-away PostgreSQL server: a fresh migrated database, and requests through
Flask's test client in one process (as ``bench/scale.py``), each timed as the median of several:

- a coordinator marks the last of three sessions of a course with 200 seated, all present:
  everyone now qualifies and gets a certificate (the figure); against marking the first
  session again (the same 200 marks, nobody newly qualifying: the baseline). Before each timed
  mark of the last session, its marks and the certificates are removed again;
- one certificate's PDF, against the same person's personal page;
- Mina kurser for a person with 100 registrations, against a person with one.
"""

import os
import statistics as stats
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from flask_migrate import upgrade  # noqa: E402
from helpers import (  # noqa: E402
    PASSWORD,
    app_config,
    applicant,
    csrf_token,
    login,
    make_event,
    stockholm,
)
from pgcluster import PostgresCluster  # noqa: E402
from sqlalchemy import delete, select  # noqa: E402

from bench import report  # noqa: E402
from bench.run import run_checked  # noqa: E402
from eventreg import create_app, links  # noqa: E402
from eventreg.cli import LIBRARIES_CSV  # noqa: E402
from eventreg.extensions import db  # noqa: E402
from eventreg.models import Attendance, Certificate, Role  # noqa: E402
from eventreg.services.accounts import create_user  # noqa: E402
from eventreg.services.events import SessionTimes  # noqa: E402
from eventreg.services.places import import_libraries  # noqa: E402
from eventreg.services.registrations import register  # noqa: E402

COORDINATOR = "bench@region.se"


def _moved_back(event, days: int) -> None:
    """Sign-up closes when a course starts: people sign up first, then it is moved back."""
    for session in event.sessions:
        session.starts_at -= timedelta(days=days)
        session.ends_at -= timedelta(days=days)
    event.first_start, event.last_end = event.sessions[0].starts_at, event.sessions[-1].ends_at


def _seed(people: int, registrations: int) -> dict:
    import_libraries(LIBRARIES_CSV)
    create_user(COORDINATOR, "Bench", PASSWORD, Role.COORDINATOR)
    course = make_event(
        title="Stor kurs",
        capacity=None,
        sessions=[SessionTimes(stockholm(30 + n, 9), stockholm(30 + n, 12)) for n in range(3)],
    )
    seated = [
        register(course.id, applicant(n, email=f"deltagare{n}@bibliotek.se")).id
        for n in range(people)
    ]
    _moved_back(course, 60)
    for number in range(registrations):
        event = make_event(title=f"Kurs {number}", capacity=None, days=10 + number)
        register(event.id, applicant(1, email="flitig@bibliotek.se"))
    event = make_event(title="En kurs", capacity=None)
    register(event.id, applicant(2, email="en@bibliotek.se"))
    db.session.commit()
    return {"course": course.id, "sessions": [s.id for s in course.sessions], "seated": seated}


def _median_ms(request, repeats: int, before=None) -> float:
    times = []
    for _ in range(repeats):
        if before:
            before()
        started = time.perf_counter()
        response = request()
        times.append(time.perf_counter() - started)
        assert response.status_code in (200, 302), response.status_code
        response.close()
    return 1000 * stats.median(times)


def bench_database(name: str, url: str, work: Path, repeats: int, people: int) -> dict:
    app = create_app({**app_config(url, work, 25), "TRUSTED_PROXIES": 1})
    with app.app_context():
        upgrade()
        seeded = _seed(people, 100)
    client = app.test_client()
    login(client, COORDINATOR)
    course, sessions, seated = seeded["course"], seeded["sessions"], seeded["seated"]
    page = f"/samordnare/evenemang/{course}/narvaro"

    def mark(session_id: int):
        url = f"{page}?tillfalle={session_id}"
        token = csrf_token(client.get(url).text)
        return lambda: client.post(url, data={"csrf_token": token, "kom": seated})

    for session_id in sessions[:2]:
        mark(session_id)()  # all came to the first two

    def unmark_last():
        with app.app_context():
            db.session.execute(delete(Certificate))
            db.session.execute(delete(Attendance).where(Attendance.session_id == sessions[2]))
            db.session.commit()

    issuing = _median_ms(mark(sessions[2]), repeats, before=unmark_last)
    marking = _median_ms(mark(sessions[0]), repeats)
    mark(sessions[2])()
    with app.app_context():
        certificate = db.session.scalars(select(Certificate)).first()
        registration = certificate.registration
        personal = links.personal_url(registration).split(".test", 1)[1]
        many = links.my_courses_url("flitig@bibliotek.se").split(".test", 1)[1]
        one = links.my_courses_url("en@bibliotek.se").split(".test", 1)[1]
        issued = db.session.query(Certificate).count()
    pdf = _median_ms(lambda: client.get(f"{personal}/kursintyg.pdf"), repeats)
    personal_page = _median_ms(lambda: client.get(personal), repeats)
    courses_many = _median_ms(lambda: client.get(many), repeats)
    courses_one = _median_ms(lambda: client.get(one), repeats)
    with app.app_context():
        db.engine.dispose()
    return {
        "database": name,
        "issued": issued,
        "rows": [
            (f"mark the last session: {people} certificates issued", issuing, "mark a session, none issued", marking),
            ("one certificate's PDF", pdf, "the person's personal page", personal_page),
            ("Mina kurser, 100 registrations", courses_many, "Mina kurser, 1 registration", courses_one),
        ],
    }  # fmt: skip


def render(results: list[dict], command: str, host: dict, code: str, repeats: int) -> str:
    lines = [
        "## After the course",
        "",
        *report.section_header(command, host, code),
        f"- **Repeats:** median of {repeats} requests each, in one process through Flask's test "
        "client (no network); the baseline is measured in the same run.",
        "",
    ]
    for result in results:
        lines += [
            f"### {result['database']}",
            "",
            f"{result['issued']} certificates issued in all.",
            "",
            "| Figure | ms | Baseline | ms | ratio |",
            "| --- | ---: | --- | ---: | ---: |",
            *(
                f"| {figure} | {ms:.1f} | {base} | {base_ms:.1f} | {ms / base_ms:.2f} |"
                for figure, ms, base, base_ms in result["rows"]
            ),
            "",
        ]
    return "\n".join(lines)


def main() -> None:
    run = report.section_run("after_course", __doc__.splitlines()[0], "5 repeats, 50 seated")
    repeats, people = (5, 50) if run.quick else (15, 200)
    with tempfile.TemporaryDirectory(prefix="eventreg-after-") as tmp, PostgresCluster() as pg:
        work = Path(tmp)
        (work / "sqlite").mkdir()
        (work / "postgresql").mkdir()
        results = [
            bench_database(
                "SQLite", f"sqlite:///{work / 'after.sqlite'}", work / "sqlite", repeats, people
            ),
            bench_database(
                "PostgreSQL",
                pg.create_database("eventreg_after"),
                work / "postgresql",
                repeats,
                people,
            ),
        ]
        postgres_version = run_checked([str(pg.bin_dir / "postgres"), "--version"], os.environ)
    host = report.machine(postgres_version.strip())
    report.finish_section(run, lambda code: render(results, run.command, host, code, repeats))


if __name__ == "__main__":
    main()
