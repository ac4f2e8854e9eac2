"""The course data: modules, sessions, support lines (``content/course.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peerkit import paths
from peerkit.errors import CourseDataError

COURSE_FILE = "course.yaml"


@dataclass(frozen=True)
class SessionInfo:
    id: str
    module_id: str
    number: int
    title: str
    notebook: str
    aim: str = ""
    objectives: tuple[str, ...] = ()
    planned: bool = False
    kind: str = "session"
    #: Shown by the session on the course home, with a choice, before it is opened.
    content_note: str = ""

    @property
    def heading(self) -> str:
        """'Session 3: Personal Recovery', or just the title for a resources page."""
        if self.kind == "resources":
            return self.title
        return f"Session {self.number}: {self.title}"

    def notebook_path(self, root: Path | None = None) -> Path:
        return (root or paths.notebooks_dir()) / self.notebook


@dataclass(frozen=True)
class ModuleInfo:
    id: str
    number: int
    title: str
    subtitle: str = ""
    sessions: tuple[SessionInfo, ...] = ()


@dataclass(frozen=True)
class SupportLine:
    name: str
    contact: str
    detail: str


@dataclass(frozen=True)
class AssessmentBrief:
    """One piece of assessed work: the task, what a good answer shows, length, assessment.

    ``words`` is the course's word count when it sets one (then shown, and the essay
    planner's target); without it the length text says who confirms it.
    """

    id: str
    session: str
    title: str
    task: str
    good_answer_shows: tuple[str, ...]
    length: str
    assessed: str
    words: int | None = None

    @property
    def word_target(self) -> int:
        """The word count for a planner's live count (0: none set by the course)."""
        return self.words or 0


@dataclass(frozen=True)
class Course:
    title: str
    modules: tuple[ModuleInfo, ...]
    support_intro: str
    support_lines: tuple[SupportLine, ...]
    privacy: str
    sessions_by_id: dict[str, SessionInfo] = field(default_factory=dict)
    assessments: tuple[AssessmentBrief, ...] = ()

    def assessment(self, assessment_id: str) -> AssessmentBrief:
        for brief in self.assessments:
            if brief.id == assessment_id:
                return brief
        raise CourseDataError(f"No assessment {assessment_id!r} in the course data.")

    def session(self, session_id: str) -> SessionInfo:
        try:
            return self.sessions_by_id[session_id]
        except KeyError:
            raise CourseDataError(f"No session {session_id!r} in the course data.") from None

    def module(self, module_id: str) -> ModuleInfo:
        for module in self.modules:
            if module.id == module_id:
                return module
        raise CourseDataError(f"No module {module_id!r} in the course data.")

    @property
    def sessions(self) -> list[SessionInfo]:
        return [s for m in self.modules for s in m.sessions]


def load_yaml(path: Path) -> Any:
    import yaml

    # libyaml's loader when PyYAML has it: the course data in ~1 ms instead of ~14 ms,
    # paid by every learner's kernel.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=loader)  # a safe loader, either way
    except FileNotFoundError:
        raise CourseDataError(f"Course data file not found: {path}") from None
    except yaml.YAMLError as exc:
        raise CourseDataError(f"{path} is not valid YAML: {exc}") from None


def load_course(path: Path | None = None) -> Course:
    """Read and check the course data file."""
    path = path or paths.content_dir() / COURSE_FILE
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise CourseDataError(f"{path} must hold a mapping with title, modules and support")
    try:
        modules = tuple(_module(m) for m in data["modules"])
        support = data["support"]
        lines = tuple(
            SupportLine(str(s["name"]), str(s["contact"]), str(s.get("detail", "")))
            for s in support["lines"]
        )
        course = Course(
            title=str(data["title"]),
            modules=modules,
            support_intro=str(support["intro"]),
            support_lines=lines,
            privacy=str(data["privacy"]),
            assessments=tuple(_assessment(a) for a in data.get("assessments") or ()),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CourseDataError(f"{path}: missing or malformed field {exc}") from None
    for session in course.sessions:
        if session.id in course.sessions_by_id:
            raise CourseDataError(f"{path}: session id {session.id!r} is used twice")
        course.sessions_by_id[session.id] = session
    seen: set[str] = set()
    for brief in course.assessments:
        if brief.id in seen:
            raise CourseDataError(f"{path}: assessment id {brief.id!r} is used twice")
        seen.add(brief.id)
        if brief.session not in course.sessions_by_id:
            raise CourseDataError(
                f"{path}: assessment {brief.id!r} names session {brief.session!r}, "
                "which is not in the course"
            )
    return course


def _assessment(data: dict[str, Any]) -> AssessmentBrief:
    where = f"assessment {data.get('id')!r}"
    words = data.get("words")
    if words is not None and (isinstance(words, bool) or not isinstance(words, int) or words < 1):
        raise ValueError(f"{where}: words must be a whole number above 0, or left out")
    shows = _string_list(data.get("good_answer_shows"), f"{where}.good_answer_shows")
    if not shows:
        raise ValueError(f"{where}: good_answer_shows needs at least one point")
    texts = {}
    for name in ("id", "session", "title", "task", "length", "assessed"):
        text = data[name]
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{where}: {name} must be some text")
        texts[name] = text.strip()
    return AssessmentBrief(**texts, good_answer_shows=shows, words=words)


def _module(data: dict[str, Any]) -> ModuleInfo:
    sessions = tuple(
        SessionInfo(
            id=str(s["id"]),
            module_id=str(data["id"]),
            number=int(s["number"]),
            title=str(s["title"]),
            notebook=str(s["notebook"]),
            aim=str(s.get("aim", "")).strip(),
            objectives=_string_list(s.get("objectives"), f"{s['id']}.objectives"),
            planned=bool(s.get("planned", False)),
            kind=str(s.get("kind", "session")),
            content_note=" ".join(str(s.get("content_note") or "").split()),
        )
        for s in data["sessions"]
    )
    return ModuleInfo(
        id=str(data["id"]),
        number=int(data["number"]),
        title=str(data["title"]),
        subtitle=str(data.get("subtitle", "")),
        sessions=sessions,
    )


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where} must be a list of sentences")
    return tuple(value)


def load_content(name: str) -> Any:
    """Load another data file from ``content/`` by name (without ``.yaml``)."""
    if "/" in name or "\\" in name or name.startswith("."):
        raise CourseDataError(f"Not a content name: {name!r}")
    return load_yaml(paths.content_dir() / f"{name}.yaml")
