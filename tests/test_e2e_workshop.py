"""A whole workshop in a real browser, four people at once.

A facilitator and three executives, each in a browser session of their own and
signed in through the sign-in form, start from an organisation that has only
its members: the facilitator enters the stakeholders and their weighted needs;
the executives draft purposes (two of them save the same statement at the same
moment, and the second is refused with what the first saved); the facilitator
shortlists, opens a blind round and watches it fill in while the executives
score side by side; reveals, chooses the winner from the results, builds a
roadmap with a milestone of every kind and a dependency, and asks a real
Celery worker for a board brief, whose PDF is downloaded and read.

Every step leaves a screenshot under var/screenshots/test_a_whole_workshop…/.
Across the four pages, console errors and Content-Security-Policy violations
are counted from the first page to the last: there must be none (Chromium's
log line for the one refused save, answered 409 on purpose, is counted apart).
"""

import io
import re
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pypdf import PdfReader

from organisations.permissions import Role
from tests.support.briefs import BOARD_SECTIONS
from tests.support.browser import sign_in
from tests.support.factories import (
    TEST_PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.support.roadmap_page import add_dependency, add_milestone, add_phase, warning
from tests.support.scoring_page import (
    CHARACTERISTICS,
    row_for,
    score_with_the_keyboard,
    start_scoring_blind,
)
from tests.support.worker import celery_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "northwind"
FACILITATOR = ("fiona@northwind.example", "Fiona", "Hale")
EXECUTIVES = [
    ("ana@northwind.example", "Ana", "Alvarez"),
    ("ben@northwind.example", "Ben", "Brooks"),
    ("chloe@northwind.example", "Chloe", "Chen"),
]

# Stakeholders: community -> kind, size, [(need, weight)].
ENGINEERS = "Design engineers"
DISTRIBUTORS = "Distributor field engineers"
BOARD = "Get a prototype board right first time"
PARTS = "Footprints and models they can trust"
ANSWERS = "Answers to customers' questions within a day"
COMMUNITIES = [
    (ENGINEERS, "customers", "40000", [(BOARD, 5), (PARTS, 3)]),
    (DISTRIBUTORS, "distributors", "300", [(ANSWERS, 4)]),
]
NEEDS = [BOARD, PARTS, ANSWERS]

# One purpose per executive; the first two are shortlisted and scored.
RIGHT_FIRST = "Right first time"
TRUSTED = "Trusted footprints"
FIELD = "Answers from the field"
PURPOSES = {
    RIGHT_FIRST: {
        "Purpose statement": "Design engineers help each other get prototype boards right "
        "the first time.",
        "Who participates": "Design engineers at customers and prospects, and our "
        "application engineers.",
        "The issue or opportunity": "A failed prototype board costs weeks and money.",
        "Value to participants": "Reviews from peers before a board is ordered.",
        "Value to the organisation": "Design wins: the parts chosen in reviewed boards, "
        "counted each quarter.",
    },
    TRUSTED: {
        "Purpose statement": "Engineers share footprints and models they have built and tested.",
        "Who participates": "Design engineers and our library team.",
        "The issue or opportunity": "Vendor footprints are often wrong.",
        "Value to participants": "Footprints that work the first time.",
        "Value to the organisation": "Fewer support tickets about footprints.",
    },
    FIELD: {
        "Purpose statement": "Distributor engineers answer customers' questions together "
        "within a day.",
        "Who participates": "Field engineers of our distributors.",
        "The issue or opportunity": "Customers wait days for answers.",
        "Value to participants": "Faster answers for their own customers.",
        "Value to the organisation": "More sales through distributors.",
    },
}
SHORTLIST = [RIGHT_FIRST, TRUSTED]
# Ben and Chloe edit the statement of Right first time at the same moment.
BENS_STATEMENT = "Design engineers review each other's boards before they are ordered."
CHLOES_STATEMENT = "Engineers get every prototype board right the first time, together."

# Need fit per purpose and need, for Ana, Ben and Chloe; characteristics alike.
NEED_FIT = {
    (RIGHT_FIRST, BOARD): (5, 4, 5),
    (RIGHT_FIRST, PARTS): (3, 3, 4),
    (RIGHT_FIRST, ANSWERS): (2, 3, 2),
    (TRUSTED, BOARD): (2, 1, 2),
    (TRUSTED, PARTS): (5, 4, 4),
    (TRUSTED, ANSWERS): (1, 0, 1),
}
CHARACTERISTIC_SCORE = {RIGHT_FIRST: (4, 4, 5), TRUSTED: (3, 2, 3)}
LOW_RISK = {RIGHT_FIRST: (2, 1, 2), TRUSTED: (3, 3, 2)}  # community risk: lower is better
PER_EXECUTIVE = len(SHORTLIST) * (len(NEEDS) + len(CHARACTERISTICS))

ROADMAP = "Engineers first"

# Injected by the test, not the page: every CSP violation of every document a
# page shows is handed to Python at once, so none is lost to a navigation.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile || location.pathname}:${event.lineNumber}`
  );
});
"""

# Records every stage and progress value the briefs panel shows, however the
# polling swaps it in: what the person watching the page saw.
WATCH_BRIEF_PROGRESS = """
() => {
  window.__briefStages = [];
  const note = () => {
    const stage = document.querySelector(".brief-stage");
    const bar = document.querySelector(".briefs-progress progress");
    if (!stage || !bar) return;
    const seen = `${stage.textContent.trim()} ${bar.getAttribute("value")}`;
    if (window.__briefStages.at(-1) !== seen) window.__briefStages.push(seen);
  };
  new MutationObserver(note).observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true,
  });
  note();
}
"""


# Chromium logs the status of every document it is sent with an error status.
# The one such document this workshop may see is the refused save of the edit
# conflict it provokes on purpose (409, the page that shows what the other
# person saved); it is counted on its own, so that it cannot hide anything else.
CONFLICT_REFUSAL = re.compile(
    r"^Failed to load resource: the server responded with a status of 409 \(Conflict\)$"
)


@dataclass
class Problems:
    """Console errors, uncaught page errors and CSP violations of all pages."""

    console: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    refused_saves: list[str] = field(default_factory=list)

    def on_console(self, who: str, message) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        if CONFLICT_REFUSAL.match(message.text) and re.search(r"/purposes/\d+/edit/$", url):
            self.refused_saves.append(f"{who}: {url}")
        else:
            self.console.append(f"{who}: {message.text} {message.location}")


@pytest.fixture
def open_person(browser: Browser):
    """``open_person(problems, who, width)``: a browser session of its own, closed after."""
    contexts: list[BrowserContext] = []

    def open_page(problems: Problems, who: str, width: int) -> Page:
        context = browser.new_context(viewport={"width": width, "height": 900})
        contexts.append(context)
        context.expose_binding(
            "__reportViolation",
            lambda _source, text: problems.violations.append(f"{who}: {text}"),
        )
        context.add_init_script(REPORT_VIOLATIONS)
        page = context.new_page()
        page.on("console", lambda message: problems.on_console(who, message))
        page.on("pageerror", lambda error: problems.console.append(f"{who}: {error}"))
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def patient_expect():
    """Four browsers, a server and a worker share two cores: expects wait up to 15 s."""
    expect.set_options(timeout=15_000)
    yield
    expect.set_options(timeout=None)  # back to Playwright's default


def nav(page: Page, base_url: str, section: str) -> None:
    """Go to a section of the organisation through the workshop navigation."""
    if f"/o/{SLUG}/" not in page.url:
        page.goto(f"{base_url}/o/{SLUG}/")
    page.get_by_role("navigation", name="Workshop").get_by_role(
        "link", name=section, exact=True
    ).click()


def create_org() -> None:
    org = OrganisationFactory(name="Northwind Instruments", slug=SLUG)
    for role, people in ((Role.FACILITATOR, [FACILITATOR]), (Role.EXECUTIVE, EXECUTIVES)):
        for email, first, last in people:
            user = UserFactory(email=email, first_name=first, last_name=last)
            MembershipFactory(organisation=org, user=user, role=role)


def add_community(page: Page, name: str, kind: str, size: str) -> None:
    panel = page.locator("#add-community")
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    panel.get_by_label("Name", exact=True).fill(name)
    panel.get_by_label("Kind", exact=True).select_option(kind)
    panel.get_by_label("Estimated size").fill(size)
    panel.get_by_role("button", name="Add community").click()
    expect(page.locator("#messages")).to_contain_text(f"Added “{name}”.")


def add_need(page: Page, community: str, statement: str, weight: int, count: int) -> None:
    card = page.locator("article.community-card").filter(
        has=page.get_by_role("heading", name=community, exact=True)
    )
    adder = card.locator("details.add-need")
    if adder.get_attribute("open") is None:
        adder.locator("summary").click()
    adder.get_by_label("Need", exact=True).fill(statement)
    adder.get_by_label("Weight", exact=True).select_option(str(weight))
    adder.get_by_role("button", name="Add need").click()
    expect(card.locator("li.need")).to_have_count(count)
    expect(card.locator("li.need").last).to_contain_text(statement)


def choose(page: Page, purpose: str, criterion: str, score: int) -> None:
    """Click a level with the mouse; the save happens in the background."""
    row = row_for(page, purpose, criterion)
    index = score if "need-score" in (row.get_attribute("class") or "") else score - 1
    row.locator("label.level-option, label.level-card").nth(index).click()


def expect_saved(page: Page, purpose: str, criterion: str, score: int) -> None:
    row = row_for(page, purpose, criterion)
    expect(row.locator(".save-state")).to_contain_text("Saved")
    expect(row.locator("input[type=radio]:checked")).to_have_value(str(score))


def pdf_text(path: str) -> str:
    with open(path, "rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.fixture
def brief_worker(transactional_db, settings, tmp_path):
    """A real worker consuming the test queue, started first so it is warm by step 6."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.reports.worker_settings",
        "REPORTS_TEST_MEDIA_ROOT": settings.MEDIA_ROOT,
        # Slow enough for the stages to show on the page as it polls.
        "REPORTS_STAGE_DELAY": "0.8",
    }
    log = tmp_path / "worker.log"
    with celery_worker("--pool=solo", log_path=log, **env):
        yield log


