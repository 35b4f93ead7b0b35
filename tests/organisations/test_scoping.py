"""The second safety net: a tenant query outside an organisation's scope fails."""

import pytest
from django_scopes import scope
from django_scopes.exceptions import ScopeError

from organisations.models import Invitation, Membership
from organisations.permissions import Role


def test_unscoped_query_on_a_tenant_model_raises(world):
    with pytest.raises(ScopeError):
        list(Membership.objects.all())
    with pytest.raises(ScopeError):
        Invitation.objects.filter(email="x@example.com").exists()


def test_scoped_query_sees_only_its_organisation(world):
    with scope(organisation=world.ours.org):
        orgs = {m.organisation_id for m in Membership.objects.all()}
        assert orgs == {world.ours.org.pk}
        assert not Membership.objects.filter(pk=world.foreign.members[Role.ADMIN].pk).exists()
