"""Exercises without a browser: edit, save and restore from Python, and the save protocol."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from peerkit.errors import StoreError
from peerkit.exercises import autosave
from peerkit.exercises.autosave import Debouncer
from peerkit.exercises.base import Exercise
from peerkit.session import Session
from peerkit.store.answers import MAX_ANSWER_CHARS

from .html_elements import parse_html


def reopen(session: Session, learner: str | None = None) -> Session:
    """The same learner (or ``learner``) coming back to the same session later."""
    return Session(
        session.id, store=session.store, learner=learner or session.learner, autosave_delay=None
    )


def walk(blocks: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every block, children included, in order."""
    for block in blocks:
        yield block
        yield from walk(block.get("children", []))


def all_blocks(ex: Exercise) -> list[dict[str, Any]]:
    """The header's blocks and the form's, as the browser view draws them."""
    return [*walk(ex.view.spec["header"]), *walk(ex.view.spec["blocks"])]


def block(ex: Exercise, key: str) -> dict[str, Any]:
    """The block holding answer key ``key``."""
    (found,) = [b for b in all_blocks(ex) if b.get("key") == key and b["type"] != "words"]
    return found


def spy(ex: Exercise) -> list[dict[str, Any]]:
    """The replies the exercise sends to the browser view from now on."""
    sent: list[dict[str, Any]] = []
    ex.view.send = lambda content, buffers=None: sent.append(content)
    return sent


def test_reflection_saves_and_restores(session):
    ex = session.reflection("chime-now", "How is CHIME showing up for you?")
    assert ex.keys == ["text"]
    ex.edit(text="Hope is growing.")
    assert ex.save_pending
    assert ex.status_text == "Saving…"
    assert ex.view.status["state"] == "saving"
    ex.save_now()
    assert ex.status_text.startswith("Saved ")
    assert not ex.save_pending
    assert session.store.latest("alex", "m2s1", "chime-now").value == "Hope is growing."
    back = reopen(session).reflection("chime-now", "How is CHIME showing up for you?")
    assert back.form_values == {"text": "Hope is growing."}
    assert back.view.values == {"text": "Hope is growing."}
    assert back.view.revision == back.last_saved.id
    assert back.status_text.startswith("Saved ")
    assert not back.save_pending


def test_edit_refuses_a_field_the_form_does_not_have(session):
    ex = session.reflection("a", "Prompt")
    with pytest.raises(KeyError, match="colour"):
        ex.edit(colour="red")
    assert not ex.save_pending


def test_restoring_does_not_create_a_revision(session):
    ex = session.reflection("a", "Prompt")
    ex.edit(text="first")
    ex.save_now()
    reopen(session).reflection("a", "Prompt")
    assert len(session.store.history("alex", "m2s1", "a")) == 1


def test_prompt_can_change_without_losing_the_answer(session):
    ex = session.reflection("stable-id", "Old wording of the prompt")
    ex.edit(text="kept")
    ex.save_now()
    back = reopen(session).reflection("stable-id", "New wording of the prompt")
    assert back.form_values == {"text": "kept"}
    assert block(back, "text")["label"] == "New wording of the prompt"


def test_overwrite_keeps_history(session):
    ex = session.reflection("a", "Prompt")
    for text in ("one", "two", "three"):
        ex.edit(text=text)
        ex.save_now()
    values = [r.value for r in session.store.history("alex", "m2s1", "a")]
    assert values == ["one", "two", "three"]


def test_too_long_answer_is_refused_and_text_stays(session):
    ex = session.reflection("a", "Prompt")
    long_text = "x" * (MAX_ANSWER_CHARS + 1)
    ex.edit(text=long_text)
    assert ex.save_now() is None
    assert "not been saved" in ex.status_text
    assert ex.view.status["error"] is True and ex.view.status["state"] == "error"
    assert ex.form_values == {"text": long_text}
    assert session.store.latest("alex", "m2s1", "a") is None


def test_too_long_answer_from_the_browser_is_refused_and_its_text_not_replaced(session):
    ex = session.reflection("a", "Prompt")
    long_text = "x" * (MAX_ANSWER_CHARS + 1)
    reply = ex.receive({"text": long_text}, base=0, seq=1, view="v")
    assert reply["type"] == "refused"
    assert "not been saved" in reply["message"]
    assert (reply["seq"], reply["view"]) == (1, "v")
    assert "values" not in reply  # the browser keeps the learner's text in the box
    assert session.store.latest("alex", "m2s1", "a") is None
    assert ex.view.spec["max_chars"] == MAX_ANSWER_CHARS  # the browser warns before sending


