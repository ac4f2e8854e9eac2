"""axe-core in a Playwright page: WCAG 2.0, 2.1 and 2.2 A and AA, and best practice.

axe-core comes from npm (tests/browser/package.json; ``make axe`` installs it). The
script is injected into the page under test and ``axe.run`` checks the whole document.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = (
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22a",
    "wcag22aa",
    "best-practice",
)
#: Elements inside these belong to an exercise (reported as such, never left out).
EXERCISE = ".peerkit-exercise, .peerkit-tool"
RUN = """async ([tags, EXERCISE]) => {
  const results = await window.axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
    elementRef: true,
  });
  const place = n => n.element && n.element.closest(EXERCISE) ? 'exercise' : 'page';
  return results.violations.map(v => ({
    id: v.id,
    impact: v.impact || '',
    help: v.help,
    targets: v.nodes.map(n => n.target.map(t => Array.isArray(t) ? t.join(' >> ') : t).join(' ')),
    summaries: v.nodes.map(n => (n.failureSummary || '').replace(/\\s+/g, ' ').trim()),
    places: v.nodes.map(place),
  }));
}"""


@dataclass(frozen=True)
class Violation:
    """One axe rule that failed, and the elements it failed on."""

    id: str
    impact: str
    help: str
    targets: tuple[str, ...]
    summaries: tuple[str, ...]
    #: For each element: 'exercise' (inside an exercise or tool) or 'page'.
    places: tuple[str, ...] = ()

    def describe(self) -> str:
        lines = [f"{self.id} ({self.impact}): {self.help}"]
        places = self.places or ("",) * len(self.targets)
        for target, summary, place in zip(self.targets, self.summaries, places, strict=True):
            lines.append(f"    {target}" + (f"  [{place}]" if place else ""))
            if summary:
                lines.append(f"      {summary[:300]}")
        return "\n".join(lines)


def missing() -> str:
    """Why axe-core cannot be used, or '' when it can."""
    if AXE_SCRIPT.is_file():
        return ""
    return f"{AXE_SCRIPT} is missing: run `make axe` (npm ci in tests/browser)"


def run_axe(page) -> list[Violation]:
    """Every violation on the page as it is now (axe is injected once per document)."""
    if page.evaluate("() => typeof window.axe") == "undefined":
        page.add_script_tag(path=str(AXE_SCRIPT))
    found = page.evaluate(RUN, [list(TAGS), EXERCISE])
    return [
        Violation(
            item["id"],
            item["impact"],
            item["help"],
            tuple(item["targets"]),
            tuple(item["summaries"]),
            tuple(item["places"]),
        )
        for item in found
    ]


def report(violations: list[Violation]) -> str:
    """A failure message: each rule with its impact, then its targets."""
    return "\n".join(v.describe() for v in violations)
