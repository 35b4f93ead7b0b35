"""The scoring workshop as a new team would run it, in a real browser.

The facilitator opens a round; three executives, each in a browser session
of their own, score at the same time without seeing anyone else's scores;
the facilitator watches the progress fill in without reloading, reveals, and
the results show the ranking, the disagreements and a what-if that re-ranks.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from communities import demo as communities_demo
from organisations.demo import load_people
from purposes import demo as purposes_demo
from tests.support.browser import sign_in
from tests.support.scoring_page import (
    CHARACTERISTICS,
    row_for,
    score_with_the_keyboard,
    score_with_the_mouse,
    start_scoring_blind,
)

pytestmark = pytest.mark.browser

FIRST = "No surprise end-of-life"  # shortlisted in the demo
SECOND = "Your first real product"  # shortlisted in the demo
BOARD = "Get a prototype board right first time"  # weight 5
TOOLS = "Free design tools, models and footprints they can trust"  # weight 4
PEERS = "Advice from peers who have solved the same problem"  # weight 4
NEEDS = [BOARD, TOOLS, PEERS]
EXECUTIVES = {
    "executive@demo.example": "Maria Lopez",
    "tom@demo.example": "Tom Becker",
    "priya@demo.example": "Priya Natarajan",
}
LEFT_OUT = ["Jonas Weber", "Grace Okafor"]

# Need fit per executive, purpose and need. FIRST meets the heavy BOARD need,
# SECOND the TOOLS need, so moving BOARD's weight from 5 to 1 swaps them.
# On SECOND × PEERS the three disagree (0, 3, 5): a spread of 5.
NEED_FIT = {
    (FIRST, BOARD): (5, 5, 5),
    (FIRST, TOOLS): (1, 1, 1),
    (FIRST, PEERS): (3, 3, 3),
    (SECOND, BOARD): (1, 1, 1),
    (SECOND, TOOLS): (5, 5, 5),
    (SECOND, PEERS): (0, 3, 5),
}
PER_EXECUTIVE = 2 * (len(NEEDS) + len(CHARACTERISTICS))


@pytest.mark.django_db(transaction=True)
def test_blind_round_from_opening_to_what_if(live_server, browser, screenshot):
    org = load_people()
    communities_demo.load(org)
    purposes_demo.load(org)
    base = live_server.url
    errors: list[str] = []

    def open_page(width: int = 1280) -> Page:
        page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
        page.on("console", lambda m: m.type == "error" and errors.append(f"{m.text} {m.location}"))
        return page

    # --- The facilitator opens a round in the UI.
    facilitator = open_page()
    sign_in(facilitator, base, "facilitator@demo.example")
    facilitator.goto(f"{base}/o/{org.slug}/")
    # The site navigation's "Scoring" link (the page has no other).
    facilitator.get_by_role("link", name="Scoring", exact=True).first.click()
    facilitator.get_by_role("button", name="Open a round").click()
    expect(facilitator.get_by_role("heading", name="Open a scoring round")).to_be_visible()
    facilitator.get_by_label("Name of the round").fill("Board workshop")
    # The shortlisted purposes are ticked already; three needs, three people.
    expect(facilitator.get_by_role("checkbox", name=FIRST)).to_be_checked()
    expect(facilitator.get_by_role("checkbox", name=SECOND)).to_be_checked()
    needs = facilitator.locator("fieldset", has_text="Needs to score against")
    for box in needs.get_by_role("checkbox").all():
        label = box.evaluate("el => el.labels[0].textContent")
        if not any(label.strip().startswith(statement) for statement in NEEDS):
            box.uncheck()
    for name in LEFT_OUT:
        facilitator.get_by_role("checkbox", name=name).uncheck()
    screenshot(facilitator, "facilitator-opens-round")
    facilitator.get_by_role("button", name="Open the round").click()
    expect(facilitator.locator("#messages")).to_contain_text("is open")
    expect(facilitator.get_by_role("heading", name="Board workshop")).to_be_visible()
    round_url = facilitator.url
    progress = facilitator.locator("#progress")
    expect(progress).to_contain_text("0 of 3 scorers finished")
    # A marker that survives only if the page is never reloaded.
    facilitator.evaluate("window.__stillTheSamePage = true")
    screenshot(facilitator, "facilitator-progress-empty")

    # --- Three executives, three browser sessions, scoring at the same time.
    executives = []
    for number, email in enumerate(EXECUTIVES):
        page = open_page(1280 if number != 1 else 800)
        sign_in(page, base, email)
        start_scoring_blind(page, round_url)
        executives.append(page)

    score = [score_with_the_mouse, score_with_the_mouse, score_with_the_keyboard]
    for (purpose, need), values in NEED_FIT.items():
        for index, page in enumerate(executives):
            if (purpose, need, index) == (FIRST, BOARD, 1):
                # Maria has scored this cell; Tom's page shows nothing of it.
                page.reload()
                row = row_for(page, FIRST, BOARD)
                expect(row.locator("input:checked")).to_have_count(0)
                expect(row.locator(".save-state")).to_have_text("Not scored yet")
                expect(page.locator("#score-done")).to_have_text("0")
            score[index](page, purpose, need, values[index])
        if (purpose, need) == (FIRST, TOOLS):
            screenshot(executives[0], "executive-scoring")
    # The facilitator sees counts moving, never values.
    expect(progress).to_contain_text(f"6 of {PER_EXECUTIVE}")
    screenshot(facilitator, "facilitator-progress-half")

    for purpose in (FIRST, SECOND):
        for characteristic in CHARACTERISTICS:
            for index, page in enumerate(executives):
                score[index](page, purpose, characteristic, 3)
    for page in executives:
        expect(page.locator("#score-done")).to_have_text(str(PER_EXECUTIVE))
        expect(page.get_by_text("Not scored yet")).to_have_count(0)
    screenshot(executives[1], "executive-finished-800px")

    # --- Progress arrived without a reload; then the reveal.
    expect(progress).to_contain_text("3 of 3 scorers finished", timeout=6000)
    expect(progress.locator(".badge-ok")).to_have_count(3)
    assert facilitator.evaluate("window.__stillTheSamePage === true")
    screenshot(facilitator, "facilitator-progress-complete")
    facilitator.get_by_role("button", name="Reveal the scores").click()
    # Everyone finished: the question is short, but still asked.
    expect(facilitator.get_by_role("heading", name="Reveal the scores?")).to_be_visible()
    facilitator.get_by_role("button", name="Reveal now").click()

    # --- Results: ranking, disagreements, what-if.
    expect(facilitator.get_by_role("heading", name="Results", level=1)).to_be_visible()
    ranked = facilitator.locator(".ranked-title")
    expect(ranked.first).to_contain_text(FIRST)
    expect(facilitator.locator(".ranked-first")).to_contain_text(FIRST)
    disagreements = facilitator.locator("table.disagreements tbody tr")
    expect(disagreements).to_have_count(1)
    expect(disagreements.first).to_contain_text(SECOND)
    expect(disagreements.first).to_contain_text(PEERS)
    expect(disagreements.first).to_contain_text("5")
    for name in EXECUTIVES.values():
        expect(disagreements.first).to_contain_text(name)
    expect(facilitator.locator("td.disagree")).to_have_count(1)
    screenshot(facilitator, "results")

    board_weight = facilitator.get_by_label(re.compile(re.escape(BOARD)))
    board_weight.fill("1")
    expect(facilitator.locator(".ranked-first")).to_contain_text(SECOND)
    expect(facilitator.get_by_text("what-if weights, not saved")).to_be_visible()
    screenshot(facilitator, "results-what-if")
    facilitator.get_by_role("link", name="Back to the saved weights").click()
    expect(facilitator.locator(".ranked-first")).to_contain_text(FIRST)

    # Everyone sees the revealed results now; the executives' scores are fixed.
    executives[2].goto(round_url)
    executives[2].get_by_role("button", name="See the results").click()
    expect(executives[2].locator(".ranked-first")).to_contain_text(FIRST)
    expect(executives[2].locator(".what-if")).to_have_count(0)
    screenshot(executives[2], "executive-sees-results")

    assert errors == []
