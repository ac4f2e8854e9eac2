"""``peerkit build``: the workbook, the guide and the slides, as HTML (fast; PDFs are in
``test_outputs_pdf.py``). Each exercise prompt and each facilitator note goes to the
outputs it belongs in and to no other; no output but the portfolio holds an answer."""

from __future__ import annotations

import itertools
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

from peerkit import paths
from peerkit.cli import main
from peerkit.course.checks import check_notebook
from peerkit.course.data import load_course
from peerkit.identity import LEARNER_ENV
from peerkit.outputs.markdown import markdown_html
from peerkit.outputs.slides import slides_html, slides_name
from peerkit.outputs.source import ExercisePart, Figure, Markdown, read_module
from peerkit.outputs.workbook import workbook_html
from peerkit.portfolio.sample import sample_answers
from peerkit.store.answer_store import AnswerStore

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
LEARNER = "outputs-learner"
BLOCKS = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "div", "section", "br"}
BLOCKS |= {"figcaption", "tr", "aside", "blockquote", "dt", "dd", "header", "nav", "title"}


class _Text(HTMLParser):
    """The text a reader sees, one line per block element; styles and scripts left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.skip += tag in {"style", "script"}
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in {"style", "script"}
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def text_lines(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return [" ".join(line.split()) for line in "".join(parser.parts).split("\n") if line.strip()]


def flat(text: str) -> str:
    return " ".join(text.split())


def page_text(html: str) -> str:
    return flat(" ".join(text_lines(html)))


def note_segments(session) -> list[str]:
    """The session's facilitator notes' paragraphs, list items and table cells that are
    their own words (not a heading or phrase the learner's text has too)."""
    learner = " ".join(
        page_text(markdown_html(p.source))
        for p in session.parts
        if isinstance(p, Markdown) and not p.facilitator
    )
    return [
        line
        for note in session.facilitator_notes
        for line in text_lines(markdown_html(note.source))
        if len(line) >= 30 and line not in learner
    ]


@pytest.fixture(scope="module")
def course():
    return load_course(ROOT / "content" / "course.yaml")


@pytest.fixture(scope="module")
def modules(course):
    return {m.number: read_module(course, m.number, NOTEBOOKS) for m in course.modules}


@pytest.fixture(scope="module")
def workbooks(course, modules):
    return {n: page_text(workbook_html(course, m, NOTEBOOKS)) for n, m in modules.items()}


@pytest.fixture
def course_copy(tmp_path, monkeypatch):
    """A private copy of the course, served as PEERKIT_HOME, with answers in a private store."""
    root = tmp_path / "course"
    for folder in ("content", "notebooks"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns(".ipynb_*"))
    monkeypatch.setenv(paths.HOME_ENV, str(root))
    url = f"sqlite:///{tmp_path / 'answers.sqlite3'}"
    monkeypatch.setenv(paths.DATABASE_URL_ENV, url)
    monkeypatch.setenv(LEARNER_ENV, LEARNER)
    monkeypatch.chdir(tmp_path)
    return root


def save_sample_answers(course, root: Path) -> list[str]:
    """Save an answer to every exercise; the texts saved, each unique to its place."""
    texts: list[str] = []

    def text(name: str) -> str:
        texts.append(f"Learner answer {len(texts)} zqx")
        return texts[-1]

    with AnswerStore(paths.database_url()) as store:
        for session, exercise, answer in sample_answers(course, text, root / "notebooks"):
            store.save(LEARNER, session, exercise, answer)
    return texts


def edit_notebook(root: Path, relative: str, change) -> None:
    path = root / "notebooks" / relative
    nb = json.loads(path.read_text(encoding="utf-8"))
    change(nb)
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def exercise_html(html: str, title: str) -> str:
    """The markup of the exercise whose title (prompt) starts with ``title``."""
    start = html.index(f'aria-label="Exercise: {title}')
    return html[start : html.index("</section>", start)]


# --- the learner workbook -------------------------------------------------------------


def test_the_workbook_has_every_exercise_prompt_and_every_session(modules, workbooks):
    for number, module in modules.items():
        text = workbooks[number]
        for session in module.sessions:
            assert flat(session.info.heading) in text
            for part in session.exercises:
                assert flat(part.ref.prompt) in text, (session.info.id, part.ref.id)


def test_the_workbook_never_prints_a_facilitator_note(modules, workbooks):
    checked = 0
    for number, module in modules.items():
        for session in module.sessions:
            for segment in note_segments(session):
                assert segment not in workbooks[number], (session.info.id, segment)
                checked += 1
    assert checked > 200  # the course's notes, not an empty list


def test_the_workbook_has_content_notes_objectives_and_support_lines(course, modules, workbooks):
    text = workbooks[1]
    note = modules[1].sessions[9].content_notes
    assert note, "Session 10 has a content note"
    assert flat(text_lines(markdown_html(note[0].source))[1]) in text
    assert "In this session you will" in text
    for line in course.support_lines:
        assert f"{line.name}: {line.contact}" in text


def test_room_to_write_follows_each_exercise_s_own_form(course, modules):
    html = workbook_html(course, modules[2], NOTEBOOKS)
    reflection = exercise_html(html, "Take a few minutes to reflect on how CHIME")
    assert reflection.count('class="rule"') == 8  # a reflection's 6 rows and 2 more
    who = exercise_html(html, "Create your Who Am I Map")
    assert who.count('class="write-box') == 5
    assert "grid-template-areas" in who and "I AM…" in who
    sky = exercise_html(html, "Sky and mountains")
    assert "<svg" in sky and "Sky ideas, one a line" in sky
    assert sky.count('class="rule rule-numbered"') == 12  # six lines each for sky and mountains
    chime = exercise_html(html, "Rate the five CHIME processes")
    assert chime.count('<ul class="options circle">') == 5
    assert chime.count("<li>") == 50 and "Not rated" not in chime


def test_feedback_prints_after_the_exercise_not_inside_it(course, modules):
    html = workbook_html(course, modules[1], NOTEBOOKS)
    choice = exercise_html(html, "For each situation, choose what you think")
    assert "Tick one box:" in choice and "chose" not in choice
    later = html[html.index("Read after you have answered") :]
    # Paper has no choice made yet: each option's feedback says which option it is for.
    assert "If you chose" in later and "You chose" not in later


def test_build_workbook_reports_each_session_and_where_it_wrote(course_copy, capsys):
    assert main(["build", "workbook", "--module", "2", "--html"]) == 0
    out, err = capsys.readouterr()
    sessions = [line for line in err.splitlines() if line.startswith("  Module 2: Session")]
    assert len(sessions) == 5
    path = course_copy.parent / "peerkit-build" / "module-2-learner-workbook.html"
    assert str(path) in out and path.is_file()


def test_a_notebook_edit_changes_the_workbook_and_no_answer_is_printed(course_copy, capsys):
    course = load_course(course_copy / "content" / "course.yaml")
    answers = save_sample_answers(course, course_copy)

    def change(nb):
        for cell in nb["cells"]:
            if cell["cell_type"] == "code" and '"chime-now"' in "".join(cell["source"]):
                cell["source"] = 'session.reflection("chime-now", "A brand new prompt qvx?")'

    edit_notebook(course_copy, "module2/01-chime.ipynb", change)
    assert main(["build", "workbook", "--html", "--output", "out"]) == 0
    text = page_text((course_copy.parent / "out" / "module-2-learner-workbook.html").read_text())
    assert "A brand new prompt qvx?" in text
    assert "Take a few minutes to reflect on how CHIME" not in text
    both = text + page_text(
        (course_copy.parent / "out" / "module-1-learner-workbook.html").read_text()
    )
    assert not [a for a in answers if a in both]
    assert len(answers) > 100


def test_build_refuses_an_unknown_module(course_copy, capsys):
    assert main(["build", "workbook", "--module", "9", "--html"]) == 1
    assert "no module 9" in capsys.readouterr().err


def test_every_exercise_of_the_course_is_read(modules):
    parts = [p for m in modules.values() for s in m.sessions for p in s.parts]
    assert len([p for p in parts if isinstance(p, ExercisePart)]) >= 70


# --- the facilitator guide ------------------------------------------------------------


@pytest.fixture(scope="module")
def guides(course, modules):
    from peerkit.outputs.guide import guide_html

    return {n: guide_html(course, m, NOTEBOOKS) for n, m in modules.items()}


def session_sections(html: str) -> dict[str, str]:
    """Each session's part of a document, by session id."""
    found = re.split(r'<section class="session" id="([a-z0-9]+)">', html)
    return dict(zip(found[1::2], found[2::2], strict=True))


def test_the_guide_has_every_facilitator_note_under_its_session(modules, guides):
    for number, module in modules.items():
        sections = session_sections(guides[number])
        assert list(sections) == [s.info.id for s in module.sessions]
        for session in module.sessions:
            text = page_text(sections[session.info.id])
            assert flat(session.info.heading) in text
            for segment in note_segments(session):
                assert segment in text, (session.info.id, segment)


def test_the_guide_has_plans_timings_prompts_materials_and_content_notes(modules, guides):
    text = page_text(guides[1])
    assert text.count("Plan and timings") == len(modules[1].sessions)
    assert "0:00 to 0:15: Welcome and housekeeping" in text  # Session 1's plan
    assert "Timings at a glance" in text and "20 minutes" in text
    assert "Discussion prompts" in text and "Materials" in text
    assert "Flipchart paper and marker pens" in text
    assert "Content note (as learners read it)" in text
    assert "This session talks about trauma, suicide and risk." in text
    assert "Read after you have answered" not in text  # no room to write in the guide


def test_the_guide_has_no_learner_answer_and_follows_a_notebook_edit(course_copy, capsys):
    course = load_course(course_copy / "content" / "course.yaml")
    answers = save_sample_answers(course, course_copy)

    def change(nb):
        for cell in nb["cells"]:
            if "facilitator" in cell["metadata"].get("tags", []):
                cell["source"] = "**Facilitator notes**\n\nA rewritten note qvz: about 7 minutes."
                break

    edit_notebook(course_copy, "module2/03-boundaries.ipynb", change)
    assert main(["build", "guide", "--module", "2", "--html"]) == 0
    html = (course_copy.parent / "peerkit-build" / "module-2-facilitator-guide.html").read_text()
    text = page_text(html)
    assert "A rewritten note qvz: about 7 minutes." in text
    assert "Session plan (about 2 hours)" in text  # the other sessions' plans are still there
    assert not [a for a in answers if a in text]


# --- slides ---------------------------------------------------------------------------


def build_slides(*args: str) -> dict[str, str]:
    assert main(["build", "slides", *args]) == 0
    folder = Path("peerkit-build") / "slides"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.html"))}


def slides_of(html: str) -> list[str]:
    return re.findall(r'<section class="slide .*?</section>', html, re.S)


def test_slides_have_every_prompt_and_every_note_and_no_answer(course_copy, modules, capsys):
    course = load_course(course_copy / "content" / "course.yaml")
    answers = save_sample_answers(course, course_copy)
    decks = build_slides()
    sessions = [s for m in modules.values() for s in m.sessions]
    assert len(decks) == len(sessions)
    out = capsys.readouterr()
    assert f"Wrote {len(sessions)} slide deck(s)" in out.out
    for session in sessions:
        name = slides_name(course, session.info)
        text = page_text(decks[name])
        notes_text = page_text(
            "".join(re.findall(r'<aside class="notes".*?</aside>', decks[name], re.S))
        )
        for part in session.exercises:
            assert flat(part.ref.prompt) in text, (name, part.ref.id)
        for segment in note_segments(session):
            assert segment in notes_text, (name, segment)
        assert not [a for a in answers if a in text], name


def test_slides_work_offline(course_copy, capsys):
    for name, html in build_slides("--module", "2").items():
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html), name
        assert "<link" not in html and "@import" not in html, name
        assert html.count("<script>") == 1, name  # the deck's own, inline


