"""Milestones CSV: whatever a member stored, each cell reads back as stored.

The file is export-only, so the round trip is: store hostile-but-allowed
values through the services, download the CSV, read it with the csv module,
take off the spreadsheet-safe apostrophes, and compare every column with the
row in the database.
"""

import csv
import io
import os
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings

from common.spreadsheet import from_spreadsheet
from organisations.permissions import Role
from roadmap.models import Milestone, MilestoneKind, Phase
from tests.support.hostile_roadmaps import (
    build_hostile_roadmap,
    roadmap_plans,
    stored_milestones,
)

pytestmark = pytest.mark.django_db

# 25 for daily runs; .ci/run asks for 200 (on PostgreSQL and on SQLite).
EXAMPLES = int(os.environ.get("ROADMAP_FUZZ_EXAMPLES", "25"))
BOM = "\ufeff"


def _number(value: Decimal | None) -> str:
    # Written as a person would type it: no exponent, no trailing zeros.
    return "" if value is None else format(value.normalize(), "f")


def _date(day) -> str:
    return day.isoformat() if day else ""


def expected_row(m: Milestone, phases: list[Phase], before: list[Milestone]) -> dict[str, str]:
    """Every column the export writes, from the stored row."""
    risk, decision = m.kind == MilestoneKind.RISK, m.kind == MilestoneKind.DECISION
    phase = next((p for p in phases if p.start <= m.start <= p.end), None)
    return {
        "id": str(m.pk),
        "kind": m.get_kind_display(),
        "title": m.title,
        "status": m.get_status_display(),
        "start": _date(m.start),
        "end": _date(m.end),
        "phase": phase.name if phase else "",
        "owner": m.owner.display_name if m.owner else "",
        "owner email": m.owner.email if m.owner else "",
        "purpose": m.purpose.title if m.purpose else "",
        "community": m.community.name if m.community else "",
        "notes": m.description,
        "measure": m.get_metric_display() if m.metric else "",
        "name of the measure": m.metric_label,
        "target": _number(m.target_value),
        "risk category": m.get_risk_category_display() if m.risk_category else "",
        "likelihood (1–5)": str(m.likelihood) if risk else "",
        "impact (1–5)": str(m.impact) if risk else "",
        "risk score (likelihood × impact)": str(m.likelihood * m.impact) if risk else "",
        "mitigation": m.mitigation,
        "review date": _date(m.review_date),
        "amount": _number(m.amount),
        "currency": m.currency or "",
        "investment kind": m.get_investment_kind_display() if m.investment_kind else "",
        "business value": m.value_metric,
        "decision area": m.get_decision_area_display() if m.decision_area else "",
        "decision": m.decision_text,
        "decided": ("yes" if m.decided else "no") if decision else "",
        "depends on": "; ".join(p.title for p in before),
        "depends on (ids)": "; ".join(str(p.pk) for p in before),
    }


def read_back(content: bytes) -> list[dict[str, str]]:
    text = content.decode("utf-8")
    assert text.startswith(BOM)
    header, *rows = csv.reader(io.StringIO(text.removeprefix(BOM), newline=""))
    assert all(len(row) == len(header) for row in rows)
    return [dict(zip(header, map(from_spreadsheet, row), strict=True)) for row in rows]


def stored_rows(roadmap) -> list[dict[str, str]]:
    milestones, before = stored_milestones(roadmap)
    with scopes_disabled():
        phases = list(Phase.objects.filter(roadmap=roadmap))
    return [expected_row(m, phases, before[m.pk]) for m in milestones]


@pytest.fixture
def viewer(world):
    return world.client(world.ours.user(Role.VIEWER))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=roadmap_plans())
def test_every_cell_reads_back_as_stored(world, viewer, plan):
    with transaction.atomic():
        roadmap = build_hostile_roadmap(world.ours, plan)
        url = reverse(
            "roadmap_exchange:milestones_csv",
            kwargs={"org_slug": world.ours.org.slug, "roadmap_id": roadmap.pk},
        )
        response = viewer.get(url)
        assert response.status_code == 200
        assert read_back(response.content) == stored_rows(roadmap)
        transaction.set_rollback(True)
