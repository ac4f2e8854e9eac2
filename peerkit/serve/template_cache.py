"""Voilà's page templates compiled once per server, not once per page view.

Voilà makes a new nbconvert exporter for every page it renders, and with it a new
Jinja environment, which parses and compiles the whole template chain (peerkit's,
Voilà's lab and base templates, nbconvert's) again before the first byte of the page
can be sent. One bytecode cache shared by those environments keeps each template's
compiled code. Jinja keys it by the template's name and file and checks it against a
checksum of the source, so a template edited while the server runs is compiled
afresh.

``install`` is called in the Voilà process of ``peerkit serve``
(peerkit/serve/voila_app.py) and, through its configuration file, in a learner's
server in a class (peerkit/hub/singleuser.py).
"""

from __future__ import annotations

import logging
from typing import Any

import jinja2


class SharedBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates in this process's memory (a few hundred KB for the chain)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()

    def __len__(self) -> int:
        return len(self._code)


CACHE = SharedBytecodeCache()


def install(exporter_class: Any = None) -> None:
    """Give every environment ``exporter_class`` (Voilà's exporter) creates the shared
    cache; once per process. Where nbconvert no longer has the method this relies on,
    say so in the log and leave Voilà as it is."""
    if exporter_class is None:
        from voila.exporter import VoilaExporter

        exporter_class = VoilaExporter
    if getattr(exporter_class, "_peerkit_template_cache", False):
        return
    original = getattr(exporter_class, "_create_environment", None)
    if not callable(original):  # nbconvert's, not public: pages work without it, slower
        logging.getLogger("peerkit").warning(
            "This nbconvert has no TemplateExporter._create_environment; Voilà's page "
            "templates will be compiled for every page view."
        )
        return

    def create_environment(self: Any) -> jinja2.Environment:
        environment: jinja2.Environment = original(self)
        environment.bytecode_cache = CACHE
        return environment

    exporter_class._create_environment = create_environment
    exporter_class._peerkit_template_cache = True
