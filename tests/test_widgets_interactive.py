"""Choice, card sort, scenario, rewrite, rating, essay planner, carry-over, figures."""

from __future__ import annotations

import pytest

from peerkit.errors import CourseDataError
from peerkit.pictures.triangles import figure_html

from .test_widgets import reopen

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


def test_choice_shows_the_feedback_for_the_chosen_option_and_saves(session):
    ex = session.choice("roles", "Which role?", options=ROLES, items=ITEMS)
    assert ex.feedback["blame"].value == ""
    ex.radios["blame"].value = "rescuer"
    assert "Not quite: nobody is being saved here." in ex.feedback["blame"].value
    ex.radios["blame"].value = "persecutor"
    assert "Yes: blaming puts the speaker one-up." in ex.feedback["blame"].value
    assert session.store.latest("alex", "m2s1", "roles").value == {
        "blame": "persecutor",
        "fix": "",
    }
    back = reopen(session).choice("roles", "Which role?", options=ROLES, items=ITEMS)
    assert back.radios["blame"].value == "persecutor"
    assert "one-up" in back.feedback["blame"].value
    assert back.radios["fix"].value is None


def test_choice_escapes_feedback_and_ignores_unknown_saved_options(session):
    items = [{"key": "a", "text": "<i>x</i>", "feedback": {"persecutor": "<b>bold</b>"}}]
    ex = session.choice("c", "Pick", options=ROLES, items=items)
    ex.radios["a"].value = "persecutor"
    assert "<b>" not in ex.feedback["a"].value
    session.store.save("alex", "m2s1", "d", {"a": "no-such-option"})
    other = session.choice("d", "Pick", options=ROLES, items=items)
    assert other.radios["a"].value is None


def test_card_sort_places_cards_and_draws_the_groups(session):
    groups = {"clinical": "Clinical recovery", "personal": "Personal recovery"}
    cards = {"symptoms": "Fewer symptoms", "life": "A life I value"}
    ex = session.card_sort(
        "sort", "Sort", groups=groups, cards=cards, feedback={"life": "Defined by you."}
    )
    assert "No cards yet" in ex.board.value
    ex.menus["life"].value = "personal"
    assert "Defined by you." in ex.notes["life"].value
    assert ex.notes["symptoms"].value == ""
    board = ex.board.value
    personal = board[board.index("Personal recovery") :]
    assert "A life I value" in personal
    assert session.store.latest("alex", "m2s1", "sort").value == {
        "symptoms": "",
        "life": "personal",
    }
    back = reopen(session).card_sort("sort", "Sort", groups=groups, cards=cards)
    assert back.menus["life"].value == "personal"
    assert [m.description for m in back.menus.values()] == list(cards.values())


def test_card_sort_needs_two_groups(session):
    with pytest.raises(ValueError, match="two or more groups"):
        session.card_sort("s", "Sort", groups={"a": "A"}, cards={"x": "X"})


def test_scenario_reveals_discussion_only_after_a_response(session):
    ex = session.scenario(
        "ian",
        "Ian and Kyle",
        situation="Kyle asks Ian to keep a secret.\n\n- one\n- two",
        questions={"reaction": "Your reaction?", "respond": "How would you respond?"},
        discussion="There is no one right way.",
    )
    assert "<ul><li>one</li><li>two</li></ul>" in ex.story.value
    assert ex.reveal_button.disabled
    assert ex.reveal() is False
    assert ex.discussion.value == ""
    ex.boxes["reaction"].value = "Worried for him."
    assert not ex.reveal_button.disabled
    ex.reveal_button.click()
    assert "There is no one right way." in ex.discussion.value
    saved = session.store.latest("alex", "m2s1", "ian").value
    assert saved["revealed"] == "yes"
    assert saved["reaction"] == "Worried for him."
    back = reopen(session).scenario(
        "ian",
        "Ian and Kyle",
        situation="s",
        questions={"reaction": "Your reaction?", "respond": "How would you respond?"},
        discussion="There is no one right way.",
    )
    assert "There is no one right way." in back.discussion.value


def test_rewrite_shows_example_after_own_attempt(session):
    ex = session.rewrite(
        "open", "Rewrite", statements={"q1": "Are you OK?"}, examples={"q1": "How are things?"}
    )
    assert ex.example_views["q1"].value == ""
    ex.boxes["q1"].value = "What has today been like?"
    assert "How are things?" in ex.example_views["q1"].value
    ex.save_now()
    back = reopen(session).rewrite("open", "Rewrite", statements={"q1": "Are you OK?"})
    assert back.get_value() == {"q1": "What has today been like?"}


