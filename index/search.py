"""Hybrid retrieval: dense (FAISS) and BM25 candidates, fused into one ranking.

Both retrievers nominate candidates; every candidate then gets both scores (the dense
score from its stored vector, the BM25 score from the full score array), so fusion
never treats "not nominated" as "irrelevant". Fusion is reciprocal rank fusion or a
weighted sum of normalised scores, chosen in the config.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.dense import search_dense
from index.settings import SearchSettings
from index.store import IndexData


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
    terms: tuple[str, ...]  # BM25 terms (stemmed)


def rank_passages(data: IndexData, query: Query, settings: SearchSettings, k: int) -> list[ScoredPassage]:
    """The ``k`` best passages for ``query``, best first."""
    n = len(data.passages)
    if n == 0:
        return []
    pool = min(settings.candidates, n)
    _, dense_ids = search_dense(data.dense, query.vector, pool)
    lexical_all = data.lexical.scores(list(query.terms))
    if pool < n:
        lexical_ids = np.argpartition(-lexical_all, pool - 1)[:pool]
    else:
        lexical_ids = np.arange(n)
    lexical_ids = lexical_ids[lexical_all[lexical_ids] > 0]
    candidates = np.unique(np.concatenate([dense_ids.astype(np.int64), lexical_ids.astype(np.int64)]))
    dense = np.asarray(data.passage_vectors[candidates] @ query.vector, dtype=np.float32)
    lexical = lexical_all[candidates]
    fused = _fuse(dense, lexical, settings)
    order = np.lexsort((candidates, -fused))[:k]
    return [
        ScoredPassage(int(candidates[i]), float(fused[i]), float(dense[i]), float(lexical[i]))
        for i in order
    ]


def _fuse(dense: np.ndarray, lexical: np.ndarray, settings: SearchSettings) -> np.ndarray:
    if settings.fusion == "weighted":
        top = float(lexical.max()) if len(lexical) else 0.0
        lexical_norm = lexical / top if top > 0 else np.zeros_like(lexical)
        return settings.dense_weight * dense + (1.0 - settings.dense_weight) * lexical_norm
    # Reciprocal rank fusion; a passage with no query term gets no lexical rank.
    fused = 1.0 / (settings.rrf_k + _ranks(-dense))
    has_terms = lexical > 0
    fused = fused + np.where(has_terms, 1.0 / (settings.rrf_k + _ranks(-lexical)), 0.0)
    return fused


def _ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks of ``values`` in ascending order (ties broken by position)."""
    ranks = np.empty(len(values), dtype=np.float64)
    ranks[np.argsort(values, kind="stable")] = np.arange(1, len(values) + 1)
    return ranks
