"""A gunicorn server under test, and what the kernel says about its workers and the machine.

CPU time and peak memory are read from ``/proc`` for the worker processes only (the children of
the gunicorn master): they do the work, and the master's own cost does not grow with load.
"""

import http.client
import os
import resource
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
WORKERS = 4
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def children_cpu_seconds(parent_pid: int) -> dict[int, float]:
    """User + system CPU time so far of each child of ``parent_pid``."""
    times = {}
    for pid in children(parent_pid):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        # Fields 14 and 15 of proc_pid_stat(5), counted after "pid (comm)".
        times[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return times


def children(parent_pid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{parent_pid}\n" in status:
                pids.append(int(entry.name))
    return sorted(pids)


def busy_cpu_seconds() -> float:
    """CPU time the whole machine has spent busy since boot, over all CPUs (from /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def own_cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    """User + system CPU time of this process (or, with RUSAGE_CHILDREN, of its ended children)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """``gunicorn -w 4 -b 127.0.0.1:<port> <app>`` run from the project root, as in production.

    Use as a context manager: the server is stopped (and killed if it will not stop) on exit.
    """

    def __init__(self, app: str, env: dict[str, str], log_path: Path):
        self.app = app
        self.env = env
        self.log_path = log_path
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Gunicorn":
        command = [str(GUNICORN), "-w", str(WORKERS), "-b", f"127.0.0.1:{self.port}", self.app]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_until_ready()
        return self

    def __exit__(self, *_exc) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def _wait_until_ready(self, timeout: float = 60) -> None:
        """Until "/" answers and all workers have booted; gunicorn starts them one by one."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.app} exited; see {self.log_path}")
            if len(self.worker_pids()) == WORKERS and self.get("/")[0] == 200:
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.app} did not answer within {timeout} s; see {self.log_path}")

    def get(self, path: str) -> tuple[int, str]:
        """One GET; (0, "") when the server does not answer (yet)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read().decode()
        except OSError:
            return 0, ""
        finally:
            conn.close()

    def worker_pids(self) -> list[int]:
        return children(self.process.pid)

    def cpu_seconds(self) -> dict[int, float]:
        """User + system CPU time of each worker so far."""
        return children_cpu_seconds(self.process.pid)

    def peak_rss_mib(self) -> dict[int, float]:
        """VmHWM (the resident-set high-water mark) of each worker, in MiB."""
        peaks = {}
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks[pid] = int(line.split()[1]) / 1024
        return peaks
