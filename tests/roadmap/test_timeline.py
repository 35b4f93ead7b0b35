import random
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from itertools import combinations

import pytest
from django.utils import translation

from roadmap.models import MilestoneKind, MilestoneStatus
from roadmap.svg import render_timeline_svg
from roadmap.timeline import (
    DependencyIn,
    MilestoneIn,
    PhaseIn,
    PlacementIn,
    TimelineInput,
    layout_timeline,
    text_width,
    timeline_rows,
    truncate_to_width,
)

SVG = "{http://www.w3.org/2000/svg}"
START, END = date(2026, 1, 1), date(2028, 12, 31)


def random_roadmap(count: int, seed: int, end: date = END) -> TimelineInput:
    rng = random.Random(seed)
    span = (end - START).days
    milestones = []
    for number in range(count):
        day = START + timedelta(days=rng.randrange(span))
        milestones.append(
            MilestoneIn(
                number,
                " ".join(
                    rng.choice(["Launch", "forum", "members", "policy", "W"])
                    for _ in range(rng.randint(1, 8))
                ),
                rng.choice(MilestoneKind.values),
                day,
                day + timedelta(days=rng.randint(10, 90)) if rng.random() < 0.2 else None,
                rng.choice(MilestoneStatus.values),
            )
        )
    phases = [
        PhaseIn(1, "Pilot", START, date(2026, 6, 30)),
        PhaseIn(2, "Launch", date(2026, 7, 1), date(2027, 6, 30)),
        PhaseIn(3, "Scale", date(2027, 7, 1), end),
    ]
    placements = [
        PlacementIn(10, "Engineers help engineers", 1),
        PlacementIn(10, "Engineers help engineers", 2),
    ]
    dependencies = [
        DependencyIn(a, b) for a, b in zip(range(0, count - 1, 7), range(3, count, 7), strict=False)
    ]
    return TimelineInput("Test roadmap", START, end, phases, placements, milestones, dependencies)


def assert_no_label_overlaps(layout) -> None:
    boxes = layout.label_boxes()
    for first, second in combinations(boxes, 2):
        assert not first.overlaps(second), (first, second)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_two_labels_overlap_with_200_random_milestones_over_3_years(seed):
    layout = layout_timeline(random_roadmap(200, seed), today=date(2027, 1, 1))
    assert len(layout.milestones) == 200
    assert_no_label_overlaps(layout)


def test_labels_do_not_overlap_even_when_every_milestone_falls_on_one_day():
    data = TimelineInput(
        "Crowded",
        START,
        END,
        milestones=[
            MilestoneIn(n, f"Same day {n}", MilestoneKind.RISK, date(2027, 3, 1)) for n in range(60)
        ],
    )
    layout = layout_timeline(data, max_label_rows=3)
    assert_no_label_overlaps(layout)
    risk_lane = next(lane for lane in layout.lanes if lane.key == MilestoneKind.RISK)
    assert risk_lane.rows == 60, "each same-day milestone needs a row of its own"
    assert [m.numbered for m in layout.milestones].count(False) == 3


def test_labels_stay_inside_the_plot():
    layout = layout_timeline(random_roadmap(200, 4))
    for box in layout.label_boxes():
        assert layout.plot_left <= box.x0 and box.x1 <= layout.plot_right + 0.01


def test_a_crowded_lane_shows_numbers_and_reports_which_labels_were_dropped():
    layout = layout_timeline(random_roadmap(200, 5), max_label_rows=2)
    dropped = layout.dropped
    assert dropped
    assert all(m.label == str(m.number) for m in dropped)
    labelled = [m for m in layout.milestones if not m.numbered]
    assert all(not m.label.isdigit() for m in labelled)


def test_lanes_grow_with_the_rows_they_need():
    sparse = layout_timeline(random_roadmap(5, 6))
    dense = layout_timeline(random_roadmap(200, 6))
    assert max(lane.height for lane in dense.lanes) > max(lane.height for lane in sparse.lanes)
    assert dense.height > sparse.height
    for above, below in zip(dense.lanes, dense.lanes[1:], strict=False):
        assert below.y == pytest.approx(above.y + above.height)


