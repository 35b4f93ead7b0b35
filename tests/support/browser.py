"""Browser tests' helpers: the demo organisation, signing in, capturing CSP violations."""

from django.core.management import call_command
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from organisations.demo import DEMO_PASSWORD
from organisations.models import Membership, Organisation
from tests.support.world import Tenant

# Injected by the browser driver, not the page: allowed under the CSP.
CAPTURE_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile || "?"}:${event.lineNumber}`
  );
});
"""


def load_demo() -> Tenant:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with scopes_disabled():
        org = Organisation.objects.get(slug="voltaic")
        members = {m.role: m for m in Membership.objects.filter(organisation=org)}
    return Tenant(org=org, members=members)


def sign_in(page, base_url: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Through the real sign-in form; returns once the page after it has settled."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
    page.wait_for_load_state("networkidle")


def watch(page) -> dict:
    """Start collecting console errors and page errors of ``page``."""
    seen: dict = {"console": [], "pageerror": []}
    page.add_init_script(CAPTURE_VIOLATIONS)
    page.on("console", lambda m: m.type == "error" and seen["console"].append(m.text))
    page.on("pageerror", lambda error: seen["pageerror"].append(str(error)))
    return seen


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")
