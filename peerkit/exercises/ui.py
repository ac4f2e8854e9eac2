"""ipywidgets, imported when the first widget is made.

Exercise modules are also read by the export path (``peerkit export``, My data),
which must not load ipywidgets or IPython: so they use ``widgets`` from here,
which imports ipywidgets on first attribute access, never at module import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ipywidgets as widgets
else:

    class _Widgets:
        """``widgets.Textarea`` and friends, importing ipywidgets on first use."""

        def __getattr__(self, name: str) -> Any:
            import ipywidgets

            return getattr(ipywidgets, name)

    widgets = _Widgets()

__all__ = ["widgets"]
