"""The brief's URL fetcher: our static files and data: URIs, nothing else."""

import pytest
from weasyprint.urls import URLFetcherResponse

from reports.fetcher import ASSET_BASE, BlockedURL, BriefURLFetcher, static_path


@pytest.mark.parametrize(
    "path", ["css/brief.css", "fonts/DejaVuSans.ttf", "fonts/DejaVuSans-BoldOblique.ttf"]
)
def test_it_serves_the_briefs_own_static_files(path):
    response = BriefURLFetcher().fetch(ASSET_BASE + path)
    assert isinstance(response, URLFetcherResponse)
    assert len(response.read()) > 100


def test_it_serves_data_uris():
    response = BriefURLFetcher().fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///dev/urandom",
        "http://127.0.0.1:9/",
        "https://example.com/logo.png",
        "ftp://example.com/x.css",
        f"{ASSET_BASE}../../etc/passwd",
        f"{ASSET_BASE}fonts/..%2f..%2fsettings.py",
        f"{ASSET_BASE}fonts/%2e%2e/css/brief.css",
        f"{ASSET_BASE}js/app.js",  # ours, but not on the allowlist
        f"{ASSET_BASE}vendor/htmx/htmx.min.js",
        f"{ASSET_BASE}css/app.css",  # only css/brief* is allowed
        f"{ASSET_BASE}fonts/missing.ttf",
        f"{ASSET_BASE}css/brief.css?x=1",
        "http://brief-assets.invalid/static/css/brief.css",  # not https
        "https://brief-assets.invalid.evil.example/static/css/brief.css",
        "https://user@brief-assets.invalid/static/css/brief.css",
        "https://brief-assets.invalid:8443/static/css/brief.css",
        "https://brief-assets.invalid/media/logos/x.png",
    ],
)
def test_everything_else_is_refused_before_anything_is_opened(url, monkeypatch):
    opened = []
    monkeypatch.setattr("urllib.request.OpenerDirector.open", lambda *a, **k: opened.append(a))
    fetcher = BriefURLFetcher()
    with pytest.raises(BlockedURL):
        fetcher.fetch(url)
    assert opened == []
    assert fetcher.blocked == [url[:200]]


def test_redirects_are_off():
    from urllib.request import HTTPRedirectHandler

    assert not any(isinstance(h, HTTPRedirectHandler) for h in BriefURLFetcher().handlers)


def test_a_symlink_out_of_static_is_refused(tmp_path, settings):
    static = tmp_path / "static"
    (static / "fonts").mkdir(parents=True)
    secret = tmp_path / "secret.ttf"
    secret.write_bytes(b"not for the pdf")
    (static / "fonts" / "link.ttf").symlink_to(secret)
    (static / "fonts" / "real.ttf").write_bytes(b"a font")
    settings.STATICFILES_DIRS = [static]
    from django.contrib.staticfiles import finders

    finders.get_finder.cache_clear()
    try:
        assert static_path(ASSET_BASE + "fonts/real.ttf") == static / "fonts" / "real.ttf"
        assert static_path(ASSET_BASE + "fonts/link.ttf") is None
    finally:
        finders.get_finder.cache_clear()
