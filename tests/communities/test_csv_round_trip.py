"""Needs CSV: what the app exports, it imports again unchanged, whatever the text holds."""

from hypothesis import given, settings
from hypothesis import strategies as st

from common.text import text_problem
from communities.csv_io import (
    NAME_MAX,
    STATEMENT_MAX,
    TEXT_MAX,
    ExportRow,
    parse_communities_csv,
    write_communities_csv,
)
from communities.models import CommunityKind

BOM = "\ufeff"


def storable(max_size: int, min_size: int = 0):
    """Text a form would store: stripped, no control characters, valid Unicode."""
    alphabet = st.characters(codec="utf-8")
    tricky = st.sampled_from(["'", "=", "+", "-", "@", '"', "\n", "\u200f", "\u202e", "🙂", ";"])
    pieces = st.lists(st.one_of(st.text(alphabet, max_size=8), tricky), max_size=12)
    return (
        pieces.map("".join)
        .map(str.strip)
        .map(lambda text: text[:max_size].strip())
        .filter(lambda text: len(text) >= min_size and text_problem(text) is None)
    )


def test_a_formula_like_need_comes_back_as_typed():
    rows = [ExportRow("Engineers", "customers", "", None, "'=SUM(1,2)", 3, "=1+1")]
    [community] = parse_communities_csv((BOM + write_communities_csv(rows)).encode())
    assert [(n.statement, n.evidence) for n in community.needs] == [("'=SUM(1,2)", "=1+1")]


@settings(max_examples=200, deadline=None)
@given(
    name=storable(NAME_MAX, min_size=1),
    description=storable(TEXT_MAX),
    statements=st.lists(
        storable(STATEMENT_MAX, min_size=1), min_size=1, max_size=3, unique_by=str.casefold
    ),
    evidence=storable(TEXT_MAX),
    weight=st.integers(1, 5),
    kind=st.sampled_from(CommunityKind.values),
)
def test_export_then_import_gives_back_the_same_text(
    name, description, statements, evidence, weight, kind
):
    rows = [
        ExportRow(name, kind, description, None, statement, weight, evidence)
        for statement in statements
    ]
    exported = write_communities_csv(rows)
    [community] = parse_communities_csv((BOM + exported).encode())
    assert (community.name, community.kind, community.description or "") == (
        name, kind, description
    )  # fmt: skip
    assert [(n.statement, n.weight, n.evidence) for n in community.needs] == [
        (statement, weight, evidence) for statement in statements
    ]
    again = [
        ExportRow(
            community.name,
            community.kind,
            community.description or "",
            None,
            n.statement,
            n.weight,
            n.evidence,
        )
        for n in community.needs
    ]
    assert write_communities_csv(again) == exported
