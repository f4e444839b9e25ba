"""Where a sign-up's CPU time goes: GET the form, POST it, GET the thanks page, in-process.

    .venv/bin/python bench/profile_signup.py [--people 300] [--top 25] [--timed-only] [--hybrid]
                                             [--as-burst]

For SQLite and PostgreSQL each: a fresh migrated database with one event (unlimited seats; with
``--hybrid``, on site or online and a choice question, as the hybrid burst of ``run.py``), a
warm-up, then ``--people`` sign-ups through Flask's test client (no network, so only the app's
own work is counted) under cProfile. Prints the CPU time per sign-up, the time by package
(eventreg's own modules by module), and the functions with the most time of their own.

``--as-burst`` does what most people of ``run.py``'s burst do: the event's 40 seats are taken
in the warm-up, so each sign-up joins the waiting list, and the thanks page is not fetched.
"""

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from flask_migrate import upgrade  # noqa: E402
from helpers import app_config, csrf_token, make_event  # noqa: E402
from pgcluster import PostgresCluster  # noqa: E402

from bench.loadgen import filled_in  # noqa: E402
from bench.seed import WORKSHOP  # noqa: E402
from eventreg import create_app  # noqa: E402
from eventreg.cli import LIBRARIES_CSV  # noqa: E402
from eventreg.extensions import db  # noqa: E402
from eventreg.services.places import import_libraries  # noqa: E402
from eventreg.services.questions import save_questions  # noqa: E402

#: The seats of ``run.py``'s burst event.
BURST_SEATS = 40


def _app(url: str, instance: Path, hybrid: bool, capacity: int | None):
    app = create_app({**app_config(url, instance, 25), "TRUSTED_PROXIES": 1})
    with app.app_context():
        upgrade()
        import_libraries(LIBRARIES_CSV)
        if hybrid:
            event = make_event(
                capacity=None, choose_mode=True, online_url="https://teams.example.se/meet/x"
            )
            save_questions(event.id, [WORKSHOP], None)
        else:
            event = make_event(capacity=capacity)
        event_id = event.id
        db.session.commit()
    return app, event_id


def sign_up(client, event_id: int, n: int, thanks: bool = True) -> None:
    headers = {"X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}
    url = f"/evenemang/{event_id}/anmalan"
    page = client.get(url, headers=headers).get_data(as_text=True)
    answer = client.post(
        url,
        headers=headers,
        data={
            **filled_in(page, n),
            "csrf_token": csrf_token(page),
            "name": f"Person {n}",
            "email": f"person{n}@bibliotek.se",
            "library": "other",
            "other_workplace": "Skolbiblioteket",
            "consent": "y",
        },
    )
    assert answer.status_code == 302, answer.status_code
    if thanks:
        client.get(answer.headers["Location"], headers=headers)


def _area(filename: str) -> str:
    path = filename.replace("\\", "/")
    if "/eventreg/" in path and "site-packages" not in path:
        return "eventreg/" + path.rsplit("/eventreg/", 1)[1].removesuffix(".py")
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if path.startswith("<"):
        return "built-in"
    return "python: " + path.rsplit("/", 1)[-1].removesuffix(".py")


def profile(
    name: str, url: str, people: int, top: int, timed_only: bool, hybrid: bool, burst: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app, event_id = _app(url, Path(tmp), hybrid, BURST_SEATS if burst else None)
        client = app.test_client()
        for n in range(BURST_SEATS + 10):  # warm-up: templates compiled, caches filled
            sign_up(client, event_id, 100_000 + n)
        profiler = cProfile.Profile()
        cpu = time.process_time()
        if not timed_only:
            profiler.enable()
        for n in range(people):
            sign_up(client.__class__(app), event_id, n, thanks=not burst)
        profiler.disable()
        cpu = time.process_time() - cpu
        with app.app_context():
            db.engine.dispose()
    what = "GET + POST, to the waiting list" if burst else "GET + POST + thanks"
    if timed_only:
        print(f"{name}: {1000 * cpu / people:.2f} ms CPU per sign-up ({what})")
        return
    stats = pstats.Stats(profiler)
    by_area: dict[str, float] = defaultdict(float)
    for (filename, _line, _function), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        by_area[_area(filename)] += tottime
    print(f"\n## {name}: {1000 * cpu / people:.2f} ms CPU per sign-up ({what})\n")
    print("| Where (own time) | ms per sign-up |\n| --- | ---: |")
    for area, seconds in sorted(by_area.items(), key=lambda item: -item[1])[:top]:
        print(f"| {area} | {1000 * seconds / people:.3f} |")
    print("\n<details><summary>Functions with the most time of their own</summary>\n")
    print("| Function | ms per sign-up | calls per sign-up |\n| --- | ---: | ---: |")
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])[:top]
    for (filename, line, function), (_cc, calls, tottime, _ct, _callers) in rows:
        where = f"{_area(filename)}:{line} {function}"
        print(f"| `{where}` | {1000 * tottime / people:.3f} | {calls / people:.1f} |")
    print("\n</details>")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--timed-only", action="store_true", help="no cProfile (it triples the time): CPU only"
    )
    parser.add_argument("--hybrid", action="store_true", help="on site or online, and a question")
    parser.add_argument(
        "--as-burst", action="store_true", help="to the waiting list, without the thanks page"
    )
    args = parser.parse_args()
    options = (args.people, args.top, args.timed_only, args.hybrid, args.as_burst)
    with tempfile.TemporaryDirectory() as tmp:
        profile("SQLite", f"sqlite:///{tmp}/profile.sqlite", *options)
    with PostgresCluster() as pg:
        profile("PostgreSQL", pg.create_database("eventreg_profile"), *options)


if __name__ == "__main__":
    main()
