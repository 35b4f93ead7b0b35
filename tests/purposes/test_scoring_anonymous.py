"""A round revealed anonymously: results, exports and briefs number the scorers."""

import json

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from organisations.permissions import Role
from purposes.models import ScoringRound
from purposes.scoring.results import round_data
from reports.snapshot import roadmap_data
from tests.support.roadmap_factories import RoadmapFactory
from tests.support.scoring import build_round, score_every_cell

pytestmark = pytest.mark.django_db


def _reveal(world, scoring_round, **extra):
    client = world.client(world.ours.user(Role.FACILITATOR))
    url = reverse("scoring:reveal", args=[world.ours.org.slug, scoring_round.pk])
    page = client.get(url).text
    assert 'name="anonymous"' in page  # the choice is offered before revealing
    response = client.post(url, {"confirmed": "yes", **extra})
    assert response.status_code == 302
    with scopes_disabled():
        scoring_round.refresh_from_db()
    return client


@pytest.fixture
def scored(world):
    scoring_round = build_round(world.ours, purposes=2, needs=2, extra_scorers=1)
    score_every_cell(scoring_round, seed=3)
    return scoring_round


def test_an_anonymous_reveal_numbers_the_scorers_everywhere(world, scored):
    client = _reveal(world, scored, anonymous="yes")
    assert scored.anonymous
    with scopes_disabled():
        names = [u.display_name for u in scored.executives.all()]
        emails = [u.email for u in scored.executives.all()]
    page = client.get(reverse("scoring:results", args=["ours", scored.pk])).text
    results = page[page.index("<main") : page.index("</main>")]  # the header names the viewer
    assert "Revealed anonymously" in results
    export = client.get(reverse("scoring:export", args=["ours", scored.pk])).content.decode()
    for text in (results, export):
        for name in names:
            assert name not in text
    for email in emails:
        assert email not in export
    assert "Scorer 1" in export and "Scorer 3" in export
    with scope(organisation=world.ours.org):
        data = round_data(ScoringRound.objects.get(pk=scored.pk))
        brief = json.dumps(roadmap_data(RoadmapFactory(organisation=world.ours.org)))
    assert sorted(data.scorer_names().values()) == ["Scorer 1", "Scorer 2", "Scorer 3"]
    assert '"anonymous": true' in brief and "Scorer 1" in brief
    for name in names:
        assert name not in brief


def test_a_plain_reveal_keeps_the_names(world, scored):
    client = _reveal(world, scored)
    assert not scored.anonymous
    with scopes_disabled():
        name = scored.executives.order_by("pk").first().display_name
    export = client.get(reverse("scoring:export", args=["ours", scored.pk])).content.decode()
    assert name in export
    page = client.get(reverse("scoring:results", args=["ours", scored.pk])).text
    assert name in page[page.index("<main") : page.index("</main>")]
    assert "Revealed anonymously" not in page
