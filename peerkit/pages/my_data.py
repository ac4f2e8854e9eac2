"""The "My data" page: what is stored, where, who can see it; download or erase it all.

Downloads are built only when the learner asks (``Prepare downloads``) and are
offered as ``data:`` links. Erasing needs three deliberate steps. Learner text
is escaped wherever it becomes HTML and never appears in a message or a log.
"""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

import ipywidgets as widgets

from peerkit.course.data import Course
from peerkit.store.answer_store import AnswerStore

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
    store: AnswerStore | None = None,
    learner: str | None = None,
    course: Course | None = None,
    root: Path | None = None,
) -> MyDataPage:
    """The page for ``notebooks/my-data.ipynb`` (defaults: this learner, the shared store)."""
    from peerkit.course.data import load_course
    from peerkit.identity import current_learner
    from peerkit.kernel import shared_store

    return MyDataPage(
        store or shared_store(),
        learner or current_learner(),
        course or load_course(),
        root,
    )


class MyDataPage(widgets.VBox):
    """What is stored, where and who can see it; downloads; erase with a confirm step."""

    def __init__(self, store: AnswerStore, learner: str, course: Course, root: Path | None):
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
                widgets.HTML(
                    "<h2>Download your answers</h2><p>Prepare your downloads, then choose "
                    "one. The files hold your private reflections: keep them somewhere "
                    "safe, and share them only if you choose to.</p>"
                ),
                self.prepare_button,
                self.download_status,
                *self.links.values(),
                widgets.HTML(
                    "<h2>Erase everything</h2><p>You can erase every answer you have saved "
                    "in this course, with all its earlier versions.</p>"
                ),
                self.erase_button,
                self.confirm,
                self.erase_status,
            ]
        )
        self.add_class("peerkit-my-data")

    def _about_html(self) -> str:
        location = self.store.location
        if self.store.is_sqlite and self.store.path is not None:
            where = (
                f"In a file on this computer, <code>{escape(location)}</code>, "
                "which only your user account can open."
            )
        else:
            where = f"In {escape(location)}, under your learner name."
        return (
            "<h2>What is stored</h2>"
            "<p>Every answer you write in this course, and every earlier version of it, "
            "each with the date and time it was saved. They are kept under your learner "
            f"name, <strong>{escape(self.learner)}</strong>.</p>"
            f"<h2>Where it is kept</h2><p>{where}</p>"
            "<h2>Who can see it</h2><p>Only you, through this course. Facilitators and "
            "other learners cannot see your answers unless you share an export with them.</p>"
        )

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
                self.links[fmt].value = (
                    f'<a class="peerkit-download" download="{escape(default_filename(fmt))}" '
                    f'href="{escape(href)}">{escape(text)}</a>'
                )
        except Exception:  # a UI boundary: show a calm message, never the error's text
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
        except Exception:
            self._say(self.erase_status, ERASE_FAILED, error=True)
            return
        self.warning.value = (
            '<div class="peerkit-warning" role="alert"><p><strong>This erases all of your '
            f"answers in every session: {versions_text(count)}.</strong> "
            "It cannot be undone. If you want to keep them, download your portfolio first. "
            "Close any other course pages before you erase, or what they show could be "
            "saved again.</p></div>"
        )
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
        except ScrubIncomplete as exc:
            removed, problem = exc.removed, str(exc)
        except Exception:
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
        role, css = ("alert", "peerkit-status-error") if error else ("status", "peerkit-status-ok")
        target.value = f'<p class="{css}" role="{role}">{escape(text)}</p>'


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
