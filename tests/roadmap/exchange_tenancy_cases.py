"""Tenancy cases for the roadmap exchange URLs (see tests/support/tenancy.py)."""

from organisations.permissions import Perm
from tests.support.roadmap_factories import RoadmapFactory
from tests.support.tenancy import OrgCase, PublicCase


def _roadmap(tenant) -> dict:
    return {"roadmap_id": RoadmapFactory(organisation=tenant.org).pk}


CASES = {
    "roadmap_exchange:milestones_csv": OrgCase(Perm.VIEW, kwargs=_roadmap, methods=("GET",)),
    "roadmap_exchange:export_json": OrgCase(Perm.VIEW, kwargs=_roadmap, methods=("GET",)),
    "roadmap_exchange:calendar": OrgCase(
        Perm.EDIT_ROADMAP, kwargs=_roadmap, data=lambda t: {"action": "create"}
    ),
    # A POST without a file is refused with 422 by every permitted role.
    "roadmap_exchange:import": OrgCase(Perm.EDIT_ROADMAP),
    # An unknown token is a 404 for everyone; the real feed is tested in test_ical.py.
    "calendar:feed": PublicCase(kwargs={"token": "x" * 43}),
}
