"""Who the learner is: PEERKIT_LEARNER, the operating-system user, and validation."""

from __future__ import annotations

import getpass

import pytest

from peerkit.errors import PeerkitError
from peerkit.identity import (
    LEARNER_ENV,
    MAX_LEARNER_LENGTH,
    current_learner,
    validate_learner,
)


def _os_user(name):
    def getuser():
        return name

    return getuser


def test_environment_variable_overrides_the_os_user(monkeypatch):
    monkeypatch.setattr(getpass, "getuser", _os_user("os-user"))
    monkeypatch.setenv(LEARNER_ENV, "learner-from-env")
    assert current_learner() == "learner-from-env"


def test_environment_variable_is_stripped(monkeypatch):
    monkeypatch.setenv(LEARNER_ENV, "  sam  ")
    assert current_learner() == "sam"


@pytest.mark.parametrize("unset", [None, "", "   "])
def test_falls_back_to_the_os_user(monkeypatch, unset):
    if unset is None:
        monkeypatch.delenv(LEARNER_ENV, raising=False)
    else:
        monkeypatch.setenv(LEARNER_ENV, unset)
    monkeypatch.setattr(getpass, "getuser", _os_user("os-user"))
    assert current_learner() == "os-user"


def test_unknown_os_user_gives_a_peerkit_error(monkeypatch):
    def no_user():
        raise OSError("no user")

    monkeypatch.delenv(LEARNER_ENV, raising=False)
    monkeypatch.setattr(getpass, "getuser", no_user)
    with pytest.raises(PeerkitError, match=LEARNER_ENV):
        current_learner()


def test_os_user_is_validated_too(monkeypatch):
    monkeypatch.delenv(LEARNER_ENV, raising=False)
    monkeypatch.setattr(getpass, "getuser", _os_user("bad\nuser"))
    with pytest.raises(PeerkitError):
        current_learner()


@pytest.mark.parametrize("learner", ["a", "alex.smith@example.org", "x" * MAX_LEARNER_LENGTH])
def test_valid_ids_are_returned_unchanged(learner):
    assert validate_learner(learner) == learner


def test_empty_id_is_rejected():
    with pytest.raises(PeerkitError, match=str(MAX_LEARNER_LENGTH)):
        validate_learner("")


def test_over_long_id_is_rejected():
    with pytest.raises(PeerkitError, match=str(MAX_LEARNER_LENGTH)):
        validate_learner("x" * (MAX_LEARNER_LENGTH + 1))


@pytest.mark.parametrize("learner", ["a\x00b", "line\nbreak", "tab\there", "esc\x1b[31m", "\r"])
def test_control_characters_are_rejected(learner):
    with pytest.raises(PeerkitError, match="control characters"):
        validate_learner(learner)


def test_control_characters_from_the_environment_are_rejected(monkeypatch):
    monkeypatch.setenv(LEARNER_ENV, "alex\x07")
    with pytest.raises(PeerkitError, match="control characters"):
        current_learner()


@pytest.mark.parametrize("learner", ["alex\x7f", "alex\x85sam"])
def test_del_and_c1_control_characters_are_rejected(learner):
    with pytest.raises(PeerkitError):
        validate_learner(learner)
