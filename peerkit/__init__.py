"""peerkit: reflection exercises for the peer support course, saved per learner.

The import is kept light because it runs in every learner's kernel: the store
(SQLAlchemy) and the widgets (ipywidgets) load only when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Session", "course_home", "my_data_page", "open_session"]

if TYPE_CHECKING:
    from peerkit.pages.home import course_home
    from peerkit.pages.my_data import my_data_page
    from peerkit.session import Session, open_session

_LAZY = {
    "Session": "peerkit.session",
    "open_session": "peerkit.session",
    "course_home": "peerkit.pages.home",
    "my_data_page": "peerkit.pages.my_data",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'peerkit' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module_name), name)
