"""Exercise widgets without a browser: set, save and restore programmatically."""

from __future__ import annotations

import asyncio
import threading

import ipywidgets as widgets
import pytest

from peerkit.errors import StoreError
from peerkit.exercises import autosave
from peerkit.exercises.autosave import Debouncer
from peerkit.session import Session
from peerkit.store.answers import MAX_ANSWER_CHARS


def reopen(session: Session) -> Session:
    """The same learner coming back to the same session later."""
    return Session(session.id, store=session.store, learner=session.learner, autosave_delay=None)


def text_inputs(widget: widgets.Widget) -> list[widgets.Widget]:
    """Every text box inside a widget tree, in order."""
    found = []
    if isinstance(widget, widgets.Textarea | widgets.Text):
        found.append(widget)
    for child in getattr(widget, "children", ()):
        found.extend(text_inputs(child))
    return found


def test_reflection_saves_and_restores(session):
    ex = session.reflection("chime-now", "How is CHIME showing up for you?")
    ex.box.value = "Hope is growing."
    assert ex.save_pending
    assert ex.status_text == "Saving…"
    ex.save_now()
    assert ex.status_text.startswith("Saved ")
    back = reopen(session).reflection("chime-now", "How is CHIME showing up for you?")
    assert back.box.value == "Hope is growing."
    assert back.status_text.startswith("Saved ")
    assert not back.save_pending


def test_restoring_does_not_create_a_revision(session):
    ex = session.reflection("a", "Prompt")
    ex.box.value = "first"
    ex.save_now()
    reopen(session).reflection("a", "Prompt")
    assert len(session.store.history("alex", "m2s1", "a")) == 1


def test_prompt_can_change_without_losing_the_answer(session):
    ex = session.reflection("stable-id", "Old wording of the prompt")
    ex.box.value = "kept"
    ex.save_now()
    back = reopen(session).reflection("stable-id", "New wording of the prompt")
    assert back.box.value == "kept"
    assert back.box.description == "New wording of the prompt"


def test_overwrite_keeps_history(session):
    ex = session.reflection("a", "Prompt")
    for text in ("one", "two", "three"):
        ex.box.value = text
        ex.save_now()
    values = [r.value for r in session.store.history("alex", "m2s1", "a")]
    assert values == ["one", "two", "three"]


def test_too_long_answer_is_refused_and_text_stays(session):
    ex = session.reflection("a", "Prompt")
    long_text = "x" * (MAX_ANSWER_CHARS + 1)
    ex.box.value = long_text
    assert ex.save_now() is None
    assert "not been saved" in ex.status_text
    assert "peerkit-status-error" in ex.status.value
    assert ex.box.value == long_text
    assert session.store.latest("alex", "m2s1", "a") is None


def test_store_failure_shows_calm_error_without_learner_text(session, monkeypatch):
    ex = session.reflection("a", "Prompt")

    def broken(*_args, **_kwargs):
        raise StoreError("Could not write to the answers database.")

    monkeypatch.setattr(session.store, "save", broken)
    ex.box.value = "secret canary 7f3a"
    ex.save_now()
    assert "Could not save just now" in ex.status_text
    assert "canary" not in ex.status.value
    assert ex.box.value == "secret canary 7f3a"
    assert ex.save_pending  # a retry is waiting


@pytest.mark.parametrize(
    "text",
    ["NUL \x00 inside", "lone \ud800 surrogate", "مرحبا بالعالم", "שלום", "🌱🤝🏽 emoji"],
)
def test_awkward_text_never_crashes_a_save(session, text):
    ex = session.reflection("a", "Prompt")
    ex.box.value = text
    assert ex.save_now() is not None
    back = reopen(session).reflection("a", "Prompt")
    assert back.box.value == text.replace("\ud800", "\ufffd")


def test_prompt_text_is_escaped_in_html(session):
    ex = session.multi_box("m", "<b>bold?</b> & more", boxes={"k": "Label"})
    html = ex.view.children[0].value
    assert "<b>bold?</b>" not in html
    assert "&lt;b&gt;bold?&lt;/b&gt; &amp; more" in html


def test_multi_box_round_trip(session):
    ex = session.multi_box("agreement", "Agree", boxes={"i-commit": "I commit", "i-need": "I need"})
    ex.boxes["i-commit"].value = "to listen"
    ex.boxes["i-need"].value = "patience"
    ex.save_now()
    back = reopen(session).multi_box(
        "agreement", "Agree", boxes={"i-commit": "I commit", "i-need": "I need"}
    )
    assert back.get_value() == {"i-commit": "to listen", "i-need": "patience"}


