"""BENCHMARKS.md from the results of ``bench/run.py``: every eventreg figure beside its baseline."""

import argparse
import hashlib
import os
import platform
import re
import shlex
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The targets eventreg is held to: a share of the baseline's read throughput, and sign-ups/s.
READ_TARGET = 0.5
SIGNUP_TARGET = 120


def machine(postgres_version: str) -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line),
        platform.processor() or "unknown",
    )
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    return {
        "cpus": str(os.cpu_count()),
        "cpu_model": model,
        "memory": f"{memory_kib / 1024**2:.1f} GiB",
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "postgres": postgres_version,
        "gunicorn": version("gunicorn"),
        "flask": version("flask"),
    }


def revision(root: Path) -> str:
    """The code being measured: the commit, and a fingerprint of uncommitted changes if any.

    Others edit the app while benchmarks run, so a figure is only meaningful with its code;
    ``bench/run.py`` compares this before and after each database's measurements.
    """

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
        ).stdout

    commit = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    diff = git("diff", "HEAD", "--", ".", ":(exclude)bench", ":(exclude)BENCHMARKS.md")
    if not diff:
        return f"commit {commit}"
    return f"commit {commit} plus uncommitted changes (diff {hashlib.sha1(diff.encode()).hexdigest()[:8]})"


