from organisations.permissions import Perm, Role
from tests.support.factories import InvitationFactory
from tests.support.tenancy import OrgCase, PublicCase

CASES = {
    "organisations:home": OrgCase(Perm.VIEW, methods=("GET",)),
    "organisations:checklist": OrgCase(
        Perm.RUN_WORKSHOP, methods=("POST",), data=lambda t: {"hidden": "1"}
    ),
    "organisations:members": OrgCase(Perm.MANAGE_MEMBERS),
    "organisations:member_role": OrgCase(
        Perm.MANAGE_MEMBERS,
        kwargs=lambda t: {"membership_id": t.members[Role.EXECUTIVE].pk},
        methods=("POST",),
        data=lambda t: {"role": Role.VIEWER},
    ),
    "organisations:member_remove": OrgCase(
        Perm.MANAGE_MEMBERS,
        kwargs=lambda t: {"membership_id": t.members[Role.EXECUTIVE].pk},
        methods=("POST",),
    ),
    "organisations:invitation_revoke": OrgCase(
        Perm.MANAGE_MEMBERS,
        kwargs=lambda t: {"invitation_id": InvitationFactory(organisation=t.org).pk},
        methods=("POST",),
    ),
    "organisations:settings": OrgCase(Perm.MANAGE_SETTINGS),
    "organisations:logo": OrgCase(Perm.VIEW, methods=("GET",)),
    "organisations:audit": OrgCase(Perm.VIEW_AUDIT, methods=("GET",)),
    "dashboard": PublicCase(login_required=True),
    "organisation_create": PublicCase(login_required=True),
    "invitation_accept": PublicCase(kwargs={"token": "not-a-valid-token"}),
    "healthz": PublicCase(),
    "login": PublicCase(),
    "logout": PublicCase(),
    "password_change": PublicCase(login_required=True),
    "password_change_done": PublicCase(login_required=True),
    "password_reset": PublicCase(),
    "password_reset_done": PublicCase(),
    "password_reset_confirm": PublicCase(kwargs={"uidb64": "MQ", "token": "set-password"}),
    "password_reset_complete": PublicCase(),
}
