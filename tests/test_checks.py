"""``check_course``: the real course is clean, and each kind of problem is caught."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from peerkit.course.checks import check_course

ROOT = Path(__file__).resolve().parents[1]
CHIME = "module2/01-chime.ipynb"
CHIME_LABEL = f"notebooks/{CHIME}"


@pytest.fixture
def course_root(tmp_path):
    """A private copy of the course's content/ and notebooks/."""
    root = tmp_path / "course"
    for folder in ("content", "notebooks"):
        shutil.copytree(
            ROOT / folder, root / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints")
        )
    return root


def _load(root, relative):
    return json.loads((root / "notebooks" / relative).read_text(encoding="utf-8"))


def _save(root, relative, nb):
    path = root / "notebooks" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def _first_cell(nb, cell_type):
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == cell_type:
            return index, cell
    raise AssertionError(f"no {cell_type} cell")


def _edit_course(root, change):
    path = root / "content" / "course.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _session(data, session_id):
    for module in data["modules"]:
        for session in module["sessions"]:
            if session["id"] == session_id:
                return session
    raise AssertionError(session_id)


def _add_markdown(root, source):
    nb = _load(root, CHIME)
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": source})
    _save(root, CHIME, nb)
    return len(nb["cells"])  # the new cell's 1-based number


def test_real_course_has_no_problems():
    assert check_course(ROOT) == []


def test_unchanged_copy_has_no_problems(course_root):
    assert check_course(course_root) == []


def test_code_cell_with_outputs_is_reported(course_root):
    nb = _load(course_root, CHIME)
    index, cell = _first_cell(nb, "code")
    cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["hello\n"]}]
    _save(course_root, CHIME, nb)
    assert check_course(course_root) == [
        f"{CHIME_LABEL}: cell {index + 1} has saved outputs or an execution count"
    ]


def test_execution_count_is_reported(course_root):
    nb = _load(course_root, CHIME)
    index, cell = _first_cell(nb, "code")
    cell["execution_count"] = 3
    _save(course_root, CHIME, nb)
    assert check_course(course_root) == [
        f"{CHIME_LABEL}: cell {index + 1} has saved outputs or an execution count"
    ]


def test_saved_widget_state_is_reported(course_root):
    nb = _load(course_root, CHIME)
    nb["metadata"]["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2}
    }
    _save(course_root, CHIME, nb)
    assert check_course(course_root) == [
        f"{CHIME_LABEL}: has saved widget state (metadata.widgets); clear it"
    ]


def test_duplicated_exercise_id_is_reported(course_root):
    nb = _load(course_root, CHIME)
    nb["cells"].append(
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {"jupyter": {"source_hidden": True}},
            "outputs": [],
            "source": 'session.reflection(\n    "chime-now",\n    "Asked twice.",\n)',
        }
    )
    _save(course_root, CHIME, nb)
    assert check_course(course_root) == [f"{CHIME_LABEL}: exercise id 'chime-now' is used 2 times"]


def test_expanded_code_cell_is_reported(course_root):
    nb = _load(course_root, CHIME)
    code = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code")
    nb["cells"][code]["metadata"] = {}
    _save(course_root, CHIME, nb)
    assert check_course(course_root) == [
        f"{CHIME_LABEL}: code cell {code + 1} is not collapsed (set metadata.jupyter.source_hidden)"
    ]


def test_session_without_facilitator_notes_is_reported(course_root):
    nb = _load(course_root, CHIME)
    for cell in nb["cells"]:
        cell.get("metadata", {}).pop("tags", None)
    _save(course_root, CHIME, nb)
    assert check_course(course_root) == [
        f"{CHIME_LABEL}: has no facilitator notes (Markdown cells tagged 'facilitator')"
    ]


def test_notebook_not_in_course_data_is_reported(course_root):
    nb = _load(course_root, CHIME)
    nb["metadata"]["peerkit"]["session"] = "m2s9"
    _save(course_root, "module2/99-extra.ipynb", nb)
    assert check_course(course_root) == [
        "notebooks/module2/99-extra.ipynb is not in content/course.yaml"
    ]


def test_checkpoint_copies_are_ignored(course_root):
    nb = _load(course_root, CHIME)
    _first_cell(nb, "code")[1]["execution_count"] = 1
    _save(course_root, "module2/.ipynb_checkpoints/01-chime-checkpoint.ipynb", nb)
    assert check_course(course_root) == []


def test_listed_notebook_that_is_missing_is_reported(course_root):
    (course_root / "notebooks" / "module2" / "03-boundaries.ipynb").unlink()
    assert check_course(course_root) == [
        "notebooks/module2/03-boundaries.ipynb is listed for session m2s3 but does not exist"
    ]


def test_session_without_objectives_is_reported(course_root):
    _edit_course(course_root, lambda data: _session(data, "m2s2").pop("objectives"))
    assert check_course(course_root) == ["session m2s2 has no learning objectives"]


def _plan_new_session(data, aim="Coming later."):
    """Add a planned session (no notebook yet) to Module 1 of the course data."""
    entry = {
        "id": "m1s99",
        "number": 99,
        "title": "Later",
        "notebook": "module1/99-later.ipynb",
        "planned": True,
    }
    if aim:
        entry["aim"] = aim
    data["modules"][0]["sessions"].append(entry)


