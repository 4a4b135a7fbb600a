"""A timeline of the indexed coverage: dated events in date order, optionally on a topic.

The events were found and merged at index time (``index.events``); this module selects
and presents them. ``make_timeline`` keeps the events inside a date range (``since`` /
``until`` as ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; an event counts when its day,
month or year overlaps the range) and, with a topic, the events whose sentences are about
it: cosine of the topic to the stored sentence vector at least ``topic_similarity``, or at
least ``topic_term_similarity`` when the sentence holds ``topic_min_coverage`` of the
topic's key terms. So "Istanbul talks" keeps "talks on June 2 in Istanbul" and leaves the
SCO summit out. A topic costs one model call; without one no model is needed.

Every event's text is a sentence quoted verbatim; its citations name each article that
reports it. Nothing here is Discord's or the terminal's: front ends format a
:class:`Timeline`.
"""

from __future__ import annotations

import datetime
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from index.dates import format_date
from index.errors import ConfigError, IndexInvalidError, QuestionError
from index.events import EventRecord
from index.lexical import Tokenizer
from index.quotation import rest_of_quotation
from index.records import Citation
from index.settings import Settings, load_section
from index.store import REBUILD_HINT, IndexData


@dataclass(frozen=True)
class TimelineSettings:
    merge_similarity: float = 0.56
    topic_similarity: float = 0.4
    topic_term_similarity: float = 0.25
    topic_min_coverage: float = 0.5


def timeline_settings(settings: Settings) -> TimelineSettings:
    """The validated ``timeline:`` section of the config (defaults when absent)."""
    path = settings.config_path
    result = load_section(settings, "timeline", TimelineSettings)
    for key in ("merge_similarity", "topic_similarity", "topic_term_similarity"):
        value = getattr(result, key)
        if not -1.0 <= value <= 1.0:
            raise ConfigError(
                f"{path}: 'timeline.{key}' is a cosine similarity between -1 and 1, not {value!r}"
            )
    if not 0.0 < result.topic_min_coverage <= 1.0:
        raise ConfigError(
            f"{path}: 'timeline.topic_min_coverage' is a share in (0, 1], "
            f"not {result.topic_min_coverage!r}"
        )
    return result


# --- date bounds -------------------------------------------------------------------------

_BOUND = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
BOUND_HINT = "use YYYY-MM-DD, YYYY-MM or YYYY, e.g. 2025-05-15"


@dataclass(frozen=True)
class DateRange:
    """The days a date of some precision covers, first and last included."""

    first: datetime.date
    last: datetime.date


def period(value: datetime.date, precision: str) -> DateRange:
    if precision == "year":
        return DateRange(datetime.date(value.year, 1, 1), datetime.date(value.year, 12, 31))
    if precision == "month":
        if value.month == 12:  # December ends on the 31st, in year 9999 as in any other
            return DateRange(value.replace(day=1), value.replace(day=31))
        following = datetime.date(value.year, value.month + 1, 1)
        return DateRange(value.replace(day=1), following - datetime.timedelta(days=1))
    return DateRange(value, value)


