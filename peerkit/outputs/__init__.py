"""Printed and presented outputs built from the course notebooks, never from a second copy.

- :mod:`~peerkit.outputs.source`: a session notebook read (not run) as narrative,
  exercises, pictures and facilitator notes;
- :mod:`~peerkit.outputs.paper`: each exercise's form as room to write on paper;
- :mod:`~peerkit.outputs.workbook`, :mod:`~peerkit.outputs.guide`,
  :mod:`~peerkit.outputs.slides`: the learner workbook, the facilitator guide and
  the slides, as self-contained HTML;
- :mod:`~peerkit.outputs.pdf`: HTML printed to PDF by headless Chromium.

Nothing here reads the answer store: a workbook, guide or deck never holds a
learner's answer (the portfolio, ``peerkit export --format pdf``, is the one that does).
"""
