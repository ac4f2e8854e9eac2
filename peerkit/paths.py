"""Where peerkit keeps things: the answers database, course data, notebooks."""

from __future__ import annotations

import os
from pathlib import Path

DATABASE_URL_ENV = "PEERKIT_DATABASE_URL"
#: Set in a class: the peerkit hub service's address (peerkit/hub/), used instead of a database.
SERVICE_URL_ENV = "PEERKIT_SERVICE_URL"
HOME_ENV = "PEERKIT_HOME"
DATABASE_FILENAME = "answers.sqlite3"
#: The course pages that are not sessions, in notebooks/.
HOME_NOTEBOOK = "index.ipynb"
MY_DATA_NOTEBOOK = "my-data.ipynb"


def data_dir() -> Path:
    """The learner's private data folder (not created here).

    On Linux ``$XDG_DATA_HOME/peerkit``, else ``~/.local/share/peerkit``; the
    platform's own place elsewhere (platformdirs decides).
    """
    import platformdirs  # here, so importing peerkit.paths stays light

    return Path(platformdirs.user_data_dir("peerkit", appauthor=False))


def database_url() -> str:
    """The SQLAlchemy URL of the answers database (``PEERKIT_DATABASE_URL`` overrides)."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    return f"sqlite:///{data_dir() / DATABASE_FILENAME}"


def project_root() -> Path:
    """The course folder holding ``content/`` and ``notebooks/``.

    ``PEERKIT_HOME`` overrides; otherwise the checkout this package lives in.
    """
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).resolve()
    return Path(__file__).resolve().parent.parent


def content_dir() -> Path:
    return project_root() / "content"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def template_share_dir() -> Path:
    """The ``share/jupyter`` folder holding the course's Voilà template."""
    return project_root() / "share" / "jupyter"
