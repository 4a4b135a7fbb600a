"""The answerer's per-sentence lexical data: term sets, term weights and sentence BM25.

Read from a build's stored term rows (``index.terms``) on first use and kept with that
build; the sentence BM25 is computed for the candidate sentences of a question only.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from index.bm25 import LexicalIndex, bm25_idf, bm25_weights
from index.lexical import Tokenizer
from index.terms import TermRows, index_ranges

if TYPE_CHECKING:
    from index.store import IndexData

log = logging.getLogger(__name__)
T = TypeVar("T")


class SentenceTerms(Sequence[frozenset[str]]):
    """``terms[sid]``: the set of a sentence's terms, made when first asked for.

    Only the most recently asked are kept (the answerer asks for the same few candidate
    sentences many times per question), so memory does not grow with the sentences.
    """

    CACHED = 4096

    def __init__(self, rows: TermRows) -> None:
        # Plain views of the memory-mapped arrays: np.memmap slicing costs a Python hook.
        self._ids = np.asarray(rows.ids)
        self._offsets = np.asarray(rows.offsets)
        self._vocab = rows.vocab
        self._made = lru_cache(maxsize=self.CACHED)(self._make)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, sid):  # type: ignore[override]
        if isinstance(sid, slice):
            return tuple(self[i] for i in range(*sid.indices(len(self))))
        return self._made(int(sid))

    def _make(self, sid: int) -> frozenset[str]:
        ids = self._ids[self._offsets[sid] : self._offsets[sid + 1]].tolist()
        return frozenset(self._vocab[t] for t in ids)

    def cached(self) -> int:
        return self._made.cache_info().currsize


class TermWeights(Mapping[str, float]):
    """Inverse sentence frequency, ``log(1 + n / df)``, of every term the sentences use."""

    def __init__(self, index: dict[str, int], df: np.ndarray, n_rows: int) -> None:
        self._index = index
        self._df = df
        self._n = max(n_rows, 1)

    def __getitem__(self, term: str) -> float:
        return math.log(1.0 + self._n / int(self._df[self._index[term]]))

    def __contains__(self, term: object) -> bool:
        return term in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


@dataclass(frozen=True)
class SentenceTable:
    """Per-sentence lexical data of one build, read from its stored term rows."""

    rows: TermRows
    terms: SentenceTerms  # terms[sid]: the set of sentence sid's BM25 terms
    idf: TermWeights  # inverse sentence frequency of every term in the index
    max_idf: float  # what a term the index never uses would get
    index: dict[str, int]  # term -> id in rows.vocab
    bm25_idf: np.ndarray  # (V,) float32, BM25 idf over the sentences
    avg_length: np.floating  # mean sentence length in terms (an empty one counts 1)

    @classmethod
    def from_rows(cls, rows: TermRows) -> SentenceTable:
        n = len(rows)
        index = {t: i for i, t in enumerate(rows.vocab)}
        lengths = np.maximum(rows.lengths(), 1)
        return cls(
            rows=rows,
            terms=SentenceTerms(rows),
            idf=TermWeights(index, rows.df, n),
            max_idf=math.log(1.0 + max(n, 1)),
            index=index,
            bm25_idf=bm25_idf(rows.df, n),
            avg_length=lengths.mean() if n else np.float64(1.0),
        )

    def frequency(self, term: str) -> int:
        """How many sentences use ``term`` (0 for a term the index never uses)."""
        i = self.index.get(term)
        return 0 if i is None else int(self.rows.df[i])

    def weight(self, term: str) -> float:
        return self.idf.get(term, self.max_idf)

    def bm25(self, query_terms: Sequence[str], sids: np.ndarray) -> np.ndarray:
        """BM25 of sentences ``sids`` for the query, as bm25s over all sentences scores them."""
        query = [self.index[t] for t in query_terms if t in self.index]
        scores = np.zeros(len(sids), dtype=np.float32)
        if not query or not len(sids):
            return scores
        sids = np.asarray(sids, dtype=np.int64)
        offsets = np.asarray(self.rows.offsets)
        starts, ends = offsets[sids], offsets[sids + 1]
        ids = np.asarray(self.rows.ids)[index_ranges(starts, ends)]
        owner = np.repeat(np.arange(len(sids)), ends - starts)
        doc_len = np.maximum(ends - starts, 1)
        # Term by term in the query's order, repeats included: bm25s's float32 sums.
        for t in query:
            tf = np.bincount(owner[ids == t], minlength=len(sids))
            scores += bm25_weights(tf, doc_len, self.avg_length, self.bm25_idf[t])
        return scores


def sentence_table(data: IndexData, tokenizer: Tokenizer) -> SentenceTable:
    """The sentence table of ``data``, made on first use and kept with that build."""
    return per_build(data, ("sentence_table", tokenizer.key), lambda: _table(data, tokenizer))


def passage_bm25(data: IndexData, tokenizer: Tokenizer) -> LexicalIndex:
    """The passage BM25 that matches ``tokenizer``'s terms.

    That is the build's own, unless search.aliases or search.synonyms changed since the
    build: then a question's terms are not the ones the build stored ("talks" folds to
    "negotiations" now), and the passages are scored over their sentences' terms made
    again in memory, until a refresh stores them.
    """
    if data.terms.key == tokenizer.key:
        return data.lexical
    return per_build(data, ("passage_bm25", tokenizer.key), lambda: _bm25(data, tokenizer))


def _table(data: IndexData, tokenizer: Tokenizer) -> SentenceTable:
    return SentenceTable.from_rows(_rows(data, tokenizer))


def _bm25(data: IndexData, tokenizer: Tokenizer) -> LexicalIndex:
    from index.build import passage_input  # index.build imports this module

    rows, spans = _rows(data, tokenizer), np.asarray(data.passages[:, 3:5])
    if not data.manifest.contextualize:
        return LexicalIndex.from_rows(rows, spans)
    headlines = (passage_input(article, "", True) for article in data.articles)
    context = TermRows.tokenize(headlines, tokenizer)
    return LexicalIndex.from_rows(rows, spans, context, np.asarray(data.passages[:, 0]))


def _rows(data: IndexData, tokenizer: Tokenizer) -> TermRows:
    if data.terms.key == tokenizer.key:
        return data.terms
    return per_build(data, ("term_rows", tokenizer.key), lambda: _retokenized(data, tokenizer))


def _retokenized(data: IndexData, tokenizer: Tokenizer) -> TermRows:
    log.warning(
        "build %s was made with other search.aliases or search.synonyms than the config's: "
        "tokenising its %d sentences again in memory; run `talkbot index refresh` "
        "(or /refresh) to store the new terms",
        data.manifest.build_id,
        len(data.sentences),
    )
    texts = (data.sentence(i).text for i in range(len(data.sentences)))
    return TermRows.tokenize(texts, tokenizer)


def per_build(data: IndexData, key: tuple, make: Callable[[], T]) -> T:
    """``make()``, once per loaded build and key (the build keeps it while it serves)."""
    value = data.derived.get(key)
    if value is not None:
        return value
    with data.derived_lock:
        value = data.derived.get(key)
        if value is None:
            value = make()
            data.derived[key] = value
    return value
