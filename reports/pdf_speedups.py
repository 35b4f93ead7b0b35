"""The brief's speed-ups that reach into WeasyPrint's and pydyf's private names.

Each replaces something WeasyPrint does by something quicker that draws the
same pages (docs/briefs.md, "Speed"; tests/reports/test_pdf_speedups.py holds
each to what it replaced):

- ``BriefHTML`` parses the brief's well-formed XHTML with Python's C XML
  parser instead of WeasyPrint's pure-Python HTML5 parser, and hands
  WeasyPrint a lean copy of its packaged user-agent stylesheet (no universal
  ``::marker``, footnote and note rules);
- ``compress_streams``, a finisher, compresses each PDF stream once at zlib
  level 6 instead of pydyf's twice at level 9;
- ``svg_text_as_run`` draws a chart label as one run of glyphs instead of
  letter by letter.

They are written against exactly the WeasyPrint and pydyf versions pinned
in requirements.lock. ``reports.pdf_engine`` imports this module on its first
render only and calls ``apply()``, which checks the installed versions first:
on any other version, or if a measure cannot be applied, it raises and the
engine draws with WeasyPrint's public API alone. An upgrade starts with
tests/reports/test_pdf_speedups.py, which fails while the versions differ.
"""

import logging
import re
import sys
import zlib
from importlib.metadata import version
from importlib.resources import files
from math import inf
from typing import Any
from xml.etree import ElementTree

import cssselect2
import pydyf
import weasyprint
import weasyprint.css
import weasyprint.svg as weasyprint_svg
from weasyprint import CSS, HTML
from weasyprint.css.properties import INITIAL_VALUES
from weasyprint.document import Document
from weasyprint.draw.text import draw_emojis, draw_first_line
from weasyprint.html import UA_COUNTER_STYLE
from weasyprint.matrix import Matrix
from weasyprint.svg.bounding_box import extend_bounding_box
from weasyprint.svg.utils import normalize as normalize_svg
from weasyprint.svg.utils import size as svg_size
from weasyprint.text.line_break import split_first_line

from reports.fetcher import BriefURLFetcher

logger = logging.getLogger(__name__)

# The versions these measures were written and tested against: requirements.lock's.
WEASYPRINT = "70.0"
PYDYF = "0.13.0"
# zlib level for the PDF's streams. pydyf compresses at 9 and, because the
# brief has a fixed identifier, twice (once more to hash the file for its
# /ID); 6 gives a file a few per cent larger in a fraction of the time, once.
STREAM_COMPRESSION = 6


class VersionMismatch(Exception):
    """The installed WeasyPrint or pydyf is not the one the speed-ups were written for."""


def installed_versions() -> dict[str, str]:
    return {"weasyprint": weasyprint.__version__, "pydyf": version("pydyf")}


def check_versions() -> None:
    """The one version check: raise unless WeasyPrint and pydyf are the pinned versions."""
    expected = {"weasyprint": WEASYPRINT, "pydyf": PYDYF}
    installed = installed_versions()
    if installed != expected:
        raise VersionMismatch(f"written for {expected}, installed {installed}")


def apply() -> None:
    """Check the versions, then put every measure in place, or none of them."""
    check_versions()
    try:
        use_svg_text_runs(True)
        user_agent_stylesheet()
    except BaseException:
        remove()
        raise


def remove() -> None:
    """Give WeasyPrint its own SVG text drawing back (the other measures are opt-in per call)."""
    use_svg_text_runs(False)


# ---------------------------------------------------------------- XML parse, lean stylesheet