def test_rating_saves_text_scores_and_keeps_not_rated(session):
    ex = session.rating("conf", "Confidence", items={"a": "Recovery", "b": "Peer support"})
    labels = [label for label, _value in ex.menus["a"].options]
    assert labels[0] == "Not rated"
    assert labels[1] == "1 (not at all)" and labels[-1] == "10 (completely)"
    ex.menus["a"].value = "7"
    assert session.store.latest("alex", "m2s1", "conf").value == {"a": "7", "b": ""}
    back = reopen(session).rating("conf", "Confidence", items={"a": "Recovery", "b": "Peer"})
    assert back.menus["a"].value == "7"


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
    assert "Living well &lt;again&gt;" in ex.earlier.value
    assert "You have not written this one yet." in ex.earlier.value
    assert "0 words" in ex.words.value
    ex.draft.value = "My recovery began  when\nI found people who understood."
    assert "9 words (aim for about 1,500)" in ex.words.value
    ex.save_now()
    back = reopen(session).essay_planner(
        "essay", "Plan", sources=[], sections={"intro": "Introduction"}
    )
    assert back.draft.value == ex.draft.value
    assert "9 words" in back.words.value


def test_carry_from_offers_an_earlier_answer_without_saving_it(store):
    from peerkit.session import Session

    store.save("alex", "m1s5", "parent-states", {"learn": "to listen", "let-go": "fixing"})
    later = Session("m2s2", store=store, learner="alex", autosave_delay=None)
    ex = later.paired("parent-states", "How?", carry_from=("m1s5", "parent-states"))
    assert ex.get_value() == {"learn": "to listen", "let-go": "fixing"}
    assert "earlier session" in ex.status_text
    assert store.latest("alex", "m2s2", "parent-states") is None
    ex.boxes["learn"].value = "to listen more"
    ex.save_now()
    assert store.latest("alex", "m2s2", "parent-states").value["learn"] == "to listen more"
    assert store.latest("alex", "m1s5", "parent-states").value["learn"] == "to listen"


@pytest.mark.parametrize(
    ("name", "top_left", "top_right", "bottom"),
    [
        ("drama-triangle", "Persecutor", "Rescuer", "Victim"),
        ("winners-triangle", "Assertive", "Caring", "Vulnerable"),
    ],
)
def test_figures_are_accessible_svg(name, top_left, top_right, bottom):
    html = figure_html(name)
    assert 'role="img"' in html and "<title" in html and "<desc" in html
    assert "<figcaption>" in html
    for role in (top_left, top_right, bottom):
        assert role in html.split("<desc")[1]  # the text alternative names every role
    # Point facing down: the bottom label sits below both top labels.
    ys = {
        role: int(html.split(f">{role}</text>")[0].rsplit('y="', 1)[1].split('"')[0])
        for role in (top_left, top_right, bottom)
    }
    assert ys[bottom] > ys[top_left] == ys[top_right]


def test_unknown_figure_is_a_clear_error():
    with pytest.raises(CourseDataError, match="No figure named"):
        figure_html("nope")


def test_chime_wheel_keeps_every_dated_reading_in_one_place(store):
    from datetime import UTC, datetime

    from peerkit.session import Session

    start = Session("m2s1", store=store, learner="alex", autosave_delay=None).chime_wheel()
    assert (
        "peerkit-tool" in start.view._dom_classes
        and "peerkit-exercise" not in start.view._dom_classes
    )
    assert start.add_reading() is False
    start.menus["hope"].value = "4"
    assert start.add_reading() is False
    assert "Rate all five" in start.status_text
    assert start.menus["hope"].value == "4"  # nothing the learner chose is lost
    for key in ("connectedness", "identity", "meaning", "empowerment"):
        start.menus[key].value = "3"
    assert start.add_reading(datetime(2026, 11, 1, tzinfo=UTC))
    assert start.menus["hope"].value == ""  # ready for the next reading

    later = Session("m2s5", store=store, learner="alex", autosave_delay=None).chime_wheel()
    assert len(later.readings) == 1
    for menu in later.menus.values():
        menu.value = "8"
    assert later.add_reading(datetime(2026, 11, 20, tzinfo=UTC))
    saved = store.latest("alex", "m2s1", "chime-wheel").value["readings"]
    assert [r["date"][:10] for r in saved] == ["2026-11-01", "2026-11-20"]
    assert [r["hope"] for r in saved] == ["4", "8"]
    assert store.latest("alex", "m2s5", "chime-wheel") is None
    assert later.wheel.value.count('class="peerkit-reading"') == 2
    assert "<table" in later.wheel.value and "Reading 2 (2026-11-20)" in later.wheel.value
