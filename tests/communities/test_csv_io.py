"""The CSV reader and writer on their own: no database."""

import pytest

from communities.csv_io import (
    COLUMNS,
    MAX_FILE_BYTES,
    CsvInvalid,
    ExportRow,
    parse_communities_csv,
    write_communities_csv,
)

HEADER = ",".join(COLUMNS)


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _errors(data: bytes, **kwargs) -> list[str]:
    with pytest.raises(CsvInvalid) as caught:
        parse_communities_csv(data, **kwargs)
    return [str(error) for error in caught.value.errors]


def test_rows_of_one_community_make_one_community_with_its_needs_in_order():
    rows = parse_communities_csv(
        _csv(
            "Design engineers,customers,Choose parts,75000,Right first time,5,Interviews",
            "Design engineers,,,,Free tools,4,",
            "Buyers,prospects,,,,,",
        )
    )
    assert [(r.name, r.kind, r.estimated_size) for r in rows] == [
        ("Design engineers", "customers", 75000),
        ("Buyers", "prospects", None),
    ]
    assert [(n.statement, n.weight, n.evidence) for n in rows[0].needs] == [
        ("Right first time", 5, "Interviews"),
        ("Free tools", 4, ""),
    ]
    assert rows[1].needs == []


def test_kind_label_and_any_case_are_accepted():
    rows = parse_communities_csv(_csv("A,Customers,,,,,", "B,EMPLOYEES,,,,,"))
    assert [r.kind for r in rows] == ["customers", "employees"]


def test_utf8_bom_semicolons_and_crlf_are_accepted():
    text = "\ufeff" + HEADER.replace(",", ";") + "\r\nCafé clients;customers;;;Crème;2;\r\n"
    rows = parse_communities_csv(text.encode())
    assert rows[0].name == "Café clients"
    assert rows[0].needs[0].statement == "Crème"


def test_columns_may_come_in_any_order():
    header = "need,weight,community,kind,evidence,description,estimated_size"
    rows = parse_communities_csv(_csv("Fast,2,Buyers,prospects,,,", header=header))
    assert rows[0].name == "Buyers"
    assert rows[0].needs[0].weight == 2


def test_weight_out_of_range_names_the_row_and_value():
    errors = _errors(_csv("A,customers,,,One,3,", "A,customers,,,Two,3,", "A,customers,,,X,7,"))
    assert errors == ["Row 4: weight must be a whole number from 1 to 5, not “7”."]


@pytest.mark.parametrize("weight", ["0", "abc", "2.5", "", "-1", "٣"])
def test_weight_must_be_a_whole_number_from_1_to_5(weight):
    errors = _errors(_csv(f"A,customers,,,Need,{weight},"))
    assert errors == [f"Row 2: weight must be a whole number from 1 to 5, not “{weight}”."]


def test_unknown_kind_is_rejected():
    assert _errors(_csv("A,clients,,,,,")) == [
        "Row 2: kind must be one of customers, prospects, suppliers, distributors, "
        "employees, partners, other, not “clients”."
    ]


def test_new_community_needs_a_kind_but_an_existing_one_does_not():
    assert _errors(_csv("A,,,,,,"))[0].startswith("Row 2: kind is empty")
    rows = parse_communities_csv(_csv("a,,,,,,"), existing_names=["A"])
    assert rows[0].kind is None


def test_missing_and_unknown_columns_are_rejected():
    errors = _errors(_csv("A,customers,x", header="community,kind,colour"))
    assert errors[0].startswith("Row 1: unknown column “colour”")
    assert errors[1].startswith(
        "Row 1: missing column(s): description, estimated_size, need, weight, evidence."
    )


def test_duplicate_rows_are_rejected_case_insensitively():
    errors = _errors(
        _csv(
            "A,customers,,,Fast,3,",
            "a,customers,,,FAST,4,",
            "B,customers,,,,,",
            "B,customers,,,,,",
        )
    )
    assert errors == [
        "Row 3: repeats the need “FAST” of “a” from row 2.",
        "Row 5: repeats the row for “B” from row 4.",
    ]


def test_conflicting_kind_for_the_same_community_is_rejected():
    errors = _errors(_csv("A,customers,,,One,3,", "A,suppliers,,,Two,3,"))
    assert errors == ["Row 3: kind of “A” is “suppliers” here but “customers” in row 2."]


def test_every_bad_row_is_reported_not_just_the_first():
    errors = _errors(_csv("A,customers,,,One,9,", "B,aliens,,,,,", "C,other,,lots,,,"))
    assert [e.split(":")[0] for e in errors] == ["Row 2", "Row 3", "Row 4"]


def test_row_numbers_count_lines_inside_quoted_cells():
    errors = _errors(_csv('A,customers,"two\nlines",,One,3,', "B,customers,,,Two,6,"))
    assert errors == ["Row 4: weight must be a whole number from 1 to 5, not “6”."]


def test_wrong_number_of_cells_is_rejected():
    errors = _errors(_csv("A,customers,,,One,3", "B,customers,,,,,,,"))
    assert errors == ["Row 2: has 6 cells but the header has 7 columns."]


def test_weight_or_evidence_without_a_need_is_rejected():
    assert _errors(_csv("A,customers,,,,4,")) == [
        "Row 2: there is a weight or evidence but the need is empty."
    ]


def test_text_longer_than_the_database_allows_is_rejected():
    errors = _errors(_csv(f"{'x' * 121},customers,,,,,"))
    assert errors == ["Row 2: community is 121 characters long; at most 120 are allowed."]


def test_not_utf8_is_rejected_with_the_row_of_the_first_bad_byte():
    data = _csv("A,customers,,,One,3,") + "Café,customers,,,,,\n".encode("latin-1")
    errors = _errors(data)
    assert len(errors) == 1
    assert errors[0].startswith("Row 3: the file is not UTF-8 text.")


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"  \r\n\n"])
def test_empty_file_is_rejected(data):
    assert _errors(data) == ["The file is empty."]


def test_header_without_rows_is_rejected():
    assert _errors(_csv()) == ["The file has a header but no rows to import."]


def test_file_over_one_megabyte_is_rejected():
    assert _errors(b"x" * (MAX_FILE_BYTES + 1)) == ["The file is larger than 2 MB."]


def test_nul_bytes_are_rejected():
    errors = _errors(_csv("A,customers,,,On\x00e,3,"))
    assert errors == ["Row 2: contains control characters (such as NUL)."]


def test_written_file_reads_back_the_same_including_formula_like_text():
    rows = [
        ExportRow(
            "=HYPERLINK()",
            "customers",
            'multi\nline, quoted "text"',
            75000,
            "-fast delivery",
            5,
            "@mention",
        ),
        ExportRow("Buyers", "prospects", "", None),
    ]
    text = write_communities_csv(rows)
    assert "'=HYPERLINK()" in text  # a spreadsheet shows it as text, not a formula
    parsed = parse_communities_csv(text.encode())
    assert [(c.name, c.kind, c.description, c.estimated_size) for c in parsed] == [
        ("=HYPERLINK()", "customers", 'multi\nline, quoted "text"', 75000),
        ("Buyers", "prospects", None, None),
    ]
    assert [(n.statement, n.weight, n.evidence) for n in parsed[0].needs] == [
        ("-fast delivery", 5, "@mention")
    ]


def test_broken_quoting_is_reported_with_its_row():
    errors = _errors(_csv("A,customers,,,One,3,", 'B,customers,"bad"quote,,,,'))
    assert len(errors) == 1
    assert errors[0].startswith("Row 3: cannot be read as CSV")
