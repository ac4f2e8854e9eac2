"""``peerkit lab``: the notebooks in JupyterLab, for facilitators and authors."""

from __future__ import annotations

import argparse
import subprocess
import sys

from peerkit import paths
from peerkit.serve.voila_config import server_env


def cmd_lab(args: argparse.Namespace) -> int:
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.root_dir={paths.notebooks_dir()}",
    ]
    if args.no_browser:
        command.append("--no-browser")
    return subprocess.call(command, env=server_env())


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lab = sub.add_parser("lab", help="open the notebooks in JupyterLab (facilitators, authors)")
    lab.add_argument("--no-browser", action="store_true")
    lab.set_defaults(func=cmd_lab)
