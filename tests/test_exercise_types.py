"""Exercise types as declarations: one class each, read by Session, scanner, portfolio, samples."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event

from peerkit.course import notebooks
from peerkit.course.data import load_course
from peerkit.errors import StoreError
from peerkit.exercises import exercise_types
from peerkit.exercises.base import Exercise
from peerkit.portfolio import export_portfolio
from peerkit.portfolio.sample import sample_answers
from peerkit.session import Session
from peerkit.store.answer_store import AnswerStore

from .test_widgets import block, reopen

LEARNER = "alex"


def test_every_type_is_a_session_method_with_its_options_as_signature(session):
    types = exercise_types()
    assert len(types) == 14
    for method, cls in types.items():
        assert issubclass(cls, Exercise) and cls.method == method
        add = getattr(session, method)
        params = inspect.signature(add).parameters
        assert list(params)[:2] == ["exercise_id", "prompt"]
        for option, default in cls.option_defaults().items():
            assert option in params
            if default is not None:
                assert params[option].default == default
        assert add.__doc__ == cls.__doc__
        assert method in dir(session)
    assert inspect.signature(session.paired).parameters["left"].default == (
        "What do I need to learn?"
    )


def test_an_unknown_option_or_type_is_refused_at_the_call(session):
    with pytest.raises(TypeError, match="colour"):
        session.reflection("a", "Prompt", colour="red")
    with pytest.raises(TypeError):
        session.reflection("a")  # a reflection needs its prompt
    with pytest.raises(AttributeError, match="no attribute 'poem'"):
        session.poem("a", "Prompt")
    assert "a" not in session.exercises


def test_a_default_option_reads_the_same_in_the_page_and_the_portfolio(session):
    paired = session.paired("pair", "Pair up")
    cls = exercise_types()["paired"]
    labels = cls.labels(cls.resolve({}))
    assert labels == {"learn": "What do I need to learn?", "let-go": "What do I need to let go?"}
    assert {key: block(paired, key)["label"] for key in paired.keys} == labels


def _notebook(path: Path, sources: list[str]) -> Path:
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "source": s} for s in sources]
    nb = {"cells": cells, "metadata": {"peerkit": {"session": "m2s1"}}, "nbformat": 4}
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_only_calls_on_the_session_count_as_exercises(tmp_path):
    path = _notebook(
        tmp_path / "n.ipynb",
        [
            'import random\nimport peerkit\nsession = peerkit.open_session("m2s1")',
            'random.choice("xyz")',
            'session.choice("quiz", "Q?", options={"a": "A"}, items=[])',
            'other.reflection("not-ours", "Q?")',
            'session.reflection("mine", "Q?")',
        ],
    )
    assert notebooks.exercise_ids(path) == ["quiz", "mine"]


def test_course_data_options_are_read_from_the_content_folder(tmp_path):
    path = _notebook(
        tmp_path / "n.ipynb",
        [
            'import peerkit\nsession = peerkit.open_session("m2s1")',
            'session.value_set("v", "How?", values=session.content("hear-me-values"))',
        ],
    )
    (ref,) = notebooks.scan(path).exercises
    assert ref.options == {"values": notebooks.ContentRef("hear-me-values")}


def test_export_loads_neither_ipywidgets_nor_anywidget_nor_ipython(tmp_path):
    """The export path (peerkit export, My data) reads the declarations without widgets."""
    database = tmp_path / "answers.sqlite3"
    with AnswerStore(f"sqlite:///{database}") as store:
        for session_id, exercise, value in sample_answers(load_course(), lambda n: f"t {n}"):
            store.save(LEARNER, session_id, exercise, value)
    script = (
        "import sys\n"
        "from peerkit.course.data import load_course\n"
        "from peerkit.portfolio import export_portfolio\n"
        "from peerkit.store.answer_store import AnswerStore\n"
        f"store = AnswerStore({f'sqlite:///{database}'!r})\n"
        f"data = export_portfolio('json', {LEARNER!r}, store, load_course())\n"
        "assert len(data) > 10_000, len(data)\n"
        "print(sorted(m for m in ('ipywidgets', 'anywidget', 'IPython') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def _twice_revised(store: AnswerStore) -> None:
    for session_id, exercise, value in sample_answers(load_course(), lambda n: f"t {n}"):
        store.save(LEARNER, session_id, exercise, value)
        store.save(LEARNER, session_id, exercise, {"again": f"{exercise} edited"})


def test_the_portfolio_reads_every_revision_in_one_query(store):
    _twice_revised(store)
    queries: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        queries.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        record = json.loads(export_portfolio("json", LEARNER, store, load_course()))
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    assert len(record["answers"]) > 70
    assert all(len(answer["revisions"]) == 2 for answer in record["answers"])
    selects = [q for q in queries if q.lstrip().upper().startswith("SELECT")]
    # One for every revision (not one history query per answer), one for the sharing choices.
    assert len(selects) == 2
    assert sum("FROM answer_revisions" in q for q in selects) == 1
    assert sum("FROM answer_consent" in q for q in selects) == 1


def test_the_portfolio_scans_each_notebook_once_until_it_changes(store, monkeypatch, tmp_path):
    _twice_revised(store)
    course = load_course()
    reads: list[Path] = []
    real_read = notebooks.read_notebook
    monkeypatch.setattr(notebooks, "read_notebook", lambda p: reads.append(p) or real_read(p))
    notebooks._scan_cached.cache_clear()
    export_portfolio("json", LEARNER, store, course)
    published = [i for i in course.sessions if i.notebook_path().is_file()]
    assert len(reads) == len(published)
    export_portfolio("md", LEARNER, store, course)
    assert len(reads) == len(published)  # the second export read no notebook again


def test_every_sample_answer_is_shown_in_full_in_the_portfolio(store):
    course = load_course()
    made: list[str] = []

    def text(name: str) -> str:
        made.append(name)
        return f"sample text for {name}"

    for session_id, exercise, value in sample_answers(course, text):
        store.save(LEARNER, session_id, exercise, value)
    md = export_portfolio("md", LEARNER, store, course).decode()
    missing = [name for name in made if f"sample text for {name}" not in md.replace("\\", "")]
    assert made and not missing


def test_chime_readings_saved_on_two_open_pages_are_all_kept(store):
    home = Session("m2s1", store=store, learner=LEARNER, autosave_delay=None).chime_wheel()
    module = Session("m2s1", store=store, learner=LEARNER, autosave_delay=None).chime_wheel()
    for wheel, score in ((home, "3"), (module, "8")):
        wheel.edit(**dict.fromkeys(wheel.keys, score))
        assert wheel.add_reading()
    saved = store.latest(LEARNER, "m2s1", "chime-wheel")
    assert saved is not None
    assert [r["hope"] for r in saved.value["readings"]] == ["3", "8"]


def test_the_essay_planner_says_when_an_earlier_answer_could_not_be_loaded(session, monkeypatch):
    planner = session.essay_planner(
        "plan",
        "Plan",
        sources=[{"session": "m1s2", "exercise": "recovery", "label": "My recovery"}],
        sections={"intro": "Intro"},
    )
    assert "not written this one yet" in planner.view.panels["earlier"]

    def broken(*_args: object) -> None:
        raise StoreError("Could not read the answers database.")

    monkeypatch.setattr(session.store, "latest", broken)
    planner.edit(intro="My first thoughts")  # the panel is drawn again with the form
    earlier = planner.view.panels["earlier"]
    assert "could not be loaded" in earlier
    assert 'role="alert"' in earlier
    assert "not written this one yet" not in earlier


def test_a_scenario_discussion_needs_a_few_words_in_answer_to_the_first_question(session):
    from peerkit.exercises.scenario import MIN_WORDS

    questions = {"reaction": "Your reaction?", "ethics": "The issues?", "respond": "And you?"}
    ex = session.scenario("sc", "S", situation="s", questions=questions, discussion="d")
    reveal = block(ex, "revealed")
    # One character in any box no longer opens it: the first question, in a few words.
    assert reveal["needs"] == ["reaction"]
    assert reveal["min_words"] == MIN_WORDS > 1
    assert "first question" in reveal["hint"] and "first question" in reveal["error"]
    assert "Write your own response" in reveal["error"]  # the browser test reads this


def test_a_reveal_block_asks_for_one_word_at_least_and_says_why_by_default():
    from peerkit.exercises import form

    made = form.reveal("r", button="B", heading="H", body_html="", needs=["a"], hint="Hint.")
    assert made["min_words"] == 1 and made["error"] == "Hint."
    assert (
        form.reveal("r", button="B", heading="H", body_html="", needs=["a"], hint="H", min_words=0)[
            "min_words"
        ]
        == 1
    )


ITEMS = {"recovery": "Understanding recovery", "sharing": "Sharing my <experience>"}
EARLIER = {"session": "m1s1", "exercise": "starting", "label": "Your ratings in Session 1"}


def test_a_rating_shows_the_earlier_ratings_beside_it_without_copying_them(session):
    later = session.rating("after", "Now?", items=ITEMS, earlier=EARLIER)
    assert "did not give these ratings then" in later.view.panels["earlier"]

    session.store.save("alex", "m1s1", "starting", {"recovery": "4", "sharing": ""})
    again = reopen(session).rating("after", "Now?", items=ITEMS, earlier=EARLIER)
    earlier = again.view.panels["earlier"]
    assert "Your ratings in Session 1" in earlier
    assert "Understanding recovery: 4 out of 10" in earlier
    assert "Sharing my &lt;experience&gt;: not rated" in earlier  # course text escaped
    assert again.form_values == {"recovery": "", "sharing": ""}  # nothing carried over
    assert [b["type"] for b in again.blocks] == ["panel", "menu", "menu"]
    assert session.store.latest("alex", "m2s1", "after") is None


def test_a_rating_without_earlier_has_no_panel_and_a_malformed_earlier_is_refused(session):
    plain = session.rating("plain", "Now?", items=ITEMS)
    assert plain.view.panels == {} and [b["type"] for b in plain.blocks] == ["menu", "menu"]
    with pytest.raises(ValueError, match="earlier"):
        session.rating("bad", "Now?", items=ITEMS, earlier={"session": "m1s1"})


def test_a_chime_reading_saved_on_another_page_between_loading_and_saving_is_kept(
    store, monkeypatch
):
    """Two pages' buttons pressed together: one page saves while the other is between
    reading the readings and saving its own."""
    home = Session("m2s1", store=store, learner=LEARNER, autosave_delay=None).chime_wheel()
    module = Session("m2s1", store=store, learner=LEARNER, autosave_delay=None).chime_wheel()
    home.edit(**dict.fromkeys(home.keys, "3"))
    module.edit(**dict.fromkeys(module.keys, "8"))
    latest, interleaved = store.latest, []

    def read_then_the_other_page_saves(*args):
        seen = latest(*args)
        if not interleaved:  # once: the other page's own reads and saves go as usual
            interleaved.append(True)
            assert module.add_reading()
        return seen

    monkeypatch.setattr(store, "latest", read_then_the_other_page_saves)
    assert home.add_reading()
    saved = store.latest(LEARNER, "m2s1", "chime-wheel")
    assert saved is not None
    assert [r["hope"] for r in saved.value["readings"]] == ["8", "3"]
    assert home.view.panels["wheel"].count('class="peerkit-reading"') == 2
    assert "elsewhere" not in home._action_reply
