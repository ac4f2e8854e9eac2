"""The kernel's side of a group's board (peerkit/exercises/group_board.py), with the
service's calls recorded: which group's board is read, listened to and added to."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

from peerkit.exercises.group_board import CHOOSE, MOVED, NOT_DONE, GroupBoard

S, B = "m2s5", "self-care-toolbox"


class Boards:
    """What ``IdeaBoards`` would ask the service, kept instead of sent."""

    def __init__(self, groups: list[str]) -> None:
        self._groups = groups
        self.read_from: list[str] = []
        self.added: list[tuple[str, str]] = []
        self.listening: dict[str, threading.Event] = {}

    def groups(self) -> list[str]:
        return list(self._groups)

    def read(self, session: str, board: str, group: str) -> tuple[list[Any], bool]:
        self.read_from.append(group)
        return [], False

    def listen(self, session: str, board: str, group: str, changed: Any) -> threading.Event:
        self.listening[group] = threading.Event()
        return self.listening[group]

    def add(self, session: str, board: str, group: str, text: str, **_: Any) -> None:
        self.added.append((group, text))


def board_of(groups: list[str]) -> tuple[GroupBoard, Boards, Any]:
    boards, view = Boards(groups), SimpleNamespace(board={})
    return GroupBoard(view, boards, S, B), boards, view  # type: ignore[arg-type]


def add(board: GroupBoard, group: str | None) -> dict[str, Any]:
    sent = {"type": "idea-add", "text": "A walk", "key": "k"}
    return board.handle(sent if group is None else {**sent, "group": group})


def test_one_group_is_its_board_as_ever() -> None:
    board, boards, view = board_of(["monday"])
    assert (view.board["group"], boards.read_from, list(boards.listening)) == (
        "monday", ["monday"], ["monday"],
    )  # fmt: skip
    assert add(board, "monday")["type"] == "idea-done"
    # A page that showed another board (or none) adds nothing.
    assert add(board, "tuesday")["message"] == MOVED
    assert add(board, None)["message"] == MOVED
    assert boards.added == [("monday", "A walk")]


def test_several_groups_show_none_until_one_is_chosen_and_add_to_it_only() -> None:
    board, boards, view = board_of(["monday", "tuesday"])
    assert view.board == {
        "ideas": [], "facilitating": False, "error": "", "groups": ["monday", "tuesday"],
        "group": "",
    }  # fmt: skip
    assert boards.read_from == [] and boards.listening == {}  # nothing read before choosing
    assert add(board, "")["message"] == CHOOSE
    assert board.handle({"type": "idea-group", "group": "wednesday"})["message"] == NOT_DONE
    assert board.handle({"type": "idea-group", "group": "tuesday"})["group"] == "tuesday"
    assert (boards.read_from, view.board["group"]) == (["tuesday"], "tuesday")
    assert add(board, "monday")["message"] == MOVED
    assert add(board, "tuesday")["type"] == "idea-done"
    board.handle({"type": "idea-group", "group": "monday"})
    assert boards.listening["tuesday"].is_set()  # stopped listening to the other board
    assert not boards.listening["monday"].is_set()
    assert boards.added == [("tuesday", "A walk")]
