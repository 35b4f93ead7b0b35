"""The speed-ups in reports/pdf_speedups.py, each held to what it replaced.

docs/briefs.md ("Speed") explains the measures. None may change the brief:
the XML parse must build what the HTML parser builds (and refuse entity
declarations), the lean user-agent stylesheet must still draw list markers,
the streams compressed once must make a valid, deterministic PDF, and a chart
label drawn as one run must land where WeasyPrint's letter-by-letter drawing
puts it. The engine's own measures and the fallback to WeasyPrint's public
API are tested in test_pdf_engine.py.
"""

import io
import logging
import re
import subprocess
import zlib
from xml.etree import ElementTree

import pytest
import tinyhtml5
import weasyprint
import weasyprint.svg as weasyprint_svg
from django_scopes import scopes_disabled
from pypdf import PdfReader
from weasyprint import HTML

from communities.models import Need
from purposes.models import Purpose
from reports import pdf_engine, pdf_speedups
from reports.context import brief_context, brief_html
from roadmap.models import Milestone, Phase
from tests.support.report_builders import demo_roadmap, snapshot_for

UNRULY = "Tom & Jerry’s <b>“best”</b> plan: 5 < 6 > 4, 'single' \"double\", café Zürich — naïve"
UNRULY_LINES = f"{UNRULY}\r\nSecond line\n\nThird line after a blank one\rFourth"
XMLNS = "{http://www.w3.org/2000/xmlns/}"


@pytest.fixture(autouse=True)
def speedups_on(settings):
    """Every test here draws with the speed-ups; on another version they are off, and fail."""
    settings.BRIEF_PDF_SPEEDUPS = True
    assert pdf_engine._speedups.active() is pdf_speedups, "see test_pdf_engine.py"


@pytest.fixture
def snapshots(db) -> dict[str, dict]:
    """Board (with changes) and workshop snapshots of the demo roadmap, full of unruly text."""
    roadmap = demo_roadmap()
    first = snapshot_for(roadmap)
    with scopes_disabled():
        org = roadmap.organisation
        org.name = "Müller & Söhne <GmbH>"
        org.save()
        roadmap.title, roadmap.description = UNRULY, UNRULY_LINES
        roadmap.save()
        Phase.objects.filter(roadmap=roadmap).update(name="Phase “α” & <β>")
        for need in Need.objects.filter(organisation=org):
            need.statement += f" & <b>{need.pk}</b>\r\nnaïve “line”"
            need.save()
        for purpose in Purpose.objects.filter(organisation=org):
            purpose.title = f"{purpose.title} & <co> “é”"[:120]
            purpose.statement = purpose.participants = purpose.issue = UNRULY_LINES
            purpose.save()
        for milestone in Milestone.objects.filter(roadmap=roadmap)[:4]:
            milestone.title = f"{milestone.title} <&> “ü”"[:120]
            milestone.description = UNRULY_LINES
            milestone.save()
    return {
        "board": snapshot_for(roadmap, version=2, previous=first),
        "workshop": snapshot_for(roadmap, kind="workshop"),
    }


def _html(snapshot: dict) -> str:
    return brief_html(brief_context(snapshot))


def _pdf(html: str) -> bytes:
    return pdf_engine.layout_pdf(html).write_pdf()


