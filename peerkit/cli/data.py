"""``peerkit export`` and ``peerkit erase``: the learner's own data from the command line.

Wire into the main parser with ``cli_data.register(subparsers)``.
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

from peerkit.errors import PeerkitError

EXIT_NOT_CONFIRMED = 2


def register(subparsers: Any) -> None:
    """Add the ``export`` and ``erase`` commands to an argparse subparsers object."""
    from peerkit.portfolio import FORMATS

    export = subparsers.add_parser(
        "export",
        help="save your portfolio: every answer, as Word, a web page, Markdown or JSON, "
        "or as PDF: your workbook with your answers written in",
    )
    export.add_argument("--format", required=True, choices=list(FORMATS), dest="fmt")
    export.add_argument(
        "--output", help="file to write (default: peerkit-portfolio-<date>.<ext> here)"
    )
    export.add_argument("--force", action="store_true", help="overwrite an existing file")
    export.set_defaults(func=cmd_export)
    erase = subparsers.add_parser(
        "erase", help="erase every answer you have saved (asks for --yes first)"
    )
    erase.add_argument("--yes", action="store_true", help="really erase; this cannot be undone")
    erase.set_defaults(func=cmd_erase)


def cmd_export(args: argparse.Namespace) -> int:
    from peerkit.course.data import load_course
    from peerkit.identity import current_learner
    from peerkit.portfolio import default_filename, export_format, export_portfolio
    from peerkit.store.backends import open_store

    path = Path(args.output or default_filename(args.fmt, date.today())).expanduser()
    if path.exists() and not args.force:
        print(f"peerkit export: {path} already exists; use --force to replace it.", file=sys.stderr)
        return 1
    if args.fmt == "pdf":  # a few seconds: the whole workbook of each module started
        print("Printing your workbook with your answers written in…", file=sys.stderr)
    try:
        learner = current_learner()
        with closing(open_store()) as store:
            data = export_portfolio(args.fmt, learner, store, load_course())
        write_private(path, data, replace=args.force)
    except PeerkitError as exc:
        print(f"peerkit export: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"peerkit export: could not write {path} ({exc.strerror}).", file=sys.stderr)
        return 1
    label = export_format(args.fmt).label
    print(f"Wrote your portfolio ({label}) to {path.resolve()}")
    print("It holds your private reflections: keep it somewhere safe.")
    return 0


def write_private(path: Path, data: bytes, *, replace: bool = False) -> None:
    """Write ``data`` to a file only the user can read (0600); never follow a symlink.

    Raises FileExistsError when the file exists and ``replace`` is false.
    """
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    flags |= os.O_TRUNC if replace else os.O_EXCL
    with os.fdopen(os.open(path, flags, 0o600), "wb") as handle:
        os.fchmod(handle.fileno(), 0o600)  # an existing file keeps its mode otherwise
        handle.write(data)


def cmd_erase(args: argparse.Namespace) -> int:
    from peerkit.identity import current_learner
    from peerkit.store.backends import open_store
    from peerkit.store.erase import ScrubIncomplete, versions_text

    try:
        learner = current_learner()
        with closing(open_store()) as store:
            if not args.yes:
                count = store.count_revisions(learner)
                print(
                    f"This would erase every answer saved for learner {learner!r}: "
                    f"{versions_text(count)}, kept in {store.location}.\n"
                    "It cannot be undone. To keep a copy first, run "
                    "`peerkit export --format docx` (or html, md, json).\n"
                    "To erase, run `peerkit erase --yes`."
                )
                return EXIT_NOT_CONFIRMED
            removed = store.erase_learner(learner)
    except ScrubIncomplete as exc:
        print(f"Erased {versions_text(exc.removed)}. {exc}", file=sys.stderr)
        return 1
    except PeerkitError as exc:
        print(f"peerkit erase: {exc}", file=sys.stderr)
        return 1
    print(f"Erased every answer for learner {learner!r}: {versions_text(removed)} removed.")
    return 0