def test_a_whole_workshop_with_four_people_at_once(
    brief_worker, live_server, open_person, patient_expect, screenshot
):
    create_org()
    base = live_server.url
    problems = Problems()

    facilitator = open_person(problems, "facilitator", 1280)
    ana = open_person(problems, "Ana", 1280)
    ben = open_person(problems, "Ben", 800)
    chloe = open_person(problems, "Chloe", 1024)
    executives = [ana, ben, chloe]
    sign_in(facilitator, base, FACILITATOR[0], TEST_PASSWORD)
    for page, (email, _first, _last) in zip(executives, EXECUTIVES, strict=True):
        sign_in(page, base, email, TEST_PASSWORD)

    # --- 1. The facilitator enters the stakeholders and their weighted needs.
    nav(facilitator, base, "Stakeholders")
    expect(facilitator.get_by_role("heading", name="Stakeholders and needs")).to_be_visible()
    expect(facilitator.get_by_text("No communities yet.")).to_be_visible()
    for name, kind, size, needs in COMMUNITIES:
        add_community(facilitator, name, kind, size)
        for count, (statement, weight) in enumerate(needs, start=1):
            add_need(facilitator, name, statement, weight, count)
    expect(facilitator.locator("#communities-heading")).to_contain_text("2 communities")
    expect(facilitator.locator("#communities-heading")).to_contain_text("3 needs")
    screenshot(facilitator, "stakeholders-and-needs")

    # --- 2. Three executives draft at the same time, field by field.
    for page in executives:
        nav(page, base, "Purposes")
        page.get_by_role("button", name="New purpose").click()
        expect(page.get_by_role("heading", name="Draft a purpose")).to_be_visible()
    drafts = list(zip(executives, PURPOSES.items(), strict=True))
    for page, (title, _parts) in drafts:
        page.get_by_label("Title", exact=True).fill(title)
    # Ana starts with jargon: a hint says so while she types, and goes when she fixes it.
    ana.get_by_label("Purpose statement").fill("Leverage synergies with engineers.")
    expect(ana.locator("#purpose-hints .hint-vague").first).to_be_visible()
    expect(ana.locator("#purpose-hints .hint-missing").first).to_be_visible()
    screenshot(ana, "draft-with-hints")
    for label in PURPOSES[RIGHT_FIRST]:
        for page, (_title, parts) in drafts:
            page.get_by_label(label, exact=True).fill(parts[label])
    for page, _draft in drafts:
        page.get_by_role("checkbox", name=ENGINEERS).check()
    chloe.get_by_role("checkbox", name=DISTRIBUTORS).check()
    expect(ana.locator("#purpose-hints .hint-vague")).to_have_count(0)
    expect(ana.locator("#purpose-hints .hint-clear")).to_be_visible()
    for page in executives:
        page.get_by_role("button", name="Create purpose").click()
    for page, (title, _parts) in drafts:
        expect(page.locator("#messages")).to_contain_text(f"Purpose “{title}” created.")
        expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    screenshot(ana, "purpose-created")

    # Ben and Chloe open Ana's statement and change it at the same moment.
    purpose_url = ana.url
    for page in (ben, chloe):
        page.goto(purpose_url)
        page.get_by_role("button", name="Edit", exact=True).click()
        expect(page.get_by_role("heading", name=f"Edit “{RIGHT_FIRST}”")).to_be_visible()
    ben.get_by_label("Purpose statement").fill(BENS_STATEMENT)
    chloe.get_by_label("Purpose statement").fill(CHLOES_STATEMENT)
    # Ben's save lands first; Chloe presses Save on the page she loaded before it.
    ben.get_by_role("button", name="Save changes").click()
    expect(ben.locator("#messages")).to_contain_text("Saved. The change is kept in the history.")
    expect(ben.locator("blockquote.purpose-statement")).to_have_text(BENS_STATEMENT)
    with chloe.expect_response(lambda r: r.url.endswith("/edit/")) as refused_save:
        chloe.get_by_role("button", name="Save changes").click()
    assert refused_save.value.status == 409
    conflict = chloe.get_by_role("alert").filter(
        has_text="Someone else saved this while you were editing"
    )
    expect(conflict).to_be_visible()
    clash = chloe.locator("fieldset.clash").filter(
        has_text="Purpose statement: you both changed it"
    )
    expect(clash.locator(".clash-value").last).to_have_text(BENS_STATEMENT)
    expect(chloe.get_by_label("Purpose statement", exact=True)).to_have_value(CHLOES_STATEMENT)
    screenshot(chloe, "edit-conflict")
    chloe.get_by_role("link", name="Cancel").click()
    expect(chloe.locator("blockquote.purpose-statement")).to_have_text(BENS_STATEMENT)

    # The facilitator shortlists two of the three.
    for title in SHORTLIST:
        nav(facilitator, base, "Purposes")
        facilitator.get_by_role("link", name=title, exact=True).click()
        facilitator.get_by_label("Change status").select_option("shortlisted")
        facilitator.get_by_role("button", name="Change", exact=True).click()
        expect(facilitator.locator("#messages")).to_contain_text("Status changed to shortlisted.")
    nav(facilitator, base, "Purposes")
    expect(facilitator.locator("#group-shortlisted .count")).to_have_text("2")
    screenshot(facilitator, "shortlisted")

    # --- 3. A blind round, scored by three people side by side.
    nav(facilitator, base, "Scoring")
    facilitator.get_by_role("button", name="Open a round").click()
    facilitator.get_by_label("Name of the round").fill("Board workshop")
    for title in SHORTLIST:
        expect(facilitator.get_by_role("checkbox", name=title, exact=True)).to_be_checked()
    expect(facilitator.get_by_role("checkbox", name=FIELD, exact=True)).not_to_be_checked()
    for _email, first, last in EXECUTIVES:
        expect(facilitator.get_by_role("checkbox", name=f"{first} {last}")).to_be_checked()
    facilitator.get_by_role("button", name="Open the round").click()
    expect(facilitator.locator("#messages")).to_contain_text("is open")
    round_url = facilitator.url
    progress = facilitator.locator("#progress")
    expect(progress).to_contain_text("0 of 3 scorers finished")
    counts = progress.locator(".progress-count")
    expect(counts).to_have_text([f"0 of {PER_EXECUTIVE}"] * 3)
    # A marker that survives only if the page is never reloaded.
    facilitator.evaluate("window.__stillTheSamePage = true")
    screenshot(facilitator, "round-open")

    for page in executives:
        start_scoring_blind(page, round_url)

    rows = [(purpose, need) for purpose in SHORTLIST for need in NEEDS]
    rows += [(purpose, c) for purpose in SHORTLIST for c in CHARACTERISTICS]
    for number, (purpose, criterion) in enumerate(rows):
        if criterion in NEEDS:
            scores = NEED_FIT[purpose, criterion]
        elif criterion == "Community risk":
            scores = LOW_RISK[purpose]
        else:
            scores = CHARACTERISTIC_SCORE[purpose]
        if number == 0:
            # Ana scores first; Ben's page, reloaded, shows nothing of it.
            choose(ana, purpose, criterion, scores[0])
            expect_saved(ana, purpose, criterion, scores[0])
            ben.reload()
            expect(row_for(ben, purpose, criterion).locator("input:checked")).to_have_count(0)
            expect(row_for(ben, purpose, criterion).locator(".save-state")).to_have_text(
                "Not scored yet"
            )
            expect(ben.locator("#score-done")).to_have_text("0")
        else:
            choose(ana, purpose, criterion, scores[0])
        # Ben clicks while Ana's save may still be on its way.
        choose(ben, purpose, criterion, scores[1])
        if purpose == RIGHT_FIRST and criterion in CHARACTERISTICS:
            # Chloe does the characteristics of one purpose with the keyboard only.
            score_with_the_keyboard(chloe, purpose, criterion, scores[2])
        else:
            choose(chloe, purpose, criterion, scores[2])
        for page, score in zip(executives, scores, strict=True):
            expect_saved(page, purpose, criterion, score)
        if number == len(NEEDS) - 1:
            # The facilitator's counters moved on by themselves.
            expect(counts).to_have_text([f"{len(NEEDS)} of {PER_EXECUTIVE}"] * 3)
            screenshot(facilitator, "progress-moving")
            screenshot(chloe, "executive-scoring")
    for page in executives:
        expect(page.locator("#score-done")).to_have_text(str(PER_EXECUTIVE))
        expect(page.get_by_text("Not scored yet")).to_have_count(0)
    screenshot(ben, "executive-finished-800px")
    expect(progress).to_contain_text("3 of 3 scorers finished")
    expect(progress.locator(".badge-ok")).to_have_count(3)
    assert facilitator.evaluate("window.__stillTheSamePage === true")
    screenshot(facilitator, "progress-complete")

    # --- 4. Reveal, rank, choose.
    facilitator.get_by_role("button", name="Reveal the scores").click()
    facilitator.get_by_role("button", name="Reveal now").click()
    expect(facilitator.get_by_role("heading", name="Results", level=1)).to_be_visible()
    expect(facilitator.locator(".ranked-title")).to_have_count(2)
    expect(facilitator.locator(".ranked-title").first).to_contain_text(RIGHT_FIRST)
    expect(facilitator.locator(".ranked-title").nth(1)).to_contain_text(TRUSTED)
    screenshot(facilitator, "results")
    first = facilitator.locator(".ranked-first")
    first.get_by_role("button", name=f"Choose {RIGHT_FIRST}").click()
    expect(facilitator.locator("#messages")).to_contain_text(f"“{RIGHT_FIRST}” is now chosen.")
    expect(facilitator.locator(".ranked-first .badge")).to_have_text("Chosen")
    screenshot(facilitator, "chosen")
    # The executives see the same ranking now.
    ana.goto(round_url)
    ana.get_by_role("button", name="See the results").click()
    expect(ana.locator(".ranked-first")).to_contain_text(RIGHT_FIRST)
    expect(ana.locator(".what-if")).to_have_count(0)

    # --- 5. The roadmap, built on its page.
    nav(facilitator, base, "Roadmaps")
    facilitator.get_by_role("button", name="New roadmap").click()
    facilitator.get_by_label("Title").fill(ROADMAP)
    facilitator.get_by_label("Start", exact=True).fill("2026-01-01")
    facilitator.get_by_label("End", exact=True).fill("2027-12-31")
    facilitator.get_by_role("button", name="Create roadmap").click()
    expect(facilitator.get_by_role("heading", name=ROADMAP, level=1)).to_be_visible()
    for name, start, end in (
        ("Pilot", "2026-01-01", "2026-12-31"),
        ("Launch", "2027-01-01", "2027-12-31"),
    ):
        add_phase(facilitator, name, start, end)
    facilitator.get_by_label("Place a chosen purpose in Pilot").select_option(label=RIGHT_FIRST)
    facilitator.locator("#phases form.place-form").first.get_by_role("button", name="Place").click()
    expect(facilitator.locator("#messages")).to_contain_text(f"Placed “{RIGHT_FIRST}” in “Pilot”")
    expect(facilitator.locator("#timeline svg")).to_contain_text(RIGHT_FIRST)

    # Money first: the page warns that nothing says what it will bring.
    add_milestone(
        facilitator,
        "investment",
        "Forum platform",
        "2026-02-01",
        {"Amount": "40000"},
        selects={"Spent on": "platform"},
    )
    expect(warning(facilitator, "investment_without_value")).to_be_visible()
    screenshot(facilitator, "roadmap-warning")
    add_milestone(
        facilitator,
        "community",
        "500 engineers",
        "2026-06-01",
        {"Target": "500"},
        selects={"Measure": "members"},
    )
    add_milestone(
        facilitator,
        "risk",
        "Spam wave",
        "2026-04-01",
        {"Mitigation": "Moderators on call during launch weeks"},
        selects={"Category": "reputation", "Likelihood": "3", "Impact": "4"},
    )
    add_milestone(
        facilitator,
        "value",
        "Support cost saved",
        "2026-11-01",
        {"Business value": "Support tickets answered by members", "Expected amount": "60000"},
    )
    expect(warning(facilitator, "investment_without_value")).to_have_count(0)
    add_milestone(
        facilitator,
        "decision",
        "Choose the forum software",
        "2026-03-01",
        {"Decision": "Hosted forum with single sign-on"},
        selects={"Implementation area": "technology"},
    )
    expect(facilitator.locator("#milestones .milestone-table tbody tr")).to_have_count(5)
    add_dependency(facilitator, "Forum platform (1 Feb 2026)", "500 engineers (1 Jun 2026)")
    expect(facilitator.locator("#dependencies")).to_contain_text("must finish before")
    screenshot(facilitator, "roadmap-built")

    # --- 6. A board brief from the real worker, watched on the roadmap page.
    request = facilitator.get_by_role("button", name="Request board brief")
    expect(request).to_be_enabled()
    facilitator.evaluate(WATCH_BRIEF_PROGRESS)
    request.click()
    bar = facilitator.locator(".briefs-progress progress")
    expect(bar).to_be_visible()
    expect(request).to_be_disabled()
    expect(facilitator.locator(".brief-stage")).to_contain_text(
        re.compile("Collecting data|Drawing timeline|Laying out pages|Saving"), timeout=60_000
    )
    screenshot(facilitator, "brief-progress")
    download = facilitator.get_by_role("link", name="Download PDF Board brief v1")
    try:
        expect(download).to_be_visible(timeout=90_000)
    except AssertionError as error:
        raise AssertionError(f"{error}\n--- worker log ---\n{brief_worker.read_text()}") from None
    expect(bar).to_have_count(0)
    stages = facilitator.evaluate("window.__briefStages")
    values = [int(seen.rsplit(" ", 1)[1]) for seen in stages]
    assert len(stages) >= 2 and values == sorted(values) and values[-1] > values[0], stages
    screenshot(facilitator, "brief-ready")
    with facilitator.expect_download() as downloaded:
        download.click()
    assert downloaded.value.suggested_filename.endswith("-board-brief-v1.pdf")
    text = pdf_text(downloaded.value.path())
    assert ROADMAP in text
    assert RIGHT_FIRST in text
    for section in BOARD_SECTIONS:
        assert section in text, section

    # --- Nothing went wrong in any of the four pages along the way.
    for page in (facilitator, *executives):
        page.evaluate("1")  # let any violation still on its way arrive
    assert problems.console == [], "\n".join(problems.console)
    assert [saved.split(":")[0] for saved in problems.refused_saves] == ["Chloe"], (
        problems.refused_saves
    )
    assert problems.violations == [], "\n".join(problems.violations)
