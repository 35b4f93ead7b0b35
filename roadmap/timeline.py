"""Timeline layout: where every phase, purpose, milestone, label and arrow goes.

Pure: plain data in, plain positions out, no ORM and no template. The SVG
template (``templates/roadmap/timeline.svg``, via ``roadmap.svg``) only draws
what this module decided, so the page and the PDF show the same picture.

Labels never overlap. Each lane is packed into rows: a milestone takes the
interval from its marker to the end of its label, and goes into the first row
whose last interval ends left of it (first fit, in date order). A lane may use
at most ``max_label_rows`` rows of labelled milestones; a milestone that fits in
none of them keeps its marker but shows its number instead of its name, and is
listed (by number) in the accessible table and the legend. Numbered markers are
narrow and may open further rows, so the guarantee holds whatever the data:
lanes grow instead of labels colliding. See docs/timeline.md.
"""

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from django.utils.dates import MONTHS_3
from django.utils.translation import gettext, gettext_lazy, ngettext

from common.formatting import date_text
from roadmap.models import MilestoneKind, MilestoneStatus

# Geometry, in SVG user units (pixels at 100 %).
FONT_SIZE = 11
SMALL_FONT_SIZE = 10
LANE_LABEL_WIDTH = 112
RIGHT_PADDING = 14
PHASE_HEADER_HEIGHT = 24
TICK_HEADER_HEIGHT = 20
ROW_HEIGHT = 18
LANE_PADDING = 5
MARKER_RADIUS = 6
LABEL_GAP = 4  # between a marker and its label
ITEM_GAP = 8  # between two items in one row
PURPOSE_BAR_HEIGHT = 14
LEGEND_HEIGHT = 46
LABEL_MAX_WIDTH = 190  # longer titles end in "…"; the table has them whole
MIN_LABEL_CHARS = 6  # shorter than this, a number says more than a stub
DEFAULT_WIDTH = 1200
DEFAULT_MAX_LABEL_ROWS = 4
QUARTERS_AFTER_MONTHS = 18

LANE_KINDS = (
    MilestoneKind.COMMUNITY,
    MilestoneKind.RISK,
    MilestoneKind.INVESTMENT,
    MilestoneKind.VALUE,
    MilestoneKind.DECISION,
)
PURPOSES_LANE = "purposes"
LANE_LABELS = {
    PURPOSES_LANE: gettext_lazy("Purposes"),
    MilestoneKind.COMMUNITY: gettext_lazy("Community"),
    MilestoneKind.RISK: gettext_lazy("Risks"),
    MilestoneKind.INVESTMENT: gettext_lazy("Investment"),
    MilestoneKind.VALUE: gettext_lazy("Value"),
    MilestoneKind.DECISION: gettext_lazy("Decisions"),
}

# Advance widths as a share of the font size, rounded up from DejaVu Sans
# (the widest of the fonts the page and the PDF fall back to), so an estimate
# errs on the wide side and a real label ends before its estimated box does.
_NARROW = dict.fromkeys("iljtf.,:;'|!()[] ", 0.36)
_WIDE = dict.fromkeys("mwMW@%", 0.9)
_UPPER = dict.fromkeys("ABCDEFGHJKLNOPQRSTUVXYZ&", 0.72)
_DIGITS = dict.fromkeys("0123456789", 0.64)
_CHAR_WIDTHS = {**_UPPER, **_DIGITS, **_NARROW, **_WIDE}
_DEFAULT_CHAR_WIDTH = 0.6


def text_width(text: str, font_size: float = FONT_SIZE) -> float:
    return font_size * sum(_CHAR_WIDTHS.get(char, _DEFAULT_CHAR_WIDTH) for char in text)


def truncate_to_width(text: str, width: float, font_size: float = FONT_SIZE) -> str:
    """The longest prefix (plus “…”) that fits ``width``; the text itself if it fits."""
    if text_width(text, font_size) <= width:
        return text
    budget = width - text_width("…", font_size)
    used = 0.0
    for index, char in enumerate(text):
        used += font_size * _CHAR_WIDTHS.get(char, _DEFAULT_CHAR_WIDTH)
        if used > budget:
            return text[:index].rstrip() + "…"
    return text