def test_planned_session_is_accepted(course_root):
    _edit_course(course_root, _plan_new_session)
    assert check_course(course_root) == []


def test_planned_session_without_aim_is_reported(course_root):
    _edit_course(course_root, lambda data: _plan_new_session(data, aim=None))
    assert check_course(course_root) == ["session m1s99 has no aim"]


def test_planned_session_whose_notebook_exists_is_reported(course_root):
    _edit_course(course_root, _plan_new_session)
    nb = _load(course_root, CHIME)
    nb["metadata"]["peerkit"]["session"] = "m1s99"
    _save(course_root, "module1/99-later.ipynb", nb)
    problems = check_course(course_root)
    assert "notebooks/module1/99-later.ipynb exists but m1s99 is still marked planned" in problems
    # Still listed in the course data, so not reported as unknown.
    assert not any("not in content/course.yaml" in p for p in problems)


def test_markdown_image_without_alt_is_reported(course_root):
    number = _add_markdown(course_root, "A picture:\n\n![](x.png)\n")
    assert check_course(course_root) == [
        f"{CHIME_LABEL}: cell {number} has an image with no alt text"
    ]


def test_markdown_image_with_blank_alt_is_reported(course_root):
    number = _add_markdown(course_root, "![   ](x.png)")
    assert check_course(course_root) == [
        f"{CHIME_LABEL}: cell {number} has an image with no alt text"
    ]


@pytest.mark.parametrize("tag", ["<img src=x>", '<IMG SRC="x.png" alt="">', "<img alt src=x>"])
def test_html_image_without_alt_is_reported(course_root, tag):
    number = _add_markdown(course_root, f"Before {tag} after")
    assert check_course(course_root) == [
        f"{CHIME_LABEL}: cell {number} has an <img> with no alt text"
    ]


def test_images_with_alt_text_are_accepted(course_root):
    _add_markdown(
        course_root,
        "![Mountains under a blue sky](sky.png)\n\n"
        '<img src="a.png" alt="A hand reaching out">\n'
        "<img alt='Two chairs' src='b.png'>",
    )
    assert check_course(course_root) == []


def test_wrong_session_metadata_is_reported(course_root):
    nb = _load(course_root, CHIME)
    nb["metadata"]["peerkit"]["session"] = "m2s2"
    _save(course_root, CHIME, nb)
    assert check_course(course_root) == [
        f"{CHIME_LABEL}: metadata.peerkit.session is 'm2s2', expected 'm2s1'"
    ]


def test_missing_session_metadata_is_reported(course_root):
    nb = _load(course_root, CHIME)
    del nb["metadata"]["peerkit"]
    _save(course_root, CHIME, nb)
    assert check_course(course_root) == [
        f"{CHIME_LABEL}: metadata.peerkit.session is None, expected 'm2s1'"
    ]


def test_broken_course_data_is_one_problem(course_root):
    (course_root / "content" / "course.yaml").write_text("modules: [\n", encoding="utf-8")
    problems = check_course(course_root)
    assert len(problems) == 1
    assert "not valid YAML" in problems[0]


def test_unreadable_unlisted_notebook_is_reported(course_root):
    (course_root / "notebooks" / "scratch.ipynb").write_text("{not json", encoding="utf-8")
    problems = check_course(course_root)
    assert "notebooks/scratch.ipynb is not in content/course.yaml" in problems
    assert any(p.startswith("notebooks/scratch.ipynb: cannot be read") for p in problems)


def test_unreadable_listed_notebook_is_reported_not_raised(course_root):
    (course_root / "notebooks" / CHIME).write_text("{not json", encoding="utf-8")
    problems = check_course(course_root)
    assert any(p.startswith(f"{CHIME_LABEL}: cannot be read") for p in problems)


def test_missing_course_data_is_one_problem(course_root):
    (course_root / "content" / "course.yaml").unlink()
    problems = check_course(course_root)
    assert len(problems) == 1
    assert "not found" in problems[0]


def test_unreadable_course_data_is_one_problem(course_root):
    path = course_root / "content" / "course.yaml"
    path.unlink()
    path.mkdir()  # reading it raises IsADirectoryError, an OSError
    problems = check_course(course_root)
    assert len(problems) == 1
    assert problems[0].startswith("content/course.yaml cannot be read")


def test_a_bug_while_loading_the_course_is_not_a_content_problem(course_root, monkeypatch):
    def broken(_path):
        raise RuntimeError("a bug in peerkit")

    monkeypatch.setattr("peerkit.course.checks.load_course", broken)
    with pytest.raises(RuntimeError, match="a bug in peerkit"):
        check_course(course_root)


def test_a_notebook_that_breaks_the_format_is_reported(course_root):
    nb = _load(course_root, CHIME)
    nb["cells"][0]["cell_type"] = "poem"
    _save(course_root, CHIME, nb)
    problems = check_course(course_root)
    assert any(p.startswith(f"{CHIME_LABEL}: is not a valid notebook") for p in problems)
