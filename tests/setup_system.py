"""Install the Debian packages the test suite needs but pip cannot provide.

`make test` runs this before pytest. The browser tests drive Debian's Chromium (Playwright's own
browser download is not used) and the PostgreSQL tests start a throw-away server with the
packaged initdb, so both must be on the system. When they already are, this does nothing and
takes no time; otherwise it installs them as root (as in CI, with no terminal to answer
prompts) or tells a developer exactly what to run.
"""

import glob
import os
import subprocess
import sys
from pathlib import Path

#: Debian package, and whether it is installed.
NEEDED = {
    "chromium": lambda: Path("/usr/bin/chromium").exists(),
    "postgresql": lambda: bool(glob.glob("/usr/lib/postgresql/*/bin/initdb")),
}


def main() -> int:
    missing = [package for package, installed in NEEDED.items() if not installed()]
    if not missing:
        return 0
    command = ["apt-get", "install", "-y", "-qq", *missing]
    if os.geteuid() != 0:
        print(
            f"The tests need these Debian packages: {', '.join(missing)}.\n"
            f"Install them with:  sudo apt-get update && sudo {' '.join(command)}",
            file=sys.stderr,
        )
        return 1
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"Installing {', '.join(missing)} for the tests …", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(command, check=True, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