short_date = date_text  # the timeline's name for it


# ---------------------------------------------------------------- input


@dataclass(frozen=True)
class PhaseIn:
    id: Hashable
    name: str
    start: date
    end: date  # inclusive


@dataclass(frozen=True)
class PlacementIn:
    """A chosen purpose placed in a phase."""

    purpose_id: Hashable
    title: str
    phase_id: Hashable
    position: int = 0


@dataclass(frozen=True)
class MilestoneIn:
    id: Hashable
    title: str
    kind: str
    start: date
    end: date | None = None
    status: str = MilestoneStatus.PLANNED


@dataclass(frozen=True)
class DependencyIn:
    predecessor: Hashable
    successor: Hashable


@dataclass(frozen=True)
class TimelineInput:
    title: str
    start: date
    end: date  # inclusive
    phases: Sequence[PhaseIn] = ()
    placements: Sequence[PlacementIn] = ()
    milestones: Sequence[MilestoneIn] = ()
    dependencies: Sequence[DependencyIn] = ()


def timeline_input_from_models(
    roadmap, phases: Iterable, placements: Iterable, milestones: Iterable, dependencies: Iterable
) -> TimelineInput:
    """From rows the caller fetched (``placements`` with ``purpose`` selected); no query here."""
    return TimelineInput(
        title=roadmap.title,
        start=roadmap.start,
        end=roadmap.end,
        phases=[PhaseIn(p.pk, p.name, p.start, p.end) for p in phases],
        placements=[
            PlacementIn(pp.purpose_id, pp.purpose.title, pp.phase_id, pp.position)
            for pp in placements
        ],
        milestones=[
            MilestoneIn(m.pk, m.title, m.kind, m.start, m.end, m.status) for m in milestones
        ],
        dependencies=[DependencyIn(d.predecessor_id, d.successor_id) for d in dependencies],
    )


# ---------------------------------------------------------------- output


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: "Box") -> bool:
        return (
            self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1
        )


@dataclass(frozen=True)
class Tick:
    x: float
    label: str  # "" when this tick is left unlabelled for room
    year_start: bool


@dataclass(frozen=True)
class PhaseBand:
    id: Hashable
    name: str
    label: str  # the name, shortened to fit the band
    x: float
    width: float
    shaded: bool


@dataclass(frozen=True)
class Lane:
    key: str
    label: str
    y: float
    height: float
    rows: int


@dataclass(frozen=True)
class BarSegment:
    x: float
    width: float
    # The second and later runs of a purpose placed in phases apart carry the
    # name too (the first run's is the bar's own ``label``): no bar unnamed.
    label: str = ""
    label_x: float = 0.0


@dataclass(frozen=True)
class PurposeBar:
    purpose_id: Hashable
    title: str
    segments: tuple[BarSegment, ...]
    y: float  # top of the bar
    height: float
    label: str
    label_x: float
    label_inside: bool
    label_box: Box
    phase_names: tuple[str, ...]


@dataclass(frozen=True)
class PlacedMilestone:
    id: Hashable
    number: int  # chronological, 1-based: the key into the table
    title: str
    kind: str
    status: str
    start: date
    end: date | None
    when: str
    x: float
    x_end: float | None  # a stretch is drawn as a bar to here
    y: float  # centre line of its row
    label: str  # the (maybe shortened) title, or the number when numbered
    label_x: float
    label_anchor: str  # "start" (right of the marker) or "end" (left of it)
    label_box: Box
    numbered: bool
    outside: bool  # dated outside the roadmap, drawn at its edge


@dataclass(frozen=True)
class Arrow:
    predecessor: Hashable
    successor: Hashable
    d: str
    late: bool  # the successor is dated before the predecessor finishes


