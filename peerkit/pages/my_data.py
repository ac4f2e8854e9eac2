"""The "My data" page: what is stored, where, who can see it; download or erase it all.

Downloads are built only when the learner asks (``Prepare downloads``) and are
offered as ``data:`` links. Erasing needs three deliberate steps. Learner text
is escaped wherever it becomes HTML (the page's templates are autoescaped) and
never appears in a message or a log: a failure shows the learner a calm message
and logs only the exception's type (and, for one peerkit did not expect, where
it was raised), since an exception's message could hold learner text.
"""

from __future__ import annotations

import base64
import logging
import traceback
from pathlib import Path

import ipywidgets as widgets

from peerkit.course.data import Course
from peerkit.errors import PeerkitError
from peerkit.pages.templating import macros
from peerkit.store.protocol import Store

log = logging.getLogger("peerkit")
TEMPLATE = "pages/my_data.html.j2"
#: Failures the page expects now and then (store, disk, bad data): logged as warnings.
EXPECTED_ERRORS: tuple[type[Exception], ...] = (PeerkitError, OSError, ValueError)

#: The downloads offered, in order: format and link text.
DOWNLOADS = (
    ("docx", "Download my portfolio (Word)"),
    ("html", "Download my portfolio (web page, printable)"),
    ("json", "Download my portfolio (all my data, JSON)"),
)
UNDERSTAND = "I understand this cannot be undone"
PREPARE_FAILED = "Your downloads could not be prepared just now. Please try again."
ERASE_FAILED = "Your answers could not be erased just now. Nothing has been lost; please try again."


def my_data_page(
    *,
    store: Store | None = None,
    learner: str | None = None,
    course: Course | None = None,
    root: Path | None = None,
) -> MyDataPage | None:
    """The page for ``notebooks/my-data.ipynb`` (defaults: this learner, the shared store).

    In a pre-heated kernel it is built, and shown in its placeholder, once a learner
    asks for the page (None is returned then), as the course home is.
    """
    from peerkit import paths
    from peerkit.course.data import load_course
    from peerkit.identity import current_learner
    from peerkit.kernel import shared_store
    from peerkit.serve.preheat import build_when_asked

    def build() -> MyDataPage:
        return MyDataPage(
            store or shared_store(), learner or current_learner(), course or load_course(), root
        )

    if build_when_asked(paths.MY_DATA_NOTEBOOK, "my_data_page", "my-data", build):
        return None
    return build()


