"""The browser view's messages: saves acknowledged by seq and view, stale ones ignored,
another page's answer reported, untrusted values cleaned, and the draft keys."""

from __future__ import annotations

import re

import pytest

from peerkit.exercises.base import AnswerSlot, draft_name

from .test_widgets import EVERY_TYPE, reopen, spy


def save_message(value, *, base, seq, view="view-1", **more):
    return {"type": "save", "value": value, "base": base, "seq": seq, "view": view, **more}


def test_receive_saves_and_acknowledges_with_the_seq_and_view(session):
    ex = session.reflection("a", "Prompt")
    reply = ex.receive({"text": "Hope is growing."}, base=0, seq=7, view="view-1")
    saved = session.store.latest("alex", "m2s1", "a")
    assert saved is not None and saved.value == "Hope is growing."
    assert reply["type"] == "saved"
    assert reply["revision"] == saved.id
    assert (reply["seq"], reply["view"]) == (7, "view-1")
    assert reply["label"].startswith("Saved ") and reply["label"] == ex.status_text
    assert "elsewhere" not in reply and "values" not in reply
    # The kernel remembers what the browser has, for the next page load or view.
    assert ex.view.values == {"text": "Hope is growing."}
    assert ex.view.revision == saved.id
    assert ex.last_saved == saved


def test_a_save_message_is_answered_on_the_comm(session):
    ex = session.reflection("a", "Prompt")
    sent = spy(ex)
    ex._on_message(None, save_message({"text": "first"}, base=0, seq=1), [])
    assert [(m["type"], m["seq"], m["view"]) for m in sent] == [("saved", 1, "view-1")]
    assert session.store.latest("alex", "m2s1", "a").value == "first"


def test_a_stale_seq_from_the_same_view_is_ignored(session):
    ex = session.reflection("a", "Prompt")
    sent = spy(ex)
    ex._on_message(None, save_message({"text": "newer"}, base=0, seq=5), [])
    ex._on_message(None, save_message({"text": "older"}, base=0, seq=4), [])
    assert session.store.latest("alex", "m2s1", "a").value == "newer"
    assert [m["seq"] for m in sent] == [5]  # no reply to the overtaken save
    # Another view (another tab) counts its own edits.
    ex._on_message(None, save_message({"text": "other tab"}, base=0, seq=1, view="view-2"), [])
    assert session.store.latest("alex", "m2s1", "a").value == "other tab"
    assert [(m["seq"], m["view"]) for m in sent] == [(5, "view-1"), (1, "view-2")]


def test_messages_that_are_not_saves_are_ignored(session):
    ex = session.reflection("a", "Prompt")
    sent = spy(ex)
    for message in ("save", None, ["save"], {"type": "delete-everything"}, {"type": 3}):
        ex._on_message(None, message, [])
    assert sent == []
    assert session.store.latest("alex", "m2s1", "a") is None


def test_an_unknown_action_gets_no_reply_and_saves_nothing(session):
    ex = session.reflection("a", "Prompt")
    sent = spy(ex)
    ex._on_message(None, {"type": "action", "name": "explode", "value": {}, "seq": 1}, [])
    assert sent == []
    assert session.store.latest("alex", "m2s1", "a") is None


def test_a_save_over_another_pages_answer_reports_it_and_keeps_both(session):
    first = session.reflection("a", "Prompt")
    second = reopen(session).reflection("a", "Prompt")  # the same answer, in another tab
    one = first.receive({"text": "from tab one"}, base=0, seq=1, view="tab-1")
    assert one["type"] == "saved" and "elsewhere" not in one
    two = second.receive({"text": "from tab two"}, base=0, seq=1, view="tab-2")
    assert two["type"] == "saved"
    assert two["elsewhere"]["revision"] == one["revision"]
    assert two["elsewhere"]["value"] == {"text": "from tab one"}  # as the form's values
    assert two["elsewhere"]["label"].startswith("Saved ")
    history = session.store.history("alex", "m2s1", "a")
    assert [r.value for r in history] == ["from tab one", "from tab two"]
    # Saving on from the revision just saved is no conflict.
    three = second.receive({"text": "and more"}, base=two["revision"], seq=2, view="tab-2")
    assert "elsewhere" not in three