@dataclass
class TimelineLayout:
    title: str
    desc: str
    width: int
    height: float
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    tick_unit: str  # "month" or "quarter"
    ticks: list[Tick] = field(default_factory=list)
    phases: list[PhaseBand] = field(default_factory=list)
    lanes: list[Lane] = field(default_factory=list)
    purposes: list[PurposeBar] = field(default_factory=list)
    milestones: list[PlacedMilestone] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    today_x: float | None = None
    today_label: str = ""
    legend_y: float = 0.0

    @property
    def dropped(self) -> list[PlacedMilestone]:
        """Milestones shown by number, whose names the table and legend list."""
        return [m for m in self.milestones if m.numbered]

    def label_boxes(self) -> list[Box]:
        return [bar.label_box for bar in self.purposes] + [m.label_box for m in self.milestones]


# ---------------------------------------------------------------- scale and ticks


class Scale:
    """Days to x: the roadmap's first day at ``left``, the day after its last at ``right``."""

    def __init__(self, start: date, end: date, left: float, right: float):
        self.start = start
        self.end = end
        self.left = left
        self.right = right
        self.days = max((end - start).days + 1, 1)
        self.per_day = (right - left) / self.days

    def __call__(self, day: date) -> float:
        return self.left + (day - self.start).days * self.per_day

    def clamped(self, day: date) -> float:
        return min(max(self(day), self.left), self.right)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _first_of_months(start: date, end: date, every: int) -> list[date]:
    """First days of months within [start, end] whose month index is a multiple of ``every``."""
    year, month = start.year, start.month
    days = []
    while (year, month) <= (end.year, end.month):
        day = date(year, month, 1)
        if day >= start and (month - 1) % every == 0:
            days.append(day)
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return days


def make_ticks(scale: Scale) -> tuple[str, list[Tick]]:
    """Month ticks, or quarter ticks for a roadmap longer than 18 months.

    Labels that would crowd each other are thinned to every 2nd, 3rd… tick,
    keeping January (or Q1) labelled so the years stay readable.
    """
    quarterly = months_between(scale.start, scale.end) > QUARTERS_AFTER_MONTHS
    unit = "quarter" if quarterly else "month"
    days = _first_of_months(scale.start, scale.end, 3 if quarterly else 1)
    months_per_tick = 3 if quarterly else 1

    def label(day: date) -> str:
        if quarterly:
            return f"Q{(day.month - 1) // 3 + 1} {day.year}"
        if day.month == 1 or day == days[0]:
            return f"{MONTHS_3[day.month].title()} {day.year}"
        return MONTHS_3[day.month].title()

    spacing = scale.per_day * 30.4 * months_per_tick
    widest = max((text_width(label(day), SMALL_FONT_SIZE) for day in days), default=0)
    every = 1
    for candidate in (1, 2, 3, 4, 6, 12):
        every = candidate
        if spacing * candidate >= widest + 8:
            break
    ticks = []
    for day in days:
        index = (day.month - 1) // months_per_tick
        shown = index % every == 0
        ticks.append(Tick(round(scale(day), 1), label(day) if shown else "", day.month == 1))
    return unit, ticks


# ---------------------------------------------------------------- rows


class RowPacker:
    """First-fit packing of x-intervals into rows; never lets two overlap."""

    def __init__(self) -> None:
        self.row_ends: list[float] = []

    def fit(self, left: float, right: float, max_rows: int | None = None) -> int | None:
        """The row index taken by [left, right], or None if none of ``max_rows`` has room."""
        limit = len(self.row_ends) if max_rows is None else min(max_rows, len(self.row_ends))
        for row in range(limit):
            if self.row_ends[row] + ITEM_GAP <= left:
                self.row_ends[row] = right
                return row
        if max_rows is None or len(self.row_ends) < max_rows:
            self.row_ends.append(right)
            return len(self.row_ends) - 1
        return None

    @property
    def rows(self) -> int:
        return max(len(self.row_ends), 1)


@dataclass
class _Slot:
    """A milestone's horizontal placement before its row (and so its y) is known."""

    milestone: MilestoneIn
    number: int
    x: float
    x_end: float | None
    outside: bool
    label: str
    label_x: float
    anchor: str
    left: float
    right: float
    numbered: bool
    row: int = 0


