"""Getting Voilà's configuration ready for ``peerkit serve``, in a process of its own.

Checking Voilà imports it, signing the notebooks imports nbformat and its schema
validators, and finding the session to continue opens the answer store (SQLAlchemy):
about 75 MB that ``peerkit serve``, which then only waits on Voilà for as long as the
course is served, would otherwise keep. A short-lived process does it and exits.

``python -m peerkit.serve.prepare RUNTIME`` reads the server's options as JSON on
standard input (the token too: never on a command line), writes the configuration
into RUNTIME and exits 0; if the installed Voilà lacks what peerkit uses, it says so
on standard error and exits 1.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

from peerkit import paths
from peerkit.serve.compat import VoilaMismatch, check_voila
from peerkit.serve.voila_config import (
    ServeOptions,
    continue_notebook,
    trust_notebooks,
    write_config,
)


def prepare(options: ServeOptions, runtime: Path) -> int:
    """Check Voilà, sign the notebooks and write the configuration into ``runtime``;
    1 (with the reason on standard error) if Voilà lacks what peerkit uses."""
    from peerkit.course.data import load_course

    try:
        check_voila(preheat=options.preheat)
    except VoilaMismatch as exc:
        print(exc, file=sys.stderr)
        return 1
    course = load_course()
    if options.preheat:
        options = dataclasses.replace(options, continue_at=continue_notebook(course))
    trust_notebooks(paths.notebooks_dir(), runtime)
    write_config(course, options, runtime)
    return 0


def prepare_apart(options: ServeOptions, runtime: Path) -> int:
    """``prepare`` in a child process: its exit status (its messages go to stderr; one
    stopped by a signal, which could say nothing, is said here)."""
    command = [sys.executable, "-m", __name__, str(runtime)]
    sent = json.dumps(dataclasses.asdict(options))
    status = subprocess.run(command, input=sent, text=True, check=False).returncode
    if status < 0:
        print(
            f"peerkit serve: getting the server ready was stopped (signal {-status}).",
            file=sys.stderr,
        )
    return status


def _options(text: str) -> ServeOptions:
    fields = json.loads(text)
    fields["allow_hosts"] = tuple(fields["allow_hosts"])
    return ServeOptions(**fields)


if __name__ == "__main__":
    sys.exit(prepare(_options(sys.stdin.read()), Path(sys.argv[1])))
