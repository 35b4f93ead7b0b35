"""The iCalendar feed: whatever a member stored, a calendar app reads it back as stored.

The ``icalendar`` package plays the calendar app. Line ends are the one
thing that cannot come back as stored: iCalendar TEXT has a single line
break (RFC 5545, 3.3.11) and no way to write a carriage return, so "\\r\\n"
and a lone "\\r" arrive as "\\n".
"""

import os
import re
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar, vText

from roadmap.exchange import ical
from roadmap.exchange.ical import StoredText, kind_details, roadmap_feed_enable
from roadmap.models import Milestone, MilestoneKind, Roadmap
from tests.support.hostile_roadmaps import (
    build_hostile_roadmap,
    roadmap_plans,
    stored_milestones,
)

pytestmark = pytest.mark.django_db

# 25 for daily runs; .ci/run asks for 200 (on PostgreSQL and on SQLite).
EXAMPLES = int(os.environ.get("ROADMAP_FUZZ_EXAMPLES", "25"))
FOLD_OCTETS = 75
TEXT_ESCAPE = re.compile(r"\\([\\;,nN])")
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def one_line_break(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_of(value) -> str:
    """A TEXT value as a calendar app shows it.

    icalendar unescapes the properties it knows as TEXT and hands over the
    others (NAME, X-WR-CALNAME, X-WR-CALDESC) as written; apps read those as
    TEXT too.
    """
    if isinstance(value, vText):
        return str(value)
    return TEXT_ESCAPE.sub(lambda m: "\n" if m[1] in "nN" else m[1], str(value))


def feed(client, roadmap: Roadmap) -> bytes:
    with scopes_disabled():
        token = roadmap_feed_enable(roadmap=roadmap)
    response = client.get(reverse("calendar:feed", kwargs={"token": token}))
    assert response.status_code == 200
    return response.content


def assert_folded_whole(body: bytes) -> None:
    """Every physical line: CRLF-ended, at most 75 octets, whole UTF-8 characters."""
    assert body.endswith(b"\r\n")
    for line in body.split(b"\r\n")[:-1]:
        assert len(line) <= FOLD_OCTETS, line
        assert b"\r" not in line and b"\n" not in line, line
        line.decode("utf-8")  # a character split across a fold would not decode


def expected_description(m: Milestone, before: list[Milestone], page_url: str) -> str:
    lines = kind_details(m)
    lines.append(f"Status: {m.get_status_display()}.")
    lines.append(
        f"Owner: {m.owner.display_name}." if m.owner else "Nobody owns this milestone yet."
    )
    if m.purpose:
        lines.append(f"Purpose: {m.purpose.title}.")
    if m.community:
        lines.append(f"Community: {m.community.name}.")
    if before:
        lines.append(f"Depends on: {'; '.join(p.title for p in before)}.")
    if m.description:
        lines.extend(["", m.description])
    lines.extend(["", page_url])
    return one_line_break("\n".join(lines))


def kind_text(m: Milestone) -> str:
    """The text of the milestone's own kind a member typed, if any."""
    return {
        MilestoneKind.COMMUNITY: m.metric_label,
        MilestoneKind.RISK: m.mitigation,
        MilestoneKind.VALUE: m.value_metric,
        MilestoneKind.DECISION: m.decision_text,
    }.get(m.kind, "")


def events_by_uid(body: bytes) -> tuple[Calendar, dict[str, object]]:
    calendar = Calendar.from_ical(body)
    events = {str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT")}
    return calendar, events


@SETTINGS
@given(plan=roadmap_plans())
def test_every_event_reads_back_as_stored(world, plan):
    client = world.client(None)
    with transaction.atomic():
        roadmap = build_hostile_roadmap(world.ours, plan)
        body = feed(client, roadmap)
        assert_folded_whole(body)
        calendar, events = events_by_uid(body)
        name = one_line_break(f"{roadmap.title} · {world.ours.org.name}")
        assert text_of(calendar["NAME"]) == text_of(calendar["X-WR-CALNAME"]) == name
        if roadmap.description:
            assert text_of(calendar["X-WR-CALDESC"]) == one_line_break(roadmap.description)
        page_url = "http://testserver" + reverse(
            "roadmaps:detail", kwargs={"org_slug": world.ours.org.slug, "roadmap_id": roadmap.pk}
        )
        milestones, before = stored_milestones(roadmap)
        assert len(events) == len(milestones)
        for m in milestones:
            event = events[f"roadmap-{roadmap.pk}-milestone-{m.pk}"]
            summary = one_line_break(f"{m.get_kind_display()}: {m.title}")
            assert text_of(event["SUMMARY"]) == summary
            description = text_of(event["DESCRIPTION"])
            assert description == expected_description(m, before[m.pk], page_url)
            assert one_line_break(kind_text(m)) in description
            assert event.decoded("DTSTART") == m.start
            assert event.decoded("DTEND") == m.finish + timedelta(days=1)
        transaction.set_rollback(True)


@st.composite
def stored_by_hand(draw):
    """Dates anywhere in the calendar, as rows written before dates were bounded."""
    start = draw(st.one_of(st.sampled_from([date.min, date.max]), st.dates()))
    end = draw(st.none() | st.one_of(st.just(date.max), st.dates(min_value=start)))
    review = draw(st.none() | st.sampled_from([date.min, date.max]) | st.dates())
    return start, end, review


@SETTINGS
@given(
    plan=roadmap_plans(max_milestones=2), dates=st.lists(stored_by_hand(), min_size=2, max_size=2)
)
def test_the_feed_never_answers_500_whatever_dates_are_stored(world, plan, dates):
    client = world.client(None)
    with transaction.atomic():
        roadmap = build_hostile_roadmap(world.ours, plan)
        with scopes_disabled():
            rows = Milestone.objects.filter(roadmap=roadmap).order_by("pk")
            for milestone, (start, end, review) in zip(rows, dates, strict=False):
                Milestone.objects.filter(pk=milestone.pk).update(
                    start=start,
                    end=end,
                    review_date=review if milestone.kind == MilestoneKind.RISK else None,
                )
        body = feed(client, roadmap)
        assert_folded_whole(body)
        _calendar, events = events_by_uid(body)
        for m in stored_milestones(roadmap)[0]:
            event = events[f"roadmap-{roadmap.pk}-milestone-{m.pk}"]
            assert event.decoded("DTSTART") == m.start
            last = m.finish
            assert event.decoded("DTEND") == (last + timedelta(days=1) if last < date.max else last)
        transaction.set_rollback(True)


def test_a_leading_byte_order_mark_survives_serialisation():
    # icalendar 7 eats one at the start of a value; StoredText puts one more in front.
    calendar = Calendar()
    calendar.add("x-wr-calname", StoredText("\ufeff=Roadmap\\N"))
    assert text_of(Calendar.from_ical(calendar.to_ical())["X-WR-CALNAME"]) == "\ufeff=Roadmap\\N"


def test_no_extra_byte_order_mark_when_icalendar_keeps_it(monkeypatch):
    monkeypatch.setattr(ical, "_DROPS_LEADING_BOM", False)
    assert StoredText("\ufeffa;b").to_ical() == "\ufeffa\\;b".encode()
