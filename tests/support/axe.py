"""Run the vendored axe-core in a Playwright page and describe what it finds.

The page's Content-Security-Policy (script-src 'self') blocks the inline
<script> that ``page.add_script_tag(path=...)`` inserts, so the script is
evaluated through the DevTools protocol instead (``page.evaluate``), which
no page policy applies to.
"""

from functools import cache
from pathlib import Path

from playwright.sync_api import Page

# Vendored with its licences beside the accessibility tests that use it.
AXE = Path(__file__).resolve().parents[1] / "a11y" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA. Of 2.2's new criteria axe tests
# one, 2.5.8 Target Size (Minimum), tagged wcag22aa; it has no wcag22a rule.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


# Injected by the test through the browser driver (not subject to the CSP):
# counts the htmx requests in flight, so a test can wait for a page at rest
# without networkidle's half-second of silence.
COUNT_HTMX_REQUESTS = """
window.__htmxInFlight = 0;
document.addEventListener("htmx:beforeSend", () => { window.__htmxInFlight += 1; });
document.addEventListener("htmx:afterRequest", () => { window.__htmxInFlight -= 1; });
"""
AT_REST = """() => document.readyState === "complete"
    && window.__htmxInFlight === 0
    && !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")"""


def watch_htmx(page: Page) -> None:
    page.add_init_script(COUNT_HTMX_REQUESTS)


def wait_until_at_rest(page: Page) -> None:
    """Loaded, no htmx request in flight and no swap settling."""
    page.wait_for_function(AT_REST, polling=50)


@cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def run_axe(page: Page, waived: dict[str, str] | None = None) -> list[dict]:
    """The WCAG 2.2 A/AA violations axe finds in ``page`` as it is now.

    ``waived`` maps a rule id to a CSS selector: nodes matching it are left
    out of that rule's violations (and only of that rule). Use it only where
    axe is shown to be wrong for those nodes, and say why where it is used.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    result = page.evaluate(
        """async ([tags, waived]) => {
            const result = await axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
                elementRef: true,
            });
            return result.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes
                    .filter((n) => !(waived[v.id] && n.element && n.element.matches(waived[v.id])))
                    .map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
            })).filter((v) => v.nodes.length);
        }""",
        [WCAG_TAGS, waived or {}],
    )
    return result


def describe(violations: list[dict]) -> str:
    """One paragraph per rule: id, impact, help, then each offending node."""
    lines = []
    for violation in violations:
        lines.append(f"[{violation['id']}] ({violation['impact']}) {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)
