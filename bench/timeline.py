"""Benchmark: the roadmap timeline for 200 milestones over 3 years.

Plain data, no database: it times the layout function and the whole SVG
(layout + template) apart, as the median of many runs after a warm-up. The
issue's target is an SVG in 50 ms or less.

    .venv/bin/python bench/timeline.py [--runs 50] [--write /tmp/timeline-200.svg]

The last line printed is one JSON object for CI to read.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from roadmap.models import MilestoneKind, MilestoneStatus  # noqa: E402
from roadmap.svg import render_timeline_svg  # noqa: E402
from roadmap.timeline import (  # noqa: E402
    DependencyIn,
    MilestoneIn,
    PhaseIn,
    PlacementIn,
    TimelineInput,
    layout_timeline,
)

WORDS = [
    "pilot",
    "forum",
    "launch",
    "moderators",
    "onboarding",
    "champions",
    "webinar",
    "content",
    "seeding",
    "policy",
    "review",
    "privacy",
    "audit",
    "budget",
    "platform",
    "renewal",
    "members",
    "target",
    "contributors",
    "ratio",
    "survey",
    "board",
    "approval",
    "partner",
    "programme",
    "design",
    "engineers",
    "knowledge",
    "base",
    "newsletter",
    "campaign",
]


def sample_roadmap(milestones: int = 200, seed: int = 7) -> TimelineInput:
    rng = random.Random(seed)  # noqa: S311 - sample data, not secrets
    start = date(2026, 1, 1)
    end = date(2028, 12, 31)
    bounds = [start, date(2026, 7, 1), date(2027, 4, 1), date(2028, 1, 1), end + timedelta(days=1)]
    names = ["Pilot", "Launch", "Grow", "Scale"]
    phases = [
        PhaseIn(i + 1, names[i], bounds[i], bounds[i + 1] - timedelta(days=1)) for i in range(4)
    ]
    purposes = [
        ("Design engineers help each other get boards right", [1, 2]),
        ("Students learn electronics with real parts", [2, 3]),
        ("Suppliers publish reference designs", [3]),
        ("Distributors share stock and lead times", [3, 4]),
        ("Employees answer customer questions in the open", [2, 3, 4]),
        ("Makers showcase finished projects", [4]),
    ]
    placements = [
        PlacementIn(100 + index, title, phase_id, index)
        for index, (title, phase_ids) in enumerate(purposes)
        for phase_id in phase_ids
    ]
    kinds = list(MilestoneKind.values)
    statuses = list(MilestoneStatus.values)
    span = (end - start).days
    items = []
    for number in range(1, milestones + 1):
        day = start + timedelta(days=rng.randrange(span))
        stretch = rng.random() < 0.15
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6))).capitalize()
        items.append(
            MilestoneIn(
                number,
                title,
                rng.choice(kinds),
                day,
                day + timedelta(days=rng.randint(14, 120)) if stretch else None,
                rng.choice(statuses),
            )
        )
    dependencies = []
    for _ in range(milestones // 5):
        first, second = rng.sample(items, 2)
        before, after = sorted((first, second), key=lambda m: m.start)
        if rng.random() < 0.1:  # some out of order, to draw the warning style
            before, after = after, before
        dependencies.append(DependencyIn(before.id, after.id))
    return TimelineInput(
        "Community roadmap 2026–2028",
        start,
        end,
        phases,
        placements,
        items,
        list(dict.fromkeys(dependencies)),
    )


def median_ms(function, runs: int, warmup: int = 5) -> float:
    for _ in range(warmup):
        function()
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--write", help="also write the 200-milestone SVG here")
    args = parser.parse_args()

    data = sample_roadmap()
    today = date(2027, 2, 15)
    layout = layout_timeline(data, today=today)
    svg = render_timeline_svg(layout)
    if args.write:
        Path(args.write).write_text(svg, encoding="utf-8")

    layout_ms = median_ms(lambda: layout_timeline(data, today=today), args.runs)
    svg_ms = median_ms(lambda: render_timeline_svg(layout_timeline(data, today=today)), args.runs)
    template_ms = median_ms(lambda: render_timeline_svg(layout), args.runs)

    print(f"timeline, 200 milestones over 3 years, median of {args.runs} runs")
    print(f"  layout only           {layout_ms:7.2f} ms")
    print(f"  template only         {template_ms:7.2f} ms")
    print(f"  SVG (layout+template) {svg_ms:7.2f} ms   target <= 50 ms")
    print(f"  labels shown as numbers: {len(layout.dropped)} of {len(layout.milestones)}")
    print(f"  SVG size: {len(svg.encode()) / 1024:.0f} KB, {layout.width}×{layout.height:.0f}")
    print(
        json.dumps(
            {
                "timeline_svg_200_median_ms": round(svg_ms, 2),
                "timeline_layout_200_median_ms": round(layout_ms, 2),
                "timeline_template_200_median_ms": round(template_ms, 2),
                "labels_dropped": len(layout.dropped),
            }
        )
    )


if __name__ == "__main__":
    main()
