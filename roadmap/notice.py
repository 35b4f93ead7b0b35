"""The note beside the timeline that says what a change on the roadmap page did.

A drag, a move or a deletion is answered there, where the person is looking,
not only in the page's messages at the top, with an **Undo** button when the
change can be undone (``roadmap.services.undo_apply``). The note sits in a
polite live region outside ``#roadmap-body``: htmx fills it out of band, so a
screen reader hears the change, and every other change on the page empties it.
Without JavaScript the note travels through the redirect in the session and
is shown once.
"""

from dataclasses import asdict, dataclass
from typing import Literal

from django.http import HttpRequest

from roadmap.models import Roadmap

SESSION_KEY = "roadmap_notice"


@dataclass(frozen=True)
class Notice:
    text: str
    level: Literal["info", "success", "error"] = "info"
    token: str = ""  # an Undo button for the UndoRecord with this token


def show(request: HttpRequest, roadmap: Roadmap, notice: Notice, *, redirecting: bool) -> None:
    """Put ``notice`` on the next rendering of ``roadmap``'s page or body."""
    if redirecting:
        request.session[SESSION_KEY] = {"roadmap": roadmap.pk, **asdict(notice)}
    else:
        request.roadmap_notice = notice


def notice_for(request: HttpRequest, roadmap: Roadmap) -> Notice | None:
    """The notice this rendering of ``roadmap`` shows, if any (a session's is shown once)."""
    notice = getattr(request, "roadmap_notice", None)
    if notice is not None:
        return notice
    session = getattr(request, "session", None)
    kept = session.get(SESSION_KEY) if session is not None else None
    if not isinstance(kept, dict) or kept.get("roadmap") != roadmap.pk:
        return None
    del session[SESSION_KEY]
    try:
        return Notice(text=str(kept["text"]), level=kept["level"], token=str(kept.get("token", "")))
    except (KeyError, TypeError):
        return None
