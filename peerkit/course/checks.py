"""Content checks for course authors: ``peerkit check``."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from peerkit import paths
from peerkit.course.data import Course, load_course
from peerkit.course.notebooks import exercises, read_notebook, session_id
from peerkit.errors import CourseDataError

HOME_NOTEBOOK = paths.HOME_NOTEBOOK
#: Course-wide pages that are not sessions and so are not listed in course.yaml.
COURSE_PAGES = frozenset({HOME_NOTEBOOK, paths.MY_DATA_NOTEBOOK})
#: Jupyter's slideshow cell types (``metadata.slideshow.slide_type``); ``peerkit build slides``.
SLIDE_TYPES = ("slide", "subslide", "fragment", "skip", "notes", "-")
IMAGE_MD = re.compile(r"!\[(?P<alt>[^\]]*)\]\([^)]*\)")
IMAGE_HTML = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
ALT_ATTR = re.compile(r"""\balt\s*=\s*("[^"]*\S[^"]*"|'[^']*\S[^']*')""", re.IGNORECASE)


def format_problems(nb: dict[str, Any], label: str) -> list[str]:
    """Where the notebook breaks the Jupyter notebook format (nbformat's own schema).

    nbformat is imported here only: it takes seconds to import, and this is for
    authors, never a learner's kernel (``course.notebooks`` reads plain JSON).
    """
    import warnings

    import nbformat
    from nbformat.warnings import MissingIDFieldWarning

    try:
        with warnings.catch_warnings():
            # Cell ids are optional in the format the course's notebooks use.
            warnings.simplefilter("ignore", MissingIDFieldWarning)
            nbformat.validate(nbformat.from_dict(nb))
    except nbformat.ValidationError as exc:
        return [f"{label}: is not a valid notebook ({exc.message})"]
    return []


def check_notebook(path: Path, label: str, *, session: bool = True) -> list[str]:
    """Problems inside one notebook (``session``: a session page, not the home)."""
    try:
        nb = read_notebook(path)
    except (OSError, ValueError) as exc:
        return [f"{label}: cannot be read as a notebook ({exc})"]
    problems = format_problems(nb, label)
    if "widgets" in nb.get("metadata", {}):
        problems.append(f"{label}: has saved widget state (metadata.widgets); clear it")
    for index, cell in enumerate(nb.get("cells", []), start=1):
        problems += slideshow_problems(cell, f"{label}: cell {index}")
        if cell.get("cell_type") == "code":
            if cell.get("outputs") or cell.get("execution_count"):
                problems.append(f"{label}: cell {index} has saved outputs or an execution count")
            if not cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"):
                problems.append(
                    f"{label}: code cell {index} is not collapsed "
                    "(set metadata.jupyter.source_hidden)"
                )
        if cell.get("cell_type") == "markdown":
            source = "".join(cell.get("source", ""))
            for match in IMAGE_MD.finditer(source):
                if not match.group("alt").strip():
                    problems.append(f"{label}: cell {index} has an image with no alt text")
            for tag in IMAGE_HTML.findall(source):
                if not ALT_ATTR.search(tag):
                    problems.append(f"{label}: cell {index} has an <img> with no alt text")
    tagged = [
        c for c in nb.get("cells", []) if "facilitator" in c.get("metadata", {}).get("tags", [])
    ]
    if session and not tagged:
        problems.append(f"{label}: has no facilitator notes (Markdown cells tagged 'facilitator')")
    counts = Counter(ref.id for ref in exercises(nb))
    for exercise_id, count in sorted(counts.items()):
        if count > 1:
            problems.append(f"{label}: exercise id {exercise_id!r} is used {count} times")
    return problems


def slideshow_problems(cell: dict[str, Any], where: str) -> list[str]:
    """An unknown or malformed slide type in the cell's ``metadata.slideshow``."""
    slideshow = cell.get("metadata", {}).get("slideshow")
    if slideshow is None:
        return []
    kind = slideshow.get("slide_type") if isinstance(slideshow, dict) else None
    if kind not in SLIDE_TYPES:
        known = ", ".join(repr(t) for t in SLIDE_TYPES)
        return [f"{where} has slide type {kind!r} in metadata.slideshow; use one of {known}"]
    return []


def check_course(root: Path, course: Course | None = None) -> list[str]:
    """Every problem in the course: notebooks against the course data and each other."""
    notebooks_dir = root / "notebooks"
    if course is None:
        try:
            course = load_course(root / "content" / "course.yaml")
        except CourseDataError as exc:  # includes invalid YAML and a missing file
            return [str(exc)]
        except OSError as exc:  # present but unreadable: a permission, a folder
            return [f"content/course.yaml cannot be read ({exc.strerror or exc})"]
    problems: list[str] = []
    listed: dict[str, str] = {}
    for info in course.sessions:
        listed[info.notebook] = info.id
        path = notebooks_dir / info.notebook
        label = f"notebooks/{info.notebook}"
        if info.planned:
            if path.exists():
                problems.append(f"{label} exists but {info.id} is still marked planned")
            if not info.aim:
                problems.append(f"session {info.id} has no aim")
            continue
        if not path.is_file():
            problems.append(f"{label} is listed for session {info.id} but does not exist")
            continue
        if not info.objectives:
            problems.append(f"session {info.id} has no learning objectives")
        try:
            nb_session = session_id(read_notebook(path))
        except (OSError, ValueError):
            continue  # check_notebook below reports it as unreadable
        if nb_session != info.id:
            problems.append(
                f"{label}: metadata.peerkit.session is {nb_session!r}, expected {info.id!r}"
            )
    for path in sorted(notebooks_dir.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        relative = path.relative_to(notebooks_dir).as_posix()
        label = f"notebooks/{relative}"
        if relative not in COURSE_PAGES and relative not in listed:
            problems.append(f"{label} is not in content/course.yaml")
        problems.extend(check_notebook(path, label, session=relative not in COURSE_PAGES))
    return problems
