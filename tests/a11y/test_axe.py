"""axe-core finds no WCAG 2.2 A/AA violation on any main page, at desktop and tablet widths.

Each page (or state of a page: a form with errors, an open dialog, the
what-if results) is one test per width, so a failure names the page; the
message lists every violation with its rule, impact, help and nodes.
"""

import re

import pytest

from tests.support.a11y_pages import VISITS, WIDTHS
from tests.support.axe import describe, run_axe, wait_until_at_rest, watch_htmx

# django_db: the test database is set up for these tests (see conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

# Pages that poll (an open round's progress, a brief being drawn) are frozen
# after their first render: axe needs a page that holds still.
POLLS = re.compile(r"/progress/|[?&]poll=")


def targets_take_no_clicks(page, selector: str) -> bool:
    """No point of any ``selector`` element on screen reaches that element."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].every((target) => {
            const box = target.getBoundingClientRect();
            for (let x = box.left + 1; x < box.right; x += 4) {
                for (let y = box.top + 1; y < box.bottom; y += 4) {
                    const hit = document.elementFromPoint(x, y);
                    if (hit && target.contains(hit)) return false;
                }
            }
            return true;
        })""",
        selector,
    )


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("visit", VISITS, ids=[visit.name for visit in VISITS])
def test_page_has_no_wcag_violations(site, open_page, visit, width):
    page = open_page(visit.role, width)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.route(POLLS, lambda route: route.fulfill(status=204))
    watch_htmx(page)
    response = page.goto(f"{site.url}{visit.path(site.demo)}")
    assert response is not None
    wait_until_at_rest(page)
    if visit.state:
        visit.state(page)
        wait_until_at_rest(page)

    if visit.waived:
        for rule, selector in visit.waived.items():
            assert targets_take_no_clicks(page, selector), (
                f"{visit.name}: {selector} can be clicked, so axe's {rule} applies to it"
            )
    violations = run_axe(page, visit.waived)

    assert violations == [], (
        f"{visit.name} as {visit.role} at {width}px ({page.url}): "
        f"{len(violations)} WCAG rule(s) broken\n{describe(violations)}"
    )
    assert errors == []
