"""Drive a scoring round's page in a browser: find a row, score it, start scoring blind."""

from playwright.sync_api import Page, expect

# The five characteristics, as the scoring page labels them.
CHARACTERISTICS = [
    "Participant magnetism",
    "Community draw",
    "Organisational value",
    "Community risk",
    "Promotes evolution",
]


def row_for(page: Page, purpose: str, criterion: str):
    section = page.locator("section.score-purpose").filter(
        has=page.get_by_role("heading", name=purpose, exact=True)
    )
    return section.locator("form.score-form").filter(has=page.locator("legend", has_text=criterion))


def score_with_the_mouse(page: Page, purpose: str, criterion: str, score: int) -> None:
    row = row_for(page, purpose, criterion)
    options = row.locator("label.level-option, label.level-card")
    # Need fit runs 0–5, characteristics 1–5.
    index = score if "need-score" in (row.get_attribute("class") or "") else score - 1
    options.nth(index).click()
    expect(row.locator(".save-state")).to_contain_text("Saved")
    expect(row.locator("input[type=radio]:checked")).to_have_value(str(score))


def score_with_the_keyboard(page: Page, purpose: str, criterion: str, score: int) -> None:
    """Tab lands on the first level; arrows choose (and save); Enter moves on."""
    row = row_for(page, purpose, criterion)
    first = row.locator("input[type=radio]").first
    first.focus()
    lowest = int(first.get_attribute("value"))
    if score == lowest:
        page.keyboard.press("Enter")
    else:
        for _ in range(score - lowest):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
    expect(row.locator(".save-state")).to_contain_text("Saved")
    expect(row.locator("input[type=radio]:checked")).to_have_value(str(score))
    # The arrows settle into one save of the last level chosen.
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    # Enter moved the focus on to the next row (if there is one).
    assert row.evaluate(
        """(form) => {
            const forms = [...document.querySelectorAll('.score-form')];
            const next = forms[forms.indexOf(form) + 1];
            return !next || next.contains(document.activeElement);
        }"""
    )


def start_scoring_blind(page: Page, round_url: str) -> None:
    """Open an open round as an executive: nothing of anyone's scores shows; start scoring."""
    page.goto(round_url)
    expect(page.get_by_role("button", name="See the results")).to_have_count(0)
    expect(page.locator("#progress")).to_have_count(0)
    refused = page.request.get(round_url + "results/")
    assert refused.status == 403
    assert "Scores are still hidden" in refused.text()
    page.get_by_role("button", name="Score now").click()
    expect(page.get_by_role("heading", name="Your scores")).to_be_visible()
