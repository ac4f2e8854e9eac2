"""JupyterLab for facilitators and authors only: a learner's server is the course in Voilà.

The hub decides at each start of a server, from the JupyterHub group ``facilitators``
(``authoring_flag``, the value of ``AUTHORING_ENV`` in ``Spawner.environment``). The
server's configuration file loads JupyterLab and the other notebook interfaces only
when the hub said so (``course_only``): in a learner's server they are never loaded,
so their addresses answer 404. Nothing a learner sends reaches the flag (an address,
the options of a spawn request), and ``Spawner.disable_user_config`` keeps a
configuration file in their home folder (which their kernel can write) from turning
the interfaces back on. A change of group applies at the person's next server start.

This is about what each person is offered, not a wall: a learner's kernel runs their
own code in their own server either way (class-design.md), so the security boundary
stays what their processes can reach.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from peerkit.hub.groups import FACILITATORS_GROUP

AUTHORING_ENV = "PEERKIT_AUTHORING"
#: The server extensions that are notebook interfaces (and their helpers), not the course.
AUTHORING_EXTENSIONS = (
    "jupyterlab",
    "notebook",
    "nbclassic",
    "jupyter_lsp",
    "jupyter_collaboration",
)


def authoring_flag(spawner: Any) -> str:
    """``AUTHORING_ENV`` for the server this spawner starts: "1" for a facilitator's."""
    groups = {group.name for group in spawner.user.groups}
    return "1" if FACILITATORS_GROUP in groups else "0"


def course_only(config: Any, environ: Mapping[str, str] = os.environ) -> None:
    """Unless the hub marked this server a facilitator's, leave the notebook interfaces out.

    Called from the single-user server's configuration file with its ``c``: it updates
    the extensions' table rather than replacing it, so JupyterHub's own extension and
    Voilà's stay as they are.
    """
    if environ.get(AUTHORING_ENV) != "1":
        config.ServerApp.jpserver_extensions.update(dict.fromkeys(AUTHORING_EXTENSIONS, False))
