"""Who the current learner is. The one place identity is decided."""

from __future__ import annotations

import getpass
import os
import unicodedata

from peerkit.errors import PeerkitError

LEARNER_ENV = "PEERKIT_LEARNER"
#: Set by JupyterHub in each learner's server. In a class the hub service decides who
#: a request is for from its token; this is only the name pages show and ask for.
HUB_USER_ENV = "JUPYTERHUB_USER"
MAX_LEARNER_LENGTH = 200


def current_learner() -> str:
    """The learner's id: ``PEERKIT_LEARNER``, else the JupyterHub user, else the OS user."""
    learner = os.environ.get(LEARNER_ENV, "").strip() or os.environ.get(HUB_USER_ENV, "").strip()
    if not learner:
        try:
            learner = getpass.getuser()
        except (KeyError, OSError) as exc:
            raise PeerkitError(
                f"Could not tell who the learner is; set {LEARNER_ENV} to a name."
            ) from exc
    return validate_learner(learner)


def validate_learner(learner: str) -> str:
    """Refuse an empty, over-long or control-character learner id."""
    if not learner or len(learner) > MAX_LEARNER_LENGTH:
        raise PeerkitError(f"A learner id must be 1 to {MAX_LEARNER_LENGTH} characters long.")
    if any(unicodedata.category(ch) == "Cc" for ch in learner):
        raise PeerkitError("A learner id cannot contain control characters.")
    return learner
