"""Which scoring round feeds a roadmap: the latest complete one, or the one the facilitator
chose; the page and the brief name it (issue: no surprises from a near-empty round)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from organisations.permissions import Role
from purposes.models import RoundStatus, ScoringRound
from reports.snapshot import roadmap_data
from roadmap.overview import feeding_round
from tests.support.concurrent_edit import Editor
from tests.support.forms import forms_on
from tests.support.roadmap_factories import RoadmapFactory
from tests.support.scoring import build_round, score_every_cell

pytestmark = pytest.mark.django_db


def _revealed(world, days_ago: int, *, scored: bool) -> ScoringRound:
    scoring_round = build_round(world.ours, purposes=2, needs=2, status=RoundStatus.REVEALED)
    if scored:
        score_every_cell(scoring_round)
    with scopes_disabled():
        ScoringRound.objects.filter(pk=scoring_round.pk).update(
            revealed_at=timezone.now() - timedelta(days=days_ago)
        )
        scoring_round.refresh_from_db()
    return scoring_round


@pytest.fixture
def rounds(world):
    """A round everyone finished, then a later one nobody scored yet."""
    return _revealed(world, 10, scored=True), _revealed(world, 1, scored=False)


def test_by_default_the_latest_complete_round_feeds_the_roadmap_not_the_latest(world, rounds):
    complete, _empty = rounds
    roadmap = RoadmapFactory(organisation=world.ours.org)
    with scope(organisation=world.ours.org):
        assert feeding_round(roadmap) == (complete, False)
    url = reverse("roadmaps:detail", args=[world.ours.org.slug, roadmap.pk])
    html = world.client(world.ours.user(Role.VIEWER)).get(url).text
    assert f"Scores from “{complete.name}”, the latest round everyone finished:" in html
    assert "Scored by 2 people" in html


def test_the_facilitator_chooses_the_round_and_the_page_and_brief_name_it(world, rounds):
    _complete, empty = rounds
    roadmap = RoadmapFactory(organisation=world.ours.org)
    edit = reverse("roadmaps:edit", args=[world.ours.org.slug, roadmap.pk])
    facilitator = world.client(world.ours.user(Role.FACILITATOR))
    assert Editor(facilitator, edit).set(scoring_round=empty.pk).save().status_code == 302
    html = facilitator.get(reverse("roadmaps:detail", args=[world.ours.org.slug, roadmap.pk])).text
    assert f"Scores from “{empty.name}”, chosen for this roadmap:" in html
    assert "0 of 2 finished" in html
    with scope(organisation=world.ours.org):
        roadmap.refresh_from_db()
        snapshot = roadmap_data(roadmap)
    assert snapshot["round"]["id"] == empty.pk
    assert snapshot["round"]["chosen"] is True
    # Back to automatic: the empty choice.
    assert Editor(facilitator, edit).set(scoring_round="").save().status_code == 302
    with scope(organisation=world.ours.org):
        roadmap.refresh_from_db()
        assert feeding_round(roadmap)[1] is False


def test_an_open_or_foreign_round_cannot_feed_a_roadmap(world, rounds):
    open_round = build_round(world.ours, status=RoundStatus.OPEN)
    foreign = build_round(world.foreign, status=RoundStatus.REVEALED)
    roadmap = RoadmapFactory(organisation=world.ours.org)
    edit = reverse("roadmaps:edit", args=[world.ours.org.slug, roadmap.pk])
    facilitator = world.client(world.ours.user(Role.FACILITATOR))
    page = Editor(facilitator, edit)
    (form,) = [f for f in forms_on(page.html) if f.action in ("", edit)]
    (select,) = [f for f in form.fields if f.name == "scoring_round"]
    assert str(open_round.pk) not in select.options and str(foreign.pk) not in select.options
    assert len(select.options) == 1 + 2  # automatic, and the two revealed rounds
    for scoring_round in (open_round, foreign):
        response = Editor(facilitator, edit).set(scoring_round=scoring_round.pk).save()
        assert response.status_code == 422
        assert "Select a valid choice" in response.text
    with scopes_disabled():
        roadmap.refresh_from_db()
    assert roadmap.scoring_round_id is None
