"""Tenancy cases for the briefs' URLs (see tests/tenancy.py)."""

from organisations.permissions import Perm
from tests.reports.factories import ReportFactory
from tests.roadmap.factories import RoadmapFactory
from tests.tenancy import OrgCase


def _roadmap(tenant) -> dict:
    return {"roadmap_id": RoadmapFactory(organisation=tenant.org).pk}


def _done_report(tenant) -> dict:
    roadmap = RoadmapFactory(organisation=tenant.org)
    return {"report_id": ReportFactory(roadmap=roadmap, done=True).pk}


CASES = {
    "reports:panel": OrgCase(Perm.VIEW, kwargs=_roadmap, methods=("GET",)),
    "reports:request": OrgCase(
        Perm.EXPORT_BRIEFS, kwargs=_roadmap, methods=("POST",), data=lambda t: {"kind": "board"}
    ),
    "reports:download": OrgCase(Perm.VIEW, kwargs=_done_report, methods=("GET",)),
}
