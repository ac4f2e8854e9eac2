"""The one Jinja environment for peerkit's HTML: autoescaped, strict, loaded on first use.

Templates live beside the code that uses them and are named by package:
``pages/home.html.j2`` is ``peerkit/pages/templates/home.html.j2`` and
``portfolio/portfolio.html.j2`` is ``peerkit/portfolio/templates/portfolio.html.j2``.

Every ``{{ value }}`` is HTML-escaped. Markup made elsewhere that escapes its own
text (the SVG pictures, the course stylesheet) is passed in as
:class:`markupsafe.Markup` by the Python code that produced it; templates never
use ``|safe``.

Templates are written indented, for reading. The environment joins their lines
before compiling them: each line's leading white space and its line break are
dropped, so the pages get the same compact HTML they always had (white space
between inline elements shows on the page). Text that needs a space stays on
one line, or spells it out as ``{{ " " }}``.

jinja2 costs tens of milliseconds to import, and this runs in learners' kernels,
so nothing is imported until the first page is drawn (session pages never need
it: their progress bar is two numbers).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment

PACKAGE = Path(__file__).resolve().parent.parent
#: Template name prefix -> the folder its templates are in.
FOLDERS = {
    "pages": PACKAGE / "pages" / "templates",
    "portfolio": PACKAGE / "portfolio" / "templates",
    "outputs": PACKAGE / "outputs" / "templates",
    "hub": PACKAGE / "hub" / "templates",
}


def join_lines(source: str) -> str:
    """The template source with each line's indentation and line break removed."""
    return "".join(line.lstrip() for line in source.splitlines())


@cache
def environment() -> Environment:
    """The shared environment (built once per process)."""
    from jinja2 import Environment, FileSystemLoader, PrefixLoader, StrictUndefined
    from jinja2.ext import Extension

    class JoinLines(Extension):
        def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
            return join_lines(source)

    return Environment(
        loader=PrefixLoader({prefix: FileSystemLoader(path) for prefix, path in FOLDERS.items()}),
        autoescape=True,
        undefined=StrictUndefined,
        extensions=[JoinLines],
        keep_trailing_newline=False,
        # Templates are files in the installed package: no need to stat them on every use.
        auto_reload=False,
    )


def render(name: str, /, **context: Any) -> str:
    """The whole template ``name`` rendered with ``context``."""
    return environment().get_template(name).render(**context)


def macros(name: str) -> Any:
    """The macros of template ``name``, to call from Python (each returns Markup)."""
    return environment().get_template(name).module