def test_save_over_in_the_store_compares_with_the_base_revision(store):
    first, replaced = store.save_over("alex", "m2s1", "a", "one", base=0)
    assert replaced is None
    second, replaced = store.save_over("alex", "m2s1", "a", "two", base=first.id)
    assert replaced is None
    third, replaced = store.save_over("alex", "m2s1", "a", "three", base=first.id)
    assert replaced is not None and replaced.id == second.id and replaced.value == "two"
    unchanged, replaced = store.save_over("alex", "m2s1", "a", "three", base=first.id)
    assert unchanged.id == third.id and replaced is None  # nothing new was written
    _, replaced = store.save_over("alex", "m2s1", "a", "four", base=None)
    assert replaced is None  # base None: nothing compared
    history = [r.value for r in store.history("alex", "m2s1", "a")]
    assert history == ["one", "two", "three", "four"]


def test_check_says_newer_when_another_page_has_saved(session):
    ex = session.reflection("a", "Prompt")
    assert ex.check(0) is None  # nothing saved anywhere yet
    mine = ex.receive({"text": "mine"}, base=0, seq=1, view="v")
    assert ex.check(mine["revision"]) is None
    other = session.store.save("alex", "m2s1", "a", "from another page")
    newer = ex.check(mine["revision"])
    assert newer == {
        "type": "newer",
        "other": {
            "revision": other.id,
            "value": {"text": "from another page"},
            "label": newer["other"]["label"],
        },
    }
    assert newer["other"]["label"].startswith("Saved ")
    sent = spy(ex)
    ex._on_message(None, {"type": "check", "base": mine["revision"], "view": "v"}, [])
    assert [(m["type"], m["view"]) for m in sent] == [("newer", "v")]


def test_lone_surrogates_are_cleaned_and_the_reply_carries_the_cleaned_values(session):
    ex = session.multi_box("m", "Prompt", boxes={"a": "A", "b": "B"})
    reply = ex.receive({"a": "lone \ud800 here", "b": "fine"}, base=0, seq=1, view="v")
    assert reply["type"] == "saved"
    assert reply["values"] == {"a": "lone \ufffd here", "b": "fine"}
    assert session.store.latest("alex", "m2s1", "m").value == reply["values"]
    assert ex.view.values == reply["values"]


def test_unknown_keys_and_wrong_shapes_from_the_browser_are_dropped(session):
    ex = session.sky_and_mountains("sm", sky_prompt="S", mountains_prompt="M")
    sent = {"sky": ["one", 2, None, {"x": "y"}, "two"], "mountains": "not a list", "evil": "x"}
    reply = ex.receive(sent, base=0, seq=1, view="v")
    assert reply["type"] == "saved"
    assert reply["values"] == {"sky": ["one", "two"], "mountains": []}
    assert session.store.latest("alex", "m2s1", "sm").value == {
        "sky": ["one", "two"],
        "mountains": [],
    }
    boxes = session.multi_box("m", "Prompt", boxes={"a": "A"})
    reply = boxes.receive({"a": ["a", "list"], "b": "extra"}, base=0, seq=1, view="v")
    assert reply["values"] == {"a": ""}
    assert session.store.latest("alex", "m2s1", "m").value == {"a": ""}
    nothing = session.reflection("r", "Prompt")
    assert nothing.receive("not a mapping", base=0, seq=1, view="v")["values"] == {"text": ""}


