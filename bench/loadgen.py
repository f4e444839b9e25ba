"""Load generator, run by ``bench/run.py`` as its own process so it does not share a GIL with it.

Two modes, each printing one JSON object with its own latency percentiles:

``read``    N threads GET one URL in a loop for a fixed time (after a warm-up) or until a fixed
            number of requests, whichever comes first.
``signup``  N threads work through a fixed list of people: each person GETs the sign-up form
            (with the thread's cookies, for the session that holds the CSRF token), then POSTs it
            and expects a 302 redirect. Latency is per person (GET + POST). Like a browser,
            the post carries the form's hidden fields and one option of each group of radio
            buttons (on site or online, a choice question), person n taking option n mod count.

Only plain ``http.client`` on 127.0.0.1 is used: every request is bounded by a socket timeout and
every run by time or count, so a stuck server cannot keep the benchmark running. Note that
gunicorn's sync workers close the connection after each response, so the client reconnects
per request (``http.client`` does that by itself) just as a browser would against this setup.
"""

import argparse
import http.client
import json
import re
import resource
import sys
import threading
import time
from urllib.parse import urlencode, urlsplit

SOCKET_TIMEOUT = 30
CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')
INPUT = re.compile(r"<input[^>]*>")
NAME = re.compile(r'name="([^"]*)"')


def filled_in(page: str, person: int) -> dict[str, str]:
    """The hidden fields and radio buttons of a form, as ``person`` would fill them in."""
    hidden, radios = {}, {}
    for tag in INPUT.findall(page):
        name, value = NAME.search(tag), VALUE.search(tag)
        if name is None or value is None or "disabled" in tag:
            continue
        if 'type="hidden"' in tag:
            hidden[name.group(1)] = value.group(1)
        elif 'type="radio"' in tag:
            radios.setdefault(name.group(1), []).append(value.group(1))
    return hidden | {name: values[person % len(values)] for name, values in radios.items()}


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    rank = max(1, round(fraction * len(sorted_values) + 0.5 - 1e-9))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summary(latencies: list[float], errors: int, elapsed: float, extra: dict) -> dict:
    latencies = sorted(latencies)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "ok": len(latencies),
        "errors": errors,
        "elapsed_s": elapsed,
        "per_s": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": _ms(percentile(latencies, 0.50)),
        "p95_ms": _ms(percentile(latencies, 0.95)),
        "p99_ms": _ms(percentile(latencies, 0.99)),
        "client_cpu_s": usage.ru_utime + usage.ru_stime,
        **extra,
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000


def run_read(url: str, clients: int, duration: float, warmup: float, max_requests: int) -> dict:
    """Closed loop: each client sends its next request as soon as the previous one is answered.

    Only requests that start inside the measuring window count; warm-up requests let each worker
    load templates and open its database connections first.
    """
    parts = urlsplit(url)
    start = time.perf_counter()
    window_start = start + warmup
    window_end = window_start + duration
    lock = threading.Lock()
    latencies: list[float] = []
    errors = 0
    warmup_requests = 0
    statuses: dict[int, int] = {}

    def client():
        nonlocal errors, warmup_requests
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=SOCKET_TIMEOUT)
        while True:
            began = time.perf_counter()
            if began >= window_end:
                break
            try:
                conn.request("GET", parts.path or "/")
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                status = 0
            took = time.perf_counter() - began
            if began < window_start:
                with lock:
                    warmup_requests += 1
                continue
            with lock:
                if len(latencies) + errors >= max_requests:
                    break
                statuses[status] = statuses.get(status, 0) + 1
                if status == 200:
                    latencies.append(took)
                else:
                    errors += 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = min(time.perf_counter(), window_end) - window_start
    return summary(
        latencies, errors, elapsed, {"statuses": statuses, "warmup_requests": warmup_requests}
    )


class Browser:
    """One client: a keep-alive-if-possible connection and its own cookie jar."""

    def __init__(self, host: str, port: int):
        self.conn = http.client.HTTPConnection(host, port, timeout=SOCKET_TIMEOUT)
        self.cookies: dict[str, str] = {}

    def send(self, method: str, path: str, body: str | None = None, client_address: str = ""):
        headers = {"X-Forwarded-For": client_address} if client_address else {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return response.status, text


def run_signup(
    base: str, form_path: str, people: int, clients: int, library_ids: list[int], prefix: str
) -> dict:
    """Each of ``people`` distinct addresses signs up once; the run ends when all have tried."""
    parts = urlsplit(base)
    next_person = iter(range(people))
    lock = threading.Lock()
    latencies: list[float] = []
    failures: dict[str, int] = {}

    def fail(reason: str):
        with lock:
            failures[reason] = failures.get(reason, 0) + 1

    def client():
        browser = Browser(parts.hostname, parts.port)
        while True:
            with lock:
                person = next(next_person, None)
            if person is None:
                break
            began = time.perf_counter()
            try:
                # Different people sign up from different places: as the proxy in front of a
                # deployment tells the app (TRUSTED_PROXIES), so that its per-client rate
                # limits see each person, as they would.
                address = f"10.{person // 65536 % 256}.{person // 256 % 256}.{person % 256}"
                status, page = browser.send("GET", form_path, client_address=address)
                field = CSRF_INPUT.search(page)
                if status != 200 or field is None:
                    fail(f"GET {status}")
                    continue
                form = {
                    **filled_in(page, person),
                    "csrf_token": VALUE.search(field.group(0)).group(1),
                    "name": f"Person {person}",
                    "email": f"{prefix}{person}@example.se",
                    "library": str(library_ids[person % len(library_ids)]),
                    "consent": "y",
                }
                status, _ = browser.send("POST", form_path, urlencode(form), address)
            except (OSError, http.client.HTTPException) as error:
                fail(type(error).__name__)
                continue
            if status != 302:
                fail(f"POST {status}")
                continue
            took = time.perf_counter() - began
            with lock:
                latencies.append(took)

    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    result = summary(latencies, sum(failures.values()), elapsed, {"failures": failures})
    result["attempts_per_s"] = people / elapsed
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    modes = parser.add_subparsers(dest="mode", required=True)
    read = modes.add_parser("read")
    read.add_argument("url")
    read.add_argument("--clients", type=int, required=True)
    read.add_argument("--duration", type=float, required=True)
    read.add_argument("--warmup", type=float, default=1.0)
    read.add_argument("--max-requests", type=int, default=200_000)
    signup = modes.add_parser("signup")
    signup.add_argument("base")
    signup.add_argument("--form-path", required=True)
    signup.add_argument("--people", type=int, required=True)
    signup.add_argument("--clients", type=int, required=True)
    signup.add_argument("--library-ids", required=True, help="comma-separated")
    signup.add_argument("--email-prefix", default="person")
    args = parser.parse_args()
    target = args.url if args.mode == "read" else args.base
    if urlsplit(target).hostname != "127.0.0.1":
        sys.exit("loadgen only sends load to 127.0.0.1")
    if args.mode == "read":
        result = run_read(args.url, args.clients, args.duration, args.warmup, args.max_requests)
    else:
        result = run_signup(
            args.base,
            args.form_path,
            args.people,
            args.clients,
            [int(i) for i in args.library_ids.split(",")],
            args.email_prefix,
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
