"""The hint rules: a pure function, no database."""

import pytest

from purposes.hints import MAX_STATEMENT_CHARS, MAX_STATEMENT_WORDS, purpose_hints, vague_terms

COMPLETE = {
    "title": "Right first time",
    "statement": "Help design engineers get their boards right first time.",
    "participants": "Electronics design engineers",
    "issue": "Prototypes fail for avoidable reasons",
    "value_to_participants": "Working boards sooner",
    "value_to_organisation": "Engineers specify our parts early",
}


def kinds(hints, kind):
    return [hint.field for hint in hints if hint.kind == kind]


def test_a_complete_clear_draft_has_no_hints():
    assert purpose_hints(COMPLETE) == []


def test_each_missing_part_is_named():
    draft = {**COMPLETE, "issue": "", "value_to_organisation": "   "}
    assert kinds(purpose_hints(draft), "missing") == ["issue", "value_to_organisation"]


def test_an_empty_draft_misses_the_statement_and_all_four_parts():
    assert kinds(purpose_hints({}), "missing") == [
        "statement",
        "participants",
        "issue",
        "value_to_participants",
        "value_to_organisation",
    ]


def test_a_statement_of_exactly_the_word_limit_is_not_long():
    statement = " ".join(["word"] * MAX_STATEMENT_WORDS)
    assert kinds(purpose_hints({**COMPLETE, "statement": statement}), "long") == []


def test_one_word_over_the_limit_is_long():
    statement = " ".join(["word"] * (MAX_STATEMENT_WORDS + 1))
    hints = purpose_hints({**COMPLETE, "statement": statement})
    assert kinds(hints, "long") == ["statement"]
    assert str(MAX_STATEMENT_WORDS + 1) in next(h.message for h in hints if h.kind == "long")


def test_a_few_very_long_words_are_long_by_characters():
    statement = " ".join(["electromechanically"] * 13)  # 13 words, 259 characters
    assert len(statement) > MAX_STATEMENT_CHARS
    assert kinds(purpose_hints({**COMPLETE, "statement": statement}), "long") == ["statement"]


def test_vague_words_are_flagged_once_each_in_order():
    text = "Leverage synergies to empower best-in-class solutions; leverage again."
    assert vague_terms(text) == ["leverage", "synergy", "empower", "best-in-class", "solutions"]


def test_world_class_is_vague_with_or_without_hyphen():
    assert vague_terms("A world class community") == ["world-class"]
    assert vague_terms("A world-class community") == ["world-class"]


def test_vague_words_inside_other_words_are_not_flagged():
    assert vague_terms("Resolutions, disengagement and empowerments") == []


def test_engage_with_an_object_is_fine():
    assert vague_terms("Engage design engineers early") == []
    assert vague_terms("We engage with suppliers") == []


def test_engage_with_no_object_is_vague():
    assert vague_terms("A place to engage.") == ["engage"]
    assert vague_terms("Engage and grow") == ["engage"]
    assert vague_terms("we want people to engage") == ["engage"]
    assert vague_terms("engaging more") == ["engage"]


def test_vague_words_are_checked_in_every_text_field():
    draft = {**COMPLETE, "value_to_organisation": "Synergy", "title": "World-class hub"}
    assert kinds(purpose_hints(draft), "vague") == ["title", "value_to_organisation"]


def test_hints_carry_readable_labels():
    (hint,) = purpose_hints({**COMPLETE, "issue": ""})
    assert hint.field_label == "The issue or opportunity"
    assert hint.kind_label == "Missing"
    assert "need or opportunity" in hint.message


@pytest.mark.parametrize(
    ("text", "vague"),
    [
        ("Train the next generation of design engineers.", []),
        ("A next-generation platform for parts data.", ["next-generation"]),
        ("Our next generation platform.", ["next-generation"]),
    ],
)
def test_the_next_generation_of_people_is_not_vague_but_a_next_generation_thing_is(text, vague):
    assert vague_terms(text) == vague
