"""Move requirements.lock's pins to their latest releases, install them and run the tests; replace the lock
only when the tests pass.

    python3 scripts/refresh_lock.py [--skip-tests] [--keep DIR]

Pins held in scripts/reviewed-advisories.toml ([[held]]) stay where they are. The rest move to the latest
release PyPI lists. The candidate is installed by scripts/setup.sh --test in a throwaway copy of this tree
(a git worktree of HEAD, so nothing here is touched meanwhile), the test suite runs there, and the new
lock is that venv's `pip freeze`: new dependencies that the upgrades pulled in are pinned too. Exit 0 and
the lock replaced; 1 and the lock untouched, with what failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from audit import INDEX, fetch, norm, read_pins, read_reviewed  # noqa: E402 - a script beside this one

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
HEADER = """# Every package the tested install resolved to (Python 3.11, torch CPU build), with the test extras.
# scripts/setup.sh installs within these pins; scripts/audit.sh checks them against known advisories.
# Regenerate with python3 scripts/refresh_lock.py (latest releases, installed and tested before it is written).
"""


def candidate(pins: list[tuple[str, str]], held: set[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """The bumped pin lines, and a line per pin that moved (package old -> new)."""
    lines, moved = [], []
    for name, pin in pins:
        latest = pin if (norm(name), pin) in held else fetch(INDEX, name)["info"]["version"]
        lines.append(f"{name}=={latest}")
        if latest != pin:
            moved.append(f"{name} {pin} -> {latest}")
    return lines, moved


def pinned(line: str) -> str:
    """A `pip freeze` line as name==version: a package installed from a wheel file (setup.sh builds
    llama-cpp-python so) is frozen as `name @ file:///…/name-1.2.3-….whl`."""
    if " @ " not in line:
        return line
    name, url = line.split(" @ ", 1)
    return f"{name}=={url.rsplit('/', 1)[-1].split('-')[1]}"


def run(command: list[str], cwd: Path) -> None:
    print("refresh:", " ".join(command), flush=True)
    subprocess.run(command, cwd=cwd, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-tests", action="store_true", help="install only (the lock is still replaced)")
    parser.add_argument("--keep", type=Path, help="build the candidate in DIR and keep it (default: a temp dir)")
    args = parser.parse_args(argv)
    held = set(read_reviewed(ROOT / "scripts" / "reviewed-advisories.toml").held)
    lines, moved = candidate(read_pins(LOCK), held)
    print("refresh: " + ("\n  ".join(["moving:", *moved]) if moved else "every pin is at its latest release"))
    work = args.keep or Path(tempfile.mkdtemp(prefix="newsrag-refresh-")) / "tree"
    try:
        run(["git", "worktree", "add", "--detach", str(work), "HEAD"], ROOT)
        (work / "requirements.lock").write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
        run(["bash", "scripts/setup.sh", "--test"], work)
        if not args.skip_tests:
            run([".venv/bin/python", "-m", "pytest", "-q", "-p", "no:cacheprovider"], work)
        frozen = subprocess.run([".venv/bin/python", "-m", "pip", "freeze", "--exclude-editable"], cwd=work,
                                check=True, capture_output=True, text=True).stdout
    except subprocess.CalledProcessError as error:
        print(f"refresh: failed ({' '.join(map(str, error.cmd))}, exit {error.returncode}); "
              f"requirements.lock is unchanged; the candidate is in {work}", file=sys.stderr)
        return 1
    pins = sorted((pinned(line) for line in frozen.splitlines() if line.strip()), key=str.lower)
    LOCK.write_text(HEADER + "\n".join(pins) + "\n", encoding="utf-8")
    if not args.keep:
        run(["git", "worktree", "remove", "--force", str(work)], ROOT)
    print(f"refresh: requirements.lock written ({len(moved)} pins moved); run bash scripts/audit.sh, then commit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