def test_slides_break_at_headings_and_show_exercises_and_figures(course, modules):
    session = modules[1].sessions[4]  # The Peer Relationship: the Drama Triangle
    slides = slides_of(slides_html(course, session, NOTEBOOKS))
    headings = [
        line[3:]
        for p in session.parts
        if isinstance(p, Markdown) and not p.facilitator
        for line in p.source.splitlines()
        if line.startswith("## ")
    ]
    exercises = len(session.exercises)
    figures = [p.name for p in session.parts if isinstance(p, Figure)]
    assert figures == ["drama-triangle", "relationship-types", "winners-triangle"]
    assert len(slides) == 1 + len(headings) + exercises + len(figures)  # title, sections, …
    assert "slide-title" in slides[0] and "In this session you will" in slides[0]
    drawn = [s for s in slides if "slide-figure" in s]
    assert len(drawn) == len(figures) and all("<svg" in s and "<title" in s for s in drawn)
    for heading in headings:
        assert any(f"<h2>{escape(heading)}</h2>" in s for s in slides), heading


def test_slide_breaks_follow_slideshow_metadata(course_copy, capsys):
    shutil.copy(
        ROOT / "tests" / "fixtures" / "slideshow-notebook.json",
        course_copy / "notebooks" / "module2" / "04-positive-risk.ipynb",
    )
    html = build_slides("--session", "m2s4")[
        "module-2-04-explore-positive-risks-and-the-associated-behavi.html"
    ]
    slides = slides_of(html)
    assert len(slides) == 5  # the title, cells marked slide or subslide (one is the exercise)
    first = slides[2]
    for text in ("shown in full", "continues the first slide", "A fragment that also shows"):
        assert text in first
    assert "The author's own speaker note" in first.split('class="notes"')[1]
    assert "Skipped text" not in html
    assert "facilitator plan" in slides[1].split('class="notes"')[1]
    assert "What does the fixture reflection ask of you?" in slides[4]
    assert "about 5 minutes for the fixture reflection" in slides[4].split('class="notes"')[1]


