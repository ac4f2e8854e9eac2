"""Learners arriving at once, as a class does when the facilitator says "open Session 4":
each reaches their own course home and session page, and each one's saves are stored as
theirs, beside nobody else's (the service takes the learner from the kernel's token, however
many requests are in flight together). Driven as pages drive them, over HTTP and the kernel's
websocket (page_client.py), so that three fit on the machine with the rest of the tests."""

from __future__ import annotations

import asyncio
import uuid

from peerkit.course.notebooks import exercise_ids
from peerkit.paths import notebooks_dir

from .page_client import TEXT_KINDS, PageClient

LEARNERS = ("alice", "bob", "carol")
NOTEBOOK, SESSION = "module2/04-positive-risk.ipynb", "m2s4"  # no other class test writes it
SAVES = 3


async def journey(url: str, name: str, password: str, tag: str) -> dict:
    """Sign in, leave the home, open the session, save a text exercise SAVES times."""
    async with PageClient(url, name, password, timeout=240) as client:
        home = await client.sign_in()
        await client.leave(home)
        html = await client.page(NOTEBOOK)
        async with client.kernel(html) as kernel:
            views = await kernel.exercises()
            model = next(m for m, s in views.items() if TEXT_KINDS & set(s["_dom_classes"]))
            value, base, acks = {**views[model]["values"]}, views[model]["revision"], []
            for index in range(SAVES):
                value[next(iter(value))] = f"{tag} {name} {index}"
                ack = await kernel.save(model, base, value)
                acks.append(ack.get("type"))
                base = ack.get("revision", base)
        return {"exercises": len(views), "acks": acks, "errors": client.errors}


def test_learners_arriving_at_once_each_save_only_as_themselves(running_class) -> None:
    rc, tag = running_class, f"together-{uuid.uuid4().hex[:8]}"
    passwords = rc.classroom.passwords()

    async def everyone() -> list[dict]:
        trips = (journey(rc.plan.url, name, passwords[name], tag) for name in LEARNERS)
        return await asyncio.wait_for(asyncio.gather(*trips), timeout=300)

    results = dict(zip(LEARNERS, asyncio.run(everyone()), strict=True))
    exercises = len(exercise_ids(notebooks_dir() / NOTEBOOK))
    for name, result in results.items():
        assert result == {"exercises": exercises, "acks": ["saved"] * SAVES, "errors": []}, name
        mine = [
            r.value for r in rc.store_for(name).all_revisions(name)
            if r.session == SESSION and tag in str(r.value)
        ]  # fmt: skip
        fields = [v.values() if isinstance(v, dict) else [v] for v in mine]  # one box: a text
        tagged = [[text for text in f if tag in str(text)] for f in fields]
        assert tagged == [[f"{tag} {name} {i}"] for i in range(SAVES)], name
