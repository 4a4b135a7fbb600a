"""BM25 over the passages, in bm25s's saved format, computed from the stored term rows.

The passage index is built without re-reading text: a passage's terms are its sentences'
stored terms (plus its headline and date when passages carry them). The numbers are
exactly those ``bm25s.BM25.index`` gives for the same terms, so the saved folder loads
with bm25s and scores bit for bit alike.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import bm25s
import numpy as np

from index.terms import TermRows, distinct_counts, index_ranges, offsets_of

# bm25s's defaults (BM25 "lucene"), which the passage index is saved for and the
# sentence scores must reproduce to the bit.
K1, B = 1.5, 0.75


def bm25_idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    # math.log term by term, as bm25s does: numpy's vectorised log may differ in the last bit.
    out = [math.log(1 + (n_docs - d + 0.5) / (d + 0.5)) if d else 0.0 for d in df.tolist()]
    return np.asarray(out, dtype=np.float32)


def bm25_weights(
    tf: np.ndarray, doc_len: np.ndarray, avg_len: np.floating, idf: np.ndarray
) -> np.ndarray:
    """bm25s's lucene weight of a term in a document, in its precision.

    bm25s computes ``idf * tf / (k1 * (1 - b + b * len / avg) + tf)`` in float64 from a
    float32 idf and stores it as float32; doing the same keeps every score bit-identical.
    """
    tf = tf.astype(np.float64)
    tfc = tf / (K1 * ((1 - B) + B * doc_len.astype(np.float64) / avg_len) + tf)
    return (idf.astype(np.float64) * tfc).astype(np.float32)


class LexicalIndex:
    """BM25 over the passages (bm25s's format), scored for all passages at once."""

    def __init__(self, retriever: bm25s.BM25) -> None:
        self._bm25 = retriever
        self.size = int(retriever.scores["num_docs"])
        # Plain views of the (memory-mapped) matrix: np.memmap slicing costs a Python hook.
        self._data, self._indices, self._indptr = (
            np.asarray(retriever.scores[k]) for k in ("data", "indices", "indptr")
        )

    @classmethod
    def build(cls, corpus_terms: Iterable[list[str]]) -> LexicalIndex:
        """From each passage's terms (bm25s tokenises; kept for tests and comparisons)."""
        # An empty token keeps passages with no terms (all stop words) indexable.
        docs = [terms or [""] for terms in corpus_terms]
        retriever = bm25s.BM25()
        retriever.index(docs, show_progress=False)
        return cls(retriever)

    @classmethod
    def from_rows(
        cls,
        rows: TermRows,
        spans: np.ndarray,
        context: TermRows | None = None,
        context_of: np.ndarray | None = None,
    ) -> LexicalIndex:
        """Passage ``i`` holds the terms of rows ``spans[i, 0]:spans[i, 1]`` of ``rows``.

        With ``context``, passage ``i`` also holds row ``context_of[i]`` of it (the headline
        and date the passage is embedded with). The numbers are those ``bm25s.index``
        gives for the same terms, computed without a Python loop over passages.
        """
        n = len(spans)
        pieces = [(rows.offsets[spans[:, 0]], rows.offsets[spans[:, 1]])]
        if context is not None and context_of is not None:
            first_context = len(rows)
            rows = TermRows.join([rows, context], rows.key)
            extra = first_context + np.asarray(context_of, dtype=np.int64)
            pieces = [
                (rows.offsets[spans[:, 0]], rows.offsets[spans[:, 1]]),
                (rows.offsets[extra], rows.offsets[extra + 1]),
            ]
        vocab = list(rows.vocab)
        ids = np.concatenate([rows.ids[index_ranges(a, b)] for a, b in pieces]).astype(np.int64)
        docs = np.concatenate([np.repeat(np.arange(n, dtype=np.int64), b - a) for a, b in pieces])
        lengths = sum(b - a for a, b in pieces)
        empty = np.flatnonzero(lengths == 0)
        if len(empty):
            # bm25s gives a passage with no terms (all stop words) one empty token.
            vocab.append("")
            ids = np.concatenate([ids, np.full(len(empty), len(vocab) - 1, np.int64)])
            docs = np.concatenate([docs, empty])
        doc_len = np.maximum(lengths, 1)
        # Sorted by term, then passage: bm25s's CSC layout (one column per term).
        pairs, tf = distinct_counts((ids << 32) | docs)
        cols, owners = pairs >> 32, pairs & 0xFFFFFFFF
        df = np.bincount(cols, minlength=len(vocab))
        data = bm25_weights(tf, doc_len[owners], doc_len.mean(), bm25_idf(df, n)[cols])
        retriever = bm25s.BM25()
        retriever.scores = {
            "data": data,
            "indices": owners.astype(np.int32),
            "indptr": offsets_of(df),
            "num_docs": n,
        }
        # What bm25s.BM25.index leaves behind besides the scores.
        retriever.vocab_dict = {t: i for i, t in enumerate(vocab)}
        retriever.unique_token_ids_set = set(retriever.vocab_dict.values())
        retriever.nonoccurrence_array = None
        return cls(retriever)

    def passages_with(self, term: str) -> np.ndarray:
        """The ids of the passages that use ``term``, in passage order (its posting list)."""
        ids = self._bm25.get_tokens_ids([term])
        if not ids:
            return np.zeros(0, dtype=np.int64)
        lo, hi = int(self._indptr[ids[0]]), int(self._indptr[ids[0] + 1])
        return np.sort(self._indices[lo:hi])

    def scores(self, query_terms: list[str]) -> np.ndarray:
        """BM25 score of every passage for the query (zeros if no term is known)."""
        ids = self._bm25.get_tokens_ids(query_terms)
        scores = np.zeros(self.size, dtype=np.float32)
        # bm25s adds each query term's column with np.add.at; a column names each passage
        # once, so a plain indexed add is the same float32 sum, several times faster.
        for t in ids:
            lo, hi = int(self._indptr[t]), int(self._indptr[t + 1])
            scores[self._indices[lo:hi]] += self._data[lo:hi]
        return scores

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, *, mmap: bool = False) -> LexicalIndex:
        retriever = bm25s.BM25.load(str(folder), mmap=mmap, show_progress=False)
        return cls(retriever)
