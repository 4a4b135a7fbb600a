"""Dated events, found at index time: every dated sentence, merged across outlets.

``extract_events`` reads each indexed sentence with :func:`index.dates.event_dates`
against its article's publication date. Each distinct date a sentence mentions is one
:class:`DatedSentence` ("damaged in October 2022 and July 2023" gives two). Dated
sentences of *different* articles with the same date and precision whose stored sentence
vectors are at least ``merge_similarity`` alike are one :class:`EventRecord` citing them
all: the same event reported by several outlets. Two sentences of one article are never
merged: an article that dates two sentences alike is telling two things.

This module stores sentence ids, not text: the text and the citation's metadata come
from the index at query time (see ``index.timeline``). It knows nothing of topics, date
ranges or presentation.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from index.dates import PRECISIONS, event_dates, find_dates
from index.records import Article
from index.wording import plural

EVENTS_FORMAT = 1
# Only to count what a dateless article loses; any date whose weeks stay in one month works.
_STAND_IN_PUBLISHED = datetime.date(2000, 6, 14)
_RANK = {p: i for i, p in enumerate(PRECISIONS)}


@dataclass(frozen=True)
class DatedSentence:
    """One date one sentence mentions."""

    sid: int  # sentence row in the index
    start: int  # the date expression, offsets into the article text
    end: int
    relative: bool  # read against the publication date ("on Monday", "last month")


@dataclass(frozen=True)
class EventRecord:
    """One event: a date and the sentences (one per article) that report it."""

    date: datetime.date  # first day of the month or year for coarser precisions
    precision: str  # "day" | "month" | "year"
    mentions: tuple[DatedSentence, ...]  # the first one's sentence is the event's text

    @property
    def sort_key(self) -> tuple[datetime.date, int, int]:
        # Coarser first at the same start: "May 2025" heads the days of May.
        return (self.date, -_RANK[self.precision], self.mentions[0].sid)


@dataclass(frozen=True)
class DatedMention:
    """A date already read off a sentence: what a refresh carries over for an unchanged article."""

    value: datetime.date
    precision: str
    sentence: DatedSentence


@dataclass(frozen=True)
class EventExtraction:
    events: tuple[EventRecord, ...]
    warnings: tuple[str, ...]
    dated_sentences: int


def extract_events(
    articles: Sequence[Article],
    sentences: np.ndarray,
    sentence_vectors: np.ndarray,
    merge_similarity: float,
    known: Mapping[int, Sequence[DatedMention]] | None = None,
) -> EventExtraction:
    """Date every sentence and merge the same event across articles.

    ``sentences`` and ``sentence_vectors`` are the index's rows (doc index, start, end) and
    normalised vectors, so the inner product is the cosine. ``known`` gives, by doc index,
    the dates of articles read before (same text, same publication date, sentence ids of
    this index): their sentences are not read again, so a refresh dates only what changed.
    Merging always runs over everything, since a new article may report a known event.
    """
    known = known or {}
    groups: dict[tuple[datetime.date, str], list[DatedSentence]] = {}
    for mentions in known.values():
        for m in mentions:
            groups.setdefault((m.value, m.precision), []).append(m.sentence)
    dropped: dict[int, int] = {}
    for sid, (doc_idx, start, end) in enumerate(sentences.tolist()):
        if doc_idx in known:
            continue
        article = articles[doc_idx]
        text = article.text[start:end]
        for mention in event_dates(text, article.published):
            dated = DatedSentence(sid, start + mention.start, start + mention.end, mention.relative)
            groups.setdefault((mention.value, mention.precision), []).append(dated)
        if article.published is None:
            lost = len(find_dates(text, _STAND_IN_PUBLISHED)) - len(find_dates(text, None))
            if lost:
                dropped[doc_idx] = dropped.get(doc_idx, 0) + lost
    events: list[EventRecord] = []
    for (value, precision), dated in groups.items():
        for cluster in _merge(dated, sentences, sentence_vectors, merge_similarity):
            events.append(EventRecord(value, precision, tuple(cluster)))
    events.sort(key=lambda e: e.sort_key)
    warnings = tuple(
        f"{articles[d].filename}: no publication date, so {plural(n, 'date')} without a year or "
        "relative to publication ('on Monday', 'last month') are left out of the timeline "
        "(dates with a year are kept); add 'published: YYYY-MM-DD' to its sources.yaml entry"
        for d, n in sorted(dropped.items())
    )
    total = sum(len(d) for d in groups.values())
    return EventExtraction(tuple(events), warnings, total)


def mentions_by_article(
    events: Sequence[EventRecord], sentences: np.ndarray
) -> dict[int, list[DatedMention]]:
    """Every dated mention of a build's events, grouped by the doc index of its sentence."""
    out: dict[int, list[DatedMention]] = {}
    for event in events:
        for m in event.mentions:
            doc_idx = int(sentences[m.sid, 0])
            out.setdefault(doc_idx, []).append(DatedMention(event.date, event.precision, m))
    return out


