"""The guarded reveal in a real browser: who has not finished, a confirmation, one reveal.

Two executives score; Tom has entered only part of his scores. The
facilitator clicks Reveal, sees that Tom has not finished, and double-clicks
the confirmation: the round is revealed once, with one entry in the audit log.
"""

import pytest
from django_scopes import scope, scopes_disabled
from playwright.sync_api import expect

from communities import demo as communities_demo
from communities.models import Need
from organisations.demo import load_people
from organisations.models import AuditEntry, User
from purposes import demo as purposes_demo
from purposes.models import Purpose, PurposeStatus, RoundStatus, ScoringRound
from purposes.scoring.services import round_open
from tests.support.browser import sign_in
from tests.support.scoring import score_first

pytestmark = pytest.mark.browser

# 2 purposes × (3 needs + 5 characteristics)
OWED = 16
TOM_DONE = 10


def _open_round(org) -> ScoringRound:
    with scope(organisation=org):
        purposes = list(Purpose.objects.filter(status=PurposeStatus.SHORTLISTED)[:2])
        needs = list(Need.objects.order_by("pk")[:3])
        maria = User.objects.get(email="executive@demo.example")
        tom = User.objects.get(email="tom@demo.example")
        scoring_round = round_open(
            organisation=org,
            name="Board workshop",
            purposes=purposes,
            needs=needs,
            executives=[maria, tom],
            created_by=User.objects.get(email="facilitator@demo.example"),
        )
    score_first(scoring_round, maria, OWED)
    score_first(scoring_round, tom, TOM_DONE)
    return scoring_round


def _reveals_logged(scoring_round) -> int:
    with scopes_disabled():
        entries = AuditEntry.objects.filter(
            content_type__model="scoringround", object_pk=str(scoring_round.pk)
        )
        return sum(1 for e in entries if e.changes.get("status") == ["open", "revealed"])


@pytest.mark.django_db(transaction=True)
def test_reveal_names_who_has_not_finished_and_a_double_click_reveals_once(
    live_server, browser, screenshot
):
    org = load_people()
    communities_demo.load(org)
    purposes_demo.load(org)
    scoring_round = _open_round(org)
    base = live_server.url
    round_url = f"{base}/o/{org.slug}/rounds/{scoring_round.pk}/"

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    reveal_posts: list[str] = []
    page.on(
        "request",
        lambda r: r.method == "POST" and r.url.endswith("/reveal/") and reveal_posts.append(r.url),
    )
    sign_in(page, base, "facilitator@demo.example")
    page.goto(round_url)
    expect(page.locator("#progress")).to_contain_text("1 of 2 scorers finished")

    # --- Reveal asks first, and says who has not finished.
    page.get_by_role("button", name="Reveal the scores").click()
    expect(page.get_by_role("heading", name="Not everyone has finished")).to_be_visible()
    unfinished = page.locator("ul.unfinished li")
    expect(unfinished).to_have_count(1)
    expect(unfinished.first).to_have_text(f"Tom Becker: {TOM_DONE} of {OWED} scores")
    expect(page.locator("main")).to_contain_text("1 of 2 finished, 1 partly")
    screenshot(page, "reveal-asks")
    assert _status(scoring_round) == RoundStatus.OPEN

    # --- A double click on the confirmation.
    csrf = page.locator("form.reveal-form input[name=csrfmiddlewaretoken]").input_value()
    page.get_by_role("button", name="Reveal anyway").dblclick()
    expect(page.get_by_role("heading", name="Results", level=1)).to_be_visible()
    expect(page.locator(".notice.incomplete-round")).to_contain_text("An incomplete round.")
    screenshot(page, "revealed")
    assert reveal_posts, "the confirmation was never sent"
    assert _status(scoring_round) == RoundStatus.REVEALED
    assert _reveals_logged(scoring_round) == 1

    # --- However the browser coalesced the double click, a second confirmed POST
    # (as a second tab or a slow network would send it) is told kindly, not refused.
    again = page.context.request.post(
        f"{round_url}reveal/",
        form={"csrfmiddlewaretoken": csrf, "confirmed": "yes"},
        headers={"Referer": f"{round_url}reveal/"},
    )
    assert again.ok
    assert "“Board workshop” was already revealed; nothing changed." in again.text()
    assert _reveals_logged(scoring_round) == 1
    assert errors == []


def _status(scoring_round) -> str:
    with scopes_disabled():
        return ScoringRound.objects.get(pk=scoring_round.pk).status