def _pages(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _words(pdf: bytes) -> list[tuple[str, float, float, float, float]]:
    """Every word pdftotext finds, with its box: (text, x min, y min, x max, y max)."""
    out = subprocess.run(
        ["/usr/bin/pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
    return [(w, *map(float, box)) for *box, w in re.findall(pattern, out)]


def _text_and_fallback(html: str, caplog) -> tuple[str, bool]:
    """The PDF's text, and whether a warning said the markup was parsed as HTML."""
    with caplog.at_level(logging.WARNING, logger="reports.pdf_speedups"):
        text = " ".join(_pages(_pdf(html)))
    return text, "parsed as HTML" in caplog.text


def _shape(root) -> list[tuple]:
    """Tag, attributes and text of every element, whitespace between tags aside."""
    elements = [el for el in root.iter() if isinstance(el.tag, str)]  # comments aside
    for el in elements:
        el.attrib.pop(f"{XMLNS}xmlns", None)  # the HTML parser keeps xmlns="…" as an attribute
    return [
        (
            el.tag,
            el.attrib,
            *(text if text and text.strip() else None for text in (el.text, el.tail)),
        )
        for el in elements
    ]


# ---------------------------------------------------------------- XML parsing


@pytest.mark.parametrize("kind", ["board", "workshop"])
def test_the_briefs_are_well_formed_xml_parsed_to_the_html_parsers_tree(snapshots, kind, caplog):
    html = _html(snapshots[kind])
    text, fallback = _text_and_fallback(html, caplog)
    assert not fallback  # a template that stops writing well-formed XHTML fails here
    assert "Tom & Jerry’s <b>“best”</b> plan: 5 < 6 > 4" in text and "café Zürich" in text
    as_html = tinyhtml5.parse(html, namespace_html_elements=False)
    assert _shape(pdf_speedups._parse_xhtml(html)) == _shape(as_html)


def test_the_xml_path_and_the_html_fallback_draw_the_same_pages(snapshots, monkeypatch, caplog):
    html = _html(snapshots["board"])
    as_xml = _pages(_pdf(html))

    def not_xml(markup):
        raise ElementTree.ParseError("forced")

    monkeypatch.setattr(pdf_speedups, "_parse_xhtml", not_xml)
    with caplog.at_level(logging.WARNING, logger="reports.pdf_speedups"):
        as_html = _pages(_pdf(html))
    assert "parsed as HTML" in caplog.text
    assert len(as_xml) == len(as_html) > 5
    assert as_xml == as_html


def test_markup_that_is_not_xml_is_parsed_as_html_and_still_drawn(caplog):
    html = "<!DOCTYPE html><html><body><p>Unclosed <b>bold &amp; brave<br><p>Second&nbsp;one"
    with pytest.raises(ElementTree.ParseError):
        pdf_speedups._parse_xhtml(html)
    text, fallback = _text_and_fallback(html, caplog)
    assert fallback
    assert "Unclosed bold & brave" in text and "Second one" in text


def test_control_characters_from_pasted_text_are_dropped_not_drawn(caplog):
    html = (
        "<!DOCTYPE html><html><body><p>Soft\x0bbreak, bell\x07 and form\x0cfeed</p></body></html>"
    )
    text, fallback = _text_and_fallback(html, caplog)
    assert not fallback
    assert "Softbreak, bell and formfeed" in text


SECRET = "SECRET-EXPANDED-ENTITY"


@pytest.mark.parametrize(
    "prologue",
    [
        f'<!DOCTYPE html [<!ENTITY leak "{SECRET}">]>',
        f'<!DOCTYPE html [\n  <!ENTITY leak "{SECRET}">\n]>',
        f'<!DOCTYPE html SYSTEM "about:legacy-compat" [<!ENTITY leak "{SECRET}">]>',
    ],
)
def test_entity_declarations_are_refused_and_never_expanded(prologue, caplog):
    html = f"{prologue}<html><body><p>before &leak; after</p></body></html>"
    # Python's XML parser alone would expand the entity: the check in front of it must refuse.
    assert SECRET in ElementTree.tostring(ElementTree.fromstring(html), encoding="unicode")
    with pytest.raises(ValueError, match="markup declarations"):
        pdf_speedups._parse_xhtml(html)
    text, fallback = _text_and_fallback(html, caplog)
    assert fallback
    assert "before" in text and SECRET not in text


def test_only_the_doctype_and_comments_pass_as_markup_declarations():
    for markup in ['<p><!ENTITY x "y"></p>', "<p><![CDATA[x]]></p>", "<!DOCTYPE svg><svg/>"]:
        with pytest.raises(ValueError):
            pdf_speedups._parse_xhtml(markup)
    assert (
        pdf_speedups._parse_xhtml("<!DOCTYPE html><!-- note --><html><body/></html>").tag == "html"
    )


# ---------------------------------------------------------------- lean user-agent stylesheet


def test_the_lean_stylesheet_keeps_li_marker_and_no_universal_pseudo_element_rule():
    css = pdf_speedups.lean_user_agent_css()
    assert not re.search(r"(^|[\s,}])::", css), "a universal ::pseudo-element rule is left"
    assert "footnote-" not in css and "::note" not in css and "@counter-style" not in css
    assert re.search(r"^li::marker \{[^}]*white-space: pre", css, re.MULTILINE)
    assert "ol { list-style-type: decimal }" in css


LISTS = (
    "<!DOCTYPE html><html><body><ol><li>Alpha</li><li>Beta</li></ol><ul><li>Gamma</li></ul>"
    '<ol style="list-style-type: lower-roman; text-transform: uppercase"><li>Delta</li>'
    "<li>Epsilon</li></ol></body></html>"
)


def test_lists_are_drawn_as_with_weasyprints_own_stylesheet(monkeypatch):
    lean = _words(_pdf(LISTS))
    texts = [word[0] for word in lean]
    for marker, item in [("1.", "Alpha"), ("2.", "Beta"), ("•", "Gamma"), ("ii.", "EPSILON")]:
        assert texts[texts.index(item) - 1] == marker
    monkeypatch.setattr(pdf_speedups.BriefHTML, "_ua_stylesheets", HTML._ua_stylesheets)
    assert lean == _words(_pdf(LISTS))  # markers and items in the very same places


# ---------------------------------------------------------------- streams compressed once


def test_streams_are_compressed_once_in_a_valid_deterministic_pdf(snapshots):
    pdf = pdf_engine.render_brief(snapshots["board"]).pdf
    assert pdf == pdf_engine.render_brief(snapshots["board"]).pdf
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    assert "Tom & Jerry’s" in reader.pages[0].extract_text()
    checked = 0
    for number in range(1, int(reader.trailer["/Size"])):
        stream = reader.get_object(number)
        if not hasattr(stream, "get_data") or stream.get("/Type") in ("/ObjStm", "/XRef"):
            continue  # pydyf makes these two itself, after the finisher
        assert stream["/Filter"] == "/FlateDecode", number
        assert stream._data == zlib.compress(stream.get_data(), pdf_speedups.STREAM_COMPRESSION)
        checked += 1
    assert checked > 20


# ---------------------------------------------------------------- chart labels as runs


@pytest.fixture
def svg_text():
    """``use_svg_text_runs``, with the speed-ups' own put back afterwards."""
    yield pdf_speedups.use_svg_text_runs
    pdf_speedups.use_svg_text_runs(True)


def _unkerned(monkeypatch) -> None:
    """Runs without kerning or ligatures (letters have neither): only placement can differ."""
    plain = {"font_kerning": "none", "font_variant_ligatures": "none"}
    monkeypatch.setattr(pdf_speedups, "INITIAL_VALUES", {**pdf_speedups.INITIAL_VALUES, **plain})


def _both_ways(html: str, svg_text) -> tuple[list, list]:
    svg_text(True)
    runs = _words(_pdf(html))
    svg_text(False)
    return runs, _words(_pdf(html))


def _assert_same_place(runs: list, letters: list, x: float, y: float = 0.05) -> None:
    """The same words, each within ``x`` points across and ``y`` points up or down."""
    assert [word[0] for word in runs] == [word[0] for word in letters]
    for run, letter in zip(runs, letters, strict=True):
        assert abs(run[1] - letter[1]) < x and abs(run[3] - letter[3]) < x, (run, letter)
        assert abs(run[2] - letter[2]) < y and abs(run[4] - letter[4]) < y, (run, letter)


def _page(svg_labels: str) -> str:
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="420" height="180" font-size="10"'
    svg += f' font-family="Brief Sans">{svg_labels}</svg>'
    return f"<!DOCTYPE html><html><body>{svg}</body></html>"


LABELS = """
<text x="10" y="20">Plain label, 12,5 %</text>
<text x="10" y="40" dx="6" dy="3.5" font-weight="bold">Bold shifted label</text>
<g font-size="14" fill="#1f4e79">
  <text x="210" y="60" text-anchor="middle">Centred “quotes” &amp; café</text></g>
<text x="410" y="80" dx="-6" text-anchor="end" font-weight="700">Ends here — naïve</text>
<text x="10" y="100">First <tspan dy="10" font-weight="600">second</tspan> third</text>
<text x="200" y="140" dy="-4" text-anchor="middle" font-size="7"><tspan>Small</tspan> tail</text>
"""


def test_labels_drawn_as_runs_land_where_letters_land(snapshots, svg_text, monkeypatch):
    """The brief's three charts, then labels with what the charts may one day use."""
    context = brief_context(snapshots["board"])
    charts = "".join(context[name] for name in ("timeline_svg", "matrix_svg", "money_svg"))
    html = _page(LABELS).replace("<body>", f"<body>{charts}")
    # As drawn, a run is kerned: a word moves by a fraction of a point, never more.
    runs, letters = _both_ways(html, svg_text)
    assert len(runs) > 100 and "naïve" in [word[0] for word in runs]
    _assert_same_place(runs, letters, x=2)
    _unkerned(monkeypatch)
    _assert_same_place(*_both_ways(html, svg_text), x=0.1)


LETTER_BY_LETTER = _page("""
<text x="10" y="15">Plain run</text>
<text x="10" y="35" rotate="8">Rotated</text>
<text x="10" y="55" textLength="90">Stretched</text>
<text x="10" y="75" letter-spacing="2">Spaced</text>
<text x="10" y="95" style="letter-spacing: 1px">Styled</text>
<g letter-spacing="1"><text x="10" y="115">Inherited</text></g>
<text x="10 30 50" y="135">Placed</text>
<text x="10" y="155" dominant-baseline="middle">Middle</text>
""")


def test_what_a_run_cannot_do_is_left_to_weasyprints_letters(svg_text, monkeypatch):
    svg_text(True)
    per_letter = []
    original = pdf_speedups.svg_text_per_letter

    def spy(svg, node, font_size):
        per_letter.append(node.text)
        return original(svg, node, font_size)

    monkeypatch.setattr(pdf_speedups, "svg_text_per_letter", spy)
    text = " ".join(_pages(_pdf(LETTER_BY_LETTER)))
    expected = ["Rotated", "Stretched", "Spaced", "Styled", "Inherited", "Placed", "Middle"]
    assert per_letter == expected  # "Plain run" was drawn as a run
    assert "Plain run" in text


def test_the_svg_text_patch_is_installed_only_on_the_weasyprint_it_was_written_for():
    installed = weasyprint_svg.TAGS["text"] is pdf_speedups.svg_text_as_run
    assert installed == (weasyprint.__version__ == "70.0")
    assert weasyprint_svg.text is weasyprint_svg.TAGS["tspan"] is weasyprint_svg.TAGS["text"]
