"""An executive scores a whole purpose with the keyboard alone: Tab, arrow keys, Enter.

From the round's page, Tab reaches "Score now" and Enter opens the scoring
page; Tab reaches each row's scale, the arrow keys choose a level (saved at
once), Enter saves the level under the focus and goes on to the next row.
Every stop of the Tab order shows a focus indicator that stands out from the
page (WCAG 2.4.7, and 1.4.11's 3:1 for the indicator's colour).
"""

import re

import pytest
from django_scopes import scope, scopes_disabled
from playwright.sync_api import Page, expect

from communities.models import Need
from organisations.models import Organisation, User
from purposes.models import CharacteristicScore, NeedScore, Purpose, PurposeStatus
from purposes.scoring import services as scoring_services

# django_db: the test database is set up for these tests (see conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

SCORER = "tom@demo.example"
# What the executive does on each row, in page order: two needs (0–5), then
# the five characteristics (1–5). "enter" moves on with Enter, "tab" with Tab.
# Tab leaves a scale as it is, so a lowest score is chosen with Enter.
PLAN = [
    (0, "enter"),  # Enter alone chooses the focused (lowest) level
    (3, "tab"),
    (5, "enter"),
    (2, "tab"),
    (1, "enter"),
    (4, "tab"),
    (3, "enter"),
]

FOCUS_STYLE = """() => {
    const active = document.activeElement;
    if (!active || active === document.body) return null;
    // A radio's level is outlined as a whole (its label), not the small dot.
    for (const element of [active, active.closest("label")]) {
        if (!element) continue;
        const style = getComputedStyle(element);
        if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) {
            return {what: "outline", color: style.outlineColor, width: style.outlineWidth};
        }
        if (style.boxShadow && style.boxShadow !== "none") {
            return {what: "box-shadow", color: style.boxShadow, width: ""};
        }
    }
    return {what: "none", tag: active.outerHTML.slice(0, 120)};
}"""


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_on_white(css_colour: str) -> float:
    """Contrast ratio of the first rgb()/rgba() colour in ``css_colour`` against white."""
    match = re.search(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)", css_colour)
    assert match, css_colour
    red, green, blue = (float(match.group(i)) for i in (1, 2, 3))
    alpha = float(match.group(4)) if match.group(4) is not None else 1.0
    # Blend a translucent colour over the white page.
    blended = tuple(alpha * c + (1 - alpha) * 255 for c in (red, green, blue))
    return 1.05 / (_luminance(blended) + 0.05)


def assert_focus_visible(page: Page, where: str) -> None:
    style = page.evaluate(FOCUS_STYLE)
    assert style is not None, f"{where}: the focus is lost"
    assert style["what"] != "none", f"{where}: no focus indicator on {style.get('tag')}"
    ratio = contrast_on_white(style["color"])
    assert ratio >= 3, f"{where}: focus {style['what']} {style['color']} has contrast {ratio:.2f}"


def tab_until(page: Page, predicate: str, where: str, limit: int = 80) -> int:
    """Press Tab until ``predicate`` (JS, on the active element) holds; check each stop."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        assert_focus_visible(page, f"{where}, Tab #{presses}")
        if page.evaluate(f"() => {{ const el = document.activeElement; return {predicate}; }}"):
            return presses
    raise AssertionError(f"{where}: {predicate} not reached in {limit} presses of Tab")


def in_row(index: int) -> str:
    return (
        "el.type === 'radio' && "
        f"el.closest('.score-form') === document.querySelectorAll('.score-form')[{index}]"
    )


@pytest.fixture
def keyboard_round(site):
    with scopes_disabled():
        org = Organisation.objects.get(slug=site.demo.slug)
    with scope(organisation=org):
        purpose = Purpose.objects.filter(status=PurposeStatus.CHOSEN).order_by("title").first()
        scoring_round = scoring_services.round_open(
            organisation=org,
            name="Keyboard round",
            purposes=[purpose],
            needs=Need.objects.order_by("pk")[:2],
            executives=[User.objects.get(email=SCORER)],
            created_by=User.objects.get(email="facilitator@demo.example"),
        )
    return org, scoring_round, purpose


def test_executive_scores_a_purpose_with_the_keyboard_alone(site, open_page, keyboard_round):
    org, scoring_round, _purpose = keyboard_round
    page = open_page(SCORER, 1280)
    page.goto(f"{site.url}/o/{org.slug}/rounds/{scoring_round.pk}/")

    # Tab from the top of the round's page to "Score now"; Enter follows it.
    tab_until(page, "el.textContent.trim() === 'Score now'", "round page")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your scores")).to_be_visible()
    forms = page.locator("form.score-form")
    expect(forms).to_have_count(len(PLAN))

    tab_until(page, in_row(0), "scoring page, to the first scale")
    for index, (score, move_on) in enumerate(PLAN):
        where = f"row {index + 1}"
        assert page.evaluate(
            f"() => {{ const el = document.activeElement; return {in_row(index)}; }}"
        ), f"{where}: the focus is not on its scale"
        lowest = int(page.evaluate("() => document.activeElement.value"))
        for _ in range(score - lowest):
            page.keyboard.press("ArrowRight")
        assert_focus_visible(page, where)
        row = forms.nth(index)
        if move_on == "enter":
            page.keyboard.press("Enter")
        expect(row.locator(".save-state")).to_contain_text("Saved")
        expect(row.locator("input[type=radio]:checked")).to_have_value(str(score))
        if move_on == "tab" and index + 1 < len(PLAN):
            page.keyboard.press("Tab")
    expect(page.locator("#score-done")).to_have_text(str(len(PLAN)))
    expect(page.get_by_text("Not scored yet")).to_have_count(0)
    assert page.url.endswith(f"/rounds/{scoring_round.pk}/score/")  # Enter never submitted a form

    with scopes_disabled():
        scorer = User.objects.get(email=SCORER)
        needs = list(
            NeedScore.objects.filter(round=scoring_round, scorer=scorer)
            .order_by("need_id")
            .values_list("score", flat=True)
        )
        characteristics = dict(
            CharacteristicScore.objects.filter(round=scoring_round, scorer=scorer).values_list(
                "characteristic", "score"
            )
        )
    assert needs == [score for score, _ in PLAN[:2]]
    assert sorted(characteristics.values()) == sorted(score for score, _ in PLAN[2:])
    assert len(characteristics) == 5
