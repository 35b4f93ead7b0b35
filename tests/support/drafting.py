"""Shared set-up for the drafting tests (not collected: no test_ prefix)."""

from django_scopes import scope, scopes_disabled

from purposes import services
from purposes.models import Purpose, PurposeRevision
from purposes.services import PurposeText

TEXT = {
    "title": "Right first time",
    "statement": "Help design engineers get their boards right first time.",
    "participants": "Design engineers",
    "issue": "Prototype boards fail",
    "value_to_participants": "Working boards sooner",
    "value_to_organisation": "Engineers choose our parts",
}


def create_purpose(tenant, user, communities=(), **changes):
    """A purpose made through the service, so it has its first revision."""
    with scope(organisation=tenant.org):
        return services.purpose_create(
            organisation=tenant.org,
            actor=user,
            text=PurposeText.from_values({**TEXT, **changes}),
            communities=communities,
        )


def revisions_of(purpose) -> list[PurposeRevision]:
    with scopes_disabled():
        return list(
            PurposeRevision.objects.filter(purpose=purpose)
            .select_related("author")
            .order_by("number")
        )


def reload(purpose) -> Purpose:
    with scopes_disabled():
        return Purpose.objects.prefetch_related("communities").get(pk=purpose.pk)


def edit_data(purpose, version=None, communities=(), **changes) -> dict:
    """What the editor form posts."""
    return {
        **TEXT,
        **changes,
        "version": purpose.version if version is None else version,
        "communities": [c.pk for c in communities],
    }
