"""`peerkit class` started again keeps every answer and sign-in; `--fresh` starts afresh.

A class of its own (not the shared one): it is stopped and started twice.
"""

from __future__ import annotations

import shutil

from peerkit.hub.classroom import Classroom
from tests.running_class import RunningClass, class_folder, start_class

S, E = "m1s1", "my-hopes"


def _answer(rc: RunningClass, who: str) -> object:
    """The learner's answer as the service has it now (None: none saved)."""
    status, data = rc.service_call("GET", f"answers/{S}/{E}", rc.token_for(who))
    assert status == 200, status
    return (data["revision"] or {}).get("value")


def test_starting_again_keeps_the_class_and_fresh_starts_afresh() -> None:
    first = start_class(class_folder())
    folder = first.plan.folder
    again = fresh = None
    try:
        status, _ = first.service_call(
            "PUT", f"answers/{S}/{E}", first.token_for("alice"), {"value": "Kept", "base": 0}
        )
        assert status == 200
        passwords = first.classroom.passwords()
        first.classroom.stop()

        again = RunningClass(Classroom(first.plan), first.admin_token)
        again.classroom.start()
        assert _answer(again, "alice") == "Kept"
        assert again.classroom.passwords() == passwords  # the same sign-ins
        again.classroom.stop()

        fresh = RunningClass(Classroom(first.plan, fresh=True), first.admin_token)
        fresh.classroom.start()
        assert _answer(fresh, "alice") is None  # nothing saved in this class yet
        new_passwords = fresh.classroom.passwords()
        assert set(new_passwords) == set(passwords)
        assert all(new_passwords[p] != passwords[p] for p in passwords)
    finally:
        for running in (first, again, fresh):
            if running is not None:
                running.classroom.stop()
        shutil.rmtree(folder, ignore_errors=True)
