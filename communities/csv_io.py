"""Read and write the communities CSV: plain functions over plain data, no database.

The file has one row per need; a community without needs has one row with the
need columns empty. ``parse_communities_csv`` checks the whole file before
anything is written and reports every offending row, so an import either takes
the whole file or nothing.
"""

import csv
import io
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from common.limits import NEEDS_CSV_MAX_BYTES
from common.spreadsheet import from_spreadsheet, spreadsheet_safe
from common.text import text_problem
from communities.models import CommunityKind

COLUMNS = ("community", "kind", "description", "estimated_size", "need", "weight", "evidence")
MAX_FILE_BYTES = NEEDS_CSV_MAX_BYTES
MAX_REPORTED_ERRORS = 50
NAME_MAX, STATEMENT_MAX, TEXT_MAX = 120, 300, 2000


@dataclass(frozen=True)
class RowError:
    """A problem with the file; ``row`` counts the header as row 1, like a spreadsheet."""

    row: int | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


class CsvInvalid(Exception):
    """The file cannot be imported; ``errors`` says where and why."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(error) for error in errors))


@dataclass
class NeedRow:
    statement: str
    weight: int
    evidence: str
    row: int


@dataclass
class CommunityRow:
    name: str
    kind: str | None  # None: keep the kind of the existing community
    description: str | None  # None: the file left it empty
    estimated_size: int | None
    row: int
    needs: list[NeedRow] = field(default_factory=list)


@dataclass(frozen=True)
class ExportRow:
    community: str
    kind: str
    description: str
    estimated_size: int | None
    need: str = ""
    weight: int | None = None
    evidence: str = ""


def write_communities_csv(rows: Iterable[ExportRow]) -> str:
    """The CSV text for ``rows`` (UTF-8 callers should add a BOM for Excel)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(
            [
                spreadsheet_safe(row.community),
                row.kind,
                spreadsheet_safe(row.description),
                "" if row.estimated_size is None else row.estimated_size,
                spreadsheet_safe(row.need),
                "" if row.weight is None else row.weight,
                spreadsheet_safe(row.evidence),
            ]
        )
    return buffer.getvalue()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        raise CsvInvalid(
            [
                RowError(
                    row,
                    _(
                        "the file is not UTF-8 text. Save it as “CSV UTF-8” "
                        "(in Excel: File › Save as › CSV UTF-8) and upload it again."
                    ),
                )
            ]
        ) from None


def _delimiter(header_line: str) -> str:
    # Excel in many European locales saves "CSV" with semicolons.
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _header(cells: list[str]) -> tuple[dict[str, int], list[RowError]]:
    names = [cell.strip().lower().replace(" ", "_") for cell in cells]
    errors = []
    positions: dict[str, int] = {}
    for index, name in enumerate(names):
        if not name:
            continue
        if name not in COLUMNS:
            errors.append(
                RowError(
                    1,
                    _("unknown column “%(column)s”. The columns are: %(columns)s.")
                    % {"column": cells[index].strip(), "columns": ", ".join(COLUMNS)},
                )
            )
        elif name in positions:
            errors.append(
                RowError(1, _("the column “%(column)s” appears twice.") % {"column": name})
            )
        else:
            positions[name] = index
    missing = [column for column in COLUMNS if column not in positions]
    if missing:
        errors.append(
            RowError(
                1,
                _("missing column(s): %(missing)s. The columns are: %(columns)s.")
                % {"missing": ", ".join(missing), "columns": ", ".join(COLUMNS)},
            )
        )
    return positions, errors


def _whole_number(text: str) -> int | None:
    cleaned = text.replace(",", "").replace("_", "").replace(" ", "")
    if not cleaned.isascii() or not cleaned.isdigit():
        return None
    return int(cleaned)


_KINDS = {value: value for value in CommunityKind.values} | {
    str(label).lower(): value for value, label in CommunityKind.choices
}


