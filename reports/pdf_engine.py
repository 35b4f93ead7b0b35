"""The brief's HTML laid out and written as a PDF by WeasyPrint, through its public API.

What a warm worker keeps between briefs, all of it WeasyPrint's public API:
one ``FontConfiguration`` (the shipped fonts are read and registered once),
one image cache, and ``static/css/brief.css`` parsed once. The cyclic garbage
collector is paused while WeasyPrint works, every URL goes through the
allowlist fetcher (``reports.fetcher``), and a finisher hook gets the PDF
before it is written.

The measures that reach into WeasyPrint's or pydyf's private names live in
``reports.pdf_speedups``, imported here on the first render only (never by a
web request), and only used on the versions they were written for. On any
other version, if applying them fails, or with ``BRIEF_PDF_SPEEDUPS`` off,
briefs are drawn with the public API alone: the same pages, only slower.
docs/briefs.md ("Speed") has the figures.
"""

import gc
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType

from django.conf import settings
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.text.fonts import FontConfiguration

from reports.context import brief_context, brief_html
from reports.fetcher import ASSET_BASE, BriefURLFetcher

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/ua-1"
# The brief's stylesheet, relative to the asset base. WeasyPrint gets it
# parsed once per process; the HTML names it only for other renderers.
STYLESHEET = "css/brief.css"
IMAGE_CACHE_LIMIT = 32

_font_config: FontConfiguration | None = None
_image_cache: dict = {}
_stylesheet: CSS | None = None


def font_config() -> FontConfiguration:
    """One per process: fonts are fetched and registered with fontconfig once."""
    global _font_config
    if _font_config is None:
        _font_config = FontConfiguration()
    return _font_config


def brief_stylesheet() -> CSS:
    """static/css/brief.css, parsed once per process (about 25 ms saved per brief)."""
    global _stylesheet
    if _stylesheet is None:
        _stylesheet = CSS(
            url=ASSET_BASE + STYLESHEET,
            url_fetcher=BriefURLFetcher(),
            font_config=font_config(),
        )
    return _stylesheet


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while WeasyPrint works.

    A brief allocates about a million objects that mostly live until the PDF is
    written; with the collector on, Python scanned them (and the rest of the
    process) some 200 times per brief, a quarter of the render. Reference
    counting still frees what it can; the cycles left are collected as usual
    once the collector is back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def release_memory() -> None:
    """Collect the cycles a render left behind; a worker calls it after each brief.

    With the collector paused during a render, the render's reference cycles
    (WeasyPrint's boxes point at their parents) outlive it until a full
    collection, which Python runs rarely: a worker's memory grew by 60 % over
    100 briefs. Collecting once after each brief keeps it flat, for about
    0.08 s spent after the brief is saved and marked done.
    """
    gc.collect()


class SpeedUps:
    """Whether this process draws with ``reports.pdf_speedups``, decided on the first render.

    ``active()`` is asked by every render: it applies the speed-ups the first
    time (checking the installed versions), removes them while the
    ``BRIEF_PDF_SPEEDUPS`` setting is off, and returns ``None`` for WeasyPrint's
    public API alone. A refusal (another version, or a measure that raised) is
    logged once and lasts as long as the process.
    """

    def __init__(self) -> None:
        self.module: ModuleType | None = None
        self.refused = False

    def active(self) -> ModuleType | None:
        if not settings.BRIEF_PDF_SPEEDUPS:
            self.remove()
        elif self.module is None and not self.refused:
            try:
                # Imported here, not at the top: a web process never loads it.
                from reports import pdf_speedups

                pdf_speedups.apply()
            except Exception as error:
                self.refuse(error)
            else:
                self.module = pdf_speedups
        return self.module

    def refuse(self, error: Exception) -> None:
        self.remove()
        if not self.refused:
            self.refused = True
            logger.warning(
                "PDF speed-ups off, briefs drawn with WeasyPrint's public API alone: %r", error
            )

    def remove(self) -> None:
        if self.module is not None:
            module, self.module = self.module, None
            module.remove()


_speedups = SpeedUps()


def speedups_in_use() -> bool:
    """Whether the next brief is drawn with ``reports.pdf_speedups`` (applying them if due)."""
    return _speedups.active() is not None


def _options() -> dict:
    if len(_image_cache) > IMAGE_CACHE_LIMIT:
        _image_cache.clear()
    return {"pdf_variant": PDF_VARIANT, "cache": _image_cache, "optimize_images": False}


def _finisher(speedups: ModuleType | None) -> Callable | None:
    """The finisher hook: WeasyPrint hands it the PDF's objects before they are written."""
    if speedups is None:
        return None

    def finish(document: Document, pdf) -> None:
        try:
            speedups.compress_streams(document, pdf)
        except Exception as error:
            # A stream is changed whole or not at all: pydyf compresses the rest.
            _speedups.refuse(error)

    return finish


# C0 control characters other than tab and line ends: text pasted from a word
# processor brings some (a vertical tab for a soft line break). They draw as
# empty boxes and are not allowed in XML, so they would send the whole brief
# down the slower HTML path.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def layout_pdf(html: str, fetcher: BriefURLFetcher | None = None) -> Document:
    """Paginate the HTML (the slow part); nothing outside the allowlist is loaded."""
    fetcher = fetcher or BriefURLFetcher()
    html = CONTROL_CHARACTERS.sub("", html)
    speedups = _speedups.active()
    html_class = speedups.BriefHTML if speedups else HTML
    with collector_paused():
        return html_class(string=html, base_url=ASSET_BASE, url_fetcher=fetcher).render(
            font_config=font_config(), stylesheets=[brief_stylesheet()], **_options()
        )


def write_pdf(document: Document, snapshot: dict) -> bytes:
    # A fixed identifier makes the same snapshot give the same bytes.
    identifier = f"{snapshot['kind']}-{snapshot['data']['roadmap']['id']}-v{snapshot['version']}"
    finisher = _finisher(_speedups.active())
    with collector_paused():
        return document.write_pdf(
            pdf_identifier=identifier.encode(), finisher=finisher, **_options()
        )


@dataclass(frozen=True)
class RenderedBrief:
    pdf: bytes
    pages: int
    blocked: tuple[str, ...]


def render_brief(snapshot: dict) -> RenderedBrief:
    """Snapshot to PDF in one call (the service runs the same steps stage by stage)."""
    fetcher = BriefURLFetcher()
    document = layout_pdf(brief_html(brief_context(snapshot)), fetcher)
    return RenderedBrief(write_pdf(document, snapshot), len(document.pages), tuple(fetcher.blocked))
