"""Each learner's own server in a class: Jupyter Server with Voilà, set up as the course.

JupyterHub starts ``jupyterhub-singleuser`` for each learner; it finds this
configuration through ``JUPYTER_CONFIG_PATH`` (peerkit/hub/hub_config.py sets it).
The pages run as they do under ``peerkit serve`` (the same ``page_settings``),
served by Voilà's server extension at ``/user/<name>/voila/render/...``. JupyterLab
and the other notebook interfaces are loaded in facilitators' servers only
(peerkit/hub/authoring.py).
"""

from __future__ import annotations

from pathlib import Path

from peerkit.course.data import Course
from peerkit.serve.voila_config import Setting, page_settings, render_config

#: The server's own pages peerkit gives a learner's server (its 404 page).
TEMPLATES = Path(__file__).parent / "templates" / "singleuser"

CONFIG_NAME = "jupyter_server_config.py"
HEADER = (
    "# Each learner's server in a class (peerkit/hub/singleuser.py writes it at each start",
    "# of `peerkit class`; JupyterHub's servers find it through JUPYTER_CONFIG_PATH).",
)
IMPORTS = (
    "from peerkit.hub.authoring import course_only",
    "from peerkit.hub.singleuser import redact_cell_errors",
    "from peerkit.serve.template_cache import install as compile_templates_once",
    "",
    "redact_cell_errors()",
    "# Voilà's page templates compiled once, not for each page (peerkit/serve/template_cache.py).",
    "compile_templates_once()",
)
FOOTER = (
    "# JupyterLab and the notebook interfaces only in a server the hub marked a",
    "# facilitator's (peerkit/hub/authoring.py); a learner's serves the course in Voilà.",
    "course_only(c)",
)


def redact_cell_errors() -> None:
    """Voilà logs a failing cell whole (its outputs can hold a learner's answer): log its number.

    Called from the server's configuration file, before the server makes its loggers.
    """
    import logging

    from peerkit.serve.voila_app import CellErrorRedaction

    for name in ("Voila", "traitlets", "ServerApp"):
        logging.getLogger(name).addFilter(CellErrorRedaction())


def singleuser_settings(course: Course) -> list[Setting]:
    from peerkit.serve.resources import voila_resources

    course_data = voila_resources(course)["peerkit"]
    return [
        *page_settings(course),
        Setting(
            "ServerApp",
            "extra_template_paths",
            [str(TEMPLATES)],
            "An address that is not part of the course (JupyterLab's, for a learner) gets a "
            "page in the course's words, with the way home and the support lines, instead "
            "of Jupyter's bare 404.",
        ),
        Setting(
            "ServerApp",
            "jinja_template_vars",
            {
                "peerkit": {
                    key: course_data[key]
                    for key in ("course_title", "language", "support_intro", "support_lines")
                }
            },
            "What that page shows: the course's title, language and support lines.",
        ),
        Setting(
            "ServerApp",
            "terminals_enabled",
            False,
            "Learners need no shell; facilitators use JupyterLab's notebooks, not a terminal.",
        ),
    ]


def write_singleuser_config(folder: Path, course: Course) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / CONFIG_NAME
    path.write_text(
        render_config(singleuser_settings(course), HEADER, IMPORTS, FOOTER), encoding="utf-8"
    )
    return path
