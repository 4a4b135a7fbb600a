"""Hybrid retrieval: dense (FAISS) and BM25 candidates, fused into one ranking.

Both retrievers nominate candidate passages; every candidate then gets all its scores
(so fusion never treats "not nominated" as "irrelevant"). A passage is judged twice,
as a whole and by its best sentence: the dense and BM25 scores of the passage, and the
best dense and BM25 scores among its sentences (sentence vectors and terms are stored at
index time; sentence BM25 is computed for the candidates' sentences only, see
``index.sentence_table``). Fusion is reciprocal rank fusion over those rankings or a weighted
sum of normalised scores, chosen in the config. The sentence scores are kept in the
result so the answerer does not compute them again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.asked_date import asked_dates
from index.dense import search_dense
from index.lexical import Tokenizer
from index.sentence_table import SentenceTable, passage_bm25, sentence_table
from index.settings import SearchSettings
from index.store import IndexData
from index.terms import index_ranges


@dataclass(frozen=True)
class ScoredPassage:
    pid: int
    score: float  # fused
    dense: float  # cosine similarity to the question
    lexical: float  # BM25


@dataclass(frozen=True)
class Query:
    text: str
    vector: np.ndarray  # normalised
    terms: tuple[str, ...]  # BM25 terms (stemmed), typos read as the index's terms
    # (typed term, index term) for each word read as a typo (index.spelling)
    corrections: tuple[tuple[str, str], ...] = ()
    read_as: tuple[tuple[str, str], ...] = ()  # the same words as typed and as read
    as_read: str | None = None  # the question with those words read; None: as typed
    # Terms of the question's words the index never uses and the model knows as whole
    # words: real words the articles don't use ("weather"), not typos ("ceasfire").
    unused_words: frozenset[str] = frozenset()
    # The question as typed, when chat shorthand was written out in ``text`` ("ppl").
    typed: str | None = None
    # The outlets it names ("according to RFE/RL"), as the metadata writes them, and the
    # terms of the words naming them, left out of ``terms`` (index.outlets).
    outlets: tuple[str, ...] = ()
    outlet_terms: frozenset[str] = frozenset()

    @property
    def shown(self) -> str:
        """The question as the asker wrote it, for the reply."""
        return self.typed or self.text


@dataclass(frozen=True)
class Retrieval:
    """Ranked passages plus the per-sentence scores the answerer reuses."""

    passages: list[ScoredPassage]
    table: SentenceTable
    sentence_dense: dict[int, float]  # sentence id -> cosine, for candidate passages
    sentence_lexical: dict[int, float]  # sentence id -> BM25, for candidate passages
    lexical_max: float  # best passage BM25 over the whole index


def rank_passages(
    data: IndexData,
    query: Query,
    settings: SearchSettings,
    k: int,
    tokenizer: Tokenizer | None = None,
) -> list[ScoredPassage]:
    """The ``k`` best passages for ``query``, best first."""
    return retrieve(data, query, settings, k, tokenizer or Tokenizer(settings.term_groups)).passages


def retrieve(
    data: IndexData, query: Query, settings: SearchSettings, k: int, tokenizer: Tokenizer
) -> Retrieval:
    table = sentence_table(data, tokenizer)
    n = len(data.passages)
    if n == 0:
        return Retrieval([], table, {}, {}, 0.0)
    pool = min(settings.candidates, n)
    _, dense_ids = search_dense(data.dense, query.vector, pool)
    lexical_all = passage_bm25(data, tokenizer).scores(list(query.terms))
    top = np.argpartition(-lexical_all, pool - 1)[:pool] if pool < n else np.arange(n)
    lexical_ids = top
    lexical_ids = lexical_ids[lexical_all[lexical_ids] > 0]
    candidates = np.unique(
        np.concatenate([dense_ids.astype(np.int64), lexical_ids.astype(np.int64)])
    )
    dense = np.asarray(data.passage_vectors[candidates] @ query.vector, dtype=np.float32)
    lexical = lexical_all[candidates]

    # Sentence scores, for the sentences of candidate passages only.
    firsts = data.passages[candidates, 3]
    lasts = data.passages[candidates, 4]
    sids = index_ranges(firsts, lasts)
    sims = np.asarray(data.sentence_vectors[sids] @ query.vector, dtype=np.float32)
    sentence_dense = dict(zip(sids.tolist(), sims.tolist(), strict=True))
    # Windows overlap: score each sentence once.
    distinct, where = np.unique(sids, return_inverse=True)
    sentence_bm25 = table.bm25(query.terms, distinct)
    sentence_lexical = dict(zip(distinct.tolist(), sentence_bm25.tolist(), strict=True))
    owner = np.repeat(np.arange(len(candidates)), lasts - firsts)
    best_dense = np.full(len(candidates), -1.0, dtype=np.float32)
    np.maximum.at(best_dense, owner, sims)
    best_lexical = np.zeros(len(candidates), dtype=np.float32)
    np.maximum.at(best_lexical, owner, sentence_bm25[where])

    fused = _fuse(dense, lexical, best_dense, best_lexical, settings)
    fused += settings.published_month_weight * _published_when_asked(data, query, candidates)
    order = _distinct(np.lexsort((candidates, -fused)), firsts, lasts, k)
    ranked = [
        ScoredPassage(int(candidates[i]), float(fused[i]), float(dense[i]), float(lexical[i]))
        for i in order
    ]
    # The sentences just outside the chosen passages are candidates of the answerer too
    # (index.answer); most are scored already, as sentences of overlapping windows.
    beside = [
        sid for p in ranked for sid in sentences_beside(data, p.pid) if sid not in sentence_dense
    ]
    if beside:
        ids = np.asarray(sorted(set(beside)), dtype=np.int64)
        sims = np.asarray(data.sentence_vectors[ids] @ query.vector, dtype=np.float32)
        sentence_dense.update(zip(ids.tolist(), sims.tolist(), strict=True))
        bm25 = table.bm25(query.terms, ids)
        sentence_lexical.update(zip(ids.tolist(), bm25.tolist(), strict=True))
    return Retrieval(ranked, table, sentence_dense, sentence_lexical, float(lexical_all.max()))


def sentences_beside(data: IndexData, pid: int) -> tuple[int, ...]:
    """The sentence just before passage ``pid`` and the one just after it, those of its
    article. Windows that share a sentence with a better one are dropped (``_distinct``),
    so the sentence before the best window of a stretch is in no passage searched:
    "Ukraine called for, among other things, an unconditional 30-day cease-fire ..." sat
    just before the window that opens "Russia's proposal, meanwhile, called for ..."."""
    first, last = int(data.passages[pid, 3]), int(data.passages[pid, 4])
    doc = data.sentences[first, 0]
    out = []
    if first > 0 and data.sentences[first - 1, 0] == doc:
        out.append(first - 1)
    if last < len(data.sentences) and data.sentences[last, 0] == doc:
        out.append(last)
    return tuple(out)


def _published_when_asked(data: IndexData, query: Query, candidates: np.ndarray) -> np.ndarray:
    """1 for candidates whose article was published in a month the question names.

    "Who led Ukraine's team at the talks in June?" means the talks June's articles
    report; an article from September recalls them in passing. A year alone ("in 2022")
    is a date the story tells, not the one it was written on, so it does not count.
    """
    months = [d for d in asked_dates(query.as_read or query.text) if d.month is not None]
    if not months:
        return np.zeros(len(candidates), dtype=np.float32)
    in_month = np.array(
        [any(d.holds(a.published) for d in months) for a in data.articles], dtype=np.float32
    )
    return in_month[data.passages[candidates, 0]]


def _distinct(order: np.ndarray, firsts: np.ndarray, lasts: np.ndarray, k: int) -> list[int]:
    """The first ``k`` of ``order`` that share no sentence with a better one.

    Overlapping windows (chunking.window_sentences) would otherwise fill the top ranks
    with the same few sentences; tiled passages never overlap, so nothing is dropped.
    """
    kept: list[int] = []
    for i in order:
        if all(lasts[i] <= firsts[j] or lasts[j] <= firsts[i] for j in kept):
            kept.append(int(i))
            if len(kept) == k:
                break
    return kept


def _fuse(
    dense: np.ndarray,
    lexical: np.ndarray,
    best_dense: np.ndarray,
    best_lexical: np.ndarray,
    settings: SearchSettings,
) -> np.ndarray:
    w = settings.sentence_weight  # how much a passage is judged by its best sentence
    if settings.fusion == "weighted":
        dense_part = (1.0 - w) * dense + w * best_dense
        lexical_part = (1.0 - w) * _unit(lexical) + w * _unit(best_lexical)
        return settings.dense_weight * dense_part + (1.0 - settings.dense_weight) * lexical_part
    # Reciprocal rank fusion; a passage with no query term gets no lexical rank.
    k = settings.rrf_k
    d = settings.dense_weight * 2.0  # 0.5 gives dense and BM25 equal say
    fused = d * ((1.0 - w) / (k + _ranks(-dense)) + w / (k + _ranks(-best_dense)))
    fused += (2.0 - d) * (1.0 - w) * np.where(lexical > 0, 1.0 / (k + _ranks(-lexical)), 0.0)
    fused += (2.0 - d) * w * np.where(best_lexical > 0, 1.0 / (k + _ranks(-best_lexical)), 0.0)
    return fused


def _unit(values: np.ndarray) -> np.ndarray:
    top = float(values.max()) if len(values) else 0.0
    return values / top if top > 0 else np.zeros_like(values)


def _ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks of ``values`` in ascending order (ties broken by position)."""
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[np.argsort(values, kind="stable")] = np.arange(1, len(values) + 1)
    return ranks