# WeasyPrint's HTML user-agent stylesheet styles six pseudo-elements of *every*
# element (``::marker`` and the footnote and note calls and markers), so the
# cascade made and computed seven styles per element: about 0.3 s of the
# brief. Lists are the only elements with markers here, and the brief has no
# footnotes or notes, so those rules are scoped to ``li`` or left out. (Its
# ``@counter-style`` rules are left out too: WeasyPrint hands every document
# the counter styles they defined when it loaded.)
UNIVERSAL_PSEUDO_RULE = re.compile(r"^::([a-z-]+)(\s*\{.*\}\s*)$", re.MULTILINE)
KEPT_PSEUDO_RULES = {"marker": "li::marker"}
COUNTER_STYLE_RULE = re.compile(r"^@counter-style .*\}\s*$", re.MULTILINE)


def lean_user_agent_css() -> str:
    """WeasyPrint's own HTML user-agent stylesheet without universal pseudo-element rules."""
    source = (files(weasyprint.css) / "html5_ua.css").read_text("utf-8")

    def scoped(match: re.Match) -> str:
        selector = KEPT_PSEUDO_RULES.get(match[1])
        return selector + match[2] if selector else ""

    return COUNTER_STYLE_RULE.sub("", UNIVERSAL_PSEUDO_RULE.sub(scoped, source))


_user_agent_stylesheet: CSS | None = None


def user_agent_stylesheet() -> CSS:
    global _user_agent_stylesheet
    if _user_agent_stylesheet is None:
        _user_agent_stylesheet = CSS(
            string=lean_user_agent_css(), counter_style=UA_COUNTER_STYLE.copy()
        )
    return _user_agent_stylesheet


# Only "<!doctype html>" and comments: no DOCTYPE internal subset, so no entity
# declarations (expat never fetches external ones).
MARKUP_DECLARATION = re.compile(r"<!(?!doctype html>|--)", re.IGNORECASE)


def _parse_xhtml(markup: str) -> ElementTree.Element:
    """Parse our own generated XHTML, refusing any entity declaration as defusedxml does."""
    if MARKUP_DECLARATION.search(markup):
        raise ValueError("markup declarations are not allowed in the brief")
    return ElementTree.fromstring(markup)  # noqa: S314 - our template's output, checked above


class BriefHTML(HTML):
    """The brief's HTML for WeasyPrint: parsed as XML, with the lean user-agent stylesheet.

    The templates write well-formed XHTML (void elements closed, explicit
    ``<tbody>``, no named entities; user text is escaped), so Python's
    C-accelerated XML parser reads it in a few milliseconds instead of the
    70 ms of WeasyPrint's pure-Python HTML5 parser, and builds the same tree
    (HTML elements without a namespace, the charts in the SVG namespace). If
    the markup is ever not well-formed, it is parsed as HTML, only slower.
    """

    def __init__(self, *, string: str, base_url: str, url_fetcher: BriefURLFetcher) -> None:
        try:
            root = _parse_xhtml(string)
        except (ElementTree.ParseError, ValueError) as error:
            logger.warning("The brief's HTML is not well-formed XML (%s): parsed as HTML", error)
            super().__init__(string=string, base_url=base_url, url_fetcher=url_fetcher)
            return
        # What HTML.__init__ sets, minus the parsing (the brief has no <base>).
        self.base_url = base_url
        self.url_fetcher = url_fetcher
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        return [user_agent_stylesheet()]


# ---------------------------------------------------------------- streams compressed once


def compress_streams(_document: Document, pdf: pydyf.PDF) -> None:
    """WeasyPrint finisher: compress every stream once, at ``STREAM_COMPRESSION``."""
    for item in pdf.objects:
        if isinstance(item, pydyf.Stream) and item.compress:
            raw = b"\n".join(pydyf._to_bytes(part) for part in item.stream)
            item.stream = [zlib.compress(raw, STREAM_COMPRESSION)]
            item.extra["Filter"] = "/FlateDecode"
            item.compress = False


# ---------------------------------------------------------------- chart labels as runs


