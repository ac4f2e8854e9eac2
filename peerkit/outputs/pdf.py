"""HTML printed to a tagged A4 PDF by headless Chromium (Debian's ``chromium``).

The page is written to a private temporary folder (mode 0700, removed after)
with a fresh browser profile, printed with every host name
unresolvable, so a printed page can reach nothing outside itself. Chromium is
found on ``PATH`` (``chromium``, ``chromium-browser``, ``google-chrome``) unless
``PEERKIT_CHROMIUM`` names it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from peerkit.errors import PeerkitError

CHROMIUM_ENV = "PEERKIT_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 180.0
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


class PrintError(PeerkitError):
    """Chromium is missing or could not print the page."""


def chromium_path() -> str:
    """The Chromium to print with; PrintError saying how to install it when there is none."""
    named = os.environ.get(CHROMIUM_ENV, "").strip()
    found = (
        shutil.which(named) if named else next(filter(None, map(shutil.which, CANDIDATES)), None)
    )
    if not found:
        raise PrintError(
            "Printing to PDF needs Chromium. Install it (on Debian: `make chromium`, or "
            "`apt-get install chromium`), set PEERKIT_CHROMIUM to its path, "
            "or build the web page instead with --html."
        )
    return found


def chromium_command(chromium: str, page: Path, target: Path, profile: Path) -> list[str]:
    """The headless print command: A4 comes from the page's own ``@page`` rule."""
    command = [
        chromium,
        "--headless",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        "--export-tagged-pdf",
        f"--print-to-pdf={target}",
        page.as_uri(),
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.insert(2, "--no-sandbox")  # Chromium refuses to start as root otherwise
    return command


def print_pdf(html: str, *, timeout: float = TIMEOUT, name: str = "page.html") -> bytes:
    """The HTML document printed to PDF; ``name`` is the file it is printed from
    (beside it, relative links resolve)."""
    chromium = chromium_path()
    with tempfile.TemporaryDirectory(prefix="peerkit-print-") as folder:
        work = Path(folder)
        page, target = work / name, work / "printed.pdf"
        page.write_text(html, encoding="utf-8")
        command = chromium_command(chromium, page, target, work / "profile")
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            raise PrintError(f"Chromium did not finish printing within {timeout:.0f} s.") from None
        except OSError as exc:
            raise PrintError(f"Chromium could not be started ({exc.strerror or exc}).") from None
        if done.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            detail = (done.stderr or "").strip().splitlines()[-1:] or ["no message"]
            raise PrintError(f"Chromium could not print the page ({detail[0][:300]}).")
        return target.read_bytes()


def page_count(pdf: bytes) -> int:
    """How many pages a PDF from Chromium has (its page objects are not compressed)."""
    return len(_PAGE.findall(pdf))
