"""The PDF engine: WeasyPrint's public API, with the speed-ups only where they belong.

The speed-ups (reports/pdf_speedups.py) reach into WeasyPrint's private
names, so they are applied on the pinned versions only, on a worker's first
render only, and never at the cost of a brief: on another version, or when a
measure raises, the engine draws with the public API alone and says so once.
"""

import gc
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import weasyprint.svg as weasyprint_svg

from reports import pdf_engine, pdf_speedups
from tests.support.pdf_reading import outline_titles, page_texts, pdf_reader
from tests.support.report_builders import demo_roadmap, snapshot_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def speedups():
    """The engine decides afresh in this test; the process decides afresh after it."""
    pdf_engine._speedups.remove()
    pdf_engine._speedups = pdf_engine.SpeedUps()
    yield pdf_engine._speedups
    pdf_engine._speedups.remove()
    pdf_engine._speedups = pdf_engine.SpeedUps()


@pytest.fixture
def snapshot(db) -> dict:
    """The demo roadmap's board brief, its "what changed" section included."""
    roadmap = demo_roadmap()
    return snapshot_for(roadmap, version=2, previous=snapshot_for(roadmap))


def _drawn(snapshot: dict) -> tuple[bytes, list[str], list]:
    pdf = pdf_engine.render_brief(snapshot).pdf
    reader = pdf_reader(pdf, strict=True)
    return pdf, page_texts(reader), outline_titles(reader)


def _letter_by_letter() -> bool:
    return weasyprint_svg.TAGS["text"] is pdf_speedups.svg_text_per_letter


def _refusals(caplog) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name == "reports.pdf_engine" and record.levelno == logging.WARNING
    ]


def _same_text(fast: list[str], plain: list[str]) -> None:
    """The same pages with the same words; a chart label drawn letter by letter may be
    read back with other spacing, so spaces aside."""
    assert len(fast) == len(plain)
    assert [re.sub(r"\s", "", page) for page in fast] == [re.sub(r"\s", "", page) for page in plain]


def test_the_brief_is_the_same_with_and_without_the_speedups(snapshot, speedups, settings):
    fast_pdf, fast, fast_outline = _drawn(snapshot)
    assert speedups.module is pdf_speedups and not _letter_by_letter()

    settings.BRIEF_PDF_SPEEDUPS = False
    plain_pdf, plain, plain_outline = _drawn(snapshot)
    assert speedups.module is None and _letter_by_letter()

    assert fast_pdf != plain_pdf  # two ways of drawing it …
    assert len(fast) == len(plain) > 10  # … to the same pages, words and outline
    _same_text(fast, plain)
    assert "What changed since the previous brief" in " ".join(fast)
    assert fast_outline == plain_outline and len(fast_outline) >= 6

    settings.BRIEF_PDF_SPEEDUPS = True
    assert _drawn(snapshot)[0] == fast_pdf  # on again, as before
    assert speedups.module is pdf_speedups


def test_another_version_draws_with_the_public_api_and_warns_once(
    snapshot, speedups, monkeypatch, caplog
):
    monkeypatch.setattr(
        pdf_speedups, "installed_versions", lambda: {"weasyprint": "71.0", "pydyf": "0.13.0"}
    )
    with caplog.at_level(logging.WARNING):
        _, first, _ = _drawn(snapshot)
        _, second, _ = _drawn(snapshot)
    [refusal] = _refusals(caplog)
    assert "public API" in refusal.getMessage() and "71.0" in refusal.getMessage()
    assert speedups.module is None and speedups.refused and _letter_by_letter()
    assert first == second and "Executive summary" in " ".join(first)


def test_a_measure_that_cannot_be_applied_leaves_none_in_place(
    snapshot, speedups, monkeypatch, caplog
):
    def unreadable():
        raise FileNotFoundError("html5_ua.css")

    # The SVG text drawer goes in first: it must come out again.
    monkeypatch.setattr(pdf_speedups, "_user_agent_stylesheet", None)
    monkeypatch.setattr(pdf_speedups, "lean_user_agent_css", unreadable)
    with caplog.at_level(logging.WARNING):
        _, pages, outline = _drawn(snapshot)
        _drawn(snapshot)
    [refusal] = _refusals(caplog)
    assert "html5_ua.css" in refusal.getMessage()
    assert speedups.module is None and _letter_by_letter()
    assert len(pages) > 10 and outline


def test_a_finisher_that_raises_leaves_the_streams_to_pydyf(
    snapshot, speedups, monkeypatch, caplog
):
    def broken(document, pdf):
        raise AttributeError("'Stream' object has no attribute 'compress'")

    fast_pdf, fast, fast_outline = _drawn(snapshot)
    monkeypatch.setattr(pdf_speedups, "compress_streams", broken)
    with caplog.at_level(logging.WARNING):
        pdf, pages, outline = _drawn(snapshot)  # read back strictly: a valid PDF
        _drawn(snapshot)
    [refusal] = _refusals(caplog)
    assert "compress" in refusal.getMessage()
    assert speedups.module is None and _letter_by_letter()
    assert pdf != fast_pdf
    _same_text(pages, fast)
    assert outline == fast_outline


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        name, _, pinned = line.partition("==")
        if pinned:
            pins[name.strip().lower()] = pinned.strip()
    return pins


def test_the_speedups_are_written_for_the_locked_versions_and_on_with_them(speedups):
    """Fails, never skips, when WeasyPrint or pydyf moves: an upgrade starts here.

    Check the measures in reports/pdf_speedups.py against the new version
    (tests/reports/test_pdf_speedups.py), then update its WEASYPRINT/PYDYF.
    """
    lock = _lock()
    expected = {"weasyprint": pdf_speedups.WEASYPRINT, "pydyf": pdf_speedups.PYDYF}
    assert {name: lock[name] for name in expected} == expected, "requirements.lock moved"
    assert pdf_speedups.installed_versions() == expected, "not the locked versions: make install"
    assert speedups.active() is pdf_speedups
    assert (
        weasyprint_svg.TAGS["text"] is weasyprint_svg.TAGS["tspan"] is pdf_speedups.svg_text_as_run
    )


PROBE = """
import sys, django
django.setup()
from django.conf import settings
import config.urls, reports.views, reports.services, reports.tasks
print(settings.BRIEF_PDF_SPEEDUPS, "reports.pdf_engine" in sys.modules,
      "reports.pdf_speedups" in sys.modules)
"""


@pytest.mark.parametrize(("env", "on"), [("", "True"), ("0", "False"), ("1", "True")])
def test_web_code_never_imports_the_speedups_and_the_environment_turns_them_off(env, on):
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "ROADMAP_PDF_SPEEDUPS": env,
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=environ, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [on, "True", "False"]


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_comes_back_as_it_was_even_after_an_error(enabled):
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with pdf_engine.collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() == enabled
        with pytest.raises(RuntimeError), pdf_engine.collector_paused():
            assert not gc.isenabled()
            raise RuntimeError("layout failed")
        assert gc.isenabled() == enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_the_worker_collects_a_renders_garbage_after_each_brief_even_a_failed_one(monkeypatch):
    from reports import tasks

    calls = []
    monkeypatch.setattr(pdf_engine, "release_memory", lambda: calls.append("released"))
    monkeypatch.setattr(tasks.services, "report_render", lambda report_id: calls.append("drawn"))
    tasks.render_report.run(1)
    assert calls == ["drawn", "released"]

    def fail(report_id):
        raise RuntimeError("template error")

    monkeypatch.setattr(tasks.services, "report_render", fail)
    with pytest.raises(RuntimeError):
        tasks.render_report.run(2)
    assert calls[-1] == "released"