def test_store_failure_shows_calm_error_without_learner_text(session, monkeypatch):
    ex = session.reflection("a", "Prompt")

    def broken(*_args, **_kwargs):
        raise StoreError("Could not write to the answers database.")

    monkeypatch.setattr(session.store, "save_over", broken)
    ex.edit(text="secret canary 7f3a")
    ex.save_now()
    assert "could not write your answer just now" in ex.status_text
    assert ex.view.status["error"] is True
    assert "canary" not in json.dumps(ex.view.status)
    assert ex.form_values == {"text": "secret canary 7f3a"}
    assert ex.save_pending  # a retry is waiting


def test_store_failure_on_a_browser_save_is_a_calm_reply_without_learner_text(session, monkeypatch):
    ex = session.reflection("a", "Prompt")

    def broken(*_args, **_kwargs):
        raise StoreError("Could not write to the answers database.")

    monkeypatch.setattr(session.store, "save_over", broken)
    reply = ex.receive({"text": "secret canary 7f3a"}, base=0, seq=1, view="v")
    assert reply["type"] == "failed"
    assert "could not write your answer just now" in reply["message"]
    assert "canary" not in json.dumps(reply) and "canary" not in json.dumps(ex.view.status)
    assert not ex.save_pending  # the browser keeps the text and sends it again


@pytest.mark.parametrize(
    "text",
    ["NUL \x00 inside", "lone \ud800 surrogate", "مرحبا بالعالم", "שלום", "🌱🤝🏽 emoji"],
)
def test_awkward_text_never_crashes_a_save(session, text):
    ex = session.reflection("a", "Prompt")
    ex.edit(text=text)
    assert ex.save_now() is not None
    back = reopen(session).reflection("a", "Prompt")
    assert back.form_values == {"text": text.replace("\ud800", "\ufffd")}


@pytest.mark.parametrize(
    "text",
    ["NUL \x00 inside", "lone \ud800 surrogate", "مرحبا بالعالم", "שלום", "🌱🤝🏽 emoji"],
)
def test_awkward_text_from_the_browser_never_crashes_a_save(session, text):
    ex = session.reflection("a", "Prompt")
    reply = ex.receive({"text": text}, base=0, seq=1, view="v")
    assert reply["type"] == "saved"
    assert session.store.latest("alex", "m2s1", "a").value == text.replace("\ud800", "\ufffd")


def test_prompt_text_is_escaped_in_html(session):
    ex = session.multi_box("m", "<b>bold?</b> & more", boxes={"k": "Label"})
    (prompt,) = ex.view.spec["header"]
    assert "<b>bold?</b>" not in prompt["html"]
    assert "&lt;b&gt;bold?&lt;/b&gt; &amp; more" in prompt["html"]
    page = parse_html(prompt["html"])
    assert [tag for tag, _attrs in page.tags] == ["p"]
    assert "".join(page.text) == "<b>bold?</b> & more"


def test_multi_box_round_trip(session):
    boxes = {"i-commit": "I commit", "i-need": "I need"}
    ex = session.multi_box("agreement", "Agree", boxes=boxes)
    assert ex.keys == ["i-commit", "i-need"]
    assert [block(ex, k)["label"] for k in ex.keys] == ["I commit", "I need"]
    ex.edit(**{"i-commit": "to listen", "i-need": "patience"})
    ex.save_now()
    back = reopen(session).multi_box("agreement", "Agree", boxes=boxes)
    assert back.get_value() == {"i-commit": "to listen", "i-need": "patience"}


def test_who_am_i_map_has_five_labelled_boxes(session):
    ex = session.who_am_i_map("map", "Create your map")
    assert sorted(ex.keys) == sorted(["skills", "enjoy", "who", "others", "i-am"])
    assert block(ex, "i-am")["label"] == "I AM…"
    assert "peerkit-centre" in block(ex, "i-am")["class"]
    (grid,) = ex.view.spec["blocks"]
    assert grid["areas"] == '"a b" "c c" "d e"'
    ex.edit(**{"i-am": "I am curious"})
    ex.save_now()
    assert reopen(session).who_am_i_map("map", "x").form_values["i-am"] == "I am curious"


