"""``talkbot timeline [TOPIC] [--since DATE] [--until DATE] [--json] [--chart FILE]``.

Readable text by default, ``--json`` for machines. Without a topic the command needs the
index only, not the model, so it answers in well under a second; a topic loads the model
once. Errors are TalkbotErrors, printed as one line by ``bot.cli.main``.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from bot.textfmt import WIDTH, outlet_date
from index.errors import TalkbotError
from index.timeline import Timeline
from index.wording import plural

_DATE_COLUMN = 12  # "2025-05-15" and two spaces


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "timeline",
        help="dated events in date order, optionally only those about a topic",
        description="Dated events from the indexed articles, oldest first. Each event quotes "
        "a sentence verbatim and cites every article that reports it.",
    )
    parser.add_argument("topic", nargs="?", help="only events about this, e.g. 'Istanbul talks'")
    parser.add_argument(
        "--since", metavar="DATE", help="from this date (YYYY-MM-DD, YYYY-MM, YYYY)"
    )
    parser.add_argument(
        "--until", metavar="DATE", help="up to this date (YYYY-MM-DD, YYYY-MM, YYYY)"
    )
    parser.add_argument("--json", action="store_true", help="JSON output")
    parser.add_argument("--chart", metavar="FILE", type=Path, help="also draw the events as a PNG")
    parser.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    from index.engine import normalize_topic
    from index.settings import load_settings
    from index.timeline import make_timeline, parse_bounds, timeline_settings

    settings = load_settings(args.config)
    config = timeline_settings(settings)
    # Refuse bad input before the index and the model load.
    parse_bounds(args.since, args.until)
    if args.chart is not None:
        check_chart_file(args.chart)
    topic = args.topic if args.topic and args.topic.strip() else None
    if topic is not None:
        from index.engine import Engine

        normalize_topic(topic, settings.answer.max_question_chars)
        timeline = Engine.open(settings).timeline(topic, args.since, args.until)
    else:
        from index.store import IndexStore, load_current

        # Every event, in a range or not, needs the index but not the model.
        data = load_current(IndexStore(settings.index_dir), model=settings.embedding.model)
        timeline = make_timeline(data, config, since=args.since, until=args.until)
    if args.chart is not None:
        save_chart(timeline, args.chart)
        # On stderr: stdout may be piped into another program (--json | jq).
        print(f"Chart saved to {args.chart}", file=sys.stderr)
    if args.json:
        print(json.dumps(timeline.to_dict(), ensure_ascii=False))
    else:
        print(format_timeline(timeline))
    return 0


class ChartFileError(TalkbotError):
    """The chart cannot be written where it was asked for."""


def check_chart_file(path: Path) -> None:
    """Refuse a chart path that cannot work, before any timeline is made."""
    # A folder first: "name the file walk.png" reads as nonsense to someone who named
    # their folder walk and meant the chart to go in it, so show them a file inside.
    # A folder called x.png is in the way of the file they meant: no example for that.
    if path.is_dir():
        inside = "" if path.suffix.lower() == ".png" else f" in it, e.g. {path / 'timeline.png'}"
        raise ChartFileError(f"cannot write {path}: it is a folder; name a .png file{inside}")
    if path.suffix.lower() != ".png":
        raise ChartFileError(f"the chart is a PNG image; name the file {path.stem or 'chart'}.png")
    if not path.parent.is_dir():
        raise ChartFileError(f"cannot write {path}: there is no folder {path.parent}")


def save_chart(timeline: Timeline, path: Path) -> None:
    """Draw ``timeline`` into ``path`` (PNG); ChartFileError if the file can't be written."""
    from bot.chart import render_chart

    check_chart_file(path)
    try:
        path.write_bytes(render_chart(timeline))
    except OSError as exc:
        raise ChartFileError(f"cannot write {path}: {exc.strerror or exc}") from None


def format_timeline(timeline: Timeline) -> str:
    """The timeline for a terminal: one block per event, then the articles cited."""
    about = f" about “{timeline.topic}”" if timeline.topic else ""
    count = len(timeline.events)
    lines = [f"Timeline{about}: {plural(count, 'event')}", ""]
    indent = " " * _DATE_COLUMN
    for event in timeline.events:
        marks = "".join(f"[{n}]" for n in dict.fromkeys(c.n for c in event.citations))
        text = f"{_one_line(event.text)} {marks}"
        lines.append(
            textwrap.fill(
                text, WIDTH, initial_indent=event.label.ljust(_DATE_COLUMN),
                subsequent_indent=indent,
            )
        )  # fmt: skip
        for c in event.citations[1:]:
            also = f"also [{c.n}]: “{_one_line(c.excerpt)}”"
            lines.append(
                textwrap.fill(also, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")
            )
    lines.append("")
    for c in timeline.sources:
        lines.append(f"[{c.n}] {outlet_date(c.outlet, c.published)} — {c.title} ({c.doc_id})")
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())
