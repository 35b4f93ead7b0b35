"""The iCalendar feed of a roadmap's milestones, at a secret and revocable URL.

Calendar apps cannot sign in, so the feed lives outside any organisation at
``/calendar/<token>.ics``: whoever has the URL can read the milestones. The
token is 256 random bits (``secrets.token_urlsafe``) kept in
``Roadmap.ical_token``; clearing it revokes the feed, replacing it rotates the
URL, and either takes effect on the next request (nothing is cached). The
security model is in ``docs/exchange.md``.
"""

import re
import secrets
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration, vText

from roadmap.models import Milestone, MilestoneDependency, MilestoneKind, Roadmap

TOKEN_BYTES = 32  # 43 URL-safe characters; the column holds 64
# What ``token_urlsafe`` produces; anything else is not worth a database query.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,64}")
PRODID = "-//Purpose Roadmap//Roadmap milestones//EN"
# How often calendar apps that honour it should fetch the feed again.
REFRESH = timedelta(hours=1)
BOM = "\ufeff"


class StoredText(vText):
    """Text as a member typed it, escaped as RFC 5545 (3.3.11) says and nothing more.

    ``vText`` turns a typed backslash before "N" (``C:\\New``) into a line
    break, and icalendar leaves calendar-level properties it has no type for
    (NAME, X-WR-CALNAME, X-WR-CALDESC) unescaped, so a title with a line
    break made the whole feed fail. TEXT has one line break and no way to
    write a carriage return: "\\r\\n" and a lone "\\r" become it.
    """

    def to_ical(self) -> bytes:
        text = (
            self.replace("\\", "\\\\")
            .replace(";", "\\;")
            .replace(",", "\\,")
            .replace("\r\n", "\n")
            .replace("\r", "\n")
            .replace("\n", "\\n")
        )
        if text.startswith(BOM) and _DROPS_LEADING_BOM:
            text = BOM + text
        return text.encode(self.encoding)


def _drops_leading_bom() -> bool:
    # icalendar 7 decodes each value as "utf-8-sig" on the way out, which eats
    # a byte order mark a title starts with; one more in front survives it.
    probe = Calendar()
    probe.add("x-probe", vText(BOM))
    return BOM.encode() not in probe.to_ical()


_DROPS_LEADING_BOM = _drops_leading_bom()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _roadmaps_of(roadmap: Roadmap):
    # Explicit organisation filter: works inside a scope or outside one.
    return Roadmap.objects.with_scopes_disabled().filter(
        pk=roadmap.pk, organisation_id=roadmap.organisation_id
    )


def roadmap_feed_enable(*, roadmap: Roadmap) -> str:
    """Give the roadmap a feed URL if it has none; return its token."""
    if roadmap.ical_token:
        return roadmap.ical_token
    return roadmap_feed_rotate(roadmap=roadmap)


def roadmap_feed_rotate(*, roadmap: Roadmap) -> str:
    """A new feed URL; the old one stops working at once."""
    token = new_token()
    _roadmaps_of(roadmap).update(ical_token=token)
    roadmap.ical_token = token
    return token


def roadmap_feed_revoke(*, roadmap: Roadmap) -> None:
    """Turn the feed off: its URL answers 404 from now on."""
    _roadmaps_of(roadmap).update(ical_token=None)
    roadmap.ical_token = None


def roadmap_for_token(token: str) -> Roadmap | None:
    """The roadmap whose feed token this is, in any organisation, or None.

    The one deliberate cross-organisation lookup of the feed: the caller
    renders the feed inside the roadmap's own organisation scope.
    """
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    return (
        Roadmap.objects.with_scopes_disabled()
        .select_related("organisation")
        .filter(ical_token=token)
        .first()
    )


def _amount(value: Decimal) -> str:
    return f"{value:,.2f}".removesuffix(".00")


