"""No main page scrolls sideways, on a phone (390 px), a tablet (800) or a laptop (1280).

WCAG 1.4.10 (Reflow): content is read by scrolling one way only. A wide
table or the timeline scrolls inside its own box; the page around it does
not. Each page (and state: a form with errors, an open dialog or menu) is one
test per width, over the same demo as the axe tests; a failure names the page
and the width and lists the elements that stick out, outermost first.

At phone width every page is also saved to var/screenshots/narrow/, to be
looked at.
"""

import re
from pathlib import Path

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from organisations.models import User
from reports.models import ReportKind
from roadmap.models import Roadmap
from tests.support.a11y_pages import ADMIN, VISITS, Visit, org_url
from tests.support.axe import wait_until_at_rest, watch_htmx
from tests.support.report_factories import ReportFactory

# django_db: the test database is set up for these tests (see conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PHONE = 390
WIDTHS = {"phone": PHONE, "tablet": 800, "desktop": 1280}
# Pages that poll hold still after their first render, as in test_axe.py.
POLLS = re.compile(r"/progress/|[?&]poll=")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "narrow"

# On a phone the organisation switcher and the user menu are inside the
# header's menu: these states are checked there by "site-menu-open".
WIDE_HEADER_ONLY = {"user-menu-open", "org-switcher-open"}


def _open_site_menu(page: Page) -> None:
    page.locator(".site-menu > summary").click()
    expect(page.locator(".site-menu-panel")).to_be_visible()


PHONE_ONLY = [Visit("site-menu-open", ADMIN, org_url("organisations:home"), _open_site_menu)]

CASES = [
    pytest.param(visit, width, id=f"{visit.name}-{label}")
    for label, width in WIDTHS.items()
    for visit in VISITS + (PHONE_ONLY if width == PHONE else [])
    if not (width == PHONE and visit.name in WIDE_HEADER_ONLY)
]


@pytest.fixture(scope="module", autouse=True)
def briefs(site, django_db_blocker) -> None:
    """A few briefs, done and failed, so the roadmap's briefs table has rows."""
    with django_db_blocker.unblock(), scopes_disabled():
        roadmap = Roadmap.objects.get(pk=site.demo.roadmap)
        admin = User.objects.get(email=ADMIN)
        for kind, version, outcome in [
            (ReportKind.BOARD, 1, {"done": True}),
            (ReportKind.WORKSHOP, 1, {"done": True}),
            (ReportKind.BOARD, 2, {"done": True}),
            (ReportKind.BOARD, 3, {"failed": True}),
        ]:
            ReportFactory(
                roadmap=roadmap, kind=kind, version=version, requested_by=admin, **outcome
            )


# Every element that reaches past the right edge of the window (or before
# its left edge) and is not clipped by a box of its own that scrolls or
# hides; of nested ones only the outermost, which is where to look first.
STICKING_OUT = """() => {
    const width = window.innerWidth;
    // A box clips what it contains only along the chain of containing blocks:
    // an absolutely placed element (a visually hidden label) escapes every
    // static box between it and its positioned ancestor.
    const clipped = (element) => {
        let position = getComputedStyle(element).position;
        for (let box = element.parentElement; box !== document.body; box = box.parentElement) {
            const style = getComputedStyle(box);
            if (position === "fixed") return false;
            if (position === "absolute" && style.position === "static") continue;
            if (style.overflowX !== "visible") {
                const edges = box.getBoundingClientRect();
                if (edges.left >= 0 && edges.right <= width) return true;
            }
            position = style.position;
        }
        return false;
    };
    const describe = (element) => {
        const classes = [...element.classList].slice(0, 3).map((name) => "." + name).join("");
        const id = element.id ? "#" + element.id : "";
        const text = (element.innerText || element.getAttribute("aria-label") || "")
            .trim().replace(/\\s+/g, " ").slice(0, 40);
        const box = element.getBoundingClientRect();
        return `<${element.tagName.toLowerCase()}${id}${classes}> ` +
            `${Math.round(box.left)}–${Math.round(box.right)} px` + (text ? ` "${text}"` : "");
    };
    const out = [];
    for (const element of document.body.querySelectorAll("*")) {
        const box = element.getBoundingClientRect();
        if (box.width === 0 || (box.right <= width + 0.5 && box.left >= -0.5)) continue;
        // Wholly off to the left (a skip link until focused) adds no scrolling.
        if (box.right <= 0) continue;
        // A fixed box (a dialog, a menu's click-catcher) does not widen the page.
        if (getComputedStyle(element).position === "fixed") continue;
        if (out.some((outer) => outer.contains(element)) || clipped(element)) continue;
        out.push(element);
    }
    return out.slice(0, 12).map(describe);
}"""

PAGE_WIDTHS = """() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    clips: [document.documentElement, document.body]
        .map((element) => getComputedStyle(element).overflowX)
        .filter((overflow) => overflow !== "visible"),
})"""


@pytest.mark.parametrize(("visit", "width"), CASES)
def test_page_does_not_scroll_sideways(site, open_page, visit, width):
    page = open_page(visit.role, width)
    page.route(POLLS, lambda route: route.fulfill(status=204))
    watch_htmx(page)
    response = page.goto(f"{site.url}{visit.path(site.demo)}")
    assert response is not None
    wait_until_at_rest(page)
    if visit.state:
        visit.state(page)
        wait_until_at_rest(page)
    if width == PHONE:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{visit.name}.png"), full_page=True)

    measured = page.evaluate(PAGE_WIDTHS)
    # A page that hid its overflow would cut content off instead of scrolling.
    assert measured["clips"] == [], f"{visit.name}: the page hides its overflow"
    sticking_out = "\n".join(f"    {line}" for line in page.evaluate(STICKING_OUT))
    assert measured["scrollWidth"] <= measured["innerWidth"], (
        f"{visit.name} as {visit.role} at {width}px ({page.url}) scrolls sideways: "
        f"{measured['scrollWidth']} px wide in a {measured['innerWidth']} px window\n"
        f"{sticking_out}"
    )
