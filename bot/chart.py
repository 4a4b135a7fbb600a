"""Draw a timeline as a PNG for Discord: one row per event, dots on a broken date axis.

Each event is a row: its date and the start of its sentence on the left, and on the right
one marker per citing article, shaped and coloured by outlet, at the event's date. Dates
cluster (a round of talks in May, another in June, a summit in September, a 2014
annexation), so the date axis is cut into one segment per cluster with break marks between
them, instead of one axis that is mostly empty gap. Month- or year-precision events get
hollow markers at the start of their period.

The card is a neutral mid grey with near-black text, so it reads the same on Discord's
dark and light themes. Rendering is blocking (matplotlib, Agg backend, no display): the
Discord cog calls :func:`render_chart` through ``asyncio.to_thread``. This module draws
and nothing else: it reads a :class:`~index.timeline.Timeline`, it does not select events.
"""

from __future__ import annotations

import datetime
import io
import textwrap
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # never a display: safe in a worker thread

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.transforms import ScaledTranslation  # noqa: E402

from index.timeline import Event, Timeline  # noqa: E402
from index.wording import plural  # noqa: E402

WIDTH_PX = 1400
DPI = 100
MAX_ROWS = 40  # more rows would shrink the text below legibility in Discord's preview
GAP_DAYS = 12  # dates further apart than this start a new axis segment
LABEL_CHARS = 60
EDGE_PX = 30

CARD = "#a7abb1"  # mid grey: the same contrast on Discord's dark and light themes
PANEL = "#b9bcc1"
INK = "#111214"
GUIDE = "#8d9197"
# Dark, saturated colours and distinct shapes: told apart on grey, and without colour.
STYLES = [
    ("#0b3d91", "o"), ("#9b1b1b", "s"), ("#14532d", "D"), ("#4c1d95", "^"),
    ("#7c2d12", "v"), ("#000000", "P"), ("#0e7490", "X"), ("#831843", "*"),
]  # fmt: skip


@dataclass(frozen=True)
class Segment:
    first: int  # ordinals of the first and last event date
    last: int
    dates: tuple[datetime.date, ...]  # the distinct event dates inside, for the ticks
    precisions: tuple[str, ...]  # the finest precision of the events at each date


def render_chart(timeline: Timeline, *, title: str | None = None) -> bytes:
    """The timeline as PNG bytes, ``WIDTH_PX`` wide; at most ``MAX_ROWS`` events drawn."""
    events = timeline.events[:MAX_ROWS]
    if not events:
        raise ValueError("a chart needs at least one event")
    fig = _figure(timeline, events, title)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor=CARD)
    return buffer.getvalue()


def segments_of(events: tuple[Event, ...], gap_days: int = GAP_DAYS) -> list[Segment]:
    """Runs of event dates no more than ``gap_days`` apart."""
    finest: dict[datetime.date, str] = {}
    for e in events:
        finest[e.date] = _finer(finest.get(e.date), e.precision)
    ordered = sorted(finest)
    runs: list[list[datetime.date]] = [[ordered[0]]]
    for d in ordered[1:]:
        if (d - runs[-1][-1]).days > gap_days:
            runs.append([d])
        else:
            runs[-1].append(d)
    return [
        Segment(run[0].toordinal(), run[-1].toordinal(), tuple(run), tuple(finest[d] for d in run))
        for run in runs
    ]


def _finer(a: str | None, b: str) -> str:
    order = ("day", "month", "year")
    return b if a is None else min(a, b, key=order.index)


def _figure(timeline: Timeline, events: tuple[Event, ...], title: str | None) -> Figure:
    rows = len(events)
    height = 1.9 + 0.34 * rows
    # A bare Figure, not pyplot's: pyplot keeps global state that two charts rendered in
    # two worker threads at once would share (and a Figure needs no closing).
    fig = Figure(figsize=(WIDTH_PX / DPI, height), dpi=DPI, facecolor=CARD)
    segments = segments_of(events)
    # Wider segments for more events: their ticks and markers need the room.
    weights = [1.0 + sum(e.date in s.dates for e in events) ** 0.5 for s in segments]
    grid = fig.add_gridspec(
        1, 1 + len(segments), width_ratios=[sum(weights) * 1.0, *weights],
        left=0.01, right=0.985, top=1 - 1.05 / height, bottom=0.85 / height, wspace=0.06,
    )  # fmt: skip
    labels = fig.add_subplot(grid[0, 0])
    _draw_labels(labels, events)
    outlets = _outlet_styles(events)
    axes = [fig.add_subplot(grid[0, i + 1]) for i in range(len(segments))]
    for i, (ax, seg) in enumerate(zip(axes, segments, strict=True)):
        # A year is named above the first segment that reaches it, not over every segment.
        new_year = i == 0 or segments[i - 1].dates[-1].year != seg.dates[-1].year
        _draw_segment(ax, seg, events, outlets, first=i == 0, last=i == len(segments) - 1)
        if new_year:
            ax.set_title(_segment_title(seg), color=INK, fontsize=11, pad=4)
    heading = title or _title(timeline, len(events))
    fig.text(0.01, 1 - 0.3 / height, heading, color=INK, fontsize=15, weight="bold", va="top")
    handles = [
        Line2D([], [], color=c, marker=m, linestyle="", markersize=9, label=name)
        for name, (c, m) in outlets.items()
    ] + [Line2D([], [], color=INK, marker="o", markerfacecolor="none", linestyle="",
                markersize=9, label="hollow: month or year only")]  # fmt: skip
    fig.legend(
        handles=handles, loc="lower left", bbox_to_anchor=(0.01, 0.05 / height), ncol=len(handles),
        frameon=False, fontsize=11, labelcolor=INK, handletextpad=0.3, columnspacing=1.4,
    )  # fmt: skip
    return fig


