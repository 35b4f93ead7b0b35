"""The main pages, as the demo admin, in Chromium under the strict CSP: 0 violations, 0 errors.

Pages come from the demo data (dashboard, organisation, members, settings,
audit log, communities, purposes, scoring rounds and results, roadmaps and
briefs once their URLs exist), then every other GET page of the tenancy
table (tests/test_tenancy.py), so new pages are covered as they land.
"""

import pytest
from django.urls import NoReverseMatch, reverse
from django_scopes import scopes_disabled

from purposes.models import Purpose, RoundStatus, ScoringRound
from tests.support.browser import load_demo, sign_in, violations, watch
from tests.support.tenancy import OrgCase
from tests.support.tenancy_table import TABLE

pytestmark = pytest.mark.browser


def _try_reverse(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def main_pages(tenant) -> list[str]:
    slug = tenant.org.slug
    with scopes_disabled():
        purpose = Purpose.objects.filter(organisation=tenant.org).order_by("pk").first()
        rounds = list(ScoringRound.objects.filter(organisation=tenant.org).order_by("pk"))
        try:
            from roadmap.models import Roadmap

            roadmap = Roadmap.objects.filter(organisation=tenant.org).order_by("pk").first()
        except ImportError:  # pragma: no cover - the roadmap app always exists
            roadmap = None
    pages = [
        reverse("dashboard"),
        reverse("organisations:home", args=[slug]),
        reverse("organisations:members", args=[slug]),
        reverse("organisations:settings", args=[slug]),
        reverse("organisations:audit", args=[slug]),
        reverse("communities:list", args=[slug]),
        reverse("purposes:list", args=[slug]),
        reverse("purposes:detail", args=[slug, purpose.pk]),
        reverse("purposes:edit", args=[slug, purpose.pk]),
        reverse("scoring:list", args=[slug]),
    ]
    for scoring_round in rounds:
        pages.append(reverse("scoring:detail", args=[slug, scoring_round.pk]))
        if scoring_round.status != RoundStatus.OPEN:
            pages.append(reverse("scoring:results", args=[slug, scoring_round.pk]))
    pages.append(_try_reverse("roadmaps:list", org_slug=slug))
    if roadmap is not None:
        pages.append(_try_reverse("roadmaps:detail", org_slug=slug, roadmap_id=roadmap.pk))
        pages.append(_try_reverse("reports:panel", org_slug=slug, roadmap_id=roadmap.pk))
    return [page for page in pages if page]


def other_pages(tenant, already: set[str]) -> list[str]:
    pages = []
    for name, case in sorted(TABLE.items()):
        if not isinstance(case, OrgCase) or "GET" not in case.methods:
            continue
        kwargs = case.kwargs(tenant) if case.kwargs else {}
        url = reverse(name, kwargs={"org_slug": tenant.org.slug, **kwargs})
        if url not in already:
            pages.append(url)
    return pages


@pytest.mark.django_db(transaction=True)
def test_main_pages_have_no_csp_violations_or_console_errors(live_server, browser, screenshot):
    tenant = load_demo()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen = watch(page)
    problems: dict[str, list[str]] = {}

    page.goto(f"{live_server.url}/accounts/login/")
    problems["/accounts/login/"] = violations(page)
    sign_in(page, live_server.url, "admin@demo.example")

    main = main_pages(tenant)
    visited = []
    for path in [*main, *other_pages(tenant, set(main))]:
        head = page.request.get(f"{live_server.url}{path}")
        if head.status != 200 or "text/html" not in head.headers.get("content-type", ""):
            continue  # downloads (CSV, JSON, PDF) and refusals are not pages
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        if "/rounds/" in path and path.rstrip("/").split("/")[-1].isdigit():
            page.wait_for_timeout(2500)  # an open round polls its progress every 2 s
        problems[path] = violations(page)
        visited.append(path)
    screenshot(page, "last-page")

    # One htmx swap under the CSP: the what-if weights of a revealed round.
    results = next((p for p in visited if p.endswith("/results/")), None)
    if results:
        page.goto(f"{live_server.url}{results}")
        weight = page.locator("form input[type=range], form input[type=number]").first
        if weight.count():
            with page.expect_response(lambda r: "/results/" in r.url):
                weight.fill("5")
                weight.dispatch_event("input")
            page.wait_for_load_state("networkidle")
            problems[f"{results} (htmx)"] = violations(page)

    assert set(main) <= set(visited), sorted(set(main) - set(visited))
    assert {path: found for path, found in problems.items() if found} == {}
    assert seen["console"] == []
    assert seen["pageerror"] == []
    print(f"{len(visited)} pages visited under the CSP: 0 violations, 0 console errors")


@pytest.mark.django_db(transaction=True)
def test_an_htmx_swap_never_writes_a_style_attribute(live_server, browser):
    """htmx settles attributes from the old element onto the new one; ``style`` is not among them.

    A script or a browser tool may give an element a style through the CSSOM
    (which the CSP allows); settling it would write a ``style`` attribute,
    which the CSP refuses (``style-src-attr``).
    """
    tenant = load_demo()
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    seen = watch(page)
    sign_in(page, live_server.url, "admin@demo.example")
    page.goto(f"{live_server.url}{reverse('organisations:members', args=[tenant.org.slug])}")
    page.evaluate("document.getElementById('members-panel').style.outline = '1px solid red'")
    row = page.locator("tr", has_text="viewer@demo.example")
    row.locator("select").select_option("executive")
    with page.expect_response(lambda response: "/role/" in response.url):
        row.get_by_role("button", name="Change").click()
    page.wait_for_load_state("networkidle")
    row = page.locator("tr", has_text="viewer@demo.example")
    assert row.locator("select").input_value() == "executive"
    assert violations(page) == []
    assert seen["console"] == []