def parse_bound(text: str, name: str) -> DateRange:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` as the days it covers; QuestionError if not."""
    cleaned = text.strip()
    m = _BOUND.fullmatch(cleaned)
    try:
        if m is None:
            raise ValueError
        year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
        value = datetime.date(year, month, day)
    except ValueError:
        shown = cleaned if len(cleaned) <= 40 else cleaned[:40] + "…"
        raise QuestionError(f"{name} '{shown}' is not a date; {BOUND_HINT}") from None
    return period(value, "day" if m[3] else "month" if m[2] else "year")


def parse_bounds(since: str | None, until: str | None) -> tuple[DateRange | None, DateRange | None]:
    """Both bounds, checked against each other; QuestionError names the fix."""
    first = parse_bound(since, "since") if since else None
    last = parse_bound(until, "until") if until else None
    if first and last and first.first > last.last:
        raise QuestionError(
            f"since {since.strip()} is after until {until.strip()}; swap them or widen the range"
        )
    return first, last


# --- results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    date: datetime.date
    precision: str
    text: str  # the first citation's sentence, verbatim
    citations: tuple[Citation, ...]  # one per article reporting it; n numbers the article
    when: str  # the date expression as written, e.g. "Monday" or "May 12"

    @property
    def label(self) -> str:
        return format_date(self.date, self.precision)

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.label,
            "precision": self.precision,
            "text": self.text,
            "citations": [c.to_dict() for c in self.citations],
        }


@dataclass(frozen=True)
class Timeline:
    topic: str | None
    events: tuple[Event, ...]
    since: str | None = None
    until: str | None = None
    timings: dict[str, float] = field(default_factory=dict, compare=False)

    @property
    def sources(self) -> tuple[Citation, ...]:
        """One citation per article, in [n] order (the first time each is cited)."""
        seen: dict[int, Citation] = {}
        for event in self.events:
            for c in event.citations:
                seen.setdefault(c.n, c)
        return tuple(seen[n] for n in sorted(seen))

    def to_dict(self) -> dict[str, Any]:
        return {"topic": self.topic, "events": [e.to_dict() for e in self.events]}


# --- selecting events --------------------------------------------------------------------


def make_timeline(
    data: IndexData,
    settings: TimelineSettings,
    *,
    topic: str | None = None,
    since: str | None = None,
    until: str | None = None,
    encode: Callable[[str], np.ndarray] | None = None,
    tokenizer: Tokenizer | None = None,
) -> Timeline:
    """The events in date order, within the range and about the topic if given.

    A topic needs ``encode`` (called once) and ``tokenizer``. Raises QuestionError with a
    one-line reason when nothing is left to show.
    """
    t0 = time.perf_counter()
    first, last = parse_bounds(since, until)
    if data.events is None:
        raise IndexInvalidError(
            f"{data.folder}: this index was built before timelines existed; {REBUILD_HINT}"
        )
    if not data.events:
        raise QuestionError(
            "the indexed articles mention no dates, so there is no timeline; "
            "add dated articles and run: talkbot index refresh"
        )
    events = [e for e in data.events if _in_range(e, first, last)]
    t1 = time.perf_counter()
    if topic is not None and events:
        if encode is None or tokenizer is None:
            raise ValueError("a topic needs an encoder and a tokenizer")  # a caller's bug
        vector = encode(topic)
        terms = set(tokenizer.terms(topic))
        # Every mention's cosine in one read of the stored vectors, not one per mention.
        sids = np.fromiter((m.sid for e in events for m in e.mentions), dtype=np.int64)
        rows = np.asarray(data.sentence_vectors[sids], dtype=np.float32)
        cosine = dict(zip(sids.tolist(), (rows @ vector).tolist(), strict=True))
        events = [e for e in events if _about(data, e, cosine, terms, settings, tokenizer)]
    t2 = time.perf_counter()
    if not events:
        raise QuestionError(_nothing_left(data.events, topic, since, until))
    resolved = _resolve(data, events)
    t3 = time.perf_counter()
    timings = {"range": t1 - t0, "topic": t2 - t1, "resolve": t3 - t2, "total": t3 - t0}
    return Timeline(topic, resolved, since, until, timings)


def _in_range(event: EventRecord, first: DateRange | None, last: DateRange | None) -> bool:
    span = period(event.date, event.precision)
    if first is not None and span.last < first.first:
        return False
    return not (last is not None and span.first > last.last)


def _about(
    data: IndexData,
    event: EventRecord,
    cosine: dict[int, float],
    terms: set[str],
    settings: TimelineSettings,
    tokenizer: Tokenizer,
) -> bool:
    # Any article's wording may be the one that names the topic: take the best mention.
    for m in event.mentions:
        similarity = cosine[m.sid]
        if similarity >= settings.topic_similarity:
            return True
        if terms and similarity >= settings.topic_term_similarity:
            covered = len(terms & set(tokenizer.terms(data.sentence(m.sid).text))) / len(terms)
            if covered >= settings.topic_min_coverage:
                return True
    return False


def _resolve(data: IndexData, events: list[EventRecord]) -> tuple[Event, ...]:
    numbers: dict[str, int] = {}  # doc_id -> [n], in order of first citation
    # Every mention's row in one take: a row at a time cost ~8 us each, most of the
    # timeline at 100k passages (~28k mentions).
    sids = np.fromiter((m.sid for e in events for m in e.mentions), dtype=np.int64)
    rows = iter(data.sentences[sids].tolist())
    out = []
    for e in events:
        citations = []
        for mention in e.mentions:
            doc_idx, start, end = next(rows)
            article = data.articles[doc_idx]
            # 'May they ... together!" Trump wrote ...' comes with the quotation's opening.
            other = rest_of_quotation(data, mention.sid, text=article.text[start:end])
            if other is not None:
                start = min(start, int(data.sentences[other, 1]))
                end = max(end, int(data.sentences[other, 2]))
            n = numbers.setdefault(article.doc_id, len(numbers) + 1)
            citations.append(
                Citation(
                    n, article.doc_id, article.title, article.outlet, article.published,
                    article.url, article.text[start:end], start, end,
                )
            )  # fmt: skip
        head = data.article_of_sentence(e.mentions[0].sid)
        when = head.text[e.mentions[0].start : e.mentions[0].end]
        out.append(Event(e.date, e.precision, citations[0].excerpt, tuple(citations), when))
    return tuple(out)


def _nothing_left(
    events: tuple[EventRecord, ...],
    topic: str | None,
    since: str | None,
    until: str | None,
) -> str:
    where = ""
    if since and until:
        where = f" between {since.strip()} and {until.strip()}"
    elif since:
        where = f" since {since.strip()}"
    elif until:
        where = f" until {until.strip()}"
    latest = max(events, key=lambda e: period(e.date, e.precision).last)
    span = f"{_label(events[0])} to {_label(latest)}"
    if topic is not None:
        hint = "try other words" + (" or a wider range" if since or until else "")
        return f"no events about '{_shown(topic)}'{where}; {hint}, or leave the topic out"
    return f"no events{where}; the {len(events)} events run from {span}"


def _label(event: EventRecord) -> str:
    return format_date(event.date, event.precision)


def _shown(text: str) -> str:
    return text if len(text) <= 60 else text[:60] + "…"
