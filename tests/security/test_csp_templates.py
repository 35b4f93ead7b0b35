"""No template or script of ours needs 'unsafe-inline' or 'unsafe-eval'.

Reads every template (templates/ and any app's templates/) and our JS, so a
page added by anyone later is held to the same rule.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
TEMPLATES = sorted(
    path
    for folder in TEMPLATE_DIRS
    for path in folder.rglob("*")
    if path.suffix in {".html", ".svg", ".txt"} and ".venv" not in path.parts
)
OUR_JS = sorted((ROOT / "static" / "js").glob("*.js"))
# Rendered by WeasyPrint into the PDF brief only (reports/pdf_engine.py), never
# served to a browser, so the CSP does not apply; their per-organisation
# colours and bar widths need inline CSS. Serve one as HTML and it must leave
# this list.
PRINT_ONLY = {"templates/reports/brief_base.html", "templates/reports/brief_board.html"}
PRINT_ONLY_FOLDERS = {"templates/reports/brief"}


def _served_to_browsers(path: Path) -> bool:
    relative = path.relative_to(ROOT).as_posix()
    return relative not in PRINT_ONLY and not any(
        relative.startswith(folder + "/") for folder in PRINT_ONLY_FOLDERS
    )


SERVED = [path for path in TEMPLATES if _served_to_browsers(path)]

INLINE = {
    "style attribute": re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE),
    "<style> block": re.compile(r"<style[\s>]", re.IGNORECASE),
    "inline <script>": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    "on* handler": re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE),
    "hx-on (needs eval)": re.compile(r"\shx-on[:\-]", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "js: in hx-vals (needs eval)": re.compile(r"""hx-vals\s*=\s*["']\s*js:""", re.IGNORECASE),
    "hx-trigger filter (needs eval)": re.compile(r"""hx-trigger\s*=\s*["'][^"']*\[""", re.I),
}
EVAL = re.compile(r"\beval\s*\(|new\s+Function\s*\(|set(?:Timeout|Interval)\s*\(\s*[\"'`]")


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 20
    assert OUR_JS


@pytest.mark.parametrize("path", SERVED, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_has_nothing_inline(path):
    text = path.read_text(encoding="utf-8")
    found = [
        f"{name}: line {text.count(chr(10), 0, match.start()) + 1}"
        for name, pattern in INLINE.items()
        for match in pattern.finditer(text)
    ]
    assert not found, f"{path.relative_to(ROOT)} breaks the CSP: {found}"


@pytest.mark.parametrize("path", OUR_JS, ids=lambda p: p.name)
def test_our_scripts_do_not_eval(path):
    assert not EVAL.search(path.read_text(encoding="utf-8")), path.name


def test_htmx_is_configured_for_the_csp():
    base = (ROOT / "templates" / "base.html").read_text(encoding="utf-8")
    for setting in (
        '"allowEval": false',
        '"allowScriptTags": false',
        '"includeIndicatorStyles": false',
    ):
        assert setting in base
