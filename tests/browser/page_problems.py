"""What went wrong on a page, as its browser saw it: script errors, failed requests to this
machine and HTTP errors, with requests elsewhere counted apart. For the browser tests and
the benchmarks' pages (bench/)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

#: Voilà's kernel shutdown, which a page sends as it goes.
SHUTDOWN = "/voila/api/shutdown/"


@dataclass
class Problems:
    """Script errors, failed loopback requests and HTTP errors on a page (watch(page), with
    Playwright's sync or async API); counted apart: requests elsewhere (none should be
    made: they would fail here, and a learner's page must not call out), favicon 404s,
    Voilà refusing the kernel shutdown."""

    errors: list[str] = field(default_factory=list)
    blocked_outside: int = 0
    shutdown_refused: set[str] = field(default_factory=set)

    def note(self, url: str, what: str) -> bool:
        if SHUTDOWN in url:
            self.shutdown_refused.add(url)
        elif urlparse(url).hostname not in ("127.0.0.1", "localhost", "::1", None):
            self.blocked_outside += 1
        elif "favicon" not in url:
            self.errors.append(f"{what[:200]} ({url[:120]})")
        return True  # so that the handlers below can chain it after their checks

    def watch(self, page: Any) -> None:
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        # A shutdown request cut off by the page closing is not a refusal.
        page.on("requestfailed", lambda q: SHUTDOWN in q.url or self.note(q.url, q.failure))
        page.on("response", lambda r: r.status < 400 or self.note(r.url, f"http {r.status}"))
        page.on(
            "console",
            lambda m: (
                m.type != "error"
                or "ERR_NAME_NOT_RESOLVED" in m.text  # a blocked outside request: counted above
                or self.note((m.location or {}).get("url", ""), m.text)
            ),
        )
