"""Install what the test suite needs but pip cannot provide.

`make test` runs this before pytest. The browser tests drive Debian's Chromium (Playwright's own
browser download is not used), the PostgreSQL tests start a throw-away server with the
packaged initdb, the reply reader's tests a throw-away Dovecot, and the interop tests read our
invites with ical.js in Node, so all four must be on the system, beside the DejaVu font that
course certificates embed (which `make run` asks for alone, with ``--run``). When they already are, this does nothing and takes no time; otherwise it
installs them as root (as in CI, with no terminal to answer prompts) or tells a developer
exactly what to run. Then it runs `npm ci` in tests/interop when node_modules does not match
the lockfile.
"""

import glob
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

#: Debian package, and whether it is installed (a node from elsewhere, e.g. NodeSource, counts).
NEEDED = {
    "chromium": lambda: Path("/usr/bin/chromium").exists(),
    "postgresql": lambda: bool(glob.glob("/usr/lib/postgresql/*/bin/initdb")),
    "nodejs": lambda: shutil.which("node") is not None,
    "npm": lambda: shutil.which("npm") is not None,
    "dovecot-imapd": lambda: Path("/usr/sbin/dovecot").exists(),
    # The app embeds it in course certificates (CERTIFICATE_FONT_DIR); `make run` needs it too.
    "fonts-dejavu-core": lambda: Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").exists(),
}
#: What running the app needs (``--run``: `make run` installs only these).
FOR_RUNNING = ("fonts-dejavu-core",)

INTEROP = Path(__file__).parent / "interop"


def _locked_packages(lockfile: Path) -> dict[str, tuple[str, str]]:
    packages = json.loads(lockfile.read_text())["packages"]
    return {
        path: (package["version"], package.get("integrity", ""))
        for path, package in packages.items()
        if path  # "" is the project itself
    }


def node_modules_current() -> bool:
    """Whether tests/interop/node_modules holds exactly what package-lock.json pins.

    `npm ci` records what it installed in node_modules/.package-lock.json; comparing versions
    and hashes, not file times, keeps this right after a git checkout.
    """
    installed = INTEROP / "node_modules" / ".package-lock.json"
    return installed.exists() and _locked_packages(installed) == _locked_packages(
        INTEROP / "package-lock.json"
    )


def main() -> int:
    running = "--run" in sys.argv[1:]
    wanted = FOR_RUNNING if running else NEEDED
    missing = [package for package in wanted if not NEEDED[package]()]
    command = ["apt-get", "install", "-y", "-qq", *missing]
    if missing and os.geteuid() != 0:
        print(
            f"Needed Debian packages are missing: {', '.join(missing)}.\n"
            f"Install them with:  sudo apt-get update && sudo {' '.join(command)}",
            file=sys.stderr,
        )
        return 1
    if missing:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        print(f"Installing {', '.join(missing)} …", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(command, check=True, env=env)
    if not running and not node_modules_current():
        print("Installing ical.js in tests/interop (npm ci) …", flush=True)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=INTEROP, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
