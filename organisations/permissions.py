"""The one table that says what each role may do.

Views ask ``role_has(role, perm)`` (through the ``org_view`` decorator or
``Membership.has_perm``); nothing else compares role strings.
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    FACILITATOR = "facilitator", _("Facilitator")
    EXECUTIVE = "executive", _("Executive")
    VIEWER = "viewer", _("Viewer")


class Perm(StrEnum):
    VIEW = "view"
    COMMENT = "comment"
    EDIT_PURPOSES = "edit_purposes"
    SCORE = "score"
    RUN_WORKSHOP = "run_workshop"
    EDIT_ROADMAP = "edit_roadmap"
    EXPORT_BRIEFS = "export_briefs"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_SETTINGS = "manage_settings"
    VIEW_AUDIT = "view_audit"


_EVERYONE = frozenset({Perm.VIEW})
_EXECUTIVE = _EVERYONE | {Perm.COMMENT, Perm.EDIT_PURPOSES, Perm.SCORE}
_FACILITATOR = _EXECUTIVE | {Perm.RUN_WORKSHOP, Perm.EDIT_ROADMAP, Perm.EXPORT_BRIEFS}
_ADMIN = _FACILITATOR | {Perm.MANAGE_MEMBERS, Perm.MANAGE_SETTINGS, Perm.VIEW_AUDIT}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.ADMIN: _ADMIN,
    Role.FACILITATOR: _FACILITATOR,
    Role.EXECUTIVE: _EXECUTIVE,
    Role.VIEWER: _EVERYONE,
}

ROLE_DESCRIPTIONS: dict[str, str] = {
    Role.ADMIN: _(
        "Everything a facilitator can do, plus members, roles, settings and the audit log."
    ),
    Role.FACILITATOR: _("Runs the workshop: needs, rounds, the roadmap and board briefs."),
    Role.EXECUTIVE: _("Drafts and comments on purposes and scores them in rounds."),
    Role.VIEWER: _("Reads roadmaps and downloads briefs."),
}


def role_has(role: str, perm: Perm) -> bool:
    return perm in ROLE_PERMISSIONS.get(role, frozenset())
