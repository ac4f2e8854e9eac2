"""Sign-in for a demonstration class: each demo account has its own password.

For trying the course out and for the tests only. A real class signs learners in
through the organisation's own accounts (README: "Running a class").
"""

from __future__ import annotations

import hmac
from typing import Any

from jupyterhub.auth import Authenticator
from traitlets import Dict


class DemoAuthenticator(Authenticator):
    """Accounts and passwords from the configuration (``peerkit class`` makes them)."""

    passwords = Dict(help="Each demo account's password.").tag(config=True)

    async def authenticate(self, handler: Any, data: dict[str, str]) -> str | None:
        name = str(data.get("username", ""))
        given = str(data.get("password", "")).encode()
        known = self.passwords.get(name)
        if known is None:
            hmac.compare_digest(given, b"no such account")  # the same time either way
            return None
        return name if hmac.compare_digest(given, str(known).encode()) else None