def _label_slot(
    text: str, x: float, x_end: float | None, scale: Scale
) -> tuple[str, float, str, float, float] | None:
    """(label, label_x, anchor, left, right) for ``text`` beside a marker, or None.

    Right of the marker (or the end of a stretch) when it fits before the right
    edge, else left of the marker, else on the roomier side shortened to fit.
    """
    marker_left = x - MARKER_RADIUS
    marker_right = (x_end if x_end is not None else x) + MARKER_RADIUS
    room_right = scale.right - marker_right - LABEL_GAP
    room_left = marker_left - LABEL_GAP - scale.left
    width = text_width(text)
    if width > room_right and width > room_left:
        text = truncate_to_width(text, max(room_right, room_left))
        if len(text) < MIN_LABEL_CHARS and not text.isdigit():
            return None
        width = text_width(text)
    if width <= room_right:
        label_x = marker_right + LABEL_GAP
        return text, label_x, "start", marker_left, label_x + width
    label_x = marker_left - LABEL_GAP
    return text, label_x, "end", label_x - width, marker_right


def _lane_slots(
    milestones: list[tuple[int, MilestoneIn]], scale: Scale, max_label_rows: int
) -> tuple[list[_Slot], int]:
    placed: list[tuple[float, int, MilestoneIn, float, float | None, bool]] = []
    for number, milestone in milestones:
        outside = milestone.start < scale.start or (milestone.end or milestone.start) > scale.end
        x = scale.clamped(milestone.start)
        x_end = None
        if milestone.end is not None and milestone.end > milestone.start:
            x_end = scale.clamped(milestone.end + timedelta(days=1))
        placed.append((x, number, milestone, x, x_end, outside))
    placed.sort(key=lambda item: (item[0], item[1]))

    packer = RowPacker()
    slots = []
    for _, number, milestone, x, x_end, outside in placed:
        title = truncate_to_width(milestone.title, LABEL_MAX_WIDTH)
        labelled = _label_slot(title, x, x_end, scale)
        row = None
        if labelled is not None:
            label, label_x, anchor, left, right = labelled
            row = packer.fit(left, right, max_label_rows)
        numbered = row is None
        if numbered:
            # A number always fits unless the plot is absurdly narrow; then
            # it may cross the edge, but still never another label.
            label, label_x, anchor, left, right = _label_slot(str(number), x, x_end, scale) or (
                str(number),
                x + MARKER_RADIUS + LABEL_GAP,
                "start",
                x - MARKER_RADIUS,
                x + MARKER_RADIUS + LABEL_GAP + text_width(str(number)),
            )
            row = packer.fit(left, right)
        slots.append(
            _Slot(
                milestone,
                number,
                x,
                x_end,
                outside,
                label,
                label_x,
                anchor,
                left,
                right,
                numbered,
                row,
            )
        )
    return slots, packer.rows


def number_milestones(milestones: Iterable[MilestoneIn]) -> list[tuple[int, MilestoneIn]]:
    """Numbers 1… in date order (then lane order, then id): the table's keys."""
    kind_order = {kind: index for index, kind in enumerate(LANE_KINDS)}
    ordered = sorted(
        milestones, key=lambda m: (m.start, kind_order.get(m.kind, 99), m.end or m.start, str(m.id))
    )
    return list(enumerate(ordered, start=1))


# ---------------------------------------------------------------- purposes


def _purpose_rows(data: TimelineInput) -> list[tuple[Hashable, str, list[PhaseIn]]]:
    """Placed purposes in sequence: by their first phase, then their order in it."""
    phases = sorted(data.phases, key=lambda p: (p.start, p.end))
    phase_index = {phase.id: index for index, phase in enumerate(phases)}
    by_purpose: dict[Hashable, list[PlacementIn]] = {}
    for placement in data.placements:
        if placement.phase_id in phase_index:
            by_purpose.setdefault(placement.purpose_id, []).append(placement)
    rows = []
    for purpose_id, placements in by_purpose.items():
        placements.sort(key=lambda p: phase_index[p.phase_id])
        first = placements[0]
        rows.append(
            (
                (phase_index[first.phase_id], first.position, first.title, str(purpose_id)),
                purpose_id,
                first.title,
                [phases[phase_index[p.phase_id]] for p in placements],
            )
        )
    rows.sort(key=lambda row: row[0])
    return [(purpose_id, title, placed) for _, purpose_id, title, placed in rows]


