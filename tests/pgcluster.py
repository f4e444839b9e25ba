"""Throw-away PostgreSQL server for the test suite.

The pytest fixtures use :class:`PostgresCluster` to get a private, fast,
disposable server so tests never touch a developer's or CI's real database::

    with PostgresCluster() as pg:
        app_url = pg.create_database("eventreg_test")
        # postgresql+psycopg://postgres@127.0.0.1:<port>/eventreg_test

The server lives in a ``tempfile.mkdtemp()`` directory, listens only on
127.0.0.1 (TCP port picked at random) and on a unix socket inside that
directory, trusts every connection, and trades durability for speed
(``fsync=off`` and friends) because its data is deleted afterwards anyway.

Using an existing server instead
--------------------------------
If the environment variable ``EVENTREG_TEST_PG_URL`` is set (for example
``postgresql+psycopg://postgres:secret@db:5432/postgres``), nothing is
installed or started: :meth:`PostgresCluster.url` and
:meth:`PostgresCluster.create_database` work against that server, with the
database named in the URL used as the maintenance database.  Point it only
at a disposable server: ``create_database`` drops a same-named database first.

Running as root
---------------
PostgreSQL refuses to run as root (as in CI containers).  In that case the
temporary directory is handed to the ``postgres`` system user (created if
missing) and ``initdb``/``pg_ctl`` run via ``runuser -u postgres``.  The
temporary directory must then be reachable by that user, i.e. ``TMPDIR``
must not point into a root-only location such as ``/root``.
"""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

ENV_URL = "EVENTREG_TEST_PG_URL"
PG_ROOT = Path("/usr/lib/postgresql")
SERVICE_USER = "postgres"

# Appended to postgresql.conf: nothing here needs to survive a crash.
_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
}
# A free port can be taken by someone else before the server binds it.
_START_ATTEMPTS = 3


def _find_bin_dir() -> Path | None:
    """Return the bin dir of the newest usable installed version, if any."""

    def version_key(bin_dir: Path) -> tuple[int, ...]:
        # Directory names are versions such as "15" or (old style) "9.6".
        try:
            return tuple(int(part) for part in bin_dir.parent.name.split("."))
        except ValueError:
            return ()

    usable = [
        bin_dir
        for bin_dir in PG_ROOT.glob("*/bin")
        if all(os.access(bin_dir / tool, os.X_OK) for tool in ("initdb", "pg_ctl"))
    ]
    return max(usable, key=version_key, default=None)


def ensure_installed() -> Path:
    """Return the newest PostgreSQL bin dir, installing Debian's package if needed.

    Installing needs root (as in CI); otherwise a RuntimeError explains what
    to do instead of failing somewhere deep inside a fixture.
    """
    bin_dir = _find_bin_dir()
    if bin_dir is not None:
        return bin_dir
    if os.geteuid() != 0:
        raise RuntimeError(
            f"No PostgreSQL server binaries found under {PG_ROOT}/*/bin. "
            "Install them with `sudo apt-get install postgresql`, "
            f"or set {ENV_URL} to the URL of an existing disposable server."
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=True, env=env)
    bin_dir = _find_bin_dir()
    if bin_dir is None:
        raise RuntimeError(
            f"`apt-get install postgresql` succeeded but no initdb/pg_ctl "
            f"was found under {PG_ROOT}/*/bin"
        )
    return bin_dir


