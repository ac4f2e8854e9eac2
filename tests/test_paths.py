"""Where peerkit keeps the learner's data: the same folder as before platformdirs, on Linux."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from peerkit import paths


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.delenv(paths.DATABASE_URL_ENV, raising=False)
    return home


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG layout is Linux's")
def test_data_dir_follows_xdg_data_home(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert paths.data_dir() == tmp_path / "xdg" / "peerkit"
    assert paths.database_url() == f"sqlite:///{tmp_path / 'xdg' / 'peerkit' / 'answers.sqlite3'}"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG layout is Linux's")
def test_data_dir_defaults_to_local_share(home: Path):
    assert paths.data_dir() == home / ".local" / "share" / "peerkit"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG layout is Linux's")
def test_empty_xdg_data_home_means_the_default(home: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("XDG_DATA_HOME", "")
    assert paths.data_dir() == home / ".local" / "share" / "peerkit"


def test_data_dir_creates_nothing(home: Path):
    paths.data_dir()
    assert not home.exists()


def test_database_url_override_wins(home: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(paths.DATABASE_URL_ENV, "  sqlite:////elsewhere/answers.sqlite3 ")
    assert paths.database_url() == "sqlite:////elsewhere/answers.sqlite3"


def test_importing_paths_does_not_import_platformdirs():
    code = "import sys, peerkit.paths; print('platformdirs' in sys.modules)"
    root = str(Path(__file__).resolve().parent.parent)
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": root, "PATH": "/usr/bin:/bin"},
    )
    assert result.stdout.strip() == "False"