def _labelled_segment(
    title: str, segment: BarSegment, later: list[BarSegment], scale: Scale
) -> BarSegment:
    """A later run of a purpose's bar, named inside it or else right after it."""
    inside = truncate_to_width(title, segment.width - 2 * LABEL_GAP)
    if inside == title or len(inside) >= 12:
        return replace(segment, label=inside, label_x=round(segment.x + LABEL_GAP, 1))
    label_x = segment.x + segment.width + LABEL_GAP
    room = (later[0].x if later else scale.right) - LABEL_GAP - label_x
    outside = truncate_to_width(title, room) if room > 0 else ""
    if len(outside) < 4:  # no room beside it either: the shortest readable form inside
        return replace(segment, label=inside, label_x=round(segment.x + LABEL_GAP, 1))
    return replace(segment, label=outside, label_x=round(label_x, 1))


def _purpose_bar(
    purpose_id: Hashable,
    title: str,
    phases: list[PhaseIn],
    scale: Scale,
    y: float,
    all_phases: list[PhaseIn],
) -> PurposeBar:
    # Phases next to each other in the roadmap's order make one segment.
    order = {phase.id: index for index, phase in enumerate(all_phases)}
    segments: list[list[PhaseIn]] = []
    for phase in phases:
        if segments and order[phase.id] == order[segments[-1][-1].id] + 1:
            segments[-1].append(phase)
        else:
            segments.append([phase])
    bars = []
    for run in segments:
        left = scale.clamped(run[0].start)
        right = scale.clamped(run[-1].end + timedelta(days=1))
        bars.append(BarSegment(round(left, 1), round(max(right - left, 2), 1)))
    text_y0, text_y1 = y, y + PURPOSE_BAR_HEIGHT
    for index in range(1, len(bars)):
        bars[index] = _labelled_segment(title, bars[index], bars[index + 1 :], scale)
    first = bars[0]
    inside = truncate_to_width(title, first.width - 2 * LABEL_GAP)
    if inside == title or len(inside) >= 12:
        label_x = first.x + LABEL_GAP
        box = Box(label_x, text_y0, label_x + text_width(inside), text_y1)
        return PurposeBar(
            purpose_id,
            title,
            tuple(bars),
            y,
            PURPOSE_BAR_HEIGHT,
            inside,
            label_x,
            True,
            box,
            tuple(p.name for p in phases),
        )
    last = bars[-1]
    label_x = last.x + last.width + LABEL_GAP
    outside = truncate_to_width(title, scale.right - label_x)
    box = Box(label_x, text_y0, label_x + text_width(outside), text_y1)
    return PurposeBar(
        purpose_id,
        title,
        tuple(bars),
        y,
        PURPOSE_BAR_HEIGHT,
        outside,
        label_x,
        False,
        box,
        tuple(p.name for p in phases),
    )


# ---------------------------------------------------------------- the layout


def _arrow_path(x1: float, y1: float, x2: float, y2: float) -> str:
    """From the predecessor's top or bottom to the successor's left side.

    Leaving vertically keeps the line off the predecessor's own label, which
    sits to the right of its marker on the same line.
    """
    sign = 1 if y2 >= y1 else -1
    start_y = y1 + sign * MARKER_RADIUS
    end_x = x2 - MARKER_RADIUS - 2  # room for the arrowhead
    lift = max(abs(y2 - y1) / 2, ROW_HEIGHT * 0.75)
    reach = max(min(abs(end_x - x1) / 2, 60), 16)
    return (
        f"M{x1:.1f} {start_y:.1f} C{x1:.1f} {start_y + sign * lift:.1f} "
        f"{end_x - reach:.1f} {y2:.1f} {end_x:.1f} {y2:.1f}"
    )