def test_peerkit_check_refuses_an_unknown_slide_type(tmp_path):
    fixture = ROOT / "tests" / "fixtures" / "slideshow-notebook.json"
    assert check_notebook(fixture, "slideshow-notebook.json") == []
    nb = json.loads(fixture.read_text(encoding="utf-8"))
    nb["cells"][3]["metadata"]["slideshow"]["slide_type"] = "slyde"
    bad = tmp_path / "bad.ipynb"
    bad.write_text(json.dumps(nb), encoding="utf-8")
    problems = check_notebook(bad, "bad.ipynb")
    assert any("cell 4 has slide type 'slyde'" in p for p in problems), problems


def test_slides_for_an_unknown_session_are_refused(course_copy, capsys):
    assert main(["build", "slides", "--session", "m9s9"]) == 1
    assert "m9s9" in capsys.readouterr().err
    assert main(["build", "workbook", "--session", "m1s1", "--html"]) == 1


def heading_levels(html: str) -> list[int]:
    return [int(level) for level in re.findall(r"<h([1-6])\b", html)]


def test_headings_go_down_one_level_at_a_time(course, modules):
    from peerkit.outputs.guide import guide_html

    for module in modules.values():
        for html in (
            workbook_html(course, module, NOTEBOOKS),
            guide_html(course, module, NOTEBOOKS),
        ):
            levels = heading_levels(html)
            assert levels[0] == 1 and levels.count(1) == 1
            for before, after in itertools.pairwise(levels):
                assert after <= before + 1, (module.heading, before, after)
        for session in module.sessions:
            levels = heading_levels(slides_html(course, session, NOTEBOOKS))
            assert levels[0] == 1
            for before, after in itertools.pairwise(levels):
                assert after <= before + 1, (session.info.id, before, after)