def test_month_ticks_up_to_18_months_then_quarters():
    months = layout_timeline(TimelineInput("Short", date(2026, 1, 1), date(2027, 6, 30)))
    assert months.tick_unit == "month"
    assert len(months.ticks) == 18
    assert months.ticks[0].label == "Jan 2026"
    assert months.ticks[12].label == "Jan 2027" and months.ticks[12].year_start

    quarters = layout_timeline(TimelineInput("Long", date(2026, 1, 1), date(2027, 7, 31)))
    assert quarters.tick_unit == "quarter"
    assert [t.label for t in quarters.ticks][:5] == [
        "Q1 2026",
        "Q2 2026",
        "Q3 2026",
        "Q4 2026",
        "Q1 2027",
    ]


def test_tick_labels_thin_out_when_the_chart_is_narrow():
    layout = layout_timeline(
        TimelineInput("Narrow", date(2026, 1, 1), date(2027, 6, 30)), width=400
    )
    shown = [t.label for t in layout.ticks if t.label]
    assert 0 < len(shown) < len(layout.ticks)
    assert "Jan 2026" in shown


def test_scale_puts_the_first_day_at_the_left_and_the_day_after_the_last_at_the_right():
    data = TimelineInput(
        "Edges",
        START,
        END,
        phases=[PhaseIn(1, "All of it", START, END)],
        milestones=[
            MilestoneIn(1, "First day", MilestoneKind.VALUE, START),
            MilestoneIn(2, "Before the roadmap", MilestoneKind.VALUE, START - timedelta(days=40)),
            MilestoneIn(3, "After the roadmap", MilestoneKind.VALUE, END + timedelta(days=40)),
        ],
    )
    layout = layout_timeline(data)
    band = layout.phases[0]
    assert band.x == layout.plot_left
    assert band.x + band.width == pytest.approx(layout.plot_right, abs=0.1)
    by_title = {m.title: m for m in layout.milestones}
    assert by_title["First day"].x == layout.plot_left and not by_title["First day"].outside
    assert (
        by_title["Before the roadmap"].x == layout.plot_left
        and by_title["Before the roadmap"].outside
    )
    assert (
        by_title["After the roadmap"].x == layout.plot_right
        and by_title["After the roadmap"].outside
    )


def test_today_line_only_inside_the_roadmap():
    data = TimelineInput("Today", START, END)
    assert layout_timeline(data, today=date(2027, 7, 1)).today_x is not None
    assert layout_timeline(data, today=START - timedelta(days=1)).today_x is None
    assert layout_timeline(data, today=END + timedelta(days=1)).today_x is None
    assert layout_timeline(data).today_x is None


def test_empty_roadmap_still_has_its_lanes_and_ticks():
    layout = layout_timeline(TimelineInput("Empty", START, END))
    assert [lane.key for lane in layout.lanes] == ["purposes", *MilestoneKind.values]
    assert all(lane.height > 0 for lane in layout.lanes)
    assert layout.ticks and not layout.milestones and not layout.arrows
    assert "No milestones yet" in layout.desc
    ET.fromstring(render_timeline_svg(layout))


def test_purposes_are_bars_across_their_phases_in_sequence():
    phases = [
        PhaseIn("a", "Pilot", date(2026, 1, 1), date(2026, 3, 31)),
        PhaseIn("b", "Launch", date(2026, 4, 1), date(2026, 9, 30)),
        PhaseIn("c", "Grow", date(2026, 10, 1), date(2026, 12, 31)),
    ]
    placements = [
        PlacementIn(2, "Later purpose", "c"),
        PlacementIn(1, "First purpose", "a"),
        PlacementIn(1, "First purpose", "b"),
        PlacementIn(3, "Gapped purpose", "a"),
        PlacementIn(3, "Gapped purpose", "c"),
    ]
    layout = layout_timeline(
        TimelineInput("P", date(2026, 1, 1), date(2026, 12, 31), phases, placements)
    )
    first, gapped, later = layout.purposes
    assert [first.title, gapped.title, later.title] == [
        "First purpose",
        "Gapped purpose",
        "Later purpose",
    ]
    assert len(first.segments) == 1 and first.phase_names == ("Pilot", "Launch")
    assert len(gapped.segments) == 2, "a purpose absent from a phase leaves a gap"
    assert first.y < gapped.y < later.y