def _describe(data: TimelineInput, layout: TimelineLayout) -> str:
    counts = dict.fromkeys(LANE_KINDS, 0)
    for milestone in data.milestones:
        counts[milestone.kind] = counts.get(milestone.kind, 0) + 1
    parts = [
        gettext("Roadmap from %(start)s to %(end)s.")
        % {"start": short_date(data.start), "end": short_date(data.end)},
        ngettext("%(count)d phase", "%(count)d phases", len(data.phases))
        % {"count": len(data.phases)}
        + (
            ": " + ", ".join(p.name for p in sorted(data.phases, key=lambda p: p.start)) + "."
            if data.phases
            else "."
        ),
        ngettext("%(count)d purpose placed.", "%(count)d purposes placed.", len(layout.purposes))
        % {"count": len(layout.purposes)},
    ]
    if data.milestones:
        by_kind = ", ".join(
            f"{count} {LANE_LABELS[kind].lower()}" for kind, count in counts.items() if count
        )
        parts.append(
            ngettext(
                "%(count)d milestone (%(kinds)s).",
                "%(count)d milestones (%(kinds)s).",
                len(data.milestones),
            )
            % {"count": len(data.milestones), "kinds": by_kind}
        )
    else:
        parts.append(gettext("No milestones yet."))
    late = sum(1 for arrow in layout.arrows if arrow.late)
    if late:
        parts.append(
            ngettext(
                "%(count)d milestone is dated before one it depends on.",
                "%(count)d milestones are dated before ones they depend on.",
                late,
            )
            % {"count": late}
        )
    parts.append(gettext("Every milestone is listed in the table that follows."))
    return " ".join(parts)


def layout_timeline(
    data: TimelineInput,
    *,
    today: date | None = None,
    width: int = DEFAULT_WIDTH,
    max_label_rows: int = DEFAULT_MAX_LABEL_ROWS,
) -> TimelineLayout:
    plot_left = float(LANE_LABEL_WIDTH)
    plot_right = float(width - RIGHT_PADDING)
    scale = Scale(data.start, data.end, plot_left, plot_right)
    unit, ticks = make_ticks(scale)

    phases_in_order = sorted(data.phases, key=lambda p: (p.start, p.end))
    bands = []
    for index, phase in enumerate(phases_in_order):
        left = scale.clamped(phase.start)
        right = scale.clamped(phase.end + timedelta(days=1))
        band_width = max(right - left, 0.0)
        bands.append(
            PhaseBand(
                phase.id,
                phase.name,
                truncate_to_width(phase.name, band_width - 2 * LABEL_GAP),
                round(left, 1),
                round(band_width, 1),
                index % 2 == 0,
            )
        )

    plot_top = float(PHASE_HEADER_HEIGHT + TICK_HEADER_HEIGHT)
    layout = TimelineLayout(
        title=data.title,
        desc="",
        width=width,
        height=0,
        plot_left=plot_left,
        plot_right=plot_right,
        plot_top=plot_top,
        plot_bottom=plot_top,
        tick_unit=unit,
        ticks=ticks,
        phases=bands,
    )

    # Purposes: one row each, in sequence: the staircase is the method.
    purpose_rows = _purpose_rows(data)
    lane_height = 2 * LANE_PADDING + max(len(purpose_rows), 1) * ROW_HEIGHT
    layout.lanes.append(
        Lane(
            PURPOSES_LANE, str(LANE_LABELS[PURPOSES_LANE]), plot_top, lane_height, len(purpose_rows)
        )
    )
    for row, (purpose_id, title, placed) in enumerate(purpose_rows):
        top = plot_top + LANE_PADDING + row * ROW_HEIGHT + (ROW_HEIGHT - PURPOSE_BAR_HEIGHT) / 2
        layout.purposes.append(_purpose_bar(purpose_id, title, placed, scale, top, phases_in_order))
    y = plot_top + lane_height

    numbered = number_milestones(data.milestones)
    by_kind: dict[str, list[tuple[int, MilestoneIn]]] = {kind: [] for kind in LANE_KINDS}
    for number, milestone in numbered:
        by_kind.setdefault(milestone.kind, []).append((number, milestone))
    positions: dict[Hashable, PlacedMilestone] = {}
    label_half_height = FONT_SIZE * 0.6
    for kind in LANE_KINDS:
        slots, rows = _lane_slots(by_kind[kind], scale, max_label_rows)
        lane_height = 2 * LANE_PADDING + rows * ROW_HEIGHT
        layout.lanes.append(Lane(str(kind), str(LANE_LABELS[kind]), y, lane_height, rows))
        for slot in slots:
            centre = y + LANE_PADDING + (slot.row + 0.5) * ROW_HEIGHT
            label_left = (
                slot.label_x if slot.anchor == "start" else slot.label_x - text_width(slot.label)
            )
            label_right = label_left + text_width(slot.label)
            milestone = slot.milestone
            when = short_date(milestone.start)
            if milestone.end is not None and milestone.end != milestone.start:
                when = f"{when} – {short_date(milestone.end)}"
            placed = PlacedMilestone(
                id=milestone.id,
                number=slot.number,
                title=milestone.title,
                kind=str(milestone.kind),
                status=str(milestone.status),
                start=milestone.start,
                end=milestone.end,
                when=when,
                x=round(slot.x, 1),
                x_end=None if slot.x_end is None else round(slot.x_end, 1),
                y=round(centre, 1),
                label=slot.label,
                label_x=round(slot.label_x, 1),
                label_anchor=slot.anchor,
                label_box=Box(
                    label_left, centre - label_half_height, label_right, centre + label_half_height
                ),
                numbered=slot.numbered,
                outside=slot.outside,
            )
            positions[milestone.id] = placed
        y += lane_height
    layout.milestones = sorted(positions.values(), key=lambda m: m.number)
    layout.plot_bottom = y

    finish = {m.id: (m.end or m.start) for m in data.milestones}
    starts = {m.id: m.start for m in data.milestones}
    for dependency in data.dependencies:
        before = positions.get(dependency.predecessor)
        after = positions.get(dependency.successor)
        if before is None or after is None:
            continue
        from_x = before.x_end if before.x_end is not None else before.x
        layout.arrows.append(
            Arrow(
                dependency.predecessor,
                dependency.successor,
                _arrow_path(from_x, before.y, after.x, after.y),
                starts[dependency.successor] < finish[dependency.predecessor],
            )
        )

    if today is not None and scale.contains(today):
        layout.today_x = round(scale(today), 1)
        layout.today_label = gettext("Today")
    layout.legend_y = y + 30  # below the “Today” label
    layout.height = round(y + LEGEND_HEIGHT, 1)
    layout.desc = _describe(data, layout)
    return layout


