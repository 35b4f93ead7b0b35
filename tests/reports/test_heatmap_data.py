"""The heatmap is computed once as data; the results page and the brief each put it in words."""

import pytest
from django.utils import translation
from django_scopes import scope

from purposes.models import Characteristic
from purposes.scoring.presentation import heatmap
from purposes.scoring.results import heatmap_data, round_data
from reports import context
from reports.snapshot import snapshot_build
from roadmap.overview import roadmap_overview
from tests.support.report_builders import build_roadmap_for_brief

pytestmark = pytest.mark.django_db


def _snapshot(roadmap):
    with scope(organisation=roadmap.organisation):
        return snapshot_build(roadmap=roadmap, kind="board", version=1, requested_by="Farid")


def test_the_snapshot_stores_keys_and_numbers_never_words_to_match_back(world):
    roadmap = build_roadmap_for_brief(world.ours)
    grid = _snapshot(roadmap)["data"]["heatmap"]
    assert grid["disagreements"], "the builder's round has disagreements"
    keys = {c.value for c in Characteristic}
    need_ids = {line["id"] for line in grid["needs"]}
    for item in grid["disagreements"]:
        assert "criterion" not in item
        assert (item["need"] in need_ids) != (item["characteristic"] in keys)
    for line in grid["needs"] + grid["characteristics"]:
        for cell in line["cells"]:
            assert set(cell) == {"mean", "heat", "spread", "flag"}


def test_page_and_brief_show_the_same_cells_and_disagreements(world):
    roadmap = build_roadmap_for_brief(world.ours)
    with scope(organisation=world.ours.org):
        overview = roadmap_overview(roadmap)
        page = heatmap(overview.round, overview.results)
        brief = context.brief_context(_snapshot(roadmap))
    page_heat = [[cell["heat"] for cell in line["cells"]] for line in page["need_lines"]]
    brief_heat = [
        [cell["heat"] for cell in line["cells"]] for line in brief["heatmap_tables"][0]["needs"]
    ]
    assert brief_heat == [row[: len(brief_heat[0])] for row in page_heat]
    page_items = [
        (d["purpose"].title, str(d["criterion"]), d["spread"]) for d in page["disagreements"]
    ]
    brief_items = [
        (d["purpose"]["title"], d["criterion"], d["spread"]) for d in brief["disagreements"]
    ]
    assert brief_items == page_items


def test_a_characteristic_disagreement_is_named_in_the_language_of_the_brief(world):
    roadmap = build_roadmap_for_brief(world.ours)
    snapshot = _snapshot(roadmap)
    item = {"purpose": 0, "need": None, "characteristic": "risk", "spread": 3, "scores": []}
    snapshot["data"]["heatmap"]["disagreements"] = [item]
    with translation.override("en"):
        named = context.brief_context(snapshot)["disagreements"][0]["criterion"]
    assert named == str(Characteristic.RISK.label)


def test_an_older_snapshot_with_words_and_no_heat_still_renders(world):
    roadmap = build_roadmap_for_brief(world.ours)
    snapshot = _snapshot(roadmap)
    grid = snapshot["data"]["heatmap"]
    for line in grid["needs"] + grid["characteristics"]:
        for cell in line["cells"]:
            del cell["heat"]
    grid["disagreements"] = [
        {"purpose": 0, "criterion": "Old words", "characteristic": "", "spread": 4, "scores": []}
    ]
    brief = context.brief_context(snapshot)
    assert brief["disagreements"][0]["criterion"] == "Old words"
    assert any(
        cell["heat"] is not None
        for line in brief["heatmap_tables"][0]["needs"]
        for cell in line["cells"]
    )


def test_heatmap_data_reads_no_database(world, django_assert_num_queries):
    roadmap = build_roadmap_for_brief(world.ours)
    with scope(organisation=world.ours.org):
        data = round_data(roadmap_overview(roadmap).round.scoring_round)
        results = data.results()
        with django_assert_num_queries(0):
            heatmap_data(data, results)
