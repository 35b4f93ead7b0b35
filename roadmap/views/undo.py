"""Undo: answering a change with a note beside the timeline, and undoing the change."""

import re

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations.permissions import Perm
from organisations.tenancy import org_view
from roadmap import services
from roadmap.models import Roadmap, UndoKind, UndoRecord
from roadmap.notice import Notice, show
from roadmap.views.shared import done, get_roadmap, render_body

# What services.undo_record makes (secrets.token_urlsafe(24)); anything else
# is refused before it reaches the database.
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def answer(
    request: HttpRequest,
    roadmap: Roadmap,
    text: str,
    *,
    record: UndoRecord | None = None,
    level: str = "info",
    anchor: str = "",
    focus: str = "",
) -> HttpResponse:
    """After a change: say what it did beside the timeline, with Undo when ``record`` is given."""
    notice = Notice(text, level=level, token=record.token if record else "")
    show(request, roadmap, notice, redirecting=not request.htmx)
    return done(request, roadmap, anchor=anchor, focus=focus)


def refuse(request: HttpRequest, roadmap: Roadmap, text: str, *, status: int) -> HttpResponse:
    """A change not made: the page (for htmx its body) with the reason beside the timeline."""
    show(request, roadmap, Notice(text, level="error"), redirecting=False)
    return render_body(request, roadmap, status=status)


@require_POST
@org_view(Perm.EDIT_ROADMAP)
def undo(request: HttpRequest, roadmap_id: int) -> HttpResponse:
    roadmap = get_roadmap(roadmap_id)
    token = request.POST.get("token", "")
    try:
        if not TOKEN.fullmatch(token):
            raise ValidationError(_("This change can no longer be undone."))
        undone = services.undo_apply(
            organisation=request.org, roadmap=roadmap, user=request.user, token=token
        )
    except ValidationError as error:
        # 409: what the undo would put back is no longer there to put back.
        return refuse(request, roadmap, " ".join(error.messages), status=409)
    anchor = {
        UndoKind.MOVE: f"milestone-{undone.object_id}",
        UndoKind.MILESTONE: f"milestone-{undone.object_id}",
        UndoKind.PHASE: f"phase-{undone.object_id}",
        UndoKind.DEPENDENCY: f"dependency-{undone.object_id}",
    }[undone.kind]
    return answer(request, roadmap, undone.message, level="success", anchor=anchor)
