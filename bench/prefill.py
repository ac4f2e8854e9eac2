"""Save an answer in every box of the session, as the benchmark learner, and print them.

Run in its own process (``python -m bench.prefill``) with PEERKIT_DATABASE_URL and
PEERKIT_LEARNER set: it runs the notebook's code cells the way a Voilà kernel does,
fills every text box, saves each exercise, and prints the box values in page order
as JSON. The page benchmarks then wait for these values to be restored.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from pathlib import Path


def code_cells(notebook: Path) -> list[str]:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def text_boxes(widget):
    """Every Textarea under a widget, depth first in children order (the page's order)."""
    import ipywidgets

    if isinstance(widget, ipywidgets.Textarea):
        yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from text_boxes(child)


def main(argv: list[str]) -> int:
    notebook = Path(argv[0])
    os.environ.setdefault("VOILA_BASE_URL", "/")  # run the notebook as in a Voilà kernel
    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for source in code_cells(notebook):
            exec(compile(source, str(notebook), "exec"), namespace)
    session = namespace["session"]
    texts = []
    for exercise_id, exercise in session.exercises.items():
        for index, box in enumerate(text_boxes(exercise)):
            box.value = f"Saved answer {exercise_id} {index}"
            texts.append(box.value)
        if exercise.save_now() is None:
            raise SystemExit(f"could not save {exercise_id}: {exercise.status_text}")
    print(json.dumps({"texts": texts, "exercises": list(session.exercises)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
