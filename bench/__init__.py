"""Performance benchmarks for the peerkit course app: ``make bench``; see README.md."""