def test_who_am_i_map_has_five_labelled_boxes(session):
    ex = session.who_am_i_map("map", "Create your map")
    assert list(ex.boxes) == ["skills", "enjoy", "who", "others", "i-am"]
    assert ex.boxes["i-am"].description == "I AM…"
    ex.boxes["i-am"].value = "I am curious"
    ex.save_now()
    assert reopen(session).who_am_i_map("map", "x").boxes["i-am"].value == "I am curious"


def test_paired_boxes(session):
    ex = session.paired("parent-states", "How do you feel?")
    assert [b.description for b in ex.boxes.values()] == [
        "What do I need to learn?",
        "What do I need to let go?",
    ]
    ex.boxes["let-go"].value = "needing to fix things"
    ex.save_now()
    back = reopen(session).paired("parent-states", "How do you feel?")
    assert back.get_value() == {"learn": "", "let-go": "needing to fix things"}


def test_value_set_names_each_box_after_its_value(session):
    values = session.content("hear-me-values")
    ex = session.value_set("hear-me", "How does this relate to you?", values=values)
    names = [v["name"] for v in values]
    assert names == [
        "Hope",
        "Experience",
        "Authenticity",
        "Responsibility",
        "Mutuality",
        "Empowerment",
    ]
    assert [b.description.split(":")[0] for b in ex.boxes.values()] == names
    ex.boxes["mutuality"].value = "We both learn."
    ex.save_now()
    back = reopen(session).value_set("hear-me", "How does this relate to you?", values=values)
    assert back.boxes["mutuality"].value == "We both learn."


def test_list_builder_add_edit_remove(session):
    ex = session.list_builder("toolbox", "Your toolbox", item_label="Toolbox item")
    editor = ex.editor
    editor.new_item.value = "a walk in the woods"  # Enter or leaving the box adds it
    assert editor.items == ["a walk in the woods"]
    assert editor.new_item.value == ""
    editor.new_item.value = "journal"
    assert editor.items == ["a walk in the woods", "journal"]
    assert session.store.latest("alex", "m2s1", "toolbox").value == editor.items
    editor.item_boxes[1].value = "journal writing"
    assert ex.save_pending
    ex.save_now()
    editor.rows_box.children[0].children[1].click()  # the first "Remove" button
    assert editor.items == ["journal writing"]
    assert session.store.latest("alex", "m2s1", "toolbox").value == ["journal writing"]
    back = reopen(session).list_builder("toolbox", "Your toolbox", item_label="Toolbox item")
    assert back.editor.items == ["journal writing"]
    assert back.editor.item_boxes[0].description == "Toolbox item 1"


def test_list_builder_add_button_and_blank_items(session):
    ex = session.list_builder("ideas", "Ideas")
    assert ex.editor.add_item("   ") is False
    ex.editor.add_button.click()
    assert ex.editor.items == []
    assert ex.editor.add_item("trying something new")
    assert ex.editor.items == ["trying something new"]


def test_statement_builder_drafts_from_parts_without_losing_text(session):
    parts = {"ok": "What's OK", "not-ok": "What's not OK", "share": "How I'll share"}
    ex = session.statement_builder("boundary", "Your statement", parts=parts)
    ex.parts["ok"].value = "Texts in the daytime."
    ex.parts["share"].value = "I'll say it at our first meeting."
    ex.statement.value = "My own opening."
    ex.draft_button.click()
    assert ex.statement.value == (
        "My own opening.\n\nTexts in the daytime.\n\nI'll say it at our first meeting."
    )
    saved = session.store.latest("alex", "m2s1", "boundary").value
    assert saved["statement"] == ex.statement.value
    back = reopen(session).statement_builder("boundary", "Your statement", parts=parts)
    assert back.get_value() == ex.get_value()


