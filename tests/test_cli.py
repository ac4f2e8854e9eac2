"""The ``peerkit`` command line: check, the Voilà command, argument parsing."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from peerkit import paths
from peerkit.cli import build_parser, main, voila_command
from peerkit.course.data import load_course

ROOT = Path(__file__).resolve().parents[1]
OK_LINE = "peerkit check: the course content is in order."
RESOURCES = "--VoilaConfiguration.resources="


@pytest.fixture(autouse=True)
def _real_checkout(monkeypatch):
    monkeypatch.delenv(paths.HOME_ENV, raising=False)


@pytest.fixture
def broken_root(tmp_path):
    root = tmp_path / "course"
    for folder in ("content", "notebooks"):
        shutil.copytree(ROOT / folder, root / folder)
    (root / "notebooks" / "module2" / "04-positive-risk.ipynb").unlink()
    return root


def test_check_on_this_checkout_succeeds(capsys):
    assert main(["check"]) == 0
    captured = capsys.readouterr()
    assert OK_LINE in captured.out
    assert captured.err == ""


def test_check_with_explicit_root_succeeds(capsys):
    assert main(["check", "--root", str(ROOT)]) == 0
    assert OK_LINE in capsys.readouterr().out


def test_check_on_a_broken_copy_fails_and_names_the_problem(capsys, broken_root):
    assert main(["check", "--root", str(broken_root)]) == 1
    captured = capsys.readouterr()
    assert (
        "- notebooks/module2/04-positive-risk.ipynb is listed for session m2s4 "
        "but does not exist" in captured.out
    )
    assert OK_LINE not in captured.out
    assert "1 problem(s) found" in captured.err


def test_check_uses_peerkit_home(monkeypatch, capsys, broken_root):
    monkeypatch.setenv(paths.HOME_ENV, str(broken_root))
    assert main(["check"]) == 1
    assert "04-positive-risk.ipynb" in capsys.readouterr().out


def _resources(command):
    matches = [arg for arg in command if arg.startswith(RESOURCES)]
    assert len(matches) == 1
    return json.loads(matches[0].removeprefix(RESOURCES))


def test_voila_command_serves_the_notebooks_with_the_course_template():
    command = voila_command(9999)
    assert command[:3] == [sys.executable, "-m", "peerkit.serve.voila_app"]
    assert str(ROOT / "notebooks") in command
    for flag in ("--template=peerkit", "--port=9999", "--no-browser"):
        assert flag in command
    assert not any(arg.startswith("--port=") and arg != "--port=9999" for arg in command)


def test_voila_command_resources_hold_the_support_lines():
    course = load_course()
    peerkit = _resources(voila_command(9999))["peerkit"]
    assert peerkit["support_lines"] == [
        {"name": line.name, "contact": line.contact, "detail": line.detail}
        for line in course.support_lines
    ]
    assert {"name": "Samaritans", "contact": "116 123"}.items() <= next(
        line for line in peerkit["support_lines"] if line["name"] == "Samaritans"
    ).items()
    assert peerkit["course_title"] == course.title
    assert set(peerkit["sessions"]) == set(course.sessions_by_id)


POOLS = "--VoilaKernelManager.kernel_pools_config="


def test_voila_command_pre_heats_one_kernel_per_session_page_only():
    command = voila_command(9999)
    assert "--VoilaConfiguration.preheat_kernel=True" in command
    assert "--KernelManager.transport=ipc" in command
    pools = json.loads(next(a for a in command if a.startswith(POOLS)).removeprefix(POOLS))
    assert pools.pop("default") == {"pool_size": 0}  # the home and My data pages: never
    ready = [
        info.notebook
        for info in load_course().sessions
        if not info.planned and info.notebook_path().is_file()
    ]
    assert sorted(pools) == sorted(ready) and len(ready) >= 17
    assert all(pool == {"pool_size": 1} for pool in pools.values())


def test_voila_command_without_pre_heating():
    command = voila_command(9999, preheat=False)
    assert not any("preheat" in arg or arg.startswith(POOLS) for arg in command)
    assert build_parser().parse_args(["serve", "--no-preheat"]).no_preheat is True


@pytest.mark.parametrize("argv", [["frobnicate"], [], ["check", "--no-such-option"]])
def test_parser_rejects_unknown_or_missing_commands(argv, capsys):
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(argv)
    assert info.value.code == 2
    assert "usage: peerkit" in capsys.readouterr().err


def test_parser_knows_the_three_commands():
    parser = build_parser()
    assert parser.parse_args(["serve", "--port", "1234"]).port == 1234
    assert parser.parse_args(["lab", "--no-browser"]).no_browser is True
    assert parser.parse_args(["check", "--root", "x"]).root == "x"
