"""Tenancy cases for the briefs' URLs (see tests/support/tenancy.py)."""

from organisations.permissions import Perm
from tests.support.report_factories import ReportFactory
from tests.support.roadmap_factories import RoadmapFactory
from tests.support.tenancy import OrgCase


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
