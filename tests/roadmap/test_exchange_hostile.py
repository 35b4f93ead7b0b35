"""Hostile JSON roadmap files: refused with a message, quickly, whatever their shape."""

import json

import pytest

from common.limits import JSON_MAX_BYTES, JSON_MAX_DEPTH, JSON_MAX_KEYS, JSON_MAX_VALUES
from roadmap.exchange.parsing import ImportInvalid, load_document
from tests.support.deadline import finishes_within


def refusal(data: bytes) -> str:
    with pytest.raises(ImportInvalid) as caught, finishes_within(20):
        load_document(data)
    return " ".join(problem.message for problem in caught.value.problems)


def many_keys(count: int) -> bytes:
    body = ",".join(f'"k{i}":0' for i in range(count))
    return ('{"format":"purpose-roadmap","roadmap":{' + body + "}}").encode()


def test_two_megabytes_of_keys_are_refused_before_parsing():
    data = many_keys(184_016)
    assert len(data) <= JSON_MAX_BYTES
    message = refusal(data)
    assert "fields" in message
    assert f"{JSON_MAX_KEYS:,}" in message


def test_many_keys_under_the_limit_are_checked_for_repeats_in_linear_time():
    # 90,000 distinct keys in one object: the old check took minutes.
    message = refusal(many_keys(90_000))
    assert "appears twice" not in message


def test_a_repeated_key_is_still_named():
    data = b'{"format":"purpose-roadmap","roadmap":{"title":"a","title":"b"}}'
    assert "“title” appears twice" in refusal(data)


@pytest.mark.parametrize("opening, closing", [("[", "]"), ('{"a":', "}")])
def test_deep_nesting_is_refused_with_the_limit_named(opening, closing):
    depth = JSON_MAX_DEPTH + 5
    data = '{"format":"purpose-roadmap","x":' + opening * depth + "1" + closing * depth + "}"
    assert f"more than {JSON_MAX_DEPTH} levels" in refusal(data.encode())


def test_nesting_up_to_the_limit_reaches_the_schema_check():
    depth = JSON_MAX_DEPTH - 2
    data = '{"format":"purpose-roadmap","x":' + "[" * depth + "]" * depth + "}"
    assert "levels" not in refusal(data.encode())


def test_two_megabytes_of_open_brackets_get_a_message():
    data = b'{"format":"purpose-roadmap","x":' + b"[" * (JSON_MAX_BYTES - 40)
    assert "values; at most" in refusal(data)
    # Fewer brackets than values allowed: the parser says it is nested too deeply.
    data = b'{"format":"purpose-roadmap","x":' + b"[" * (JSON_MAX_VALUES - 10)
    assert "not valid JSON" in refusal(data)


def test_colons_and_brackets_inside_strings_do_not_count():
    text = ":" * 200_000 + "[{" * 100
    data = json.dumps({"format": "purpose-roadmap", "roadmap": {"title": text}}).encode()
    message = refusal(data)
    assert "fields" not in message
    assert "levels" not in message


def test_an_escaped_quote_does_not_end_a_string():
    text = '\\"' + ":" * 200_000
    data = ('{"format":"purpose-roadmap","roadmap":{"title":"' + text + '"}}').encode()
    assert "fields" not in refusal(data)


@pytest.mark.parametrize(
    "text, words",
    [
        ("nul \u0000 inside", "control characters"),
        ("bell \u0007", "control characters"),
        ("\ud800 alone", "lone surrogate"),
    ],
)
def test_text_the_app_could_not_store_or_show_is_refused_with_its_place(text, words):
    document = {"format": "purpose-roadmap", "roadmap": {"title": text, "phases": []}}
    data = json.dumps(document).encode()
    with pytest.raises(ImportInvalid) as caught:
        load_document(data)
    [problem] = caught.value.problems
    assert problem.path == "/roadmap/title"
    assert words in problem.message


def test_a_field_name_with_a_nul_is_refused():
    data = b'{"format":"purpose-roadmap","roadmap":{"ti\\u0000tle":"x"}}'
    assert "A field name contains control characters" in refusal(data)


def test_two_megabytes_of_shallow_nesting_is_refused_by_its_number_of_values():
    # 30 levels deep (allowed), repeated until the file is full: a million arrays.
    unit = "[" * 30 + "]" * 30
    body = ",".join([unit] * ((JSON_MAX_BYTES - 64) // (len(unit) + 1)))
    data = ('{"format":"purpose-roadmap","x":[' + body + "]}").encode()
    message = refusal(data)
    assert f"at most {JSON_MAX_VALUES:,} are allowed" in message