def test_paired_boxes(session):
    ex = session.paired("parent-states", "How do you feel?")
    assert [block(ex, k)["label"] for k in ex.keys] == [
        "What do I need to learn?",
        "What do I need to let go?",
    ]
    ex.edit(**{"let-go": "needing to fix things"})
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
    assert [block(ex, k)["label"].split(":")[0] for k in ex.keys] == names
    ex.edit(mutuality="We both learn.")
    ex.save_now()
    back = reopen(session).value_set("hear-me", "How does this relate to you?", values=values)
    assert back.form_values["mutuality"] == "We both learn."


def test_list_builder_saves_the_list_the_browser_sends(session):
    ex = session.list_builder("toolbox", "Your toolbox", item_label="Toolbox item")
    items = block(ex, "items")
    assert items["type"] == "list" and items["item_label"] == "Toolbox item"
    assert ex.form_values == {"items": []}
    steps = (
        ["a walk in the woods"],  # added
        ["a walk in the woods", "journal"],  # added
        ["a walk in the woods", "journal writing"],  # edited
        ["journal writing"],  # the first removed
    )
    for seq, step in enumerate(steps, start=1):
        reply = ex.receive({"items": step}, base=ex.view.revision, seq=seq, view="v")
        assert reply["type"] == "saved" and "elsewhere" not in reply
        assert session.store.latest("alex", "m2s1", "toolbox").value == step
    history = [r.value for r in session.store.history("alex", "m2s1", "toolbox")]
    assert history == list(steps)
    back = reopen(session).list_builder("toolbox", "Your toolbox", item_label="Toolbox item")
    assert back.form_values == {"items": ["journal writing"]}
    assert back.get_value() == ["journal writing"]


def test_list_builder_offers_its_examples_and_edits_from_python(session):
    ex = session.list_builder("ideas", "Ideas", examples=["a walk", "a call"])
    assert block(ex, "items")["examples"] == ["a walk", "a call"]
    ex.edit(items=["trying something new"])
    ex.save_now()
    assert session.store.latest("alex", "m2s1", "ideas").value == ["trying something new"]


def test_statement_builder_keeps_parts_and_statement(session):
    parts = {"ok": "What's OK", "not-ok": "What's not OK", "share": "How I'll share"}
    ex = session.statement_builder("boundary", "Your statement", parts=parts)
    assert ex.keys == ["ok", "not-ok", "share", "statement"]
    assert block(ex, "statement")["label"] == "My statement"
    (compose,) = [b for b in all_blocks(ex) if b["type"] == "compose"]
    assert compose["target"] == "statement"
    assert compose["parts"] == ["ok", "not-ok", "share"]
    assert compose["button"] == "Build my statement from my answers"
    # The browser builds the statement; the kernel saves what it sends.
    statement = "My own opening.\n\nTexts in the daytime.\n\nI'll say it at our first meeting."
    values = {
        "ok": "Texts in the daytime.",
        "not-ok": "",
        "share": "I'll say it at our first meeting.",
        "statement": statement,
    }
    assert ex.receive(values, base=0, seq=1, view="v")["type"] == "saved"
    assert session.store.latest("alex", "m2s1", "boundary").value == values
    back = reopen(session).statement_builder("boundary", "Your statement", parts=parts)
    assert back.get_value() == values


def test_statement_builder_uses_lead_ins(session):
    lead_ins = {"ok": "What's OK for me:", "not-ok": "What's not OK for me:"}
    ex = session.statement_builder(
        "b", "Statement", parts={"ok": "OK?", "not-ok": "Not OK?"}, lead_ins=lead_ins
    )
    (compose,) = [b for b in all_blocks(ex) if b["type"] == "compose"]
    assert compose["lead_ins"] == lead_ins
    assert compose["parts"] == ["ok", "not-ok"]


def test_statement_builder_refuses_a_part_named_statement(session):
    with pytest.raises(ValueError, match="statement"):
        session.statement_builder("b", "Statement", parts={"statement": "Clash"})


