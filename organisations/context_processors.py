from organisations.models import Organisation
from organisations.permissions import Perm
from organisations.services import organisation_creation_allowed


def organisation(request) -> dict:
    """The current organisation, the user's role in it and the orgs to switch to."""
    org = getattr(request, "org", None)
    membership = getattr(request, "membership", None)
    context: dict = {"current_org": org, "current_membership": membership, "Perm": Perm}
    if membership is not None:
        context["can"] = {perm.value: membership.has_perm(perm) for perm in Perm}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # Lazy: only evaluated when the header renders the switcher.
        context["user_organisations"] = Organisation.objects.filter(memberships__user=user)
        # A settings check, no query: whoever is in one organisation is sent
        # straight to it and never sees the dashboard's offer.
        context["can_create_organisation"] = organisation_creation_allowed(user)
    return context