def _free_port() -> int:
    """Ask the kernel for a currently unused TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _service_user() -> pwd.struct_passwd:
    """Return the ``postgres`` system user, creating it if it does not exist."""
    try:
        return pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", SERVICE_USER], check=True)
        return pwd.getpwnam(SERVICE_USER)


class PostgresCluster:
    """A temporary PostgreSQL server (or a handle on ``EVENTREG_TEST_PG_URL``).

    Use as a context manager or call :meth:`start` / :meth:`stop`.  ``stop``
    is also registered with :mod:`atexit`, so an aborted test session does
    not leave a server running (a SIGKILLed process still can).
    """

    def __init__(self, bin_dir: Path | None = None) -> None:
        """``bin_dir`` defaults to :func:`ensure_installed` (resolved in start)."""
        self.bin_dir = bin_dir
        self.port: int | None = None
        self.base_dir: Path | None = None
        external = os.environ.get(ENV_URL)
        self.external = bool(external)
        self._base_url: URL | None = (
            make_url(external).set(drivername="postgresql+psycopg") if external else None
        )

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> PostgresCluster:
        """Create and start the server; a no-op for an external server."""
        if self.external or self.base_dir is not None:
            return self
        if self.bin_dir is None:
            self.bin_dir = ensure_installed()
        self.base_dir = Path(tempfile.mkdtemp(prefix="eventreg-pg-"))
        atexit.register(self.stop)
        try:
            if os.geteuid() == 0:
                user = _service_user()
                os.chown(self.base_dir, user.pw_uid, user.pw_gid)
            self._initdb()
            self._start_server()
        except BaseException:
            self.stop()
            raise
        self._base_url = URL.create(
            "postgresql+psycopg",
            username="postgres",
            host="127.0.0.1",
            port=self.port,
            database="postgres",
        )
        return self

    def stop(self) -> None:
        """Kill the server without a clean shutdown and delete its files.

        Safe to call more than once and after a failed :meth:`start`.
        """
        atexit.unregister(self.stop)
        if self.base_dir is None:
            return
        result = None
        if (self._data_dir / "postmaster.pid").exists():
            result = self._run("pg_ctl", "-D", str(self._data_dir), "-m", "immediate", "stop")
        shutil.rmtree(self.base_dir, ignore_errors=True)
        self.base_dir = None
        self.port = None
        self._base_url = None
        if result is not None and result.returncode != 0:
            # Say so loudly: a server may now be running from a deleted directory.
            raise RuntimeError(f"pg_ctl stop failed:\n{result.stdout}{result.stderr}")

    def __enter__(self) -> PostgresCluster:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- databases -----------------------------------------------------------

    def url(self, dbname: str | None = None) -> str:
        """SQLAlchemy URL (psycopg 3 driver) for ``dbname``.

        Without ``dbname`` it names the maintenance database: ``postgres``
        for a temporary server, the URL's own database for an external one.
        """
        if self._base_url is None:
            raise RuntimeError("PostgresCluster is not started")
        url = self._base_url if dbname is None else self._base_url.set(database=dbname)
        return url.render_as_string(hide_password=False)

    def create_database(self, name: str) -> str:
        """Create database ``name`` (dropping any leftover one) and return its URL.

        Dropping first makes re-runs against a long-lived external server work.
        """
        libpq_url = make_url(self.url()).set(drivername="postgresql")
        with psycopg.connect(
            libpq_url.render_as_string(hide_password=False), autocommit=True
        ) as conn:
            ident = sql.Identifier(name)
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))
        return self.url(name)

    # -- internals -----------------------------------------------------------

    @property
    def _data_dir(self) -> Path:
        assert self.base_dir is not None
        return self.base_dir / "data"

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a PostgreSQL tool, as the ``postgres`` user when we are root."""
        assert self.bin_dir is not None and self.base_dir is not None
        cmd = [str(self.bin_dir / tool), *args]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", SERVICE_USER, "--", *cmd]
        # cwd: the service user may not be allowed into our working directory.
        return subprocess.run(
            cmd,
            cwd=self.base_dir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            check=False,
        )

    def _initdb(self) -> None:
        """Initialise the data dir; C.UTF-8 is missing on some systems, C is not."""
        for locale in ("C.UTF-8", "C"):
            result = self._run(
                "initdb", "-D", str(self._data_dir), "-A", "trust", "-U", "postgres",
                "--encoding=UTF8", f"--locale={locale}",
            )  # fmt: skip
            if result.returncode == 0:
                break
        else:
            raise RuntimeError(f"initdb failed:\n{result.stdout}{result.stderr}")
        assert self.base_dir is not None
        settings = {**_SETTINGS, "unix_socket_directories": f"'{self.base_dir}'"}
        with (self._data_dir / "postgresql.conf").open("a") as conf:
            conf.write("\n# eventreg test settings\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def _start_server(self) -> None:
        """Start on a free port, retrying if another process grabbed it first."""
        assert self.base_dir is not None
        log = self.base_dir / "server.log"
        for _ in range(_START_ATTEMPTS):
            log.unlink(missing_ok=True)  # so the log below is this attempt's only
            self.port = _free_port()
            result = self._run(
                "pg_ctl", "-D", str(self._data_dir), "-l", str(log), "-w",
                "-o", f"-p {self.port}", "start",
            )  # fmt: skip
            if result.returncode == 0:
                return
            log_text = log.read_text(errors="replace") if log.exists() else ""
            if "could not bind" not in log_text:
                break
        raise RuntimeError(f"pg_ctl start failed:\n{result.stdout}{result.stderr}\n{log_text}")
