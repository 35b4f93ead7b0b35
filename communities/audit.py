"""Communities and needs in the audit log (organisations.audit): who changed the weights."""

from communities.models import Community, Need
from organisations import audit


def register() -> None:
    audit.track(Community, exclude_fields=["position"])
    audit.track(Need, exclude_fields=["position"])
