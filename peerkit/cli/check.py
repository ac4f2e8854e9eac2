"""``peerkit check``: check the course content."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from peerkit import paths


def cmd_check(args: argparse.Namespace) -> int:
    from peerkit.course.checks import check_course

    root = Path(args.root) if args.root else paths.project_root()
    problems = check_course(root)
    for problem in problems:
        print(f"- {problem}")
    if problems:
        print(f"peerkit check: {len(problems)} problem(s) found.", file=sys.stderr)
        return 1
    print("peerkit check: the course content is in order.")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = sub.add_parser("check", help="check the course content; exit 1 on problems")
    check.add_argument("--root", help="course folder (default: this checkout)")
    check.set_defaults(func=cmd_check)