class _Parser:
    def __init__(self, existing_names: Collection[str]):
        self.existing = {name.casefold() for name in existing_names}
        self.errors: list[RowError] = []
        self.communities: dict[str, CommunityRow] = {}
        self.seen_needs: dict[tuple[str, str], int] = {}
        self.seen_bare: dict[str, int] = {}

    def error(self, row: int, message: str) -> None:
        self.errors.append(RowError(row, message))

    def _too_long(self, row: int, column: str, value: str, limit: int) -> bool:
        if len(value) > limit:
            self.error(
                row,
                _("%(column)s is %(length)d characters long; at most %(limit)d are allowed.")
                % {"column": column, "length": len(value), "limit": limit},
            )
            return True
        return False

    def row(self, number: int, cells: dict[str, str]) -> None:
        name = cells["community"]
        errors_before = len(self.errors)
        if not name:
            self.error(number, _("the community name is empty."))
            return
        self._too_long(number, "community", name, NAME_MAX)
        key = name.casefold()

        kind_text = cells["kind"]
        kind = _KINDS.get(kind_text.lower()) if kind_text else None
        if kind_text and kind is None:
            self.error(
                number,
                _("kind must be one of %(kinds)s, not “%(value)s”.")
                % {"kinds": ", ".join(CommunityKind.values), "value": kind_text},
            )

        description = cells["description"] or None
        if description:
            self._too_long(number, "description", description, TEXT_MAX)

        size_text = cells["estimated_size"]
        size = _whole_number(size_text) if size_text else None
        if size_text and (size is None or size > 2_147_483_647):
            self.error(
                number,
                _("estimated_size must be a whole number of people, not “%(value)s”.")
                % {"value": size_text},
            )
            size = None

        statement, weight_text, evidence = cells["need"], cells["weight"], cells["evidence"]
        weight = None
        if statement:
            self._too_long(number, "need", statement, STATEMENT_MAX)
            self._too_long(number, "evidence", evidence, TEXT_MAX)
            weight = _whole_number(weight_text) if "," not in weight_text else None
            if weight is None or not 1 <= weight <= 5:
                self.error(
                    number,
                    _("weight must be a whole number from 1 to 5, not “%(value)s”.")
                    % {"value": weight_text},
                )
        elif weight_text or evidence:
            self.error(number, _("there is a weight or evidence but the need is empty."))

        community = self.communities.get(key)
        if community is None:
            if kind_text == "" and key not in self.existing:
                self.error(
                    number,
                    _("kind is empty; a new community needs one of %(kinds)s.")
                    % {"kinds": ", ".join(CommunityKind.values)},
                )
            if len(self.errors) == errors_before:
                self.communities[key] = CommunityRow(
                    name=name, kind=kind, description=description, estimated_size=size, row=number
                )
        else:
            self._check_same(number, community, "kind", community.kind, kind)
            self._check_same(number, community, "description", community.description, description)
            self._check_same(number, community, "estimated_size", community.estimated_size, size)
            if community.kind is None:
                community.kind = kind
            if community.description is None:
                community.description = description
            if community.estimated_size is None:
                community.estimated_size = size

        if statement:
            need_key = (key, statement.casefold())
            if need_key in self.seen_needs:
                self.error(
                    number,
                    _("repeats the need “%(need)s” of “%(community)s” from row %(row)d.")
                    % {"need": statement, "community": name, "row": self.seen_needs[need_key]},
                )
                return
            self.seen_needs[need_key] = number
        else:
            if key in self.seen_bare:
                self.error(
                    number,
                    _("repeats the row for “%(community)s” from row %(row)d.")
                    % {"community": name, "row": self.seen_bare[key]},
                )
                return
            self.seen_bare[key] = number
        if len(self.errors) == errors_before and statement:
            self.communities[key].needs.append(
                NeedRow(statement=statement, weight=weight, evidence=evidence, row=number)
            )

    def _check_same(self, number: int, community: CommunityRow, column: str, first, value):
        if value is not None and first is not None and value != first:
            self.error(
                number,
                _(
                    "%(column)s of “%(community)s” is “%(value)s” here "
                    "but “%(first)s” in row %(row)d."
                )
                % {
                    "column": column,
                    "community": community.name,
                    "value": value,
                    "first": first,
                    "row": community.row,
                },
            )


def parse_communities_csv(
    data: bytes, *, existing_names: Collection[str] = ()
) -> list[CommunityRow]:
    """Check the whole file and return its communities in file order.

    ``existing_names`` are the organisation's community names: a row for one of
    them may leave ``kind`` empty. Raises ``CsvInvalid`` listing every problem.
    """
    if len(data) > MAX_FILE_BYTES:
        raise CsvInvalid([RowError(None, _("The file is larger than 2 MB."))])
    text = _decode(data)
    if not text.strip():
        raise CsvInvalid([RowError(None, _("The file is empty."))])

    first_line = text.split("\n", 1)[0]
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(first_line), strict=True
    )
    parser = _Parser(existing_names)
    positions: dict[str, int] | None = None
    width = 0
    data_rows = 0
    try:
        for raw in reader:
            # line_num is the last physical line read; a quoted cell may span several.
            number = reader.line_num - sum(cell.count("\n") for cell in raw)
            if positions is None:
                positions, header_errors = _header(raw)
                if header_errors:
                    raise CsvInvalid(header_errors)
                width = len(raw)
                continue
            cells = [cell.strip() for cell in raw]
            if not any(cells):
                continue  # blank lines, e.g. at the end of the file
            data_rows += 1
            if len(cells) > width and not any(cells[width:]):
                cells = cells[:width]  # trailing empty cells some spreadsheets add
            problem = next(filter(None, map(text_problem, cells)), None)
            if problem:
                parser.error(number, problem + ".")
                continue
            if len(cells) != width:
                parser.error(
                    number,
                    _("has %(found)d cells but the header has %(expected)d columns.")
                    % {"found": len(cells), "expected": width},
                )
                continue
            parser.row(
                number,
                {column: from_spreadsheet(cells[index]) for column, index in positions.items()},
            )
    except csv.Error as error:
        parser.error(reader.line_num, _("cannot be read as CSV (%(error)s).") % {"error": error})
    if data_rows == 0 and not parser.errors:
        raise CsvInvalid([RowError(None, _("The file has a header but no rows to import."))])
    if parser.errors:
        raise CsvInvalid(parser.errors)
    return list(parser.communities.values())