def _title(timeline: Timeline, shown: int) -> str:
    about = f" — {textwrap.shorten(timeline.topic, 60, placeholder='…')}" if timeline.topic else ""
    total = len(timeline.events)
    more = f" (first {shown} of {total})" if shown < total else f" ({plural(total, 'event')})"
    return f"Timeline{about}{more}"


def _draw_labels(ax, events: tuple[Event, ...]) -> None:
    ax.set_facecolor(CARD)
    ax.axis("off")
    ax.set_xlim(0, 1)
    ax.set_ylim(len(events) - 0.4, -0.6)  # as the segments: the earliest event on top
    for row, event in enumerate(events):
        ax.text(0.0, row, event.label, color=INK, fontsize=11, va="center", family="monospace",
                weight="bold")  # fmt: skip
        short = textwrap.shorten(" ".join(event.text.split()), LABEL_CHARS, placeholder="…")
        ax.text(0.19, row, short, color=INK, fontsize=11, va="center")


def _outlet_styles(events: tuple[Event, ...]) -> dict[str, tuple[str, str]]:
    # Alphabetical, so an outlet keeps its marker from one chart to the next.
    names = sorted({c.outlet or "unknown outlet" for e in events for c in e.citations})
    return {name: STYLES[i % len(STYLES)] for i, name in enumerate(names)}


def _draw_segment(ax, seg: Segment, events, outlets, *, first: bool, last: bool) -> None:
    ax.set_facecolor(PANEL)
    width_px = ax.get_position().width * WIDTH_PX
    # Keep EDGE_PX clear at both ends for the markers and the tick labels.
    span = seg.last - seg.first
    pad = span * EDGE_PX / max(width_px - 2 * EDGE_PX, 1.0) if span else 1.0
    ax.set_xlim(seg.first - pad, seg.last + pad)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(INK)
    ax.tick_params(axis="y", left=False, labelleft=False)
    ax.tick_params(axis="x", colors=INK, labelsize=10)
    ticks = _ticks(seg, width_px)
    ax.set_xticks([d.toordinal() for d in ticks])
    ax.set_xticklabels([_tick_label(d, seg) for d in ticks])
    ax.set_ylim(len(events) - 0.4, -0.6)  # the earliest event on top
    ax.set_autoscale_on(False)
    ax.hlines(range(len(events)), *ax.get_xlim(), color=GUIDE, linewidth=0.6, zorder=1)
    # One plot call per marker style: hundreds of single-point artists render slowly.
    groups: dict[tuple[str, bool, float], tuple[list[int], list[int]]] = {}
    for row, event in enumerate(events):
        if event.date not in seg.dates:
            continue
        cited = list(dict.fromkeys(c.outlet or "unknown outlet" for c in event.citations))
        for k, name in enumerate(cited):
            # Side by side, a few points apart: two outlets reporting one event both show.
            offset = (k - (len(cited) - 1) / 2) * 11 / 72  # inches
            xs, ys = groups.setdefault((name, event.precision != "day", offset), ([], []))
            xs.append(event.date.toordinal())
            ys.append(row)
    for (name, hollow, offset), (xs, ys) in groups.items():
        colour, marker = outlets[name]
        shift = ScaledTranslation(offset, 0, ax.figure.dpi_scale_trans)
        ax.plot(
            xs, ys, marker=marker, markersize=10, linestyle="", color=colour,
            markerfacecolor="none" if hollow else colour, markeredgewidth=2.0,
            transform=ax.transData + shift, zorder=3, clip_on=False,
        )  # fmt: skip
    if not first:
        _break_mark(ax, 0.0)
    if not last:
        _break_mark(ax, 1.0)


def _break_mark(ax, x: float) -> None:
    # The usual "//" on the axis line: this axis is cut, time is skipped here.
    kwargs = dict(transform=ax.transAxes, color=INK, clip_on=False, linewidth=1.5)
    for dx in (-0.012, 0.012):
        ax.plot([x + dx - 0.01, x + dx + 0.01], [-0.012, 0.012], **kwargs)


def _ticks(seg: Segment, width_px: float, label_px: float = 52.0) -> list[datetime.date]:
    # Ticks only at event dates, so each one names a real day, and never so close that
    # their labels ("5 Sep", "6 Sep") run into each other.
    min_days = (seg.last - seg.first) * label_px / max(width_px - 2 * EDGE_PX, 1.0)
    ticks: list[datetime.date] = []
    for d in seg.dates:
        if not ticks or d.toordinal() - ticks[-1].toordinal() >= min_days:
            ticks.append(d)
    return ticks


def _tick_label(d: datetime.date, seg: Segment) -> str:
    # As precise as the events there: "5 Sep" for a day, "Oct" for "in October 2022".
    precision = seg.precisions[seg.dates.index(d)]
    if precision == "year":
        return str(d.year)
    if precision == "month":
        return f"{d:%b}"
    return f"{d.day} {d:%b}"


def _segment_title(seg: Segment) -> str:
    # Years only: segments can be narrow, and the ticks name the days and months.
    a, b = seg.dates[0].year, seg.dates[-1].year
    return str(a) if a == b else f"{a}–{b}"
