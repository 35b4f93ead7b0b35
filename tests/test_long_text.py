"""Long text is never cut silently: wherever a page or a brief shortens a text,
it says so with "…", and the whole text is on the same page or brief (one tap
away). Every text field is filled to its limit, then every main page and both
briefs are read as a reader reads them."""

import pytest
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from communities.models import Community, Need
from organisations.permissions import Role
from purposes.models import Purpose, ScoringRound
from reports import context
from roadmap.models import Milestone, Phase, Roadmap
from tests.support.page_text import page_text
from tests.support.report_builders import build_roadmap_for_brief, snapshot_for

pytestmark = pytest.mark.django_db


def _long(tag: str, limit: int) -> str:
    """``limit`` characters of distinct words, so any cut can be told from the whole."""
    words, n = [tag], 0
    while len(" ".join(words)) < limit:
        n += 1
        words.append(f"{tag.lower()}{n:03d}")
    return " ".join(words)[:limit].rstrip()


def cut_silently(text: str, whole: str, head: int = 24) -> list[str]:
    """Each place ``text`` shows the start of ``whole`` but stops before its end
    without an ellipsis, as the text that follows the shown part."""
    problems = []
    start = text.find(whole[:head])
    while start != -1:
        shown = 0
        while (
            shown < len(whole) and start + shown < len(text) and text[start + shown] == whole[shown]
        ):
            shown += 1
        if shown < len(whole):
            after = text[start + shown : start + shown + 3].lstrip()
            if not after.startswith("…"):
                problems.append(text[start + shown - 20 : start + shown + 20])
        start = text.find(whole[:head], start + 1)
    return problems


@pytest.fixture
def long_texts(world):
    """A scored roadmap of ours whose texts are all as long as they may be."""
    roadmap = build_roadmap_for_brief(world.ours, purposes=3, milestones=10)
    texts = {
        "purpose title": _long("Quokka", 120),
        "purpose statement": _long("Wombat", 1000),
        "value to participants": _long("Numbat", 1000),
        "need": _long("Makerspaces", 300),
        "community": _long("Bilby", 120),
        "phase": _long("Dingo", 80),
        "milestone": _long("Echidna", 120),
        "mitigation": _long("Platypus", 2000),
        "recommendation": _long("Kookaburra", 4000),
    }
    with scopes_disabled():
        purpose = Purpose.objects.filter(placements__phase__roadmap=roadmap).first()
        Purpose.objects.filter(pk=purpose.pk).update(
            title=texts["purpose title"],
            statement=texts["purpose statement"],
            value_to_participants=texts["value to participants"],
        )
        need = Need.objects.filter(organisation=world.ours.org).first()
        Need.objects.filter(pk=need.pk).update(statement=texts["need"])
        Community.objects.filter(pk=need.community_id).update(name=texts["community"])
        Phase.objects.filter(roadmap=roadmap, name="Pilot").update(name=texts["phase"])
        risk = Milestone.objects.filter(roadmap=roadmap, kind="risk").first()
        Milestone.objects.filter(pk=risk.pk).update(
            title=texts["milestone"], mitigation=texts["mitigation"]
        )
        Roadmap.objects.filter(pk=roadmap.pk).update(recommendation=texts["recommendation"])
        scoring_round = ScoringRound.objects.get(organisation=world.ours.org)
        roadmap.refresh_from_db()
    return roadmap, purpose, scoring_round, texts


def _pages(world, roadmap, purpose, scoring_round) -> dict[str, str]:
    slug = world.ours.org.slug
    client = world.client(world.ours.user(Role.FACILITATOR))
    urls = {
        "purposes": reverse("purposes:list", args=[slug]),
        "purpose": reverse("purposes:detail", args=[slug, purpose.pk]),
        "communities": reverse("communities:list", args=[slug]),
        "round": reverse("scoring:detail", args=[slug, scoring_round.pk]),
        "score": reverse("scoring:score", args=[slug, scoring_round.pk]),
        "results": reverse("scoring:results", args=[slug, scoring_round.pk]),
        "roadmap": reverse("roadmaps:detail", args=[slug, roadmap.pk]),
    }
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        pages[name] = page_text(response.text)
    with scope(organisation=roadmap.organisation):
        for kind in ("board", "workshop"):
            html = context.brief_html(context.brief_context(snapshot_for(roadmap, kind=kind)))
            pages[f"{kind} brief"] = page_text(html)
    return pages


def test_no_page_or_brief_cuts_a_text_without_saying_so(world, long_texts):
    roadmap, purpose, scoring_round, texts = long_texts
    pages = _pages(world, roadmap, purpose, scoring_round)
    problems = {
        f"{field} on {page}": cuts
        for page, text in pages.items()
        for field, whole in texts.items()
        if (cuts := cut_silently(text, whole))
    }
    assert problems == {}, problems


# Where each text is shown whole: on its own page, and in every brief that shows it.
WHOLE_IN = {
    "purpose title": ["purpose", "roadmap", "board brief", "workshop brief"],
    "purpose statement": ["purpose", "board brief", "workshop brief"],
    "value to participants": ["purpose", "board brief"],
    "need": ["communities", "score", "results", "board brief", "workshop brief"],
    "community": ["communities"],
    "phase": ["roadmap", "board brief"],
    "milestone": ["roadmap", "board brief"],
    "mitigation": ["roadmap", "board brief"],
    "recommendation": ["roadmap", "board brief"],
}


def test_every_shortened_text_is_whole_one_tap_away(world, long_texts):
    roadmap, purpose, scoring_round, texts = long_texts
    pages = _pages(world, roadmap, purpose, scoring_round)
    missing = [
        f"{field} on {page}"
        for field, places in WHOLE_IN.items()
        for page in places
        if texts[field] not in pages[page]
    ]
    assert missing == [], missing


def test_the_checker_catches_a_silent_cut():
    whole = _long("Quokka", 120)
    assert cut_silently(f"x {whole} y", whole) == []
    assert cut_silently(f"x {whole[:60]}… y", whole) == []
    assert cut_silently(f"x {whole[:60]} …", whole) == []
    assert cut_silently(f"x {whole[:60]} y", whole) != []


def test_a_recommendation_too_long_for_the_summary_is_whole_in_the_appendix(world, long_texts):
    roadmap, _purpose, _round, texts = long_texts
    with scope(organisation=roadmap.organisation):
        board = context.brief_context(snapshot_for(roadmap, kind="board"))
        html = context.brief_html(board)
    summary, appendix = html.split('id="summary"')[1], html.split('id="appendix"')[1]
    assert "Shortened here; in full at the start of the appendix." in page_text(summary)
    assert texts["recommendation"] in page_text(appendix)
    contents = {section.id: str(section.title) for section in board["sections"]}
    assert contents["appendix"] == "Appendix: our recommendation and every purpose"