def test_sky_and_mountains_draws_escaped_ideas(session):
    ex = session.sky_and_mountains("sm", sky_prompt="Sky?", mountains_prompt="Mountains?")
    assert ex.keys == ["sky", "mountains"]
    ex.edit(sky=["<script>alert(1)</script>"], mountains=["asking & listening"])
    svg = ex.view.panels["picture"]
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "asking &amp; listening" in svg
    assert 'role="img"' in svg
    ex.save_now()
    back = reopen(session).sky_and_mountains("sm", sky_prompt="Sky?", mountains_prompt="M?")
    assert back.get_value() == {
        "sky": ["<script>alert(1)</script>"],
        "mountains": ["asking & listening"],
    }
    assert "asking &amp; listening" in back.view.panels["picture"]


def test_sky_and_mountains_redraws_the_picture_on_a_browser_save(session):
    ex = session.sky_and_mountains("sm", sky_prompt="Sky?", mountains_prompt="Mountains?")
    assert "a new &lt;hobby&gt;" not in ex.view.panels["picture"]
    reply = ex.receive({"sky": ["a new <hobby>"], "mountains": []}, base=0, seq=1, view="v")
    assert reply["type"] == "saved"
    assert "a new &lt;hobby&gt;" in ex.view.panels["picture"]
    assert "<hobby>" not in ex.view.panels["picture"]


#: One call of each exercise type, for the tests that go through them all.
EVERY_TYPE = [
    ("reflection", ("e", "Prompt"), {}, "reflection"),
    ("multi_box", ("e", "Prompt"), {"boxes": {"a": "A", "b": "B"}}, "multi-box"),
    ("who_am_i_map", ("e", "Prompt"), {}, "who-am-i-map"),
    ("paired", ("e", "Prompt"), {}, "paired"),
    ("value_set", ("e", "Prompt"), {"values": [{"name": "Hope", "beliefs": ["b"]}]}, "value-set"),
    ("list_builder", ("e", "Prompt"), {}, "list-builder"),
    ("statement_builder", ("e", "Prompt"), {"parts": {"a": "A"}}, "statement-builder"),
    (
        "sky_and_mountains",
        ("e",),
        {"sky_prompt": "S", "mountains_prompt": "M"},
        "sky-and-mountains",
    ),
    (
        "choice",
        ("e", "Q"),
        {"options": {"y": "Yes"}, "items": [{"key": "i", "text": "T", "feedback": {}}]},
        "choice",
    ),
    (
        "card_sort",
        ("e", "Sort"),
        {"groups": {"a": "A", "b": "B"}, "cards": {"c": "C"}},
        "card-sort",
    ),
    (
        "scenario",
        ("e", "S"),
        {"situation": "s", "questions": {"q": "Q?"}, "discussion": "d"},
        "scenario",
    ),
    ("rewrite", ("e", "R"), {"statements": {"s": "S"}}, "rewrite"),
    ("rating", ("e", "R"), {"items": {"a": "A"}}, "rating"),
    ("essay_planner", ("e", "P"), {"sources": [], "sections": {"intro": "Intro"}}, "essay-planner"),
]


def test_every_type_is_listed_once_above():
    from peerkit.exercises import exercise_types

    assert sorted(method for method, *_rest in EVERY_TYPE) == sorted(exercise_types())


@pytest.mark.parametrize(("method", "args", "kwargs", "kind"), EVERY_TYPE)
def test_every_input_is_named_and_classed(session, method, args, kwargs, kind):
    ex = getattr(session, method)(*args, **kwargs)
    assert "peerkit-exercise" in ex.view._dom_classes
    assert f"peerkit-{kind}" in ex.view._dom_classes
    assert ex.view.spec["classes"] == ["peerkit-exercise", f"peerkit-{kind}"]
    assert ex.keys
    names = {"text": "label", "line": "label", "menu": "label", "radios": "legend"}
    names |= {"list": "item_label", "reveal": "button"}
    for key in ex.keys:
        field = block(ex, key)
        name = field[names[field["type"]]]
        assert isinstance(name, str) and name.strip(), f"unnamed input {key!r} in {kind}"


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
    ex.edit(text="typed just before closing")
    assert ex.save_pending
    assert session.store.latest("alex", "m2s1", "late") is None
    usual_wait = session.store.busy_timeout_ms
    autosave.flush_all()
    assert session.store.latest("alex", "m2s1", "late").value == "typed just before closing"
    assert not ex.save_pending
    # The exit flush stops waiting long for a lock: the kernel is killed about 2.5 s on.
    assert session.store.busy_timeout_ms < 2000 < usual_wait
