"""Choice, card sort, scenario, rewrite, rating, essay planner, carry-over (figures are in
``test_figures.py``)."""

from __future__ import annotations

import pytest

from .html_elements import parse_html
from .test_widgets import all_blocks, block, reopen, spy

ROLES = {"persecutor": "Persecutor", "rescuer": "Rescuer", "victim": "Victim"}
ITEMS = [
    {
        "key": "blame",
        "text": "This is all your fault.",
        "feedback": {
            "persecutor": "Yes: blaming puts the speaker one-up.",
            "rescuer": "Not quite: nobody is being saved here.",
            "victim": "Not quite: the speaker is not helpless.",
        },
    },
    {
        "key": "fix",
        "text": "Leave it with me, I'll sort it all out for you.",
        "feedback": {"rescuer": "Yes: taking over.", "persecutor": "No.", "victim": "No."},
    },
]


def test_choice_carries_the_feedback_for_every_option_and_saves(session):
    ex = session.choice("roles", "Which role?", options=ROLES, items=ITEMS)
    assert ex.keys == ["blame", "fix"]
    blame = block(ex, "blame")
    assert blame["type"] == "radios"
    assert blame["options"] == [{"value": k, "label": v} for k, v in ROLES.items()]
    assert set(blame["feedback"]) == set(ROLES)  # shown by the browser once chosen
    assert "Not quite: nobody is being saved here." in blame["feedback"]["rescuer"]
    assert blame["chosen_lead"] is True  # the view leads with "You chose Persecutor."
    assert "Yes: blaming puts the speaker one-up." in blame["feedback"]["persecutor"]
    assert "Statement 1." in blame["legend"] and "This is all your fault." in blame["legend"]
    assert ex.form_values == {"blame": "", "fix": ""}
    # Each click on a radio is a save from the browser.
    ex.receive({"blame": "rescuer", "fix": ""}, base=0, seq=1, view="v")
    ex.receive({"blame": "persecutor", "fix": ""}, base=ex.view.revision, seq=2, view="v")
    assert session.store.latest("alex", "m2s1", "roles").value == {
        "blame": "persecutor",
        "fix": "",
    }
    back = reopen(session).choice("roles", "Which role?", options=ROLES, items=ITEMS)
    assert back.form_values == {"blame": "persecutor", "fix": ""}


def test_choice_escapes_feedback_and_keeps_unknown_saved_options_unchosen(session):
    items = [{"key": "a", "text": "<i>x</i>", "feedback": {"persecutor": "<b>bold</b>"}}]
    ex = session.choice("c", "Pick", options={"persecutor": "<u>P</u>"}, items=items)
    feedback = block(ex, "a")["feedback"]["persecutor"]
    assert parse_html(feedback).tags == []
    assert "<b>bold</b>" in "".join(parse_html(feedback).text)
    # The view writes "You chose <option>." with the option's label as text, not HTML.
    assert block(ex, "a")["options"] == [{"value": "persecutor", "label": "<u>P</u>"}]
    legend = block(ex, "a")["legend"]
    assert [tag for tag, _attrs in parse_html(legend).tags] == ["span"]
    assert "<i>x</i>" in "".join(parse_html(legend).text)
    session.store.save("alex", "m2s1", "d", {"a": "no-such-option"})
    other = session.choice("d", "Pick", options=ROLES, items=items)
    options = [o["value"] for o in block(other, "a")["options"]]
    assert other.form_values["a"] not in options  # no radio is checked for it


def test_card_sort_places_cards_and_draws_the_groups(session):
    groups = {"clinical": "Clinical recovery", "personal": "Personal recovery"}
    cards = {"symptoms": "Fewer symptoms", "life": "A life I value"}
    ex = session.card_sort(
        "sort", "Sort", groups=groups, cards=cards, feedback={"life": "Defined <by> you."}
    )
    assert "No cards yet" in ex.view.panels["board"]
    life = block(ex, "life")
    assert life["type"] == "menu" and life["label"] == "A life I value"
    assert life["options"][0] == {"value": "", "label": "Choose a group…"}
    assert set(life["feedback"]) == set(groups)
    assert "Defined &lt;by&gt; you." in life["feedback"]["personal"]
    assert "feedback" not in block(ex, "symptoms")  # no note for this card
    reply = ex.receive({"symptoms": "", "life": "personal"}, base=0, seq=1, view="v")
    assert reply["type"] == "saved"
    board = ex.view.panels["board"]  # redrawn on each save
    personal = board[board.index("Personal recovery") :]
    assert "A life I value" in personal
    assert "A life I value" not in board[: board.index("Personal recovery")]
    assert session.store.latest("alex", "m2s1", "sort").value == {
        "symptoms": "",
        "life": "personal",
    }
    back = reopen(session).card_sort("sort", "Sort", groups=groups, cards=cards)
    assert back.form_values["life"] == "personal"
    assert [block(back, k)["label"] for k in back.keys] == list(cards.values())
    assert "A life I value" in back.view.panels["board"]


