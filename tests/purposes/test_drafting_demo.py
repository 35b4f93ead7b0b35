"""The demo purposes for Voltaic Components."""

import pytest
from django_scopes import scope, scopes_disabled

from communities.models import CommunityKind
from organisations import demo as organisations_demo
from purposes import demo
from purposes.models import Purpose, PurposeComment, PurposeRevision, PurposeStatus
from tests.support.factories import CommunityFactory


def snapshot(org):
    with scopes_disabled():
        return (
            sorted(
                Purpose.objects.filter(organisation=org).values_list("title", "status", "version")
            ),
            PurposeRevision.objects.filter(organisation=org).count(),
            PurposeComment.objects.filter(organisation=org).count(),
        )


@pytest.fixture
def org(db):
    return organisations_demo.load_people()


def test_six_purposes_in_several_states_with_revisions_by_several_people(org):
    with scope(organisation=org):
        demo.load(org)
    with scopes_disabled():
        purposes = list(Purpose.objects.filter(organisation=org))
        statuses = sorted(p.status for p in purposes)
        assert len(purposes) == 6
        assert statuses.count(PurposeStatus.CHOSEN) == 2
        assert statuses.count(PurposeStatus.SHORTLISTED) == 2
        assert statuses.count(PurposeStatus.DRAFT) == 1
        assert statuses.count(PurposeStatus.RETIRED) == 1
        assert any(p.missing_parts() for p in purposes)
        for purpose in purposes:
            revisions = list(purpose.revisions.all())
            assert 2 <= len(revisions) <= 4, purpose.title
            assert len({r.author_id for r in revisions}) >= 2, purpose.title
            assert purpose.communities.count() == 0  # none existed at load time


def test_loading_twice_changes_nothing(org):
    with scope(organisation=org):
        demo.load(org)
        first = snapshot(org)
        demo.load(org)
    assert snapshot(org) == first


def test_purposes_target_the_communities_that_exist(org):
    engineers = CommunityFactory(organisation=org, name="Engineers", kind=CommunityKind.CUSTOMERS)
    with scope(organisation=org):
        demo.load(org)
    with scopes_disabled():
        chosen = Purpose.objects.get(organisation=org, title="Right first time")
        assert list(chosen.communities.all()) == [engineers]
        assert chosen.revisions.order_by("number").first().community_names == ["Engineers"]
