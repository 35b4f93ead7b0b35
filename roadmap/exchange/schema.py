"""What the whole-roadmap JSON file looks like: its name, version, schema and value forms.

Shared by the export, which writes the newest version, and the import, which
reads it. A published schema file is never edited (``docs/exchange.md``).
"""

import itertools
import json
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from roadmap.models import FIRST_YEAR, LAST_YEAR, MilestoneKind

FORMAT = "purpose-roadmap"
# Version 2 added the roadmap's optional "recommendation"; version 1 files
# still import, each checked against its own schema (docs/exchange.md).
SCHEMA_VERSION = 2
SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"
SCHEMA_PATH = SCHEMAS_DIR / f"roadmap-export-v{SCHEMA_VERSION}.json"

# The fields a milestone of each kind carries in the file, besides the common
# ones. Investment and value share the money columns.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    MilestoneKind.COMMUNITY: ("metric", "metric_label", "target_value"),
    MilestoneKind.RISK: ("risk_category", "likelihood", "impact", "mitigation", "review_date"),
    MilestoneKind.INVESTMENT: ("amount", "currency", "investment_kind"),
    MilestoneKind.VALUE: ("amount", "currency", "value_metric"),
    MilestoneKind.DECISION: ("decision_area", "decision_text", "decided"),
}
ALL_KIND_FIELDS = tuple(dict.fromkeys(itertools.chain(*KIND_FIELDS.values())))
DECIMAL_FIELDS = {"target_value", "amount"}
DATE_FIELDS = {"review_date"}


@cache
def export_schema(version: int = SCHEMA_VERSION) -> dict:
    path = SCHEMAS_DIR / f"roadmap-export-v{version}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def parse_date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def parse_timestamp(text: str | None) -> datetime | None:
    """A timestamp in UTC; ``ValueError`` for one that is not real or not in the years we plan.

    "0001-01-01T00:00:00+05:00" is a valid ISO timestamp whose UTC time lies
    before the calendar starts: converting it would overflow.
    """
    if not text:
        return None
    value = datetime.fromisoformat(text)
    try:
        value = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except OverflowError:
        raise ValueError(text) from None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(text)
    return value