def test_sky_and_mountains_draws_escaped_ideas(session):
    ex = session.sky_and_mountains("sm", sky_prompt="Sky?", mountains_prompt="Mountains?")
    ex.sky.add_item("<script>alert(1)</script>")
    ex.mountains.add_item("asking & listening")
    svg = ex.picture.value
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "asking &amp; listening" in svg
    assert 'role="img"' in svg
    back = reopen(session).sky_and_mountains("sm", sky_prompt="Sky?", mountains_prompt="M?")
    assert back.get_value() == {
        "sky": ["<script>alert(1)</script>"],
        "mountains": ["asking & listening"],
    }
    assert "asking &amp; listening" in back.picture.value


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "kind"),
    [
        ("reflection", ("e", "Prompt"), {}, "reflection"),
        ("multi_box", ("e", "Prompt"), {"boxes": {"a": "A", "b": "B"}}, "multi-box"),
        ("who_am_i_map", ("e", "Prompt"), {}, "who-am-i-map"),
        ("paired", ("e", "Prompt"), {}, "paired"),
        ("list_builder", ("e", "Prompt"), {}, "list-builder"),
        ("statement_builder", ("e", "Prompt"), {"parts": {"a": "A"}}, "statement-builder"),
        (
            "sky_and_mountains",
            ("e",),
            {"sky_prompt": "S", "mountains_prompt": "M"},
            "sky-and-mountains",
        ),
    ],
)
def test_every_input_is_named_and_classed(session, method, args, kwargs, kind):
    ex = getattr(session, method)(*args, **kwargs)
    assert "peerkit-exercise" in ex.view._dom_classes
    assert f"peerkit-{kind}" in ex.view._dom_classes
    if hasattr(ex, "editor"):
        ex.editor.add_item("one")
    for lst in (getattr(ex, "sky", None), getattr(ex, "mountains", None)):
        if lst is not None:
            lst.add_item("one")
    inputs = text_inputs(ex.view)
    assert inputs
    for box in inputs:
        assert box.description.strip(), f"unnamed input in {kind}"
        assert "peerkit-input" in box._dom_classes


def test_duplicate_and_malformed_ids_are_refused(session):
    session.reflection("once", "Prompt")
    with pytest.raises(ValueError, match="used twice"):
        session.reflection("once", "Prompt")
    with pytest.raises(ValueError, match="lower-case"):
        session.reflection("Not Valid!", "Prompt")


def test_debouncer_without_a_loop_waits_for_flush_on_the_calling_thread():
    """No save on a thread of its own: it would race the kernel's thread for the store."""
    threads: list[int] = []
    debouncer = Debouncer(lambda: threads.append(threading.get_ident()), delay=0.01)
    running = threading.active_count()
    debouncer.schedule()
    assert threading.active_count() == running  # no timer thread started
    assert debouncer.pending
    debouncer.flush()
    assert threads == [threading.get_ident()]
    assert not debouncer.pending


def test_a_zero_wait_means_no_wait_not_the_default():
    async def scenario() -> float:
        loop = asyncio.get_running_loop()
        fired = asyncio.Event()
        debouncer = Debouncer(fired.set, delay=30)
        start = loop.time()
        debouncer.schedule(after=0)
        await asyncio.wait_for(fired.wait(), 5)
        return loop.time() - start

    assert asyncio.run(scenario()) < 5


def test_flush_all_tries_every_pending_save_even_after_one_fails(caplog):
    saved: list[str] = []

    def broken() -> None:
        raise RuntimeError("the learner's words would be here")

    debouncers = [Debouncer(broken, None), Debouncer(lambda: saved.append("kept"), None)]
    for debouncer in debouncers:
        debouncer.schedule()
    with caplog.at_level("ERROR", logger="peerkit"):
        assert autosave.flush_all() == 1
    assert saved == ["kept"]
    assert "RuntimeError" in caplog.text and "learner's words" not in caplog.text


def test_debouncer_restarts_on_each_keystroke_inside_a_loop():
    calls: list[int] = []

    async def scenario() -> None:
        fired = asyncio.Event()

        def action() -> None:
            calls.append(1)
            fired.set()

        debouncer = Debouncer(action, delay=0.05)
        for _ in range(5):
            debouncer.schedule()
        await asyncio.wait_for(fired.wait(), 5)

    asyncio.run(scenario())
    assert calls == [1]


def test_pending_saves_are_flushed_at_exit(session):
    ex = session.reflection("late", "Prompt")
    ex.box.value = "typed just before closing"
    assert ex.save_pending
    usual_wait = session.store.busy_timeout_ms
    autosave.flush_all()
    assert session.store.latest("alex", "m2s1", "late").value == "typed just before closing"
    # The exit flush stops waiting long for a lock: the kernel is killed about 2.5 s on.
    assert session.store.busy_timeout_ms < 2000 < usual_wait


def test_statement_builder_uses_lead_ins(session):
    ex = session.statement_builder(
        "b",
        "Statement",
        parts={"ok": "OK?", "not-ok": "Not OK?"},
        lead_ins={"ok": "What's OK for me:", "not-ok": "What's not OK for me:"},
    )
    ex.parts["ok"].value = "calls by day"
    ex.parts["not-ok"].value = "calls at night"
    ex.draft()
    assert ex.statement.value == (
        "What's OK for me: calls by day\n\nWhat's not OK for me: calls at night"
    )
