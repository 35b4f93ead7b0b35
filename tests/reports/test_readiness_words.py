"""The readiness indices read the same on the roadmap page and in the board brief."""

import pytest
from django.urls import reverse
from django_scopes import scope

from organisations.permissions import Role
from reports import context
from roadmap.overview import roadmap_overview
from roadmap.page import _indices
from roadmap.readiness import INDICES, OVERALL_WEIGHTS, explained
from tests.support.report_builders import build_roadmap_for_brief, snapshot_for

pytestmark = pytest.mark.django_db


def test_page_and_brief_name_and_explain_every_index_alike(world):
    roadmap = build_roadmap_for_brief(world.ours)
    with scope(organisation=world.ours.org):
        page = {i["key"]: (i["label"], i["help"]) for i in _indices(roadmap_overview(roadmap))}
        brief = {
            i["key"]: (i["label"], i["help"])
            for i in context.brief_context(snapshot_for(roadmap))["indices"]
        }
    assert page == brief
    assert set(page) == {index.key for index in INDICES}
    assert roadmap.currency in page["investment_balance"][1]


def test_the_overall_explanation_gives_the_weights_the_formula_uses(world):
    overall = next(index for index in INDICES if index.key == "overall")
    words = explained(overall, currency="EUR")
    for index in INDICES:
        if index.weight is not None:
            assert f"{index.label} {OVERALL_WEIGHTS[index.key]} %" in words
    assert sum(OVERALL_WEIGHTS.values()) == 100


def test_the_page_shows_the_shared_explanations(world):
    roadmap = build_roadmap_for_brief(world.ours)
    client = world.client(world.ours.user(Role.VIEWER))
    page = client.get(reverse("roadmaps:detail", args=[world.ours.org.slug, roadmap.pk])).text
    assert "Weighted mean of the other four (Purpose strength 30 %" in page
