"""``python -m peerkit.cli``: the same as the ``peerkit`` command."""

import sys

from peerkit.cli import main

sys.exit(main())
