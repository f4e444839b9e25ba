"""Benchmark eventreg under gunicorn on SQLite and PostgreSQL, beside a plain-Flask baseline.

    .venv/bin/python bench/run.py            # full run, writes BENCHMARKS.md (10–20 minutes)
    .venv/bin/python bench/run.py --quick    # smoke run with small numbers, prints the report

For each database this migrates a fresh database with ``flask --app wsgi init-db``, seeds it
(``bench/seed.py``), starts ``gunicorn -w 4`` for eventreg and for ``bench/baseline_app.py``, and
measures, with a separate load-generator process (``bench/loadgen.py``):

- reads: the calendar and an event page at 8 and 32 concurrent clients;
- a sign-up burst: many different people sign up for one small event at once, after which the
  database is checked (seats, waiting-list order, one mail per person);
- the same burst on a hybrid event, whose form asks on site or online and a choice question
  (each way has half the seats and its own waiting list), against the plain form's;
- the same burst while ``mail-worker`` delivers to a relay that answers at once, and to one
  that takes 0.5 s per message (``bench/mailsink.py --delay``): a slow relay must not slow
  sign-ups;
- CPU time and peak RSS of the gunicorn workers.

With ``--scale`` and ``--mail`` it then also runs ``bench/scale.py`` (pages at 100 / 1,000 /
10,000 events) and ``bench/mail.py`` (outbox throughput over SMTP), each in its own process, and
adds their sections to the report; sections not measured again are kept from the previous
BENCHMARKS.md as they were (each states its own date and command).

Every server listens on 127.0.0.1 only, every measurement is bounded in time or requests, and
everything runs in temporary directories that are removed afterwards.
"""

import argparse
import json
import os
import re
import secrets
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from pgcluster import PostgresCluster  # noqa: E402

from bench import report  # noqa: E402
from bench.baseline_app import TOKEN_PLACEHOLDER, create_schema  # noqa: E402
from bench.mailsink import Sink  # noqa: E402
from bench.server import Gunicorn, busy_cpu_seconds, children_cpu_seconds  # noqa: E402

VENV_BIN = ROOT / ".venv" / "bin"
BASELINE_APP = "bench.baseline_app:create_app()"
CSRF_VALUE = re.compile(r'(<input[^>]*name="csrf_token"[^>]*value=")([^"]+)(")')
#: Before each measurement, wait up to QUIET_WAIT_SECONDS for other processes to use fewer
#: than QUIET_CPUS CPUs; the wait is bounded so a busy machine delays the run, never blocks it.
QUIET_CPUS = 0.3
QUIET_WAIT_SECONDS = 10
#: A sign-up burst while `mail-worker` delivers to a relay answering each message this late.
RELAYS = (("fast", 0.0), ("slow", 0.5))