class MyDataPage(widgets.VBox):
    """What is stored, where and who can see it; downloads; erase with a confirm step."""

    def __init__(self, store: Store, learner: str, course: Course, root: Path | None):
        self.store, self.learner, self.course, self.root = store, learner, course, root
        self.prepare_button = _button("Prepare downloads", "peerkit-prepare")
        self.prepare_button.on_click(lambda _b: self.prepare_downloads())
        self.download_status = _status()
        self.links = {fmt: widgets.HTML() for fmt, _text in DOWNLOADS}
        for fmt, link in self.links.items():
            link.add_class(f"peerkit-download-{fmt}")
        self.erase_button = _button("Erase everything", "peerkit-erase", style="danger")
        self.erase_button.on_click(lambda _b: self.ask_to_erase())
        self.warning = widgets.HTML()
        self.understand = widgets.Checkbox(
            value=False, description=UNDERSTAND, indent=False, layout=widgets.Layout(width="auto")
        )
        self.understand.observe(lambda _c: self._update_final(), names="value")
        self.final_button = _button("Erase all my answers", "peerkit-erase-final", style="danger")
        self.final_button.disabled = True
        self.final_button.on_click(lambda _b: self.erase())
        self.cancel_button = _button("Keep my answers", "peerkit-erase-cancel")
        self.cancel_button.on_click(lambda _b: self.cancel_erase())
        self.confirm = widgets.VBox(
            [
                self.warning,
                self.understand,
                widgets.HBox([self.final_button, self.cancel_button]),
            ],
            layout=widgets.Layout(display="none"),
        )
        self.confirm.add_class("peerkit-erase-confirm")
        self.erase_status = _status()
        super().__init__(
            [
                widgets.HTML(self._about_html()),
                widgets.HTML(str(macros(TEMPLATE).downloads_intro())),
                self.prepare_button,
                self.download_status,
                *self.links.values(),
                widgets.HTML(str(macros(TEMPLATE).erase_intro())),
                self.erase_button,
                self.confirm,
                self.erase_status,
            ]
        )
        self.add_class("peerkit-my-data")

    def _about_html(self) -> str:
        return str(macros(TEMPLATE).about(self.learner, self.store.location, self.store.in_file))

    # --- downloads --------------------------------------------------------
    def prepare_downloads(self) -> None:
        """Build every download now and show them as links."""
        from peerkit.portfolio import default_filename, export_format, export_portfolio

        self._say(self.download_status, "Preparing your downloads…")
        try:
            for fmt, text in DOWNLOADS:
                data = export_portfolio(fmt, self.learner, self.store, self.course, self.root)
                mime = export_format(fmt).mime
                href = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
                link = macros(TEMPLATE).download_link(default_filename(fmt), href, text)
                self.links[fmt].value = str(link)
        except Exception as exc:  # a UI boundary: show a calm message, never the error's text
            _log_failure("preparing downloads", exc)
            self._clear_links()
            self._say(self.download_status, PREPARE_FAILED, error=True)
            return
        self._say(self.download_status, "Your downloads are ready.")

    def _clear_links(self) -> None:
        for link in self.links.values():
            link.value = ""

    # --- erasing ----------------------------------------------------------
    def ask_to_erase(self) -> None:
        """First step: show the warning, the checkbox and the final button."""
        from peerkit.store.erase import versions_text

        try:
            count = self.store.count_revisions(self.learner)
        except Exception as exc:  # a UI boundary, as above
            _log_failure("counting answers before erasing", exc)
            self._say(self.erase_status, ERASE_FAILED, error=True)
            return
        self.warning.value = str(macros(TEMPLATE).erase_warning(versions_text(count)))
        self.understand.value = False
        self.confirm.layout.display = "flex"
        self._say(self.erase_status, "")

    def _update_final(self) -> None:
        self.final_button.disabled = not self.understand.value

    def cancel_erase(self) -> None:
        self.understand.value = False
        self.confirm.layout.display = "none"
        self._say(self.erase_status, "Nothing was erased.")

    def erase(self) -> int | None:
        """Last step: erase, only once the learner has ticked the checkbox."""
        from peerkit.store.erase import ScrubIncomplete, versions_text

        if not self.understand.value or self.confirm.layout.display == "none":
            return None
        problem = ""
        try:
            removed = self.store.erase_learner(self.learner)
        except ScrubIncomplete as exc:  # erased, but old copies may remain: peerkit's own text
            _log_failure("clearing old copies after erasing", exc)
            removed, problem = exc.removed, str(exc)
        except Exception as exc:  # a UI boundary, as above
            _log_failure("erasing answers", exc)
            self._say(self.erase_status, ERASE_FAILED, error=True)
            return None
        self.understand.value = False
        self.confirm.layout.display = "none"
        self._clear_links()
        self._say(self.download_status, "")
        done = f"Erased all your answers: {versions_text(removed)} removed."
        self._say(self.erase_status, f"{done} {problem}".strip(), error=bool(problem))
        return removed

    def _say(self, target: widgets.HTML, text: str, *, error: bool = False) -> None:
        if not text:
            target.value = ""
            return
        target.value = str(macros(TEMPLATE).status(text, error))


def _log_failure(action: str, exc: Exception) -> None:
    """Log that ``action`` failed, by exception type: never the message (it may hold learner
    text). An unexpected exception is logged as an error, with where it was raised."""
    kind = _type_name(exc)
    if exc.__cause__ is not None:
        kind = f"{kind} from {_type_name(exc.__cause__)}"
    if isinstance(exc, EXPECTED_ERRORS):
        log.warning("My data: %s failed (%s)", action, kind)
    else:
        log.error("My data: %s failed unexpectedly (%s, raised at %s)", action, kind, _where(exc))


def _type_name(exc: BaseException) -> str:
    kind = type(exc)
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )


def _where(exc: BaseException) -> str:
    """'portfolio/render_html.py:42 in _exercise': the innermost frame, without its source."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "an unknown place"
    frame = frames[-1]
    return f"{'/'.join(Path(frame.filename).parts[-2:])}:{frame.lineno} in {frame.name}"


def _button(text: str, css: str, *, style: str = "") -> widgets.Button:
    button = widgets.Button(
        description=text,
        button_style=style,
        layout=widgets.Layout(width="auto", align_self="flex-start"),
    )
    button.add_class(css)
    return button


def _status() -> widgets.HTML:
    status = widgets.HTML()
    status.add_class("peerkit-status")
    return status