# WeasyPrint 70 draws SVG text letter by letter: a Pango layout and a text
# object per character, so the three charts' labels (some 1,500 letters) cost
# about 0.1 s to draw and a third of the PDF's content. A label our charts
# draw has one position and at most one dx/dy shift: that is one run of
# glyphs, laid out and drawn once, in the same place (tests/reports/
# test_pdf_speedups.py compares both ways). Anything else — per-letter
# positions, rotation, textLength, letter-spacing, baseline alignment — is
# left to WeasyPrint.
_svg_text_module = sys.modules["weasyprint.svg.text"]
svg_text_per_letter = _svg_text_module.text
SVG_TEXT_PER_LETTER = ("rotate", "textLength", "letter-spacing")
SVG_TEXT_BASELINE = ("display-anchor", "dominant-baseline", "alignment-baseline")


def _svg_length(node: Any, name: str) -> str | None:
    values = normalize_svg(node.attrib.get(name) or "").split()
    if len(values) > 1:
        raise ValueError(name)
    return values[0] if values else None


def svg_text_as_run(svg: Any, node: Any, font_size: float) -> None:
    """Draw an SVG ``<text>`` (or ``<tspan>``) as one run of glyphs when it can be."""
    try:
        x, y, dx, dy = (_svg_length(node, name) for name in ("x", "y", "dx", "dy"))
    except ValueError:
        return svg_text_per_letter(svg, node, font_size)
    if (
        not node.text
        or any(name in node.attrib for name in SVG_TEXT_PER_LETTER)
        or any(node.get(name) for name in SVG_TEXT_BASELINE)
        or node.get("letter-spacing")
    ):
        return svg_text_per_letter(svg, node, font_size)

    # The style WeasyPrint's own function gives the letters.
    style = _svg_text_module.Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [
        font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")
    ]
    style["font_style"] = node.get("font-style", "normal")
    weight = node.get("font-weight", 400)
    if weight == "normal":
        style["font_weight"] = 400
    elif weight == "bold":
        style["font_weight"] = 700
    else:
        try:
            style["font_weight"] = int(weight)
        except ValueError:
            style["font_weight"] = 400
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")

    layout, _, _, width, height, baseline = split_first_line(node.text, style, svg.context, inf, 0)
    # Position as the per-letter drawing places its first letter.
    if x is not None:
        svg.cursor_d_position[0] = 0
        x = svg_size(x, font_size, svg.inner_width)
    else:
        x = svg.cursor_position[0]
    if y is not None:
        svg.cursor_d_position[1] = 0
        y = svg_size(y, font_size, svg.inner_height)
    else:
        y = svg.cursor_position[1]
    svg.cursor_d_position[0] += svg_size(dx, font_size, svg.inner_width) if dx else 0
    svg.cursor_d_position[1] += svg_size(dy, font_size, svg.inner_height) if dy else 0
    svg.cursor_position = x + width, y
    x_position = x + svg.cursor_d_position[0]
    y_position = y + svg.cursor_d_position[1]
    node.text_bounding_box = extend_bounding_box(
        node.text_bounding_box,
        (
            (x_position, y_position - baseline),
            (x_position + width, y_position - baseline + height),
        ),
    )

    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    text_box = _svg_text_module.TextBox(layout, style)
    text_box.baseline = baseline
    emojis = draw_first_line(
        svg.stream, text_box, "none", "none", Matrix(a=1, d=-1, e=x_position, f=y_position)
    )
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, x, y, emojis)


def use_svg_text_runs(enabled: bool = True) -> None:
    """Install (or remove) ``svg_text_as_run`` as WeasyPrint's SVG text drawer."""
    drawer, other = (
        (svg_text_as_run, svg_text_per_letter)
        if enabled
        else (svg_text_per_letter, svg_text_as_run)
    )
    for tag, function in list(weasyprint_svg.TAGS.items()):
        if function is other:
            weasyprint_svg.TAGS[tag] = drawer
    # draw_node() recognises text elements by comparing with this name.
    weasyprint_svg.text = drawer
