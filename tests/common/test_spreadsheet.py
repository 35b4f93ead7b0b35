import pytest

from common.spreadsheet import FORMULA_STARTS, from_spreadsheet, spreadsheet_safe


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_spreadsheet_safe_neutralises_every_formula_start(start):
    assert spreadsheet_safe(f"{start}SUM(A1)") == f"'{start}SUM(A1)"
    assert spreadsheet_safe("Plain = text") == "Plain = text"
    assert spreadsheet_safe(None) == ""


@pytest.mark.parametrize(
    "text", ["=SUM(1,2)", "'=SUM(1,2)", "''=x", "-5", "it's", "'", "", "plain", "\t@x"]
)
def test_from_spreadsheet_gives_back_what_was_written(text):
    assert from_spreadsheet(spreadsheet_safe(text)) == text


def test_from_spreadsheet_keeps_an_apostrophe_it_did_not_add():
    assert from_spreadsheet("'plain") == "'plain"
    assert all(from_spreadsheet("'" + start + "x") == start + "x" for start in FORMULA_STARTS)
