"""Tab through a whole page as a keyboard user does, and say what went wrong.

Each Tab press must move focus on (no trap), to something the learner can see (in
the viewport, with a focus indicator: an outline of 2 px or more, or a shadow or
background that the element does not have unfocused), until focus has been round
the page once. Every exercise control must be among the stops: each text box,
menu, button and link, and one radio of each group (a group is one Tab stop; the
arrow keys move within it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: What the browser can focus with Tab, as the sweep counts it.
FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1'])"

#: Before the first press: number every stop the page offers, and note how each
#: looks unfocused (the indicator is judged against that).
MARK_STOPS = """selector => {
  const looks = el => {
    const s = getComputedStyle(el);
    return [s.boxShadow, s.backgroundColor].join('|');
  };
  const shown = el => !el.disabled && el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden';
  const stops = [...document.querySelectorAll(selector)].filter(shown);
  stops.forEach((el, i) => { el.dataset.pkStop = String(i); el.dataset.pkLooks = looks(el); });
  if (document.activeElement && document.activeElement !== document.body) {
    document.activeElement.blur();
  }
  const wanted = new Map();
  for (const el of stops) {
    if (!el.closest('.peerkit-exercise')) continue;
    const key = el.type === 'radio' ? 'radios:' + el.name : 'stop:' + el.dataset.pkStop;
    if (!wanted.has(key)) wanted.set(key, describe(el));
  }
  function describe(el) {
    const name = (el.getAttribute('aria-label') || (el.labels && el.labels[0]
      && el.labels[0].textContent) || el.textContent || el.name || '').trim().slice(0, 60);
    return `${el.tagName.toLowerCase()}${el.type ? '[' + el.type + ']' : ''} "${name}"`;
  }
  return [...wanted.entries()];
}"""

#: After a press: where focus is, and whether a person could see it there.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2
    && !/rgba\\(.*, 0\\)$/.test(s.outlineColor);
  const looks = [s.boxShadow, s.backgroundColor].join('|');
  const target = el.type === 'radio' || el.type === 'checkbox'
    ? (el.labels && el.labels[0]) || el : el;
  const box = target.getBoundingClientRect();
  const inView = box.bottom > 0 && box.top < innerHeight && box.right > 0
    && box.left < innerWidth && box.width > 0 && box.height > 0;
  const name = (el.getAttribute('aria-label') || (el.labels && el.labels[0]
    && el.labels[0].textContent) || el.textContent || el.name || '').trim().slice(0, 60);
  return {
    stop: el.dataset.pkStop ?? '',
    key: el.type === 'radio' ? 'radios:' + el.name : 'stop:' + (el.dataset.pkStop ?? ''),
    what: `${el.tagName.toLowerCase()}${el.type ? '[' + el.type + ']' : ''} "${name}"`,
    indicated: outline || (el.dataset.pkLooks !== undefined && looks !== el.dataset.pkLooks),
    inView,
  };
}"""


@dataclass
class Sweep:
    """What one round of Tab presses found."""

    presses: int = 0
    reached: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def sweep(page) -> Sweep:
    """Press Tab from the top of the page until focus has been round it once."""
    wanted = dict(page.evaluate(MARK_STOPS, FOCUSABLE))
    result = Sweep()
    seen: set[str] = set()
    limit = page.evaluate(f"() => document.querySelectorAll(`{FOCUSABLE}`).length") + 5
    previous = None
    while result.presses < limit:
        page.keyboard.press("Tab")
        result.presses += 1
        focused = page.evaluate(FOCUSED)
        if focused is None:  # past the last stop: focus left the page
            if seen:
                break
            continue
        where = f"{focused['what']} (press {result.presses})"
        if focused["stop"] == "":
            result.problems.append(f"focus went to {where}, which was not shown at the start")
        elif focused["stop"] in seen:
            if focused["stop"] == previous:
                result.problems.append(f"Tab did not move on from {where}: a keyboard trap")
            break  # round the page once
        seen.add(focused["stop"])
        previous = focused["stop"]
        result.reached.add(focused["key"])
        if not focused["indicated"]:
            result.problems.append(f"no visible focus indicator on {where}")
        if not focused["inView"]:
            result.problems.append(f"{where} has focus but is outside the window")
    else:
        result.problems.append(f"focus did not come round the page in {limit} presses")
    for key, what in wanted.items():
        if key not in result.reached:
            result.problems.append(f"Tab never reached {what}")
    return result
