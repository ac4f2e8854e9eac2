"""``peerkit class``: a whole class on this machine (JupyterHub, PostgreSQL, the service)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from peerkit.errors import PeerkitError

DEFAULT_FOLDER = ".class"


def cmd_class(args: argparse.Namespace) -> int:
    from peerkit.hub.classroom import Classroom
    from peerkit.hub.hub_config import ClassPlan

    learners = tuple(f"learner{n}" for n in range(1, args.learners + 1))
    plan = ClassPlan(Path(args.folder).resolve(), port=args.port, learners=learners)
    classroom = Classroom(plan, fresh=args.fresh)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        classroom.start(progress=lambda line: print(line, file=sys.stderr, flush=True))
    except PeerkitError as exc:
        print(f"peerkit class: {exc}", file=sys.stderr)
        return 1
    try:
        print(f"The class is at {plan.url}/hub/login", flush=True)
        print("Demo sign-ins (kept in " + str(plan.folder / "secrets.json") + "):")
        passwords = classroom.passwords()
        for person in plan.people:
            role = "facilitator" if person in plan.facilitators else "learner"
            print(f"  {person:<14} {passwords[person]:<16} ({role})")
        print("Answers are kept in PostgreSQL in " + str(classroom.postgres.folder) + ".")
        print("Press Ctrl+C to stop the class; starting it again keeps every answer.", flush=True)
        stop.wait()
    finally:
        print("Stopping the class…", file=sys.stderr, flush=True)
        classroom.stop()
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "class", help="run a class on this machine: JupyterHub, PostgreSQL, demo accounts"
    )
    parser.add_argument("--port", type=int, default=8000, help="the class's address (8000)")
    parser.add_argument("--learners", type=int, default=3, help="demo learner accounts (3)")
    parser.add_argument(
        "--folder",
        default=DEFAULT_FOLDER,
        help=f"where the class keeps everything ({DEFAULT_FOLDER})",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="start afresh: delete every answer and sign-in first"
    )
    parser.set_defaults(func=cmd_class)
