"""Who sees whom: cohorts from JupyterHub's groups, read page by page and kept briefly."""

from __future__ import annotations

import asyncio
import json

import pytest

from peerkit.hub.groups import Cohorts, GroupsUnavailable, HubGroups

GROUPS = [
    {"name": "facilitators", "users": ["fran", "tess"]},
    {"name": "monday", "users": ["alice", "bob", "fran"]},
    {"name": "tuesday", "users": ["carol", "tess"]},
    {"name": "both", "users": ["dev", "fran", "tess"]},
]


def test_a_facilitator_sees_the_learners_of_their_own_groups_only() -> None:
    cohorts = Cohorts.from_groups(GROUPS)
    assert cohorts.learners_of("fran") == {"alice", "bob", "dev"}
    assert cohorts.learners_of("fran", "monday") == {"alice", "bob"}
    assert cohorts.learners_of("tess") == {"carol", "dev"}
    assert cohorts.learners_of("alice") == frozenset()  # not a facilitator
    assert cohorts.members_of("monday") == {"alice", "bob"}  # one group's board
    assert cohorts.cohorts_of("fran") == ["both", "monday"]


def paged(groups: list[dict], calls: list[str]):
    async def fetch(url: str) -> bytes:
        calls.append(url)
        offset = int(url.split("offset=")[1].split("&")[0])
        page = groups[offset : offset + 200]
        return json.dumps({"items": page, "_pagination": {"total": len(groups)}}).encode()

    return fetch


def test_an_unnamed_group_choice_counts_only_for_those_in_one_group() -> None:
    """A choice of "my group" naming no group means the learner's only group."""
    cohorts = Cohorts.from_groups(
        [
            {"name": "one", "users": ["m", "p", "f"]},
            {"name": "two", "users": ["m", "q"]},
            {"name": "facilitators", "users": ["f"]},
        ]
    )
    assert cohorts.members_of("one") == {"m", "p"}
    assert cohorts.members_of("nowhere") == frozenset()
    assert cohorts.alone_in({"m", "p", "q"}, ["one"]) == {"p"}
    assert cohorts.alone_in({"m", "p", "q"}, ["one", "two"]) == {"p", "q"}


def test_every_page_of_groups_is_read() -> None:
    many = [{"name": f"g{n}", "users": [f"u{n}"]} for n in range(450)]
    calls: list[str] = []
    cohorts = asyncio.run(HubGroups("http://hub/api", paged(many, calls)).cohorts())
    assert len(calls) == 3
    assert cohorts.cohorts_of("u449") == ["g449"]


def test_a_reading_is_kept_briefly_but_not_for_someone_it_does_not_know() -> None:
    calls: list[str] = []
    groups = HubGroups("http://hub/api", paged(GROUPS, calls), max_age=60)

    async def run() -> None:
        await groups.cohorts("alice")
        await groups.cohorts("alice")
        assert len(calls) == 1
        groups._read_at -= 1  # a second old: someone unknown makes it read again
        await groups.cohorts("someone-new")
        assert len(calls) == 2

    asyncio.run(run())


def test_a_hub_that_cannot_answer_is_said_plainly() -> None:
    async def broken(url: str) -> bytes:
        raise OSError("connection refused")

    with pytest.raises(GroupsUnavailable):
        asyncio.run(HubGroups("http://hub/api", broken).cohorts())
