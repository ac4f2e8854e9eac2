"""The Host check on the Voilà handlers that have none of their own.

jupyter_server's handlers refuse a request whose Host header is not this machine
(``local_hostnames``), so that another site's page cannot reach the server through
DNS rebinding. Voilà's static-file handlers and its request-info websocket are plain
tornado handlers and skip that check. Here they get it, and the websocket (which sends
a pre-heated kernel its learner's request, address and token included) also answers
only this machine's own connections, for a kernel this server started.

peerkit/serve/voila_app.py puts these classes in place of Voilà's before it starts.
"""

from __future__ import annotations

import ipaddress
import logging
import os
from typing import Any

from jupyter_server.base.handlers import JupyterHandler
from tornado import web

from peerkit.serve.compat import GUARDED_HANDLERS

LOG = logging.getLogger("Voila")

#: The one of GUARDED_HANDLERS that is the pre-heated kernels' request websocket.
REQUEST_SOCKET = "RequestInfoSocketHandler"


class HostChecked:
    """Refuse (403) a request whose Host is not this machine, as jupyter_server does."""

    request: Any
    settings: dict[str, Any]

    @property
    def log(self) -> logging.Logger:
        return LOG  # JupyterHandler.check_host logs a refusal here

    def prepare(self) -> Any:
        if not JupyterHandler.check_host(self):  # type: ignore[arg-type]
            raise web.HTTPError(403)
        return super().prepare()  # type: ignore[misc]


def is_own_address(address: str) -> bool:
    """Loopback, or the address this server listens on (where its kernels connect from)."""
    try:
        if ipaddress.ip_address(address).is_loopback:
            return True
    except ValueError:
        return False
    return address == os.environ.get("VOILA_APP_IP", "")


class OwnKernelsOnly(HostChecked):
    """Open the socket only for this machine, and only for a kernel this server started."""

    path_kwargs: dict[str, str]

    def prepare(self) -> Any:
        super().prepare()
        if not is_own_address(self.request.remote_ip or ""):
            raise web.HTTPError(403)
        manager = self.settings.get("kernel_manager")
        if manager is None or self.path_kwargs.get("kernel_id", "") not in manager:
            raise web.HTTPError(404)
        return None


def install(app_module: Any) -> None:
    """Put guarded subclasses in place of Voilà's handlers, before Voilà builds its routes."""
    for name in GUARDED_HANDLERS:
        guard = OwnKernelsOnly if name == REQUEST_SOCKET else HostChecked
        setattr(app_module, name, type(name, (guard, getattr(app_module, name)), {}))
