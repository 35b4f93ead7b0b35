from organisations.permissions import Perm, Role
from purposes.models import RoundStatus
from tests.support import scoring as scoring_support
from tests.support.factories import PurposeFactory
from tests.support.tenancy import OrgCase


def _purpose(tenant) -> dict:
    return {"purpose_id": PurposeFactory(organisation=tenant.org).pk}


CASES = {
    # --- drafting ---
    "purposes:list": OrgCase(Perm.VIEW, methods=("GET",)),
    "purposes:create": OrgCase(
        Perm.EDIT_PURPOSES,
        data=lambda t: {"title": "Tenancy probe", "statement": "Help engineers."},
    ),
    "purposes:hints": OrgCase(
        Perm.EDIT_PURPOSES,
        methods=("POST",),
        data=lambda t: {"statement": "Leverage synergy."},
    ),
    "purposes:detail": OrgCase(Perm.VIEW, kwargs=_purpose, methods=("GET",)),
    "purposes:edit": OrgCase(
        Perm.EDIT_PURPOSES,
        kwargs=_purpose,
        data=lambda t: {"title": "Edited", "statement": "Edited statement.", "version": 1},
    ),
    "purposes:status": OrgCase(
        Perm.RUN_WORKSHOP,
        kwargs=_purpose,
        methods=("POST",),
        data=lambda t: {"status": "shortlisted"},
    ),
    "purposes:comment": OrgCase(
        Perm.COMMENT,
        kwargs=_purpose,
        methods=("POST",),
        data=lambda t: {"body": "A comment."},
    ),
    "purposes:revisions": OrgCase(Perm.VIEW, kwargs=_purpose, methods=("GET",)),
    "purposes:compare": OrgCase(Perm.VIEW, kwargs=_purpose, methods=("GET",)),
    # --- end drafting ---
    # --- scoring ---
    "scoring:list": OrgCase(Perm.VIEW, methods=("GET",)),
    "scoring:new": OrgCase(
        Perm.RUN_WORKSHOP,
        data=lambda t: {
            "name": "Tenancy round",
            "purposes": [scoring_support.first_purpose(t).pk],
            "needs": [scoring_support.first_need(t).pk],
            "executives": [t.user(Role.EXECUTIVE).pk],
            "fit_weight_percent": 50,
        },
    ),
    "scoring:levels": OrgCase(Perm.RUN_WORKSHOP, data=lambda t: {"risk_5": "Could sink us."}),
    "scoring:compare": OrgCase(Perm.VIEW, methods=("GET",)),
    "scoring:detail": OrgCase(
        Perm.VIEW, kwargs=lambda t: {"round_id": scoring_support.round_for(t).pk}, methods=("GET",)
    ),
    "scoring:progress": OrgCase(
        Perm.RUN_WORKSHOP,
        kwargs=lambda t: {"round_id": scoring_support.round_for(t).pk},
        methods=("GET",),
    ),
    "scoring:score": OrgCase(
        Perm.SCORE, kwargs=lambda t: {"round_id": scoring_support.round_for(t).pk}, methods=("GET",)
    ),
    "scoring:save": OrgCase(
        Perm.SCORE,
        kwargs=lambda t: {"round_id": scoring_support.round_for(t).pk},
        methods=("POST",),
        data=lambda t: {
            "purpose": scoring_support.first_purpose(t).pk,
            "need": scoring_support.first_need(t).pk,
            "score": 4,
        },
    ),
    # Without ``confirmed=yes`` these three only ask (the confirm page).
    "scoring:reveal": OrgCase(
        Perm.RUN_WORKSHOP,
        kwargs=lambda t: {"round_id": scoring_support.round_for(t).pk},
    ),
    "scoring:reopen": OrgCase(
        Perm.RUN_WORKSHOP,
        kwargs=lambda t: {"round_id": scoring_support.round_for(t, RoundStatus.REVEALED).pk},
    ),
    "scoring:delete": OrgCase(
        Perm.RUN_WORKSHOP,
        kwargs=lambda t: {"round_id": scoring_support.round_for(t).pk},
    ),
    "scoring:close": OrgCase(
        Perm.RUN_WORKSHOP,
        kwargs=lambda t: {"round_id": scoring_support.round_for(t, RoundStatus.REVEALED).pk},
        methods=("POST",),
    ),
    "scoring:fit_weight": OrgCase(
        Perm.RUN_WORKSHOP,
        kwargs=lambda t: {"round_id": scoring_support.round_for(t).pk},
        methods=("POST",),
        data=lambda t: {"fit_weight_percent": 60},
    ),
    "scoring:results": OrgCase(
        Perm.VIEW,
        kwargs=lambda t: {"round_id": scoring_support.round_for(t, RoundStatus.REVEALED).pk},
        methods=("GET",),
    ),
    "scoring:export": OrgCase(
        Perm.VIEW,
        kwargs=lambda t: {"round_id": scoring_support.round_for(t, RoundStatus.REVEALED).pk},
        methods=("GET",),
    ),
    "scoring:purpose_status": OrgCase(
        Perm.RUN_WORKSHOP,
        kwargs=lambda t: {
            "round_id": scoring_support.round_for(t, RoundStatus.REVEALED).pk,
            "purpose_id": scoring_support.first_purpose(t, RoundStatus.REVEALED).pk,
        },
        methods=("POST",),
        data=lambda t: {"status": "shortlisted"},
    ),
    # --- end scoring ---
}