def test_card_sort_needs_two_groups(session):
    with pytest.raises(ValueError, match="two or more groups"):
        session.card_sort("s", "Sort", groups={"a": "A"}, cards={"x": "X"})


SCENARIO = {
    "situation": "Kyle asks Ian to keep a secret.\n\n- one\n- two",
    "questions": {"reaction": "Your reaction?", "respond": "How would you respond?"},
    "discussion": "There is no one right way.",
}


def test_scenario_reveal_needs_a_response_and_is_kept(session):
    ex = session.scenario("ian", "Ian and Kyle", **SCENARIO)
    situation = [b["html"] for b in all_blocks(ex) if "peerkit-situation" in b.get("html", "")]
    assert len(situation) == 1 and "<ul><li>one</li><li>two</li></ul>" in situation[0]
    reveal = block(ex, "revealed")
    assert reveal["type"] == "reveal"
    assert reveal["needs"] == ["reaction"]  # opens once the first question is answered
    assert "There is no one right way." in reveal["html"]
    assert ex.keys == ["reaction", "respond", "revealed"]
    assert ex.form_values["revealed"] == ""
    values = {"reaction": "Worried for him.", "respond": "", "revealed": "yes"}
    assert ex.receive(values, base=0, seq=1, view="v")["type"] == "saved"
    saved = session.store.latest("alex", "m2s1", "ian").value
    assert saved["revealed"] == "yes"
    assert saved["reaction"] == "Worried for him."
    back = reopen(session).scenario("ian", "Ian and Kyle", **SCENARIO)
    assert back.form_values["revealed"] == "yes"  # the discussion opens again
    assert back.form_values["reaction"] == "Worried for him."


def test_scenario_refuses_a_question_named_revealed(session):
    with pytest.raises(ValueError, match="revealed"):
        session.scenario("s", "S", situation="s", questions={"revealed": "Q?"}, discussion="d")


def test_rewrite_shows_example_after_own_attempt(session):
    ex = session.rewrite(
        "open",
        "Rewrite",
        statements={"q1": "Are you <OK>?", "q2": "Did it go well?"},
        examples={"q1": "How are <things>?"},
    )
    q1 = block(ex, "q1")
    assert "How are &lt;things&gt;?" in q1["after_writing"]  # shown once the box has text
    assert "One possible rewrite" in q1["after_writing"]
    assert block(ex, "q2")["after_writing"] == ""
    assert q1["label"] == "Your rewrite of statement 1"
    originals = [b["html"] for b in all_blocks(ex) if "peerkit-original" in b.get("html", "")]
    assert len(originals) == 2 and "Are you &lt;OK&gt;?" in originals[0]
    ex.edit(q1="What has today been like?")
    ex.save_now()
    back = reopen(session).rewrite("open", "Rewrite", statements={"q1": "Are you OK?"})
    assert back.get_value() == {"q1": "What has today been like?"}


def test_rating_saves_text_scores_and_keeps_not_rated(session):
    ex = session.rating("conf", "Confidence", items={"a": "Recovery", "b": "Peer support"})
    options = block(ex, "a")["options"]
    labels = [o["label"] for o in options]
    assert options[0] == {"value": "", "label": "Not rated"}
    assert labels[1] == "1 (not at all)" and labels[-1] == "10 (completely)"
    assert [o["value"] for o in options[1:]] == [str(n) for n in range(1, 11)]
    ex.receive({"a": "7", "b": ""}, base=0, seq=1, view="v")
    assert session.store.latest("alex", "m2s1", "conf").value == {"a": "7", "b": ""}
    back = reopen(session).rating("conf", "Confidence", items={"a": "Recovery", "b": "Peer"})
    assert back.form_values == {"a": "7", "b": ""}


def test_essay_planner_shows_earlier_answers_and_counts_words(session):
    session.store.save("alex", "m1s2", "recovery-meaning", "Living well <again>")
    ex = session.essay_planner(
        "essay",
        "Plan your essay",
        sources=[
            {"session": "m1s2", "exercise": "recovery-meaning", "label": "What recovery means"},
            {"session": "m1s3", "exercise": "turning-points", "label": "Turning points"},
        ],
        sections={"intro": "Introduction"},
        word_target=1500,
    )
    earlier = ex.view.panels["earlier"]
    assert "Living well &lt;again&gt;" in earlier
    assert "You have not written this one yet." in earlier
    assert ex.keys == ["intro", "draft"]
    (words,) = [b for b in all_blocks(ex) if b["type"] == "words"]
    assert words == {"type": "words", "key": "draft", "target": 1500}  # counted as typed
    ex.edit(draft="My recovery began  when\nI found people who understood.")
    ex.save_now()
    back = reopen(session).essay_planner(
        "essay", "Plan", sources=[], sections={"intro": "Introduction"}
    )
    assert back.form_values["draft"] == ex.form_values["draft"]


