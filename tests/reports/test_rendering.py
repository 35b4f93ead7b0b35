"""The PDF itself, opened with pypdf: sections, contents, outline, footers, metadata, tags."""

import re
from datetime import timedelta

import pytest
from django_scopes import scopes_disabled
from pypdf import PdfReader

from organisations.models import PaperSize
from reports import context
from reports.palette import DEFAULT_BRAND, contrast, palette
from reports.pdf_engine import render_brief
from tests.support.briefs import BOARD_SECTIONS
from tests.support.pdf_reading import outline_titles, page_texts, pdf_reader
from tests.support.report_builders import (
    big_roadmap,
    demo_roadmap,
    request_and_render,
    snapshot_for,
)

pytestmark = pytest.mark.django_db

BOARD_SUBSECTIONS = {
    "Purpose ranking and scores": [
        "Heatmap: how well each purpose meets each need",
        "Where the executives disagree",
    ],
    "Timeline": ["Milestones, numbered as on the timeline"],
    "Community, risk, investment and decisions": [
        "Community targets",
        "Risk register",
        "Investment and value by phase",
        "Implementation decisions by phase",
    ],
}


def _reader(report) -> PdfReader:
    return pdf_reader(report.file.read())


@pytest.fixture
def demo(db):
    return demo_roadmap()


@pytest.fixture
def demo_brief(demo):
    with scopes_disabled():
        facilitator = demo.owner
    return request_and_render(demo, facilitator)


def test_the_demo_brief_has_every_section_the_title_and_the_purposes_words(demo_brief):
    reader = _reader(demo_brief)
    pages = page_texts(reader)
    text = " ".join(pages)
    assert len(reader.pages) == demo_brief.page_count
    subsections = [title for titles in BOARD_SUBSECTIONS.values() for title in titles]
    for title in [*BOARD_SECTIONS, *subsections, "Contents"]:
        assert title in text, title
    assert "Design engineer community roadmap" in pages[0]
    assert "confidential — board use" in pages[0].lower()
    assert "board brief · version 1" in pages[0].lower()
    # A purpose's own words, its four parts included.
    assert "Right first time" in text
    assert "Electronics design engineers in small and mid-sized firms." in text
    assert "decisions asked of the board" in text.lower()
    assert "This is the first brief of its kind for this roadmap" in text


def test_the_outline_mirrors_the_contents(demo_brief):
    reader = _reader(demo_brief)
    outline = outline_titles(reader)
    # pypdf lists an entry's children as a list right after it.
    expected = []
    for title in BOARD_SECTIONS:
        expected.append(title)
        if title in BOARD_SUBSECTIONS:
            expected.append(BOARD_SUBSECTIONS[title])
    assert [
        item if isinstance(item, list) else re.sub(r"^\d+\s+", "", item) for item in outline
    ] == (expected)
    contents = page_texts(reader)[1]
    for index, title in enumerate(BOARD_SECTIONS, start=1):
        # "3 Timeline ..... 7": the page number the outline entry points at.
        destination = reader.get_destination_page_number(
            next(o for o in reader.outline if not isinstance(o, list) and title in o.title)
        )
        assert re.search(rf"{index}\s*{re.escape(title)}[ .]*{destination + 1}\b", contents), title


def test_every_page_after_the_cover_says_page_x_of_y(demo_brief):
    pages = page_texts(_reader(demo_brief))
    total = len(pages)
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {total}" in text
    assert "Page 1 of" not in pages[0]


def test_the_executive_summary_is_one_page(demo_brief):
    pages = page_texts(_reader(demo_brief))
    summary = next(i for i, text in enumerate(pages) if "Overall readiness" in text)
    assert "1 Executive summary" in pages[summary]
    assert "decisions asked of the board" in pages[summary].lower()
    assert "top three risks" in pages[summary].lower()
    assert "2 Purpose ranking and scores" in pages[summary + 1]
    assert "Executive summary" not in pages[summary + 1]


def test_metadata_names_the_brief_and_the_organisation(demo_brief):
    metadata = _reader(demo_brief).metadata
    assert metadata.title == "Board brief: Design engineer community roadmap — Voltaic Components"
    assert metadata.author == "Voltaic Components"
    assert metadata.subject.startswith("Board brief for the roadmap “Design engineer community")
    assert metadata.creation_date is not None


