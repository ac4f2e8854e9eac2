"""Performance benchmarks for the peerkit course app. Run with ``make bench``.

Not part of ``make test``: the numbers depend on the machine, and a run takes minutes.
See bench/README.md for what is measured, how, and the latest results.
"""
