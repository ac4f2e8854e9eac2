"""Root pytest set-up: every test run, notebooks included, uses a throwaway store."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_RUN_DIR = Path(tempfile.mkdtemp(prefix="peerkit-test-"))


def pytest_configure(config: object) -> None:
    # Kernels started by nbval inherit this environment, so notebook runs never
    # touch a real learner's answers.
    os.environ["PEERKIT_DATABASE_URL"] = f"sqlite:///{_RUN_DIR / 'answers.sqlite3'}"
    os.environ["PEERKIT_LEARNER"] = "test-learner"
    os.environ["XDG_DATA_HOME"] = str(_RUN_DIR / "xdg")