_MERGE_BLOCK = 512  # rows of the similarity matrix computed at once: bounds its memory


def _merge(
    dated: list[DatedSentence],
    sentences: np.ndarray,
    vectors: np.ndarray,
    threshold: float,
) -> list[list[DatedSentence]]:
    """Greedy clusters of one date's sentences: one sentence per article in a cluster.

    A sentence joins the first cluster that has no sentence of its article and holds one
    at least ``threshold`` alike (single link); otherwise it starts a cluster. Explicit
    dates go first, so an event reads "beginning May 12" rather than "starting Monday".
    Similarities come a block of rows at a time from one matrix product, and each
    sentence looks only at the clusters of the earlier sentences alike to it: a date that
    hundreds of articles mention is merged in well under a second.
    """
    ordered = sorted(dated, key=lambda m: (m.relative, m.sid))
    sids = np.fromiter((m.sid for m in ordered), dtype=np.int64, count=len(ordered))
    docs = sentences[sids, 0].tolist()
    group = np.asarray(vectors[sids], dtype=np.float32)
    cluster_of = np.full(len(ordered), -1, dtype=np.int64)  # creation order = cluster id
    clusters: list[list[DatedSentence]] = []
    articles_in: list[set[int]] = []
    for block in range(0, len(ordered), _MERGE_BLOCK):
        stop = min(block + _MERGE_BLOCK, len(ordered))
        alike = (group[block:stop] @ group[:stop].T) >= threshold
        for i in range(block, stop):
            near = np.unique(cluster_of[:i][alike[i - block, :i]])  # ascending: first-fit
            chosen = next((int(c) for c in near if docs[i] not in articles_in[c]), None)
            if chosen is None:
                chosen = len(clusters)
                clusters.append([])
                articles_in.append(set())
            clusters[chosen].append(ordered[i])
            articles_in[chosen].add(docs[i])
            cluster_of[i] = chosen
    return clusters


# --- the events file ---------------------------------------------------------------------


def events_to_json(events: Sequence[EventRecord]) -> dict[str, Any]:
    return {
        "format": EVENTS_FORMAT,
        "events": [
            {
                "date": e.date.isoformat(),
                "precision": e.precision,
                "mentions": [[m.sid, m.start, m.end, int(m.relative)] for m in e.mentions],
            }
            for e in events
        ],
    }


def events_from_json(raw: dict[str, Any], n_sentences: int) -> tuple[EventRecord, ...]:
    """The stored events; ValueError if the file is damaged or of another format."""
    if raw.get("format") != EVENTS_FORMAT:
        raise ValueError(f"events format {raw.get('format')!r}, expected {EVENTS_FORMAT}")
    events = []
    for item in raw["events"]:
        precision = item["precision"]
        if precision not in PRECISIONS:
            raise ValueError(f"unknown precision {precision!r}")
        mentions = tuple(
            DatedSentence(int(sid), int(start), int(end), bool(rel))
            for sid, start, end, rel in item["mentions"]
        )
        if not mentions or any(not 0 <= m.sid < n_sentences for m in mentions):
            raise ValueError("an event names a sentence the index does not have")
        events.append(EventRecord(datetime.date.fromisoformat(item["date"]), precision, mentions))
    return tuple(events)
