from organisations.permissions import Perm
from tests.support.factories import CommunityFactory, NeedFactory
from tests.support.tenancy import OrgCase


def _community(tenant) -> dict:
    return {"community_id": CommunityFactory(organisation=tenant.org).pk}


def _need(tenant) -> dict:
    return {"need_id": NeedFactory(community__organisation=tenant.org).pk}


# The delete cases post without confirmed=yes, which asks for confirmation
# instead of deleting: every permitted role then finds the object still there.
CASES = {
    "communities:list": OrgCase(Perm.VIEW, methods=("GET",)),
    "communities:export": OrgCase(Perm.VIEW, methods=("GET",)),
    "communities:import": OrgCase(Perm.RUN_WORKSHOP),
    "communities:community_create": OrgCase(
        Perm.RUN_WORKSHOP, methods=("POST",), data=lambda t: {"name": "", "kind": "customers"}
    ),
    "communities:community_edit": OrgCase(
        Perm.RUN_WORKSHOP,
        kwargs=_community,
        data=lambda t: {"name": "Renamed", "kind": "partners"},
    ),
    "communities:community_delete": OrgCase(Perm.RUN_WORKSHOP, kwargs=_community),
    "communities:community_move": OrgCase(
        Perm.RUN_WORKSHOP, kwargs=_community, methods=("POST",), data=lambda t: {"direction": "up"}
    ),
    "communities:need_create": OrgCase(
        Perm.RUN_WORKSHOP,
        kwargs=_community,
        methods=("POST",),
        data=lambda t: {"statement": "", "weight": "3"},
    ),
    "communities:need_edit": OrgCase(
        Perm.RUN_WORKSHOP,
        kwargs=_need,
        data=lambda t: {"statement": "Edited need", "weight": "4"},
    ),
    "communities:need_delete": OrgCase(Perm.RUN_WORKSHOP, kwargs=_need),
    "communities:need_move": OrgCase(
        Perm.RUN_WORKSHOP, kwargs=_need, methods=("POST",), data=lambda t: {"direction": "down"}
    ),
}
