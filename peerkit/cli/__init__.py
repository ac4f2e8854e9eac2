"""The ``peerkit`` command: serve the course, open JupyterLab, check and build content."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def build_parser() -> argparse.ArgumentParser:
    from peerkit.cli import build, check, classroom, data, lab, serve

    parser = argparse.ArgumentParser(prog="peerkit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve.register(sub)
    lab.register(sub)
    check.register(sub)
    data.register(sub)
    classroom.register(sub)
    build.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
