"""What WeasyPrint may load while it draws a brief: our own static files and ``data:`` URIs.

The brief's HTML is written with a base URL on a reserved, unresolvable host
(``ASSET_BASE``); its stylesheet and fonts are named relative to it. The
fetcher maps such URLs to files found by Django's static file finders, under
an allowlist of folders and file types, and refuses everything else —
``http(s)`` anywhere else, ``file:``, ``ftp:`` — before any connection or file
is opened. Redirects are off. User text cannot add a URL (it is escaped), so
this is the second wall, not the first.
"""

import mimetypes
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher, URLFetcherResponse

ASSET_HOST = "brief-assets.invalid"  # .invalid never resolves (RFC 2606)
ASSET_BASE = f"https://{ASSET_HOST}/static/"

# Folders (and file name starts) of static/ the brief may use, and the types.
ALLOWED_PREFIXES = ("fonts/", "css/brief", "img/")
ALLOWED_TYPES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}


class BlockedURL(ValueError):
    """A URL outside the allowlist; WeasyPrint logs it and goes on without it."""


def _static_roots() -> list[Path]:
    roots = [Path(root).resolve() for root in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def static_path(url: str) -> Path | None:
    """The file a brief asset URL names, or None if the URL is not an allowed asset."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme != "https" or parts.netloc != ASSET_HOST or parts.query:
        return None
    if not parts.path.startswith("/static/"):
        return None
    relative = unquote(parts.path.removeprefix("/static/"))
    pure = PurePosixPath(relative)
    if (
        "\\" in relative
        or "\x00" in relative
        or pure.is_absolute()
        or any(part in ("", ".", "..") for part in relative.split("/"))
    ):
        return None
    if not relative.startswith(ALLOWED_PREFIXES) or pure.suffix.lower() not in ALLOWED_TYPES:
        return None
    found = finders.find(relative)
    if not found:
        return None
    path = Path(found).resolve()  # symlinks followed: the real file must be ours
    if not any(path.is_relative_to(root) for root in _static_roots()) or not path.is_file():
        return None
    return path


class BriefURLFetcher(URLFetcher):
    """WeasyPrint 70's class-style fetcher (function fetchers crash in 70, see KNOWN.md).

    ``blocked`` lists what was refused, for logs and tests.
    """

    _files: dict[Path, bytes] = {}  # shared by every instance in a process

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
        self.blocked: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            # The base class opens it with urllib's DataHandler and refuses
            # every other protocol (allowed_protocols above).
            return super().fetch(url, headers)
        path = static_path(url)
        if path is None:
            self.blocked.append(url[:200])
            raise BlockedURL(f"Briefs load nothing from {url[:200]!r}")
        body = self._files.get(path)
        if body is None:
            body = path.read_bytes()
            self._files[path] = body
        content_type = ALLOWED_TYPES.get(path.suffix.lower()) or (
            mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        return URLFetcherResponse(url, body, {"Content-Type": content_type})