def test_it_is_a_tagged_pdf_ua_document_with_text_for_its_charts(demo_brief):
    reader = _reader(demo_brief)
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"]
    metadata = root["/Metadata"].get_object().get_data().decode()
    assert "pdfuaid:part" in metadata
    raw = demo_brief.file.open("rb").read()
    figures = _figure_alts(reader)
    assert any(alt.startswith("Timeline of “Design engineer community roadmap”") for alt in figures)
    assert "Risk matrix: likelihood × impact" in figures
    assert any(alt.startswith("Cumulative investment and expected value") for alt in figures)
    assert raw.startswith(b"%PDF-1.7")


def _figure_alts(reader) -> list[str]:
    alts = []

    def walk(node):
        node = node.get_object()
        if node.get("/S") == "/Figure" and "/Alt" in node:
            alts.append(str(node["/Alt"]))
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, list) else [kids]:
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return alts


def test_only_the_shipped_fonts_are_embedded(demo_brief):
    fonts = set()
    for page in _reader(demo_brief).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts
    # Subset prefixes aside, every font is one of our @font-face faces.
    assert {name.split("+", 1)[1] for name in fonts} <= {
        "Brief-Sans",
        "Brief-Sans-Bold",
        "Brief-Sans-Italic",
        "Brief-Sans-Bold-Italic",
    }, fonts


def test_the_same_snapshot_gives_the_same_bytes(demo):
    snapshot = snapshot_for(demo)
    assert render_brief(snapshot).pdf == render_brief(snapshot).pdf


@pytest.mark.parametrize(
    ("paper", "size"), [(PaperSize.A4, (842, 595)), (PaperSize.LETTER, (792, 612))]
)
def test_pages_are_landscape_on_the_organisations_paper(demo, paper, size):
    snapshot = snapshot_for(demo)
    snapshot["organisation"]["paper_size"] = paper
    reader = pdf_reader(render_brief(snapshot).pdf)
    for page in reader.pages:
        assert (round(page.mediabox.width), round(page.mediabox.height)) == size


def test_the_workshop_brief_is_the_shortlist_results_and_disagreements(demo):
    with scopes_disabled():
        facilitator = demo.owner
    report = request_and_render(demo, facilitator, kind="workshop")
    reader = _reader(report)
    text = " ".join(page_texts(reader))
    outline = [re.sub(r"^\d+\s+", "", t) for t in outline_titles(reader) if isinstance(t, str)]
    assert outline == ["Shortlist", "Current results", "Open disagreements"]
    assert ["Heatmap: how well each purpose meets each need"] in outline_titles(reader)
    assert "Workshop brief" in text and "For the workshop team" in text
    assert "Executive summary" not in text
    assert "Where the executives disagree" not in text
    assert "No surprise end-of-life" in text  # shortlisted
    assert len(reader.pages) < 12


def test_the_next_brief_lists_a_moved_milestone_and_a_new_one(demo):
    with scopes_disabled():
        facilitator = demo.owner
        first = request_and_render(demo, facilitator)
        milestone = demo.milestones.filter(kind="community").order_by("start").first()
        milestone.start += timedelta(days=30)
        milestone.save()
    second = request_and_render(demo, facilitator)
    assert first.version == 1 and second.version == 2
    text = " ".join(page_texts(_reader(second)))
    assert "since version 1" in text
    assert f"{milestone.title} moved from" in text
    assert "30 days later" in text


def test_a_pale_brand_colour_still_gives_readable_headings():
    colours = palette("#f2e86d")
    assert contrast(colours.text, "#ffffff") >= 4.5
    assert colours.on_brand == "#1b2733"
    assert palette("#1f4e79").text == "#1f4e79"
    assert palette("not a colour").brand == DEFAULT_BRAND


def test_a_500_milestone_50_purpose_roadmap_renders_within_the_time_limit(world, facilitator):
    roadmap = big_roadmap(world.ours.org, milestones=500, purposes=50)
    report = request_and_render(roadmap, facilitator)
    # The render fails itself past the soft limit, so "done" is the proof.
    assert report.status == "done", report.error
    reader = _reader(report)
    text = " ".join(page_texts(reader))
    assert "Milestone 499" in text
    assert "Purpose number 49 with a long descriptive title" in text
    print(f"500 milestones / 50 purposes: {report.page_count} pages, {report.stage_seconds}")


def test_css_strings_escape_everything_but_letters_digits_and_spaces():
    assert context.css_string("Page 3") == '"Page 3"'
    escaped = context.css_string('x"; } @import url(http://evil/); a { b: "')
    assert '"' not in escaped[1:-1] and ";" not in escaped and "(" not in escaped
    assert context.page_of_css() == '"Page " counter(page) " of " counter(pages)'