def test_dependency_dated_before_its_predecessor_is_drawn_as_late():
    data = TimelineInput(
        "Deps",
        START,
        END,
        milestones=[
            MilestoneIn(1, "Budget", MilestoneKind.INVESTMENT, date(2026, 5, 1)),
            MilestoneIn(2, "Launch", MilestoneKind.COMMUNITY, date(2026, 6, 1)),
            MilestoneIn(3, "Too early", MilestoneKind.VALUE, date(2026, 4, 1)),
        ],
        dependencies=[DependencyIn(1, 2), DependencyIn(1, 3)],
    )
    layout = layout_timeline(data)
    late = {(a.predecessor, a.successor): a.late for a in layout.arrows}
    assert late == {(1, 2): False, (1, 3): True}
    rows = {row.title: row for row in timeline_rows(data, layout)}
    assert rows["Too early"].dated_before_dependency and rows["Too early"].depends_on == ("Budget",)
    assert not rows["Launch"].dated_before_dependency


def test_table_rows_follow_the_chart_numbers_in_date_order():
    data = random_roadmap(30, 8)
    layout = layout_timeline(data)
    rows = timeline_rows(data, layout)
    assert [row.number for row in rows] == list(range(1, 31))
    assert [row.when for row in rows] == [m.when for m in layout.milestones]
    starts = [m.start for m in layout.milestones]
    assert starts == sorted(starts)


def test_long_titles_are_shortened_with_an_ellipsis_within_the_width():
    text = "A very long milestone title that goes on and on well past any sensible width"
    short = truncate_to_width(text, 120)
    assert short.endswith("…") and text_width(short) <= 120
    assert truncate_to_width("Short", 120) == "Short"


def test_svg_for_200_milestones_parses_and_names_itself():
    data = random_roadmap(200, 9)
    svg = render_timeline_svg(layout_timeline(data, today=date(2027, 1, 1)), id_prefix="t1")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "t1-title t1-desc"
    assert root.find(f"{SVG}title").text == "Test roadmap"
    assert "200 milestones" in root.find(f"{SVG}desc").text
    assert 'style="' not in svg and "<style" not in svg


def test_svg_escapes_titles():
    hostile = '<script>alert("x")</script> & co'
    data = TimelineInput(
        hostile,
        START,
        END,
        phases=[PhaseIn(1, hostile, START, END)],
        placements=[PlacementIn(1, hostile, 1)],
        milestones=[MilestoneIn(1, hostile, MilestoneKind.RISK, date(2026, 2, 1))],
    )
    svg = render_timeline_svg(layout_timeline(data))
    assert "<script>" not in svg
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == hostile
    assert any(hostile in "".join(el.itertext()) for el in root.iter(f"{SVG}title"))


def test_svg_numbers_are_not_localised(settings):
    settings.LANGUAGES = [("en", "English"), ("de", "German")]
    with translation.override("de"):
        svg = render_timeline_svg(layout_timeline(random_roadmap(20, 10)))
    root = ET.fromstring(svg)
    for rect in root.iter(f"{SVG}rect"):
        float(rect.get("x"))
        float(rect.get("width"))


@pytest.mark.parametrize("title", ["Engineers help engineers", "Right first time for every board"])
def test_every_run_of_a_purpose_placed_in_phases_apart_is_named(title):
    """A purpose in phases 1 and 3 draws two bars; the second is named too."""
    phases = [
        PhaseIn(1, "Pilot", date(2026, 1, 1), date(2026, 6, 30)),
        PhaseIn(2, "Grow", date(2026, 7, 1), date(2026, 12, 31)),
        PhaseIn(3, "Scale", date(2027, 1, 1), date(2027, 6, 30)),
    ]
    placements = [PlacementIn(10, title, 1), PlacementIn(10, title, 3)]
    data = TimelineInput("Apart", date(2026, 1, 1), date(2027, 6, 30), phases, placements)
    layout = layout_timeline(data)
    (bar,) = layout.purposes
    assert len(bar.segments) == 2
    assert bar.label and bar.segments[1].label
    assert bar.segments[1].label_x >= bar.segments[1].x
    svg = ET.fromstring(render_timeline_svg(layout))
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert (
        sum(1 for text in texts if text and text.rstrip("…") and title.startswith(text.rstrip("…")))
        == 2
    )
