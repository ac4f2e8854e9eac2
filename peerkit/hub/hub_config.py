"""JupyterHub's configuration for a class on one machine, every setting with its reason."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peerkit import paths
from peerkit.hub import api
from peerkit.hub.authoring import AUTHORING_ENV
from peerkit.hub.groups import FACILITATORS_GROUP, GROUP_SCOPES
from peerkit.serve.voila_config import HOME_NOTEBOOK, Imported, Setting, render_config

#: The one cohort of a class that names none: everyone in it.
DEFAULT_COHORT = "class"
#: What a learner's server and kernels may do with their token: the defaults, and call
#: the peerkit service (which then knows who they are from it).
SERVER_TOKEN_SCOPES = (
    "users:activity!user",
    "access:servers!server",
    f"access:services!service={api.SERVICE_NAME}",
)
HEADER = (
    "# JupyterHub's configuration for this class (peerkit/hub/hub_config.py writes it at each",
    "# start of `peerkit class`). It holds the demo passwords: keep it private (mode 0600).",
)
#: Spawner.environment's value for AUTHORING_ENV, asked of the hub at each server start.
AUTHORING_FLAG = Imported("peerkit.hub.authoring", "authoring_flag")
CULL_IDLE_SECONDS = 3600
CULL_EVERY_SECONDS = 300


@dataclass(frozen=True)
class ClassPlan:
    """One class on one machine: where it keeps everything, its ports and its people."""

    folder: Path
    port: int = 8000
    ip: str = "127.0.0.1"
    hub_port: int = 8081
    proxy_api_port: int = 8001
    service_port: int = api.DEFAULT_PORT
    learners: tuple[str, ...] = ("learner1", "learner2", "learner3")
    facilitators: tuple[str, ...] = ("facilitator1",)
    #: The class's groups (cohorts), each with its learners and facilitators; none
    #: given: one group, ``class``, of everyone.
    cohorts: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: More services and roles (the tests add one that may make tokens for users).
    extra_services: tuple[dict[str, Any], ...] = field(default=())
    extra_roles: tuple[dict[str, Any], ...] = field(default=())

    @property
    def people(self) -> tuple[str, ...]:
        return self.learners + self.facilitators

    @property
    def groups(self) -> dict[str, list[str]]:
        """Every JupyterHub group of the class: the facilitators, then each cohort."""
        cohorts = self.cohorts or ((DEFAULT_COHORT, self.people),)
        groups = {FACILITATORS_GROUP: list(self.facilitators)}
        for name, members in cohorts:
            if name == FACILITATORS_GROUP:
                raise ValueError(f"A cohort cannot be called {FACILITATORS_GROUP!r}.")
            groups[name] = list(members)
        return groups

    @property
    def url(self) -> str:
        return f"http://{self.ip}:{self.port}"

    @property
    def service_url(self) -> str:
        return f"http://127.0.0.1:{self.service_port}"

    @property
    def hub_dir(self) -> Path:
        return self.folder / "hub"

    @property
    def singleuser_dir(self) -> Path:
        return self.folder / "singleuser"

    @property
    def homes_dir(self) -> Path:
        return self.folder / "homes"


def proxy_command() -> list[str]:
    """Node's configurable-http-proxy, installed by ``make class`` (npm ci in proxy/)."""
    program = paths.project_root() / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
    return [str(program)]


def singleuser_environment(plan: ClassPlan) -> dict[str, str | Imported]:
    """What every learner's server (and so each kernel) is given: never the database.

    ``AUTHORING_ENV`` is the hub's answer, per person, to whether their server loads
    JupyterLab (peerkit/hub/authoring.py).
    """
    return {
        paths.SERVICE_URL_ENV: plan.service_url,
        paths.HOME_ENV: str(paths.project_root()),
        "JUPYTER_PATH": str(paths.template_share_dir()),
        "JUPYTER_CONFIG_PATH": str(plan.singleuser_dir),
        AUTHORING_ENV: AUTHORING_FLAG,
    }