def test_carry_from_offers_an_earlier_answer_without_saving_it(store):
    from peerkit.session import Session

    store.save("alex", "m1s5", "parent-states", {"learn": "to listen", "let-go": "fixing"})
    later = Session("m2s2", store=store, learner="alex", autosave_delay=None)
    ex = later.paired("parent-states", "How?", carry_from=("m1s5", "parent-states"))
    assert ex.get_value() == {"learn": "to listen", "let-go": "fixing"}
    assert "earlier session" in ex.status_text
    assert ex.view.revision == 0  # nothing saved here yet: the browser's base
    assert store.latest("alex", "m2s2", "parent-states") is None
    assert not ex.save_pending
    reply = ex.receive(
        {"learn": "to listen more", "let-go": "fixing"}, base=ex.view.revision, seq=1, view="v"
    )
    assert reply["type"] == "saved" and "elsewhere" not in reply
    assert store.latest("alex", "m2s2", "parent-states").value["learn"] == "to listen more"
    assert store.latest("alex", "m1s5", "parent-states").value["learn"] == "to listen"


def test_chime_wheel_keeps_every_dated_reading_in_one_place(store):
    from datetime import UTC, datetime

    from peerkit.session import Session

    start = Session("m2s1", store=store, learner="alex", autosave_delay=None).chime_wheel()
    assert (
        "peerkit-tool" in start.view._dom_classes
        and "peerkit-exercise" not in start.view._dom_classes
    )
    assert start.view.spec["autosave"] is False  # saved only by its button
    (button,) = [b for b in all_blocks(start) if b["type"] == "action"]
    assert button["name"] == "add-reading"
    assert "first reading" in start.view.panels["wheel"]
    assert start.add_reading() is False
    start.edit(hope="4")
    assert start.add_reading() is False
    assert "Rate all five" in start.status_text
    assert start.form_values["hope"] == "4"  # nothing the learner chose is lost
    assert store.latest("alex", "m2s1", "chime-wheel") is None
    start.edit(**dict.fromkeys(("connectedness", "identity", "meaning", "empowerment"), "3"))
    assert start.add_reading(datetime(2026, 11, 1, tzinfo=UTC))
    assert start.form_values["hope"] == "4"  # the menus show the latest reading

    later = Session("m2s5", store=store, learner="alex", autosave_delay=None).chime_wheel()
    assert len(later.readings) == 1
    assert later.form_values == start.form_values
    later.edit(**dict.fromkeys(later.keys, "8"))
    assert later.add_reading(datetime(2026, 11, 20, tzinfo=UTC))
    saved = store.latest("alex", "m2s1", "chime-wheel").value["readings"]
    assert [r["date"][:10] for r in saved] == ["2026-11-01", "2026-11-20"]
    assert [r["hope"] for r in saved] == ["4", "8"]
    assert store.latest("alex", "m2s5", "chime-wheel") is None
    wheel = later.view.panels["wheel"]
    assert wheel.count('class="peerkit-reading"') == 2
    assert "<table" in wheel and "Reading 2 (2026-11-20)" in wheel


def test_chime_wheel_button_is_an_action_message_answered_with_its_seq(store):
    from peerkit.session import Session

    wheel = Session("m2s1", store=store, learner="alex", autosave_delay=None).chime_wheel()
    sent = spy(wheel)
    some = {"type": "action", "name": "add-reading", "seq": 1, "view": "v", "value": {"hope": "5"}}
    wheel._on_message(None, some, [])
    assert sent[-1]["type"] == "refused" and "Rate all five" in sent[-1]["message"]
    assert (sent[-1]["seq"], sent[-1]["view"]) == (1, "v")
    full = dict(some, seq=2, value=dict.fromkeys(wheel.keys, "5"))
    wheel._on_message(None, full, [])
    assert sent[-1]["type"] == "saved" and (sent[-1]["seq"], sent[-1]["view"]) == (2, "v")
    saved = store.latest("alex", "m2s1", "chime-wheel").value["readings"]
    assert [r["hope"] for r in saved] == ["5"]


def test_an_exercise_that_saves_only_on_its_button_does_not_save_an_edit(session):
    """The CHIME wheel saves a reading on "Save this reading", never as its menus change."""
    wheel = session.chime_wheel()
    wheel.edit(**dict.fromkeys(wheel.keys, "4"))
    assert wheel.form_values == dict.fromkeys(wheel.keys, "4")
    assert not wheel.save_pending and "Saving" not in wheel.status_text
    wheel._debouncer.flush()
    assert session.store.latest("alex", wheel.slot.session, wheel.slot.exercise) is None
    assert wheel.add_reading()
    saved = session.store.latest("alex", wheel.slot.session, wheel.slot.exercise)
    assert [r["connectedness"] for r in saved.value["readings"]] == ["4"]