def kind_details(m: Milestone) -> list[str]:
    """What a milestone of this kind says, as sentences for the event description."""
    if m.kind == MilestoneKind.COMMUNITY:
        measure = m.metric_label if m.metric == "custom" else m.get_metric_display()
        return [
            _("Target: %(target)s (%(measure)s).")
            % {"target": _amount(m.target_value), "measure": measure}
        ]
    if m.kind == MilestoneKind.RISK:
        lines = [
            _("Risk: %(category)s; likelihood %(likelihood)d of 5, impact %(impact)d of 5.")
            % {
                "category": m.get_risk_category_display(),
                "likelihood": m.likelihood,
                "impact": m.impact,
            },
            _("Mitigation: %(mitigation)s") % {"mitigation": m.mitigation}
            if m.mitigation.strip()
            else _("No mitigation yet."),
        ]
        if m.review_date:
            lines.append(_("Review on %(date)s.") % {"date": m.review_date.isoformat()})
        return lines
    if m.kind == MilestoneKind.INVESTMENT:
        return [
            _("Investment: %(amount)s %(currency)s (%(kind)s).")
            % {
                "amount": _amount(m.amount),
                "currency": m.currency,
                "kind": m.get_investment_kind_display(),
            }
        ]
    if m.kind == MilestoneKind.VALUE:
        amount = _amount(m.amount) + (f" {m.currency}" if m.currency else "")
        return [
            _("Expected value: %(amount)s of %(metric)s.")
            % {"amount": amount, "metric": m.value_metric}
        ]
    if m.kind == MilestoneKind.DECISION:
        return [
            _("Decision (%(area)s, %(state)s): %(text)s")
            % {
                "area": m.get_decision_area_display(),
                "state": _("decided") if m.decided else _("not decided yet"),
                "text": m.decision_text,
            }
        ]
    return []


def feed_rows(roadmap: Roadmap) -> tuple[list[Milestone], dict[int, list[Milestone]]]:
    """The milestones and what each depends on, in two queries; call inside the scope."""
    milestones = list(
        Milestone.objects.filter(roadmap=roadmap)
        .select_related("owner", "purpose", "community")
        .order_by("start", "pk")
    )
    by_id = {m.pk: m for m in milestones}
    predecessors: dict[int, list[Milestone]] = defaultdict(list)
    for before, after in MilestoneDependency.objects.filter(successor__roadmap=roadmap).values_list(
        "predecessor_id", "successor_id"
    ):
        if before in by_id:
            predecessors[after].append(by_id[before])
    return milestones, predecessors


def roadmap_calendar(
    roadmap: Roadmap,
    milestones: list[Milestone],
    predecessors: dict[int, list[Milestone]],
    *,
    uid_domain: str,
    roadmap_url: str | None = None,
) -> bytes:
    """An iCalendar document with one all-day event per milestone.

    A single-day milestone is an event on that day; a stretch runs from its
    start to its end inclusive (DTEND is exclusive in iCalendar, hence +1 day).
    The UID is the milestone's id, so a calendar app updates the event in
    place when the milestone moves.
    """
    name = f"{roadmap.title} · {roadmap.organisation.name}"
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", StoredText(name))
    calendar.add("x-wr-calname", StoredText(name))
    if roadmap.description:
        calendar.add("x-wr-caldesc", StoredText(roadmap.description))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    # An X- property has no type for icalendar to infer: give it the text.
    calendar.add("x-published-ttl", vDuration(REFRESH).to_ical().decode())
    for m in milestones:
        event = Event()
        event.add("uid", f"roadmap-{roadmap.pk}-milestone-{m.pk}@{uid_domain}")
        event.add("dtstamp", m.updated_at)
        event.add("last-modified", m.updated_at)
        event.add("created", m.created_at)
        event.add("dtstart", m.start)
        # All-day events end the day after; a milestone stored on the calendar's
        # last day (before dates were bounded) ends on it rather than break the feed.
        event.add("dtend", m.finish + timedelta(days=1) if m.finish < date.max else m.finish)
        event.add("summary", StoredText(f"{m.get_kind_display()}: {m.title}"))
        event.add("categories", [str(m.get_kind_display())])
        # A milestone is a reminder, not a meeting: it does not make anyone busy.
        event.add("transp", "TRANSPARENT")
        event.add(
            "description", StoredText(_description(m, predecessors.get(m.pk, []), roadmap_url))
        )
        if roadmap_url:
            event.add("url", roadmap_url)
        calendar.add_component(event)
    return calendar.to_ical()


def _description(m: Milestone, predecessors: list[Milestone], roadmap_url: str | None) -> str:
    lines = kind_details(m)
    lines.append(_("Status: %(status)s.") % {"status": m.get_status_display()})
    lines.append(
        _("Owner: %(owner)s.") % {"owner": m.owner.display_name}
        if m.owner
        else _("Nobody owns this milestone yet.")
    )
    if m.purpose:
        lines.append(_("Purpose: %(title)s.") % {"title": m.purpose.title})
    if m.community:
        lines.append(_("Community: %(name)s.") % {"name": m.community.name})
    if predecessors:
        lines.append(
            _("Depends on: %(titles)s.") % {"titles": "; ".join(p.title for p in predecessors)}
        )
    if m.description:
        lines.extend(["", m.description])
    if roadmap_url:
        lines.extend(["", roadmap_url])
    return "\n".join(lines)
