"""Answer values: shapes, size limit, Unicode edge cases and the stored encoding."""

from __future__ import annotations

import pytest

from peerkit.errors import AnswerRejected
from peerkit.store.answers import (
    MAX_ANSWER_CHARS,
    MAX_KEY_CHARS,
    decode,
    encode,
    is_answered,
    normalise,
)

ARABIC = "\u0623\u0646\u0627 \u0628\u062e\u064a\u0631\u060c \u0634\u0643\u0631\u0627\u064b"
HEBREW = "\u05d0\u05e0\u05d9 \u05d1\u05e1\u05d3\u05e8, \u05ea\u05d5\u05d3\u05d4"
MIXED_BIDI = f"I said {HEBREW} and then {ARABIC} (1, 2, 3)."
EMOJI = (
    "Feeling \U0001f642 today \U0001f469\U0001f3fd\u200d\U0001f9b0"
    " \u2764\ufe0f \U0001f1ec\U0001f1e7"
)


# --- accepted shapes -----------------------------------------------------------


def test_normalise_accepts_text():
    assert normalise("Hope and connection") == "Hope and connection"


def test_normalise_accepts_a_list_and_turns_tuples_into_lists():
    assert normalise(["a", "b"]) == ["a", "b"]
    assert normalise(("a", "b")) == ["a", "b"]
    assert isinstance(normalise(("a",)), list)


def test_normalise_accepts_a_mapping_of_text_and_lists():
    value = {"i-commit": "Listening", "i-need": ["Time", "Respect"]}
    assert normalise(value) == value


def test_normalise_accepts_nesting_up_to_the_limit():
    assert normalise([[["deep"]]]) == [[["deep"]]]
    assert normalise({"a": {"b": {"c": "deep"}}}) == {"a": {"b": {"c": "deep"}}}


# --- size limit ----------------------------------------------------------------


def test_answer_at_the_limit_is_accepted():
    assert len(normalise("x" * MAX_ANSWER_CHARS)) == MAX_ANSWER_CHARS


def test_answer_over_the_limit_is_rejected_with_the_limit_in_the_message():
    with pytest.raises(AnswerRejected) as info:
        normalise("x" * (MAX_ANSWER_CHARS + 1))
    message = str(info.value)
    assert f"{MAX_ANSWER_CHARS:,}" in message
    assert "xxxxxxxxxx" not in message  # the learner's text is not echoed back


def test_limit_counts_text_across_a_structured_answer():
    half = MAX_ANSWER_CHARS // 2
    with pytest.raises(AnswerRejected, match=f"{MAX_ANSWER_CHARS:,}"):
        normalise({"a": "x" * half, "b": ["y" * half, "z"]})


# --- Unicode edge cases through the store ------------------------------------------


def test_nul_bytes_survive_a_round_trip(store):
    text = "before\x00after\x00"
    store.save("alex", "m2s1", "chime-now", text)
    assert store.latest("alex", "m2s1", "chime-now").value == text


def test_lone_surrogate_becomes_replacement_character_and_saves(store):
    assert normalise("a\ud800b") == "a\ufffdb"
    assert normalise({"k\udfff": ["\udc00"]}) == {"k\ufffd": ["\ufffd"]}
    store.save("alex", "m2s1", "chime-now", "half a pair: \ud83d!")
    assert store.latest("alex", "m2s1", "chime-now").value == "half a pair: \ufffd!"


@pytest.mark.parametrize("text", [ARABIC, HEBREW, MIXED_BIDI, EMOJI])
def test_right_to_left_text_and_emoji_round_trip_exactly(store, text):
    store.save("alex", "m2s1", "chime-now", text)
    assert store.latest("alex", "m2s1", "chime-now").value == text
    store.save("alex", "m2s1", "boxes", {text: [text]})
    assert store.latest("alex", "m2s1", "boxes").value == {text: [text]}


def test_valid_surrogate_pair_characters_are_kept():
    assert normalise(EMOJI) == EMOJI


# --- rejected shapes -----------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        42,
        None,
        1.5,
        True,
        b"bytes",
        {"a": 1},
        ["ok", None],
        [[[["too deep"]]]],
        {"a": {"b": {"c": {"d": "too deep"}}}},
        {1: "non-text key"},
        {("a",): "tuple key"},
        {"k" * (MAX_KEY_CHARS + 1): "long key"},
        {"x"},
    ],
)
def test_wrong_types_are_rejected(value):
    with pytest.raises(AnswerRejected):
        normalise(value)


def test_nested_too_deep_message_says_so():
    with pytest.raises(AnswerRejected, match="nested too deeply"):
        normalise([[[[["x"]]]]])


# --- is_answered -----------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["x", "  text  ", ["", "y"], {"a": "", "b": ["", " z "]}, "\u05d0"],
)
def test_is_answered_true_for_any_non_blank_text(value):
    assert is_answered(value) is True


@pytest.mark.parametrize(
    "value",
    ["", "   \n\t ", [], ["", " "], {}, {"a": "", "b": [" "]}, None, 5],
)
def test_is_answered_false_for_blank_or_non_text(value):
    assert is_answered(value) is False


# --- encoding --------------------------------------------------------------------


@pytest.mark.parametrize("value", [ARABIC, EMOJI, "nul\x00", {"\u05d0": ["caf\u00e9"]}])
def test_encode_output_is_ascii_and_decodes_back(value):
    raw = encode(normalise(value))
    assert raw.isascii()
    assert decode(raw) == value


def test_encode_is_stable_regardless_of_key_order():
    assert encode({"b": "1", "a": "2"}) == encode({"a": "2", "b": "1"})
