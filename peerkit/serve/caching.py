"""Browser caching for the widget front end's files: fetched once, not asked about again.

Voilà serves the JupyterLab extensions' files (``voila/labextensions/...``: the
widget manager and its chunks, about 20 files on a session page) with
``Cache-Control: no-cache``, so every page load asks the server about each again
(20 round trips that answer 304). Their builds name each chunk by its content's hash
(``static/704.6a820cc839aca480.js``), so a file with such a name never changes: it
is marked immutable here. Files without a hash in the name (``style.js``,
``package.json``) keep Voilà's ``no-cache``.

peerkit/serve/voila_app.py puts this handler in place of Voilà's before it starts.
"""

from __future__ import annotations

import re
from typing import Any

#: A name part that is a content hash: 8 or more hex digits between dots.
HASHED_NAME = re.compile(r"\.[0-9a-f]{8,}\.(?:js|css|map|woff2?|svg|png)$")
IMMUTABLE = "public, max-age=31536000, immutable"
#: The name in ``voila.app`` of the handler that serves the extensions' files.
EXTENSION_FILES = "FileFindHandler"


def is_hashed(path: str) -> bool:
    return bool(HASHED_NAME.search(path))


class HashedFilesImmutable:
    """After the handler's own headers: immutable for a file named by its content hash."""

    request: Any

    def set_headers(self) -> None:
        super().set_headers()  # type: ignore[misc]
        if is_hashed(self.request.path):
            self.set_header("Cache-Control", IMMUTABLE)  # type: ignore[attr-defined]


def install(app_module: Any) -> None:
    """Serve the extensions' hashed files immutable (before Voilà builds its routes)."""
    original = getattr(app_module, EXTENSION_FILES)
    setattr(
        app_module, EXTENSION_FILES, type(EXTENSION_FILES, (HashedFilesImmutable, original), {})
    )