def _num(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _ratio(real: float | None, baseline: float | None) -> str:
    return "–" if not real or not baseline else f"{real / baseline:.2f}"


def _row(label: str, real: float | None, baseline: float | None, digits: int) -> str:
    return (
        f"| {label} | {_num(real, digits)} | {_num(baseline, digits)} | {_ratio(real, baseline)} |"
    )


def _best(rounds: list[dict], key: str) -> dict:
    """The round with the highest ``key``: others' work on a shared machine only slows us down."""
    return max(rounds, key=lambda result: result[key])


def _each(rounds: list[dict], key: str, digits: int = 0) -> str:
    return " / ".join(_num(result[key], digits) for result in rounds)


def _cpu_ms_per_request(result: dict) -> float | None:
    """Worker CPU per answered request, warm-up included on both sides of the division."""
    requests = result["ok"] + result["errors"] + result["warmup_requests"]
    return result["server_cpu_s"] * 1000 / requests if requests else None


def _reads_table(reads: list[dict]) -> list[str]:
    lines = [
        "| Page, clients: figure (best round) | eventreg | baseline | eventreg/baseline |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row in reads:
        real, base = _best(row["eventreg"], "per_s"), _best(row["baseline"], "per_s")
        where = f"`{row['path']}`, {row['clients']}"
        lines += [
            _row(f"{where}: **requests/s**", real["per_s"], base["per_s"], 0),
            _row(f"{where}: p50 ms", real["p50_ms"], base["p50_ms"], 1),
            _row(f"{where}: p95 ms", real["p95_ms"], base["p95_ms"], 1),
            _row(f"{where}: p99 ms", real["p99_ms"], base["p99_ms"], 1),
            _row(
                f"{where}: worker CPU ms/request",
                _cpu_ms_per_request(real),
                _cpu_ms_per_request(base),
                2,
            ),
            _row(f"{where}: errors", real["errors"], base["errors"], 0),
            f"| {where}: requests/s in each round | {_each(row['eventreg'], 'per_s')} "
            f"| {_each(row['baseline'], 'per_s')} | |",
            f"| {where}: CPUs busy with other processes, each round "
            f"| {_each(row['eventreg'], 'other_cpus', 2)} "
            f"| {_each(row['baseline'], 'other_cpus', 2)} | |",
        ]
    return lines


def _problems(rounds: list[dict]) -> list[str]:
    return [
        f"round {number}: {problem}"
        for number, result in enumerate(rounds, start=1)
        for problem in result["problems"]
    ]


def _signup_table(signups: dict, settings: dict) -> list[str]:
    real_rounds, base_rounds = signups["eventreg"], signups["baseline"]
    real, base = _best(real_rounds, "attempts_per_s"), _best(base_rounds, "attempts_per_s")

    def errors(rounds: list[dict]) -> int:
        return sum(result["errors"] for result in rounds)

    def failures(rounds: list[dict]) -> str:
        kinds: dict[str, int] = {}
        for result in rounds:
            for kind, count in result["failures"].items():
                kinds[kind] = kinds.get(kind, 0) + count
        return ", ".join(f"{count}× {kind}" for kind, count in kinds.items()) or "none"

    def verdict(rounds: list[dict]) -> str:
        return "; ".join(_problems(rounds)) or "correct in every round"

    return [
        "| Figure (best round, except where it says all) | eventreg | baseline | eventreg/baseline |",
        "| --- | ---: | ---: | ---: |",
        _row(
            "**attempts/s** (people ÷ wall time)", real["attempts_per_s"], base["attempts_per_s"], 1
        ),
        _row("successful sign-ups/s", real["per_s"], base["per_s"], 1),
        _row("p50 ms per person (GET + POST)", real["p50_ms"], base["p50_ms"], 1),
        _row("p95 ms per person (GET + POST)", real["p95_ms"], base["p95_ms"], 1),
        _row("p99 ms per person (GET + POST)", real["p99_ms"], base["p99_ms"], 1),
        _row(
            "worker CPU ms per sign-up (lowest round)",
            _cpu_ms_per_signup(real_rounds, settings["people"]),
            _cpu_ms_per_signup(base_rounds, settings["people"]),
            2,
        ),
        f"| attempts/s in each round | {_each(real_rounds, 'attempts_per_s', 1)} "
        f"| {_each(base_rounds, 'attempts_per_s', 1)} | |",
        f"| CPUs busy with other processes, each round | {_each(real_rounds, 'other_cpus', 2)} "
        f"| {_each(base_rounds, 'other_cpus', 2)} | |",
        _row("errors, all rounds", errors(real_rounds), errors(base_rounds), 0),
        f"| failed attempts, all rounds | {failures(real_rounds)} | {failures(base_rounds)} | |",
        f"| database afterwards | {verdict(real_rounds)} | {verdict(base_rounds)} | |",
    ]


#: Worker CPU per sign-up may be at most this times the baseline's (issue 13).
SIGNUP_CPU_TARGET = 2.0


def _cpu_ms_per_signup(rounds: list[dict], people: int) -> float:
    """The lowest round's worker CPU per person: others' work only adds to it."""
    return min(result["server_cpu_s"] for result in rounds) * 1000 / people


#: A hybrid event's form (on site or online, and a choice question) may cost at most this times
#: the plain form's worker CPU per sign-up (issue 14).
HYBRID_CPU_TARGET = 1.5


def _hybrid_table(signups: dict, settings: dict) -> list[str]:
    plain_rounds, hybrid_rounds = signups["eventreg"], signups["hybrid"]
    plain = _best(plain_rounds, "attempts_per_s")
    hybrid = _best(hybrid_rounds, "attempts_per_s")
    return [
        "| Figure (best round, except where it says all) | hybrid | plain | hybrid/plain |",
        "| --- | ---: | ---: | ---: |",
        _row(
            "**worker CPU ms per sign-up** (lowest round)",
            _cpu_ms_per_signup(hybrid_rounds, settings["people"]),
            _cpu_ms_per_signup(plain_rounds, settings["people"]),
            2,
        ),
        _row("attempts/s", hybrid["attempts_per_s"], plain["attempts_per_s"], 1),
        _row("p95 ms per person (GET + POST)", hybrid["p95_ms"], plain["p95_ms"], 1),
        _row(
            "errors, all rounds",
            sum(r["errors"] for r in hybrid_rounds),
            sum(r["errors"] for r in plain_rounds),
            0,
        ),
        f"| database afterwards | {'; '.join(_problems(hybrid_rounds)) or 'correct in every round'}"
        f" | {'; '.join(_problems(plain_rounds)) or 'correct in every round'} | |",
    ]


#: With the relay answering each message 0.5 s late, p95 per person may be at most this
#: times the p95 with a relay that answers at once (issue 12).
SLOW_RELAY_TARGET = 2.0


def _relay_ratio(relays: dict) -> float:
    return relays["slow"]["p95_ms"] / relays["fast"]["p95_ms"]


def _relay_table(relays: dict, settings: dict) -> list[str]:
    fast, slow = relays["fast"], relays["slow"]

    def problems(result: dict) -> str:
        return "; ".join(result["problems"]) or "correct"

    return [
        "| Figure | relay answers in 0.5 s | relay answers at once | slow/fast |",
        "| --- | ---: | ---: | ---: |",
        _row("**p95 ms per person** (GET + POST)", slow["p95_ms"], fast["p95_ms"], 1),
        _row("p50 ms per person", slow["p50_ms"], fast["p50_ms"], 1),
        _row("attempts/s", slow["attempts_per_s"], fast["attempts_per_s"], 1),
        _row("errors", slow["errors"], fast["errors"], 0),
        _row("mails delivered during the burst", slow["mails_during"], fast["mails_during"], 0),
        f"| database afterwards | {problems(slow)} | {problems(fast)} | |",
    ]


def _memory_table(memory: dict) -> list[str]:
    real, base = memory["eventreg"], memory["baseline"]
    return [
        "| Worker peak RSS (VmHWM) after all rounds, MiB | eventreg | baseline | eventreg/baseline |",
        "| --- | ---: | ---: | ---: |",
        _row("largest worker", max(real.values()), max(base.values()), 1),
        _row(f"all {len(real)} workers together", sum(real.values()), sum(base.values()), 1),
    ]


def _restarts(result: dict) -> list[str]:
    """A warning when a worker died mid-measurement: its CPU time is then missing."""
    measurements = [
        *(m for row in result["reads"] for name in ("eventreg", "baseline") for m in row[name]),
        *(m for rounds in result["signups"].values() for m in rounds),
    ]
    restarted = sum(m["workers_restarted"] for m in measurements)
    if not restarted:
        return []
    return [
        "",
        f"**Warning:** gunicorn replaced a worker during {restarted} measurement(s); "
        "their CPU figures miss that worker's time (see the gunicorn log).",
    ]


def _targets(results: list[dict], people: int) -> list[str]:
    def mark(ok: bool) -> str:
        return "✅" if ok else "❌"

    def worst_read(result: dict, page: str) -> str:
        ratio, clients = min(
            (
                _best(row["eventreg"], "per_s")["per_s"] / _best(row["baseline"], "per_s")["per_s"],
                row["clients"],
            )
            for row in result["reads"]
            if row["page"] == page
        )
        return f"{mark(ratio >= READ_TARGET)} {ratio:.0%} (at {clients} clients)"

    def api_against_calendar(result: dict) -> str:
        rates = {
            (row["page"], row["clients"]): _best(row["eventreg"], "per_s")["per_s"]
            for row in result["reads"]
        }
        ratio, clients = min(
            (rates[("api", clients)] / rates[("calendar", clients)], clients)
            for page, clients in rates
            if page == "api"
        )
        return f"{mark(ratio >= 1)} {ratio:.0%} of the calendar's (at {clients} clients)"

    def signups(result: dict) -> str:
        rate = _best(result["signups"]["eventreg"], "attempts_per_s")["attempts_per_s"]
        return f"{mark(rate >= SIGNUP_TARGET)} {rate:.0f}/s"

    def cpu(result: dict) -> str:
        real, base = (
            _cpu_ms_per_signup(result["signups"][name], people) for name in ("eventreg", "baseline")
        )
        return (
            f"{mark(real <= SIGNUP_CPU_TARGET * base)} {real / base:.2f}× "
            f"({real:.1f} ms ÷ {base:.1f} ms)"
        )

    def errors(result: dict) -> str:
        rounds = result["signups"]["eventreg"]
        count = sum(r["errors"] for r in rounds)
        correct = not _problems(rounds)
        return (
            f"{mark(count == 0 and correct)} {count} errors, "
            f"database {'correct' if correct else 'wrong'}"
        )

    def hybrid(result: dict) -> str:
        rounds = result["signups"]["hybrid"]
        real, plain = (
            _cpu_ms_per_signup(result["signups"][name], people) for name in ("hybrid", "eventreg")
        )
        ok = real <= HYBRID_CPU_TARGET * plain and not _problems(rounds)
        ok = ok and not sum(r["errors"] for r in rounds)
        return f"{mark(ok)} {real / plain:.2f}× ({real:.1f} ms ÷ {plain:.1f} ms)"

    def slow_relay(result: dict) -> str:
        relays = result["relays"]
        count = sum(relays[label]["errors"] for label in relays)
        correct = not any(relays[label]["problems"] for label in relays)
        ratio = _relay_ratio(relays)
        ok = count == 0 and correct and ratio <= SLOW_RELAY_TARGET
        return f"{mark(ok)} {count} errors, p95 {ratio:.2f}×"

    checks = [
        (
            f"Calendar `/`: ≥ {READ_TARGET:.0%} of baseline requests/s",
            lambda r: worst_read(r, "calendar"),
        ),
        (
            f"Event page: ≥ {READ_TARGET:.0%} of baseline requests/s",
            lambda r: worst_read(r, "event"),
        ),
        ("Public API `/api/v1/events`: ≥ the calendar's requests/s", api_against_calendar),
        (f"Sign-up burst: ≥ {SIGNUP_TARGET} attempts/s", signups),
        (f"Sign-up burst: worker CPU per sign-up ≤ {SIGNUP_CPU_TARGET:.0f}× baseline", cpu),
        ("Sign-up burst: 0 errors in all rounds, correct outcome", errors),
        (
            "Hybrid form (on site or online, a choice question): worker CPU per sign-up "
            f"≤ {HYBRID_CPU_TARGET}× the plain form's, 0 errors, correct outcome",
            hybrid,
        ),
        (
            f"Burst with a 0.5 s relay: 0 errors, p95 ≤ {SLOW_RELAY_TARGET:.0f}× a fast relay's",
            slow_relay,
        ),
    ]
    header = "| Target | " + " | ".join(r["database"] for r in results) + " |"
    lines = [header, "| --- |" + " --- |" * len(results)]
    for label, check in checks:
        lines.append(f"| {label} | " + " | ".join(check(r) for r in results) + " |")
    return lines


def _code(result: dict) -> list[str]:
    before, after = result["code_before"], result["code_after"]
    if before == after:
        return [f"Code measured: {before}."]
    return [
        f"**Warning:** the code changed while this database was measured, from {before} "
        f"to {after}. The servers ran the code as it was when they started; run again for "
        "figures of one version."
    ]


def render(results: list[dict], settings: dict, command: str, host: dict[str, str]) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        "Written by `bench/run.py`; run it again rather than editing this file (see "
        "`bench/README.md`). The targets first; below them how it was measured, then every "
        "figure per database, and the sections of `bench/scale.py` and `bench/mail.py`.",
        "",
        "## Targets",
        "",
        *_targets(results, settings["people"]),
        "",
        "## How this was measured",
        "",
        f"- **Date:** {now}",
        f"- **Machine:** {host['cpus']} CPUs (nproc), {host['cpu_model']}, {host['memory']} RAM, "
        f"Linux {host['kernel']}",
        f"- **Software:** Python {host['python']}, Flask {host['flask']}, gunicorn {host['gunicorn']} "
        f"(`-w 4`, sync workers), SQLite {host['sqlite']}, {host['postgres']}",
        f"- **Command:** `{command}` (from the project root)",
        f"- **Data:** {settings['events']:,} published events with 1–3 sessions each, the county's libraries.",
        f"- **Rounds:** every measurement is made {settings['rounds']} time(s), alternating eventreg "
        f"and baseline, each after waiting (at most {settings['quiet_wait']} s) for other processes "
        f"to use under {settings['quiet_cpus']} CPUs; "
        "tables show the best round of each (on a shared machine, other work only "
        "slows a run down) and list every round's throughput and the CPUs other processes kept busy.",
        f"- **Reads:** closed loop, {settings['warmup_seconds']} s warm-up then {settings['read_seconds']} s "
        f"measured per row, at {' and '.join(map(str, settings['read_clients']))} concurrent clients.",
        f"- **Sign-up burst:** {settings['people']} different people, {settings['signup_clients']} "
        f"concurrent clients, one event with {settings['capacity']} seats; each person GETs the form "
        "(cookies kept per client, for the session and CSRF token) and POSTs it, expecting 302.",
        "- **Baseline:** `bench/baseline_app.py` under the same gunicorn settings: eventreg's own HTML "
        "for the page, captured once and rendered with `render_template_string` from memory; for "
        "sign-ups, eventreg's form page with a session CSRF token on GET, and one checked INSERT "
        "on POST into the same kind of database.",
        "",
        "Ratios are eventreg ÷ baseline: above 1 is better for requests/s, worse for latency, "
        "CPU and memory. The load generator (`bench/loadgen.py`, Python threads) and, for "
        "PostgreSQL, the database server share the machine's CPUs with the workers; the workers' "
        "CPU time is read from `/proc/<pid>/stat` and excludes both.",
    ]
    for result in results:
        lines += [
            "",
            f"## {result['database']}",
            "",
            *_code(result),
            "",
            f"Seeding took {result['seed_seconds']:.1f} s.",
            *_restarts(result),
            "",
            "### Reads",
            "",
            *_reads_table(result["reads"]),
            "",
            "### Sign-up burst",
            "",
            *_signup_table(result["signups"], settings),
            "",
            "### Sign-up burst on a hybrid event",
            "",
            "The same burst on an event where each person chooses on site or online (half the "
            "seats each, a waiting list each) and answers a choice question, measured in the same "
            "rounds as the plain form's.",
            "",
            *_hybrid_table(result["signups"], settings),
            "",
            "### Sign-up burst while the mail worker delivers",
            "",
            "The same burst on a fresh event, while one `flask --app wsgi mail-worker` delivers "
            "the confirmations to `bench/mailsink.py`, once answering at once and once taking "
            "0.5 s per message.",
            "",
            *_relay_table(result["relays"], settings),
            "",
            "### Memory",
            "",
            *_memory_table(result["memory"]),
        ]
    return "\n".join(lines) + "\n"


# Sections written by the other benchmarks (``bench/scale.py``, ``bench/mail.py``). Each is kept
# between two markers, so that a script can replace its own section and ``bench/run.py`` can keep
# the sections it did not measure again when it rewrites the file.

SECTION = re.compile(r"<!-- section: (?P<name>[\w-]+) -->\n.*?<!-- /section: (?P=name) -->\n", re.S)


def section(name: str, markdown: str) -> str:
    """``markdown`` between the markers of section ``name``."""
    return f"<!-- section: {name} -->\n{markdown.strip()}\n<!-- /section: {name} -->\n"


def sections(text: str) -> dict[str, str]:
    """The marked sections of a report, by name, markers included."""
    return {match["name"]: match.group(0) for match in SECTION.finditer(text)}


def replace_section(text: str, name: str, marked: str) -> str:
    """``text`` with section ``name`` replaced by ``marked``, or ``marked`` appended."""
    current = sections(text).get(name)
    if current is not None:
        return text.replace(current, marked)
    return text.rstrip("\n") + "\n\n" + marked


def write_section(path: Path, name: str, markdown: str) -> None:
    """Put one section into the report at ``path`` (created if missing), leaving the rest alone."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    path.write_text(replace_section(text, name, section(name, markdown)))


@dataclass(frozen=True)
class SectionRun:
    """How a script that measures one section of the report was asked to run."""

    name: str
    quick: bool
    #: The report to write the section into; None prints it instead.
    output: Path | None
    command: str
    #: The code when the run started (see :func:`revision`).
    code: str


def section_run(name: str, description: str, quick_help: str) -> SectionRun:
    """Read the options every section script takes (``bench/<name>.py``)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--print", action="store_true", help="print the section, write nothing")
    parser.add_argument("--output", type=Path, help="report to put the section in")
    parser.add_argument("--called-by", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    default = None if args.quick else ROOT / "BENCHMARKS.md"
    command = args.called_by or shlex.join([".venv/bin/python", f"bench/{name}.py", *sys.argv[1:]])
    return SectionRun(
        name, args.quick, None if args.print else (args.output or default), command, revision(ROOT)
    )


def postgres_pid(cluster) -> int:
    """The PostgreSQL server's process, whose CPU time the reports show."""
    return int((cluster.base_dir / "data" / "postmaster.pid").read_text().split()[0])


def finish_section(run: SectionRun, render: Callable[[str], str]) -> None:
    """``render(code)`` the section, noting code that changed during the run, and write it out."""
    code = run.code
    if code != revision(ROOT):
        code += f" (**changed during the run**, now {revision(ROOT)})"
    markdown = render(code)
    if run.output:
        write_section(run.output, run.name, markdown)
        print(f"wrote the {run.name} section of {run.output}", file=sys.stderr)
    else:
        print(markdown)


def section_header(command: str, host: dict[str, str], code: str) -> list[str]:
    """Date, machine, software, command and code of a section measured on its own."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return [
        f"- **Date:** {now}",
        f"- **Machine:** {host['cpus']} CPUs (nproc), {host['cpu_model']}, {host['memory']} RAM, "
        f"Linux {host['kernel']}",
        f"- **Software:** Python {host['python']}, Flask {host['flask']}, "
        f"SQLite {host['sqlite']}, {host['postgres']}",
        f"- **Command:** `{command}` (from the project root)",
        f"- **Code measured:** {code}",
    ]


def with_sections(markdown: str, previous: str, fresh: dict[str, str]) -> str:
    """The main report followed by its sections: those just measured (``fresh``, unmarked), and
    those of the ``previous`` report that were not measured again, kept as they were (each
    section states its own date and command)."""
    marked = sections(previous)
    for name, text in fresh.items():
        marked[name] = section(name, text)
    for name, text in marked.items():
        markdown = replace_section(markdown, name, text)
    return markdown
