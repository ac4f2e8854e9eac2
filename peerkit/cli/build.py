"""``peerkit build workbook|guide|slides``: print and presentation copies of the course.

Everything is built from the notebooks and course data under ``PEERKIT_HOME``
(default: this checkout), into ``./peerkit-build/`` unless ``--output`` says
otherwise. Each session is reported on stderr as it is built; each file written
is printed on stdout. Files there are replaced at each build.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from peerkit import paths
from peerkit.errors import PeerkitError

DEFAULT_OUTPUT = "peerkit-build"
WHAT = {
    "workbook": "the learner workbook for each module (PDF)",
    "guide": "the facilitator guide for each module (PDF)",
    "slides": "slides for each session (one HTML file each, works offline)",
}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    build = sub.add_parser(
        "build",
        help="build the printable workbook, the facilitator guide or slides from the notebooks",
        description="; ".join(f"{k}: {v}" for k, v in WHAT.items()),
    )
    build.add_argument("what", choices=list(WHAT), help="what to build")
    build.add_argument("--module", type=int, help="only this module (its number: 1, 2, ...)")
    build.add_argument("--session", help="slides only: just this session (its id, e.g. m1s3)")
    build.add_argument(
        "--output", help=f"folder to write into (default: ./{DEFAULT_OUTPUT}/, made if missing)"
    )
    build.add_argument(
        "--html", action="store_true", help="write the web page only, without printing a PDF"
    )
    build.set_defaults(func=cmd_build)


def cmd_build(args: argparse.Namespace) -> int:
    from peerkit.course.data import load_course

    root = paths.project_root()
    output = Path(args.output or DEFAULT_OUTPUT).expanduser()
    try:
        course = load_course(root / "content" / "course.yaml")
        if args.session and args.what != "slides":
            raise PeerkitError("--session is for slides; the workbook and guide are per module.")
        output.mkdir(parents=True, exist_ok=True)
        builder = {"workbook": _build_document, "guide": _build_document}.get(
            args.what, _build_slides
        )
        written = builder(args, course, root / "notebooks", output)
    except PeerkitError as exc:
        print(f"peerkit build: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(
            f"peerkit build: could not write to {output} ({exc.strerror or exc}).", file=sys.stderr
        )
        return 1
    if not written:
        print("peerkit build: nothing to build.", file=sys.stderr)
        return 1
    return 0


def _modules(args: argparse.Namespace, course: Any) -> list[int]:
    numbers = [m.number for m in course.modules]
    if args.module is None:
        return numbers
    if args.module not in numbers:
        known = ", ".join(map(str, numbers))
        raise PeerkitError(f"There is no module {args.module} (modules: {known}).")
    return [args.module]


def _progress(label: str) -> Callable[[Any], None]:
    def report(source: Any) -> None:
        print(f"  {label}: {source.info.heading}", file=sys.stderr, flush=True)

    return report


def _build_document(
    args: argparse.Namespace, course: Any, notebooks: Path, output: Path
) -> list[Path]:
    """The workbook or the guide, one file per module."""
    from peerkit.outputs.source import read_module

    make: Callable[..., str]
    if args.what == "workbook":
        from peerkit.outputs.workbook import workbook_html

        make = workbook_html
    else:
        from peerkit.outputs.guide import guide_html

        make = guide_html
    kind = "learner workbook" if args.what == "workbook" else "facilitator guide"
    written = []
    for number in _modules(args, course):
        started = time.monotonic()
        module = read_module(course, number, notebooks)
        print(f"Building the Module {number} {kind}…", file=sys.stderr, flush=True)
        html = make(course, module, notebooks, _progress(f"Module {number}"))
        stem = f"module-{number}-{kind.replace(' ', '-')}"
        if args.html:
            path = output / f"{stem}.html"
            path.write_text(html, encoding="utf-8")
            detail = "web page"
        else:
            from peerkit.outputs.pdf import page_count, print_pdf

            print("  Printing to PDF with Chromium…", file=sys.stderr, flush=True)
            data = print_pdf(html)
            path = output / f"{stem}.pdf"
            path.write_bytes(data)
            detail = f"PDF, {page_count(data)} pages"
        took = time.monotonic() - started
        print(f"Wrote the Module {number} {kind} ({detail}, {took:.1f} s) to {path.resolve()}")
        written.append(path)
    return written


def _build_slides(
    args: argparse.Namespace, course: Any, notebooks: Path, output: Path
) -> list[Path]:
    """One self-contained deck per session, in ``<output>/slides/``."""
    from peerkit.outputs.slides import slides_html, slides_name
    from peerkit.outputs.source import read_module, read_session

    if args.session:
        info = course.session(args.session)  # CourseDataError names an unknown session
        if info.planned:
            raise PeerkitError(f"Session {info.id} is planned: it has no notebook yet.")
        sources = [read_session(info, notebooks)]
    else:
        sources = [
            s for n in _modules(args, course) for s in read_module(course, n, notebooks).sessions
        ]
    folder = output / "slides"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sources:
        _progress("Slides")(source)
        path = folder / slides_name(course, source.info)
        path.write_text(slides_html(course, source, notebooks), encoding="utf-8")
        written.append(path)
    print(f"Wrote {len(written)} slide deck(s) to {folder.resolve()}")
    for path in written:
        print(f"  {path.name}")
    return written