class MailWorker:
    """``flask --app wsgi mail-worker`` as a service runs it, stopped with SIGTERM."""

    def __init__(self, env: dict[str, str], smtp_port: int, log: Path):
        self.env = {**env, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_port)}
        self.log = log

    def __enter__(self) -> "MailWorker":
        self.output = self.log.open("w")
        self.process = subprocess.Popen(
            [str(VENV_BIN / "flask"), "--app", "wsgi", "mail-worker"],
            cwd=ROOT, env=self.env, stdout=self.output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        return self

    def __exit__(self, *_exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)
        self.output.close()


@dataclass(frozen=True)
class Settings:
    """How much load: ``rounds`` repeats every measurement, as the machine may be shared."""

    rounds: int
    events: int
    read_clients: tuple[int, ...]
    read_seconds: float
    warmup_seconds: float
    people: int
    signup_clients: int
    capacity: int


FULL = Settings(
    rounds=3, events=1000, read_clients=(8, 32), read_seconds=5, warmup_seconds=1,
    people=500, signup_clients=16, capacity=40,
)  # fmt: skip
QUICK = Settings(
    rounds=1, events=100, read_clients=(8, 32), read_seconds=1, warmup_seconds=0.3,
    people=60, signup_clients=16, capacity=10,
)  # fmt: skip


def run_checked(command: list[str], env: dict[str, str], timeout: float = 300) -> str:
    """Run a command from the project root; its stdout, or a clear failure with its stderr."""
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(f"{shlex.join(command)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def app_env(database_url: str, instance: Path) -> dict[str, str]:
    """The environment of a deployed eventreg; nothing from the caller's mail or app settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MAIL_", "EVENTREG_", "DATABASE_URL", "SECRET_KEY"))
    }
    return {
        **env,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "EVENTREG_INSTANCE_PATH": str(instance),
        # As behind the TLS proxy of a deployment: the load generator names each person's
        # address in X-Forwarded-For, and the per-client rate limits count them apart.
        "TRUSTED_PROXIES": "1",
    }


def loadgen(*args: str, timeout: float) -> dict:
    return json.loads(
        run_checked([str(VENV_BIN / "python"), "bench/loadgen.py", *args], os.environ, timeout)
    )


def wait_for_quiet() -> None:
    """Between measurements our servers idle, so whatever keeps the CPUs busy is someone else."""
    deadline = time.monotonic() + QUIET_WAIT_SECONDS
    while time.monotonic() < deadline:
        before = busy_cpu_seconds()
        time.sleep(0.5)
        if (busy_cpu_seconds() - before) / 0.5 < QUIET_CPUS:
            return


def measured(server: Gunicorn, database_pid: int | None, *args: str, timeout: float) -> dict:
    """Run the load generator against ``server``; add the CPU time it cost, and what else ran.

    The machine is shared (other people's test runs may be busy on it), so each measurement
    also records how many CPUs were busy with processes outside the benchmark: the machine's
    busy time minus the workers', the load generator's and our database server's.
    """

    def database_cpu() -> float:
        return sum(children_cpu_seconds(database_pid).values()) if database_pid else 0.0

    wait_for_quiet()
    workers_before, database_before = server.cpu_seconds(), database_cpu()
    busy_before, started = busy_cpu_seconds(), time.monotonic()
    result = loadgen(*args, timeout=timeout)
    busy, wall = busy_cpu_seconds() - busy_before, time.monotonic() - started
    workers_after, database = server.cpu_seconds(), database_cpu() - database_before
    result["server_cpu_s"] = sum(
        workers_after[pid] - workers_before[pid] for pid in workers_after if pid in workers_before
    )
    # A worker that crashed and was replaced took its CPU time with it: say so.
    result["workers_restarted"] = set(workers_before) != set(workers_after)
    ours = result["server_cpu_s"] + result["client_cpu_s"] + database
    result["other_cpus"] = max(busy - ours, 0.0) / wall
    return result


def capture_pages(real: Gunicorn, seeded: dict, pages_dir: Path) -> dict[str, str]:
    """Save eventreg's own HTML of the measured pages for the baseline to serve."""
    paths = {
        "calendar": "/",
        "event": f"/evenemang/{seeded['read_event_id']}",
        "sign_up": f"/evenemang/{seeded['burst_event_ids'][0]}/anmalan",
        "api": "/api/v1/events",
    }
    pages_dir.mkdir()
    for name, path in paths.items():
        status, html = real.get(path)
        if status != 200:
            raise RuntimeError(f"eventreg answered {status} for {path}")
        if name == "api":  # served as it is, not as a template
            (pages_dir / "api.json").write_text(html)
            continue
        if any(marker in html for marker in ("{{", "{%", "{#")):
            raise RuntimeError(f"{path} contains Jinja syntax; the baseline cannot serve it as is")
        if name == "sign_up":
            html, found = CSRF_VALUE.subn(rf"\g<1>{TOKEN_PLACEHOLDER}\g<3>", html)
            if found != 1:
                raise RuntimeError("no CSRF token in the sign-up page")
        (pages_dir / f"{name}.html").write_text(html)
    return paths


def hybrid_seats(settings: Settings) -> dict[str | None, int]:
    """The seats of a hybrid burst's event in each way: half each, as many as the plain one's."""
    return {"onsite": settings.capacity // 2, "online": settings.capacity - settings.capacity // 2}


def check_eventreg_signups(
    database_url: str, event_id: int, settings: Settings, seats: dict[str | None, int] | None = None
) -> list[str]:
    """What is wrong with the burst's outcome in eventreg's database; empty when all is right.

    Right means, in each way of taking part (``seats``: its seats, by mode; one, None, for a
    plain event): seats went to its first sign-ups, everyone after them is on its waiting list
    in sign-up order (their mail, as queued for the worker to write, names their position),
    each person has exactly one mail in the outbox, and the statistics hold every seat: counted,
    or waiting for the worker to count it.
    """
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT r.id, r.status, r.mode, o.kind, o.context FROM registration r "
                "LEFT JOIN outbox_message o ON o.registration_id = r.id "
                "WHERE r.event_id = :event ORDER BY r.id, o.id"
            ),
            {"event": event_id},
        ).all()
        outbox = conn.scalar(
            text("SELECT count(*) FROM outbox_message WHERE event_id = :event"),
            {"event": event_id},
        )
        in_statistics = conn.scalar(
            text(
                "SELECT (SELECT coalesce(sum(seated), 0) FROM event_participation "
                "WHERE event_id = :event) + (SELECT count(*) FROM registration "
                "WHERE event_id = :event AND status = 'confirmed' AND NOT counted)"
            ),
            {"event": event_id},
        )
    engine.dispose()
    problems = []
    registrations = len({row.id for row in rows})
    if registrations != settings.people:
        problems.append(f"{registrations} registrations, expected {settings.people}")
    if outbox != settings.people or len(rows) != registrations:
        problems.append(f"{outbox} outbox rows, expected one per person ({settings.people})")
    for mode, capacity in (seats or {None: settings.capacity}).items():
        mine = [row for row in rows if row.mode == mode]
        where = f" ({mode})" if mode else ""
        expected = ["confirmed"] * capacity + ["waitlisted"] * max(len(mine) - capacity, 0)
        if [row.status for row in mine] != expected[: len(mine)]:
            confirmed = sum(row.status == "confirmed" for row in mine)
            problems.append(f"{confirmed} confirmed{where}, or not the first {capacity} sign-ups")
        waitlisted = [row for row in mine if row.status == "waitlisted"]
        out_of_order = [
            row.id
            for position, row in enumerate(waitlisted, start=1)
            if row.kind != "waitlisted" or json.loads(row.context).get("position") != position
        ]
        if out_of_order:
            problems.append(
                f"{len(out_of_order)} waiting-list mails{where} with the wrong position"
            )
    seated = len({row.id for row in rows if row.status == "confirmed"})
    if in_statistics != seated:
        problems.append(f"the statistics hold {in_statistics} seats, expected {seated}")
    if sum(row.mode is not None for row in rows) not in (0, len(rows)):
        problems.append("some registrations with a way of taking part, some without")
    return problems


def check_baseline_signups(database_url: str, event_id: int, settings: Settings) -> list[str]:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        rows, people = conn.execute(
            text(
                "SELECT count(*), count(DISTINCT email) FROM baseline_signup "
                "WHERE event_id = :event"
            ),
            {"event": event_id},
        ).one()
    engine.dispose()
    if rows == people == settings.people:
        return []
    return [f"{rows} rows for {people} addresses, expected {settings.people}"]


def bench_database(kind: str, settings: Settings, work: Path, pg: PostgresCluster | None) -> dict:
    """Everything measured on one kind of database, eventreg and baseline side by side.

    Each measurement is made ``settings.rounds`` times, alternating eventreg and baseline, so
    that a slow drift or a burst of someone else's work on the machine hits both alike.
    """
    print(f"== {kind}", file=sys.stderr)
    work.mkdir()
    if pg is None:
        app_url = f"sqlite:///{work / 'eventreg.sqlite'}"
        baseline_url = f"sqlite:///{work / 'baseline.sqlite'}"
        database_pid = None
    else:
        app_url = pg.create_database("eventreg_bench")
        baseline_url = pg.create_database("baseline_bench")
        database_pid = report.postgres_pid(pg)
    env = app_env(app_url, work / "instance")
    run_checked([str(VENV_BIN / "flask"), "--app", "wsgi", "init-db"], env)
    started = time.monotonic()
    seeded = json.loads(
        run_checked(
            [
                str(VENV_BIN / "python"), "bench/seed.py", "--events", str(settings.events),
                "--burst-events", str(settings.rounds + len(RELAYS)),
                "--burst-capacity", str(settings.capacity),
                "--hybrid-events", str(settings.rounds),
            ],
            env,
        )
    )  # fmt: skip
    seed_seconds = time.monotonic() - started
    create_schema(baseline_url)
    baseline_env = {
        **env,
        "BASELINE_PAGES_DIR": str(work / "pages"),
        "BASELINE_DATABASE_URL": baseline_url,
    }

    read_timeout = settings.warmup_seconds + settings.read_seconds + 60
    reads = [
        {"page": page, "clients": clients, "eventreg": [], "baseline": []}
        for page in ("calendar", "event", "api")
        for clients in settings.read_clients
    ]
    signups = {"eventreg": [], "baseline": [], "hybrid": []}
    code_before = report.revision(ROOT)
    with Gunicorn("wsgi:app", env, work / "eventreg.log") as real:
        paths = capture_pages(real, seeded, work / "pages")
        with Gunicorn(BASELINE_APP, baseline_env, work / "baseline.log") as baseline:
            servers = {"eventreg": real, "baseline": baseline}
            for round_ in range(settings.rounds):
                for row in reads:
                    row["path"] = paths[row["page"]]
                    for name, server in servers.items():
                        print(f"   round {round_ + 1}: {row['path']} x{row['clients']} {name}",
                              file=sys.stderr)  # fmt: skip
                        row[name].append(
                            measured(
                                server, database_pid,
                                "read", server.base_url + row["path"],
                                "--clients", str(row["clients"]),
                                "--duration", str(settings.read_seconds),
                                "--warmup", str(settings.warmup_seconds),
                                timeout=read_timeout,
                            )
                        )  # fmt: skip
            bursts = zip(
                seeded["burst_event_ids"][: settings.rounds],
                seeded["hybrid_event_ids"],
                strict=True,
            )
            for round_, (event_id, hybrid_id) in enumerate(bursts):
                for name, server, target in (
                    ("eventreg", real, event_id),
                    ("baseline", baseline, event_id),
                    ("hybrid", real, hybrid_id),
                ):
                    print(f"   round {round_ + 1}: sign-up burst {name}", file=sys.stderr)
                    signups[name].append(
                        measured(
                            server, database_pid,
                            "signup", server.base_url,
                            "--form-path", f"/evenemang/{target}/anmalan",
                            "--people", str(settings.people),
                            "--clients", str(settings.signup_clients),
                            "--library-ids", ",".join(map(str, seeded["library_ids"])),
                            timeout=600,
                        )
                    )  # fmt: skip
            memory = {name: server.peak_rss_mib() for name, server in servers.items()}
        relays = {}
        for (label, delay), event_id in zip(
            RELAYS, seeded["burst_event_ids"][settings.rounds :], strict=True
        ):
            print(f"   sign-up burst while mail goes to a {label} relay", file=sys.stderr)
            with Sink(delay) as sink, MailWorker(env, sink.port, work / f"worker-{label}.log"):
                relays[label] = measured(
                    real, database_pid,
                    "signup", real.base_url,
                    "--form-path", f"/evenemang/{event_id}/anmalan",
                    "--people", str(settings.people),
                    "--clients", str(settings.signup_clients),
                    "--library-ids", ",".join(map(str, seeded["library_ids"])),
                    timeout=600,
                )  # fmt: skip
                relays[label]["delay_s"] = delay
                relays[label]["mails_during"] = len(sink.command("dump")["received"])
            relays[label]["problems"] = check_eventreg_signups(app_url, event_id, settings)
    code_after = report.revision(ROOT)
    for event_id, real_result, baseline_result in zip(
        seeded["burst_event_ids"][: settings.rounds],
        signups["eventreg"],
        signups["baseline"],
        strict=True,
    ):
        real_result["problems"] = check_eventreg_signups(app_url, event_id, settings)
        baseline_result["problems"] = check_baseline_signups(baseline_url, event_id, settings)
    for event_id, result in zip(seeded["hybrid_event_ids"], signups["hybrid"], strict=True):
        result["problems"] = check_eventreg_signups(
            app_url, event_id, settings, hybrid_seats(settings)
        )
    return {
        "database": kind,
        "code_before": code_before,
        "code_after": code_after,
        "seed_seconds": seed_seconds,
        "reads": reads,
        "signups": signups,
        "relays": relays,
        "memory": memory,
    }


#: The other benchmarks, each a script printing its own section of the report with --print.
SECTIONS = ("scale", "mail", "after_course")


def measure_section(name: str, quick: bool, command: str) -> str:
    """Run ``bench/<name>.py`` in its own process; its Markdown section."""
    print(f"== {name}", file=sys.stderr)
    script = [str(VENV_BIN / "python"), f"bench/{name}.py", "--print", "--called-by", command]
    result = subprocess.run(
        script + (["--quick"] if quick else []),
        cwd=ROOT, stdout=subprocess.PIPE, text=True, timeout=1800,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"bench/{name}.py failed (exit {result.returncode}); see above")
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small numbers, for a smoke run")
    parser.add_argument(
        "--scale", action="store_true", help="also run bench/scale.py (about 5 minutes)"
    )
    parser.add_argument(
        "--mail", action="store_true", help="also run bench/mail.py (about 3 minutes)"
    )
    parser.add_argument(
        "--after-course",
        action="store_true",
        help="also run bench/after_course.py (about 2 minutes)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="where to write the Markdown report (default: BENCHMARKS.md for a full run; "
        "a quick run only prints it)",
    )
    args = parser.parse_args()
    settings = QUICK if args.quick else FULL
    output = args.output or (None if args.quick else ROOT / "BENCHMARKS.md")
    command = shlex.join([".venv/bin/python", "bench/run.py", *sys.argv[1:]])

    with tempfile.TemporaryDirectory(prefix="eventreg-bench-") as tmp, PostgresCluster() as pg:
        results = [
            bench_database("SQLite", settings, Path(tmp) / "sqlite", None),
            bench_database("PostgreSQL", settings, Path(tmp) / "postgresql", pg),
        ]
        postgres_version = run_checked([str(pg.bin_dir / "postgres"), "--version"], os.environ)
    described = {**asdict(settings), "quiet_cpus": QUIET_CPUS, "quiet_wait": QUIET_WAIT_SECONDS}
    markdown = report.render(results, described, command, report.machine(postgres_version.strip()))
    fresh = {
        name: measure_section(name, args.quick, command) for name in SECTIONS if getattr(args, name)
    }
    previous = output.read_text() if output and output.exists() else ""
    markdown = report.with_sections(markdown, previous, fresh)
    if output:
        output.write_text(markdown)
        print(f"wrote {output}", file=sys.stderr)
    else:
        print(markdown)


if __name__ == "__main__":
    main()