# ---------------------------------------------------------------- the table


@dataclass(frozen=True)
class TimelineRow:
    id: Hashable  # the milestone's, to link the row to its editors
    number: int
    kind: str
    kind_label: str
    title: str
    when: str
    status_label: str
    phase: str
    depends_on: tuple[str, ...]
    dated_before_dependency: bool
    numbered_on_chart: bool


def phase_of(day: date, phases: Sequence[PhaseIn]) -> PhaseIn | None:
    for phase in phases:
        if phase.start <= day <= phase.end:
            return phase
    return None


def timeline_rows(data: TimelineInput, layout: TimelineLayout) -> list[TimelineRow]:
    """The timeline's milestones as table rows, numbered as on the chart."""
    titles = {m.id: m.title for m in data.milestones}
    depends_on: dict[Hashable, list[str]] = {}
    for dependency in data.dependencies:
        if dependency.predecessor in titles:
            depends_on.setdefault(dependency.successor, []).append(titles[dependency.predecessor])
    late = {arrow.successor for arrow in layout.arrows if arrow.late}
    kind_labels = dict(MilestoneKind.choices)
    status_labels = dict(MilestoneStatus.choices)
    rows = []
    for placed in layout.milestones:
        phase = phase_of(placed.start, data.phases)
        rows.append(
            TimelineRow(
                id=placed.id,
                number=placed.number,
                kind=placed.kind,
                kind_label=str(kind_labels.get(placed.kind, placed.kind)),
                title=placed.title,
                when=placed.when,
                status_label=str(status_labels.get(placed.status, placed.status)),
                phase=phase.name if phase else "",
                depends_on=tuple(depends_on.get(placed.id, ())),
                dated_before_dependency=placed.id in late,
                numbered_on_chart=placed.numbered,
            )
        )
    return rows
