"""``peerkit export`` and ``peerkit erase``, through ``peerkit.cli_data.register``."""

from __future__ import annotations

import argparse
import io
import json
import stat
import zipfile
from datetime import date

import pytest

from peerkit import paths
from peerkit.cli import data as cli_data
from peerkit.identity import LEARNER_ENV
from peerkit.store.answer_store import AnswerStore

LEARNER = "cli-learner"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="peerkit")
    sub = parser.add_subparsers(dest="command", required=True)
    cli_data.register(sub)
    return parser


def run(*argv: str) -> int:
    args = _parser().parse_args(argv)
    return args.func(args)


@pytest.fixture
def db_url(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'data' / 'answers.sqlite3'}"
    monkeypatch.setenv(paths.DATABASE_URL_ENV, url)
    monkeypatch.setenv(LEARNER_ENV, LEARNER)
    monkeypatch.delenv(paths.HOME_ENV, raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    with AnswerStore(url) as store:
        store.save(LEARNER, "m2s1", "chime-now", "My CHIME thoughts")
        store.save(LEARNER, "m2s1", "chime-now", "My CHIME thoughts, revised")
        store.save(LEARNER, "m2s5", "self-care-toolbox", ["Walking"])
        store.save("someone-else", "m2s1", "chime-now", "Not mine")
    return url


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("fmt", ["docx", "html", "md", "json"])
def test_export_writes_each_format_privately_to_the_default_path(db_url, tmp_path, capsys, fmt):
    assert run("export", "--format", fmt) == 0
    path = tmp_path / "work" / f"peerkit-portfolio-{date.today().isoformat()}.{fmt}"
    assert path.is_file()
    assert _mode(path) == 0o600
    assert str(path) in capsys.readouterr().out
    data = path.read_bytes()
    if fmt == "docx":
        with zipfile.ZipFile(io.BytesIO(data)) as docx:
            assert "My CHIME thoughts, revised" in docx.read("word/document.xml").decode()
    elif fmt == "json":
        record = json.loads(data)
        assert record["learner"] == LEARNER
        assert len(record["answers"]) == 2
    else:
        assert "My CHIME thoughts, revised" in data.decode()
        assert "Not mine" not in data.decode()


def test_export_to_a_chosen_path(db_url, tmp_path):
    target = tmp_path / "mine.html"
    assert run("export", "--format", "html", "--output", str(target)) == 0
    assert target.read_bytes().startswith(b"<!DOCTYPE html>")
    assert _mode(target) == 0o600


def test_export_refuses_to_overwrite_without_force(db_url, tmp_path, capsys):
    target = tmp_path / "existing.md"
    target.write_text("keep me", encoding="utf-8")
    target.chmod(0o644)

    assert run("export", "--format", "md", "--output", str(target)) == 1
    assert target.read_text(encoding="utf-8") == "keep me"
    assert "--force" in capsys.readouterr().err

    assert run("export", "--format", "md", "--output", str(target), "--force") == 0
    assert target.read_text(encoding="utf-8").startswith("# My portfolio")
    assert _mode(target) == 0o600


def test_export_does_not_write_through_a_symlink(db_url, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(victim)
    assert run("export", "--format", "md", "--output", str(link), "--force") == 1
    assert victim.read_text(encoding="utf-8") == "untouched"


def test_export_needs_a_known_format(db_url):
    with pytest.raises(SystemExit) as exc:
        run("export", "--format", "xlsx")
    assert exc.value.code == 2


def test_erase_without_yes_explains_and_erases_nothing(db_url, capsys):
    assert run("erase") == cli_data.EXIT_NOT_CONFIRMED == 2
    out = capsys.readouterr().out
    assert "3 saved versions" in out
    assert "cannot be undone" in out
    assert "--yes" in out
    assert "My CHIME thoughts" not in out
    with AnswerStore(db_url) as store:
        assert store.count_revisions(LEARNER) == 3


def test_erase_with_yes_erases_only_this_learner(db_url, capsys):
    assert run("erase", "--yes") == 0
    assert "3 saved versions removed" in capsys.readouterr().out
    with AnswerStore(db_url) as store:
        assert store.count_revisions(LEARNER) == 0
        assert store.latest("someone-else", "m2s1", "chime-now").value == "Not mine"