def hub_settings(plan: ClassPlan, passwords: dict[str, str], service_token: str) -> list[Setting]:
    bin_dir = Path(sys.executable).parent
    roles: list[dict[str, Any]] = [
        {"name": "user", "scopes": ["self", f"access:services!service={api.SERVICE_NAME}"]},
        {
            "name": "idle-culler",
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
            "services": ["idle-culler"],
        },
        {
            # To know who is in which group: the boards show nothing else.
            "name": "peerkit-service",
            "scopes": list(GROUP_SCOPES),
            "services": [api.SERVICE_NAME],
        },
        *plan.extra_roles,
    ]
    services: list[dict[str, Any]] = [
        {
            "name": api.SERVICE_NAME,
            "url": plan.service_url,
            "api_token": service_token,
            # Its boards sign people in through the hub; no "allow this service?" page.
            "oauth_no_confirm": True,
        },
        {
            "name": "idle-culler",
            "command": [
                sys.executable,
                "-m",
                "jupyterhub_idle_culler",
                f"--timeout={CULL_IDLE_SECONDS}",
                f"--cull-every={CULL_EVERY_SECONDS}",
            ],
        },
        *plan.extra_services,
    ]
    args = ["--allow-root"] if os.geteuid() == 0 else []
    return [
        Setting("JupyterHub", "bind_url", plan.url, "The address learners open."),
        Setting(
            "JupyterHub",
            "hub_bind_url",
            f"http://127.0.0.1:{plan.hub_port}",
            "The hub's own API, for the proxy, the servers and services on this machine.",
        ),
        Setting(
            "JupyterHub",
            "db_url",
            f"sqlite:///{plan.hub_dir / 'jupyterhub.sqlite'}",
            "The hub's own records (users, tokens); the learners' answers are in PostgreSQL.",
        ),
        Setting(
            "JupyterHub",
            "cookie_secret_file",
            str(plan.hub_dir / "jupyterhub_cookie_secret"),
            "Kept, so sign-ins survive a restart.",
        ),
        Setting(
            "JupyterHub",
            "authenticator_class",
            "peerkit.hub.demo_auth.DemoAuthenticator",
            "Demo accounts, each with its own password. A real class uses the "
            "organisation's accounts (README: Running a class).",
        ),
        Setting("DemoAuthenticator", "passwords", passwords, "The demo accounts' passwords."),
        Setting("Authenticator", "allowed_users", set(plan.people), "Only the class signs in."),
        Setting(
            "JupyterHub",
            "spawner_class",
            "simple",
            "Every learner's server runs as this machine's user: fine for a demo, never "
            "for real learners (one learner's server could read another's token). A real "
            "class needs an isolating spawner (README: Running a class).",
        ),
        Setting("Spawner", "cmd", [str(bin_dir / "jupyterhub-singleuser")], "This install's."),
        Setting("Spawner", "args", args, "Run as root only when this machine's user is root."),
        Setting(
            "Spawner",
            "default_url",
            f"/voila/render/{HOME_NOTEBOOK}",
            "Signing in lands on the course home, as a page with no code.",
        ),
        Setting("Spawner", "notebook_dir", str(paths.notebooks_dir()), "The course's notebooks."),
        Setting(
            "SimpleLocalProcessSpawner",
            "home_dir_template",
            str(plan.homes_dir / "{username}"),
            "A folder of each person's own for their server's files.",
        ),
        Setting(
            "Spawner",
            "environment",
            singleuser_environment(plan),
            "Where to reach the peerkit service, the course and its page set-up, and "
            "whether this person's server has JupyterLab (facilitators only, from their "
            "group at each start). Never the database: only the service can reach it.",
        ),
        Setting(
            "Spawner",
            "disable_user_config",
            True,
            "No configuration file in a person's home folder (their kernel can write "
            "one) is read by their server, so a learner cannot turn JupyterLab on with "
            "one. (In this virtual environment Jupyter reads the home folder's after the "
            "server's own; outside one, as in the class image, it reads it first.)",
        ),
        Setting(
            "Spawner",
            "server_token_scopes",
            list(SERVER_TOKEN_SCOPES),
            "A learner's kernel may call the peerkit service with its own token.",
        ),
        Setting("Spawner", "start_timeout", 120, "A busy two-core machine starts servers slowly."),
        Setting("Spawner", "http_timeout", 120, "The same, for the server's first answer."),
        Setting("JupyterHub", "load_roles", roles, "Who may call what."),
        Setting(
            "JupyterHub",
            "load_groups",
            {name: {"users": members} for name, members in plan.groups.items()},
            "Facilitators are a group (the board of shared answers checks it); each "
            "cohort is a group with its learners and facilitators.",
        ),
        Setting(
            "JupyterHub",
            "services",
            services,
            "The peerkit service (started beside the hub, so the hub never holds the "
            "database's address) and the idle culler, which stops a server nobody has "
            f"used for {CULL_IDLE_SECONDS // 60} minutes (its answers are already saved).",
        ),
        Setting(
            "ConfigurableHTTPProxy",
            "command",
            proxy_command(),
            "Node's proxy: it streams server-sent events (the PyPI one buffers them).",
        ),
        Setting(
            "ConfigurableHTTPProxy",
            "api_url",
            f"http://127.0.0.1:{plan.proxy_api_port}",
            "The proxy's own API, on this machine only.",
        ),
        Setting("JupyterHub", "cleanup_servers", True, "Stopping the class stops every server."),
    ]


def write_hub_config(plan: ClassPlan, passwords: dict[str, str], service_token: str) -> Path:
    plan.hub_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = plan.hub_dir / "jupyterhub_config.py"
    imports = (AUTHORING_FLAG.import_line,)
    text = render_config(hub_settings(plan, passwords, service_token), HEADER, imports)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
    return path
