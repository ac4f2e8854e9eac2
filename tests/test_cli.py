"""The ``peerkit`` command line: check, the Voilà command, argument parsing."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from traitlets.config import Config

from peerkit import paths
from peerkit.cli import build_parser, main, serve
from peerkit.course.data import load_course
from peerkit.serve import prepare, voila_config
from peerkit.serve.voila_config import ServeOptions, render_config, voila_command, voila_settings

ROOT = Path(__file__).resolve().parents[1]
OK_LINE = "peerkit check: the course content is in order."
TOKEN = "0123456789abcdef0123456789abcdef"


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


def load_config(text: str) -> Config:
    """Run a generated config file as Voilà does (traitlets' PyFileConfigLoader)."""
    config = Config()
    exec(compile(text, "voila.py", "exec"), {"get_config": lambda: config})
    return config


@pytest.fixture
def config(tmp_path) -> Config:
    return load_config(
        render_config(voila_settings(load_course(), ServeOptions(token=TOKEN), tmp_path))
    )


def test_every_setting_has_its_reason_as_a_comment(tmp_path):
    text = render_config(voila_settings(load_course(), ServeOptions(token=TOKEN), tmp_path))
    lines = text.splitlines()
    settings = [i for i, line in enumerate(lines) if line.startswith("c.")]
    assert len(settings) >= 15
    for index in settings:
        assert lines[index - 1].startswith("# "), lines[index]
    assert text.count("show_tracebacks") == 1
    conf = ROOT / "share/jupyter/voila/templates/peerkit/conf.json"
    assert "show_tracebacks" not in conf.read_text()  # set once, here


def test_the_config_serves_the_notebooks_with_the_course_template(config, tmp_path):
    assert config.Voila.root_dir == str(ROOT / "notebooks")
    assert config.VoilaConfiguration.template == "peerkit"
    assert config.VoilaConfiguration.show_tracebacks is False
    assert config.Voila.port == serve.DEFAULT_PORT and config.Voila.port_retries == 0
    assert config.NotebookNotary.data_dir == str(tmp_path)
    assert config.KernelManager.transport == "ipc"


def test_the_config_needs_the_token_and_a_local_host(config):
    assert config.Voila.ip == "127.0.0.1"
    assert config.Voila.token == TOKEN
    tornado = config.Voila.tornado_settings
    assert tornado["allow_remote_access"] is False
    assert tornado["local_hostnames"] == ["localhost"]
    assert tornado["log_function"].__name__ == "log_request"


def test_the_config_stops_kernels_no_page_uses_and_waits_for_busy_output(config):
    """A kernel with no page (a crashed tab, a page a script fetched) is culled after an
    hour; an open page's never is; a busy server's cell output is waited for."""
    kernels = config.MappingKernelManager
    assert kernels.cull_idle_timeout == voila_config.KERNEL_CULL_IDLE_SECONDS == 3600
    assert kernels.cull_interval == 300 and kernels.cull_connected is False
    assert config.VoilaExecutor.iopub_timeout == voila_config.CELL_OUTPUT_WAIT_SECONDS >= 60


def test_listening_beyond_this_machine_drops_the_host_check(tmp_path):
    options = ServeOptions(token=TOKEN, ip="0.0.0.0", allow_hosts=("course.example.org",))
    config = load_config(render_config(voila_settings(load_course(), options, tmp_path)))
    assert config.Voila.tornado_settings["allow_remote_access"] is True
    assert "course.example.org" in config.Voila.tornado_settings["local_hostnames"]
    assert serve.connect_ip("0.0.0.0") == "127.0.0.1"


def test_the_config_resources_hold_the_support_lines(config):
    course = load_course()
    resources = config.VoilaConfiguration.resources
    assert resources["language_code"] == "en-GB"
    peerkit = resources["peerkit"]
    assert peerkit["support_lines"] == [
        {"name": line.name, "contact": line.contact, "detail": line.detail}
        for line in course.support_lines
    ]
    assert {"name": "Samaritans", "contact": "116 123"}.items() <= next(
        line for line in peerkit["support_lines"] if line["name"] == "Samaritans"
    ).items()
    assert peerkit["course_title"] == course.title
    assert set(peerkit["sessions"]) == set(course.sessions_by_id)


def test_the_config_pre_heats_the_home_my_data_and_the_session_to_continue(tmp_path):
    course = load_course()
    ready = [
        info.notebook
        for info in course.sessions
        if not info.planned and info.notebook_path().is_file()
    ]
    assert len(ready) >= 17
    options = ServeOptions(token=TOKEN, continue_at=ready[3])
    config = load_config(render_config(voila_settings(course, options, tmp_path)))
    assert config.VoilaConfiguration.preheat_kernel is True
    pools = dict(config.VoilaKernelManager.kernel_pools_config)
    assert pools.pop("default") == {"pool_size": 0}  # any other notebook
    warm = {name for name, pool in pools.items() if pool == {"pool_size": 1}}
    # At start-up the one after it waits until the learner opens this one.
    assert warm == {"index.ipynb", "my-data.ipynb", ready[3]}
    assert sorted(pools) == sorted(["index.ipynb", "my-data.ipynb", *ready])  # the rest: none
    # What the manager follows from then on (peerkit/serve/warm_pages.py).
    assert config.PeerkitPreheat.home == "index.ipynb"
    assert config.PeerkitPreheat.my_data == "my-data.ipynb"
    assert config.PeerkitPreheat.continue_at == ready[3]
    assert list(config.PeerkitPreheat.sessions) == ready


def test_the_config_without_pre_heating(tmp_path):
    options = ServeOptions(token=TOKEN, preheat=False)
    text = render_config(voila_settings(load_course(), options, tmp_path))
    assert "preheat" not in text and "kernel_pools_config" not in text
    assert build_parser().parse_args(["serve", "--no-preheat"]).no_preheat is True


def test_voila_itself_loads_the_generated_config(tmp_path, monkeypatch):
    """Voilà 0.5, given only the folder, finds voila.py there and applies it."""
    import signal

    from voila.app import Voila

    monkeypatch.setenv("JUPYTER_PATH", str(paths.template_share_dir()))
    voila_config.write_config(load_course(), ServeOptions(token=TOKEN, port=9999), tmp_path)
    command = voila_command(tmp_path)
    assert command[:3] == [sys.executable, "-m", "peerkit.serve.voila_app"]
    assert command[3:] == [f"--Voila.config_file_paths={tmp_path}"]  # no token, no data
    handler = signal.getsignal(signal.SIGTERM)
    app = Voila()
    try:
        app.initialize(command[3:])
    finally:
        signal.signal(signal.SIGTERM, handler)  # Voilà sets its own
    assert app.port == 9999 and app.token == TOKEN and app.ip == "127.0.0.1"
    assert app.root_dir == str(ROOT / "notebooks")
    assert app.voila_configuration.template == "peerkit"
    assert app.voila_configuration.show_tracebacks is False
    assert app.voila_configuration.resources["peerkit"]["support_lines"]
    assert app.tornado_settings["allow_remote_access"] is False


def test_the_course_notebooks_are_trusted_in_the_private_folder(tmp_path):
    import nbformat
    from nbformat.sign import NotebookNotary

    count = voila_config.trust_notebooks(ROOT / "notebooks", tmp_path)
    notebooks = sorted((ROOT / "notebooks").rglob("*.ipynb"))
    assert count == len(notebooks) >= 19
    notary = NotebookNotary(data_dir=str(tmp_path))
    assert all(notary.check_signature(nbformat.read(p, as_version=4)) for p in notebooks)
    (tmp_path / "elsewhere").mkdir()
    assert not NotebookNotary(data_dir=str(tmp_path / "elsewhere")).check_signature(
        nbformat.read(notebooks[0], as_version=4)
    )


class FakeProcess:
    """Stands in for the Voilà process: has already stopped."""

    def __init__(self, command, env):
        self.command, self.env = command, env
        self.runtime = Path(command[-1].split("=", 1)[1])
        self.config = (self.runtime / voila_config.CONFIG_NAME).read_text()
        self.modes = (
            stat.S_IMODE(self.runtime.stat().st_mode),
            stat.S_IMODE((self.runtime / voila_config.CONFIG_NAME).stat().st_mode),
        )

    def wait(self):
        return 0

    def poll(self):
        return 0


@pytest.fixture
def started(monkeypatch, tmp_path):
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    processes: list[FakeProcess] = []

    def popen(command, env):
        processes.append(FakeProcess(command, env))
        return processes[-1]

    monkeypatch.setattr(serve.subprocess, "Popen", popen)
    monkeypatch.setattr(serve, "_stop_with", lambda process: None)
    # In this process, so that a test can take something away from Voilà (the real
    # one, in a child, is test_serve_keeps_none_of_the_preparation_loaded below).
    monkeypatch.setattr(serve, "prepare_apart", prepare.prepare)
    return processes


def test_serve_prints_the_address_with_a_new_token_on_one_line(started, capsys, monkeypatch):
    monkeypatch.delenv(serve.TOKEN_ENV, raising=False)
    assert main(["serve", "--no-browser", "--port", "9876"]) == 0
    out = capsys.readouterr().out.splitlines()
    prefix = "Serving the course at http://127.0.0.1:9876/voila/render/index.ipynb?token="
    assert out[0].startswith(prefix)
    token = out[0].removeprefix(prefix)
    assert len(token) == 48 and token.isalnum()
    (process,) = started
    assert f"c.Voila.token = '{token}'" in process.config
    assert process.modes == (0o700, 0o600)
    assert not process.runtime.exists()  # removed when the server stopped
    assert serve.TOKEN_ENV not in process.env and token not in " ".join(process.command)
    assert process.env["VOILA_APP_IP"] == "127.0.0.1"
    assert process.env[voila_config.LOG_LEVEL_ENV] == "WARNING"
    main(["serve", "--no-browser"])
    assert started[1].config != process.config  # a new token each start


def test_serve_uses_the_token_it_is_given_without_printing_it(started, capsys, monkeypatch):
    monkeypatch.setenv(serve.TOKEN_ENV, TOKEN)
    assert main(["serve", "--no-browser"]) == 0
    out = capsys.readouterr().out
    assert TOKEN not in out
    assert "?token=...  (the token is the value of PEERKIT_TOKEN)" in out
    assert f"c.Voila.token = '{TOKEN}'" in started[0].config


def test_serve_stops_with_a_clear_message_when_voila_lacks_what_peerkit_uses(
    started, capsys, monkeypatch
):
    import voila
    import voila.app

    monkeypatch.delattr(voila.app, "voila_kernel_manager_factory")
    assert main(["serve", "--no-browser"]) == 1
    err = capsys.readouterr().err
    assert f"installed Voilà ({voila.__version__})" in err
    assert "voila.app.voila_kernel_manager_factory" in err
    assert started == []  # nothing was started


#: `peerkit serve` with Voilà replaced by a process that stops at once; then which of the
#: libraries the preparation loads are in the `peerkit serve` process.
SERVE_THEN_LIST_MODULES = """
import sys
from peerkit.cli import main, serve
serve.voila_command = lambda runtime: [sys.executable, "-c", "pass"]
main(["serve", "--no-browser"])
print(sorted({m.split(".")[0] for m in sys.modules} & {"voila", "nbformat", "sqlalchemy"}))
"""


def test_serve_keeps_none_of_the_preparation_loaded(tmp_path):
    """Checking Voilà, signing the notebooks and reading the store happen in a child
    that exits: the long-lived `peerkit serve` process holds none of their ~75 MB."""
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           paths.DATABASE_URL_ENV: f"sqlite:///{tmp_path}/answers.sqlite3"}  # fmt: skip
    run = subprocess.run([sys.executable, "-c", SERVE_THEN_LIST_MODULES], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    assert lines[0].startswith("Serving the course at http://127.0.0.1:")
    assert lines[-1] == "[]"


def test_preparing_apart_writes_the_config_from_options_sent_on_stdin(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.DATABASE_URL_ENV, f"sqlite:///{tmp_path}/answers.sqlite3")
    options = ServeOptions(token=TOKEN, allow_hosts=("course.example",), preheat=False)
    assert prepare.prepare_apart(options, tmp_path) == 0
    config = (tmp_path / voila_config.CONFIG_NAME).read_text()
    assert f"c.Voila.token = '{TOKEN}'" in config and "course.example" in config


def test_preparation_stopped_by_a_signal_is_said(tmp_path, monkeypatch, capsys):
    killed = tmp_path / "python"
    killed.write_text("#!/bin/sh\nkill -KILL $$\n")
    killed.chmod(0o700)
    monkeypatch.setattr(prepare.sys, "executable", str(killed))
    assert prepare.prepare_apart(ServeOptions(token=TOKEN), tmp_path) == -9
    assert "getting the server ready was stopped (signal 9)" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["frobnicate"], [], ["check", "--no-such-option"]])
def test_parser_rejects_unknown_or_missing_commands(argv, capsys):
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(argv)
    assert info.value.code == 2
    assert "usage: peerkit" in capsys.readouterr().err


def test_parser_knows_the_three_commands():
    parser = build_parser()
    args = parser.parse_args(["serve", "--port", "1234"])
    assert (args.port, args.ip, args.log_level) == (1234, "127.0.0.1", "WARNING")
    assert parser.parse_args(["lab", "--no-browser"]).no_browser is True
    assert parser.parse_args(["check", "--root", "x"]).root == "x"


def test_the_config_resources_give_each_session_page_its_title(config):
    course = load_course()
    peerkit = config.VoilaConfiguration.resources["peerkit"]
    # nbconvert keeps only ISO 639-1 codes in language_code: the template uses this one.
    assert peerkit["language"] == "en-GB"
    for info in course.sessions:
        title = peerkit["sessions"][info.id]["page_title"]
        assert title == f"{info.heading} – {course.title}"