def test_a_malformed_base_is_not_compared(session):
    ex = session.reflection("a", "Prompt")
    ex.receive({"text": "one"}, base=0, seq=1, view="v")
    reply = ex.receive({"text": "two"}, base="1; DROP TABLE", seq=2, view="v")
    assert reply["type"] == "saved" and "elsewhere" not in reply
    assert session.store.latest("alex", "m2s1", "a").value == "two"


def test_a_draft_restored_by_the_browser_is_said_so_in_the_reply(session):
    ex = session.reflection("a", "Prompt")
    sent = spy(ex)
    ex._on_message(None, save_message({"text": "kept"}, base=0, seq=1, restored=True), [])
    assert sent[0]["type"] == "saved" and sent[0]["restored"] is True


def test_draft_secret_is_made_once_per_learner(store):
    alex = store.draft_secret("alex")
    assert store.draft_secret("alex") == alex
    assert store.draft_secret("sam") != alex
    assert len(alex) == 44  # 32 random bytes, base64


def test_erasing_a_learner_deletes_their_draft_secret(store):
    store.save("alex", "m2s1", "a", "text")
    before = store.draft_secret("alex")
    sam = store.draft_secret("sam")
    store.erase_learner("alex")
    after = store.draft_secret("alex")
    assert after != before  # a draft sealed before the erase can never be opened again
    assert store.draft_secret("sam") == sam


def test_draft_key_differs_per_learner_session_and_exercise_and_hides_the_name(store):
    from peerkit.session import Session

    learner = "alex.morgan@example.org"
    keys = {}
    for who in (learner, "sam"):
        for session_id in ("m2s1", "m2s2"):
            for exercise in ("a", "b"):
                page = Session(session_id, store=store, learner=who, autosave_delay=None)
                ex = page.reflection(exercise, "Prompt")
                slot = AnswerSlot(store, who, session_id, exercise)
                assert ex.view.draft_key == draft_name(store.draft_secret(who), slot)
                assert ex.view.draft_secret == store.draft_secret(who)
                keys[who, session_id, exercise] = ex.view.draft_key
    assert len(set(keys.values())) == 8
    for key in keys.values():
        assert "alex" not in key and "morgan" not in key and "example" not in key
        assert re.fullmatch("[0-9a-f]{32}", key)
    again = Session("m2s1", store=store, learner=learner, autosave_delay=None)
    assert again.reflection("a", "Prompt").view.draft_key == keys[learner, "m2s1", "a"]


def test_a_store_failure_on_opening_says_so_calmly(session, monkeypatch):
    from peerkit.errors import StoreError

    session.store.save("alex", "m2s1", "a", "secret canary 7f3a")

    def broken(*_args):
        raise StoreError("Could not read the answers database.")

    monkeypatch.setattr(session.store, "latest", broken)
    ex = session.reflection("a", "Prompt")
    assert "could not be loaded" in ex.status_text
    assert ex.view.status["error"] is True
    assert "canary" not in str(ex.view.values)


def _live_widget_models() -> int:
    from ipywidgets.widgets.widget import _instances

    return len(_instances)


@pytest.mark.parametrize(("method", "args", "kwargs", "kind"), EVERY_TYPE)
def test_one_exercise_makes_at_most_two_widget_models(session, method, args, kwargs, kind):
    before = _live_widget_models()
    ex = getattr(session, method)(*args, **kwargs)
    assert _live_widget_models() - before <= 2  # the ExerciseView and its Layout
    ex.save_now()
    assert _live_widget_models() - before <= 2


def test_a_long_list_makes_no_more_widget_models(session):
    ex = session.list_builder("ideas", "Ideas")
    before = _live_widget_models()
    ex.edit(items=[f"idea {i}" for i in range(20)])  # rows are drawn in the browser
    ex.save_now()
    ex.receive({"items": ["idea 0", "idea 2"]}, base=ex.view.revision, seq=1, view="v")
    assert _live_widget_models() == before
    assert session.store.latest("alex", "m2s1", "ideas").value == ["idea 0", "idea 2"]
