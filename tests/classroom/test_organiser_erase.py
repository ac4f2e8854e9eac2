"""An organiser erases one learner's answers on request, as the README says, and no one else's."""

from __future__ import annotations

import os
import subprocess
import sys

from peerkit.hub.postgres import OWNER_ROLE

S, E = "m1s1", "my-hopes"


def test_an_organiser_erases_one_named_learner(running_class) -> None:
    rc = running_class
    leaving, staying = rc.new_learner("leaving"), rc.new_learner("staying")
    for text in ("first", "second"):
        rc.store_for(leaving).save(leaving, S, E, text)
    rc.store_for(staying).save(staying, S, E, "still here")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PEERKIT_", "JUPYTERHUB_"))}
    env |= {
        "PEERKIT_DATABASE_URL": rc.classroom.postgres.url(OWNER_ROLE),
        "PEERKIT_LEARNER": leaving,
    }
    asked = subprocess.run(
        [sys.executable, "-m", "peerkit.cli", "erase"], env=env, capture_output=True, text=True
    )
    assert asked.returncode == 2 and "2 saved versions" in asked.stdout
    assert "postgresql" not in asked.stdout + asked.stderr  # no address, no password
    done = subprocess.run(
        [sys.executable, "-m", "peerkit.cli", "erase", "--yes"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "2 saved versions removed" in done.stdout
    assert rc.store_for(leaving).all_revisions(leaving) == []
    assert [r.value for r in rc.store_for(staying).all_revisions(staying)] == ["still here"]