def test_pictures_have_text_for_those_who_cannot_see_them(course, modules):
    html = workbook_html(course, modules[1], NOTEBOOKS) + workbook_html(
        course, modules[2], NOTEBOOKS
    )
    svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
    assert len(svgs) >= 6  # the course figures (the Drama Triangle in both), sky and mountains
    for svg in svgs:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert 'lang="en-GB"' in html
    assert re.search(r"html \{ font: 11\.5pt", html)  # readable type in print


def test_slides_follow_a_notebook_edit(course_copy, capsys):
    def change(nb):
        for cell in nb["cells"]:
            source = "".join(cell["source"])
            if "## Setbacks\n" in source:
                new = "## A renamed slide qxz\n\n- A new key point qxz.\n\n## Old setbacks\n"
                cell["source"] = source.replace("## Setbacks\n", new)
                return
        raise AssertionError("the heading moved")

    edit_notebook(course_copy, "module2/04-positive-risk.ipynb", change)
    html = build_slides("--session", "m2s4")[
        "module-2-04-explore-positive-risks-and-the-associated-behavi.html"
    ]
    assert "<h2>A renamed slide qxz</h2>" in html and "A new key point qxz." in html
    assert "<h2>Setbacks</h2>" not in html


def test_an_image_in_a_notebook_prints_with_its_alt_text(course_copy, capsys):
    picture = course_copy / "notebooks" / "module2" / "map.svg"
    picture.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>')

    def change(nb):
        nb["cells"].insert(
            4, {"cell_type": "markdown", "metadata": {}, "source": "![A map of the room](map.svg)"}
        )

    edit_notebook(course_copy, "module2/01-chime.ipynb", change)
    assert main(["build", "workbook", "--module", "2", "--html"]) == 0
    html = (course_copy.parent / "peerkit-build" / "module-2-learner-workbook.html").read_text()
    assert f'<img src="{picture.resolve().as_uri()}" alt="A map of the room" />' in html


def test_an_unknown_figure_is_reported_not_printed(course_copy, capsys):
    def change(nb):
        nb["cells"].insert(
            4,
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": None,
                "outputs": [],
                "source": 'session.figure("no-such-figure")',
            },
        )

    edit_notebook(course_copy, "module2/01-chime.ipynb", change)
    assert main(["build", "workbook", "--module", "2", "--html"]) == 1
    assert "No figure named 'no-such-figure'" in capsys.readouterr().err
