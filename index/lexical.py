"""Lexical side of retrieval: a tokenizer that folds spelling variants, and BM25.

Outlets spell the same names differently (Zelensky/Zelenskyy, Kiev/Kyiv,
cease-fire/ceasefire, Erdogan/Erdoğan). Tokens are Unicode-folded (accents stripped),
lower-cased, mapped through the configured alias lists to one canonical spelling, stripped
of stop words and stemmed, so such variants match each other in BM25 and in the
key-term coverage the answerer uses.

Each sentence is tokenised once, when its article is first indexed: its terms are stored
with the build as ids into one sorted vocabulary (:class:`TermRows`, CSR rows saved with
numpy and memory-mapped on load), and a refresh carries the rows of unchanged articles
over. The passage BM25 index (bm25s's format) is computed from those rows, a passage's
terms being its sentences' terms; the sentence BM25 the answerer uses is computed from
them for the candidate sentences only, when a question asks. Neither re-reads text.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import bm25s
import numpy as np
import Stemmer

if TYPE_CHECKING:
    from index.store import IndexData

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his how
    i if in into is it its itself just me more most my myself no nor not now of off on once
    only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves s t d ll m re ve don doesn didn isn wasn weren won
    say says said tell told according ask asked article articles talkbot
    """.split()  # noqa: SIM905 (a word list reads better as prose)
)

_TOKEN = re.compile(r"[a-z0-9]+")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "–": "-", "—": "-", "‐": "-"})

# bm25s's defaults (BM25 "lucene"), which the passage index is saved for and the
# sentence scores must reproduce to the bit.
K1, B = 1.5, 0.75


def fold(text: str) -> str:
    """Lower-case, strip accents and unify apostrophes and dashes."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


class Tokenizer:
    """Turns text into BM25 terms; the same instance serves the index and the queries."""

    def __init__(self, aliases: Sequence[Sequence[str]] = ()) -> None:
        self.key = tuple(tuple(g) for g in aliases)  # what the terms depend on
        self._single: dict[str, str] = {}
        phrases: list[tuple[str, str]] = []
        for group in aliases:
            if not group:
                continue
            canonical = _TOKEN.findall(fold(group[0]))
            canonical_text = "".join(canonical)
            for variant in group:
                parts = _TOKEN.findall(fold(variant))
                if len(parts) == 1:
                    self._single[parts[0]] = canonical_text
                elif len(parts) > 1:
                    phrases.append(
                        (r"\b" + r"[\s-]*".join(map(re.escape, parts)) + r"\b", canonical_text)
                    )
        self._phrases = [(re.compile(p), c) for p, c in phrases]
        self._stemmer = Stemmer.Stemmer("english")
        self._stem = lru_cache(maxsize=100_000)(self._stemmer.stemWord)

    def words(self, text: str) -> list[str]:
        """Folded, alias-mapped words, stop words removed, not stemmed."""
        folded = fold(text)
        for pattern, canonical in self._phrases:
            folded = pattern.sub(canonical, folded)
        out = []
        for word in _TOKEN.findall(folded):
            word = self._single.get(word, word)
            if word not in STOPWORDS:
                out.append(word)
        return out

    def terms(self, text: str) -> list[str]:
        """The BM25 terms of ``text``."""
        return [self._stem(w) for w in self.words(text)]


# -- stored terms ------------------------------------------------------------------------


@dataclass(frozen=True)
class TermRows:
    """The BM25 terms of consecutive texts (a build's sentences), as ids into a vocabulary.

    Row ``i`` is ``vocab[ids[offsets[i]:offsets[i + 1]]]``: the tokenizer's output for text
    ``i``, in order, repeats kept. The vocabulary is sorted and holds only terms some row
    uses, so rows cut the same way give the same arrays however they were assembled.
    """

    key: tuple[tuple[str, ...], ...]  # the Tokenizer.key the terms were made with
    vocab: tuple[str, ...]
    ids: np.ndarray  # (T,) int32
    offsets: np.ndarray  # (n + 1,) int64
    df: np.ndarray  # (V,) int32: how many rows hold each term

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def row(self, i: int) -> np.ndarray:
        return self.ids[int(self.offsets[i]) : int(self.offsets[i + 1])]

    def terms(self, i: int) -> list[str]:
        return [self.vocab[t] for t in self.row(i).tolist()]

    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def slice(self, lo: int, hi: int) -> TermRows:
        """Rows ``lo:hi`` over the same vocabulary (``df`` is not theirs: join them)."""
        offsets = self.offsets[lo : hi + 1]
        ids = self.ids[int(offsets[0]) : int(offsets[-1])]
        return TermRows(self.key, self.vocab, ids, offsets - offsets[0], self.df)

    @classmethod
    def tokenize(cls, texts: Iterable[str], tokenizer: Tokenizer) -> TermRows:
        rows = [tokenizer.terms(t) for t in texts]
        vocab = sorted({t for r in rows for t in r})
        index = {t: i for i, t in enumerate(vocab)}
        ids = np.fromiter((index[t] for r in rows for t in r), dtype=np.int32)
        return cls._make(tokenizer.key, tuple(vocab), ids, _offsets([len(r) for r in rows]))

    @classmethod
    def join(cls, parts: Sequence[TermRows], key: tuple[tuple[str, ...], ...]) -> TermRows:
        """The rows of ``parts`` one after another, over one vocabulary of the terms used."""
        if any(p.key != key for p in parts):
            raise ValueError("term rows made with different aliases cannot be joined")
        vocabs = {id(p.vocab): p.vocab for p in parts}
        merged = sorted(set().union(*vocabs.values()))
        index = {t: i for i, t in enumerate(merged)}
        maps = {
            k: np.fromiter((index[t] for t in v), dtype=np.int32, count=len(v))
            for k, v in vocabs.items()
        }
        ids = np.concatenate(
            [maps[id(p.vocab)][p.ids] for p in parts] or [np.zeros(0, np.int32)]
        ).astype(np.int32, copy=False)
        offsets = _offsets(np.concatenate([p.lengths() for p in parts] or [np.zeros(0, np.int64)]))
        # Terms only removed articles used leave the vocabulary.
        used = np.bincount(ids, minlength=len(merged)) > 0
        if not used.all():
            ids = (np.cumsum(used) - 1).astype(np.int32)[ids]
            merged = [t for t, u in zip(merged, used.tolist(), strict=True) if u]
        return cls._make(key, tuple(merged), ids, offsets)

    @classmethod
    def _make(
        cls,
        key: tuple[tuple[str, ...], ...],
        vocab: tuple[str, ...],
        ids: np.ndarray,
        offsets: np.ndarray,
    ) -> TermRows:
        owner = np.repeat(np.arange(len(offsets) - 1, dtype=np.int64), np.diff(offsets))
        pairs, _ = _distinct((owner << 32) | ids.astype(np.int64))
        df = np.bincount(pairs & 0xFFFFFFFF, minlength=len(vocab)).astype(np.int32)
        return cls(key, vocab, ids, offsets, df)

    ARRAYS = ("term_ids.npy", "term_offsets.npy", "term_df.npy")

    def arrays(self) -> dict[str, np.ndarray]:
        return dict(zip(self.ARRAYS, (self.ids, self.offsets, self.df), strict=True))

    def save(self, folder: Path) -> None:
        """The vocabulary and aliases as JSON; the arrays go with the build's other arrays."""
        payload = {"aliases": [list(g) for g in self.key], "vocab": list(self.vocab)}
        with open(folder / "terms.json", "w", encoding="utf-8") as handle:
            handle.write(json.dumps(payload, ensure_ascii=False))  # dumps: C encoder, dump: not

    @classmethod
    def load(cls, folder: Path, arrays: Mapping[str, np.ndarray]) -> TermRows:
        with open(folder / "terms.json", encoding="utf-8") as handle:
            raw = json.load(handle)
        ids, offsets, df = (arrays[name] for name in cls.ARRAYS)
        rows = cls(tuple(tuple(g) for g in raw["aliases"]), tuple(raw["vocab"]), ids, offsets, df)
        if len(rows.df) != len(rows.vocab) or int(offsets[-1]) != len(ids):
            raise ValueError(f"term arrays disagree with the {len(rows.vocab)}-term vocabulary")
        return rows


def _offsets(lengths: Sequence[int] | np.ndarray) -> np.ndarray:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


def _distinct(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``keys``, ascending, and how often each occurs.

    ``np.unique`` gives the same, but its hash-based path is several times slower here.
    """
    keys = np.sort(keys)
    starts = np.flatnonzero(np.concatenate([[len(keys) > 0], keys[1:] != keys[:-1]]))
    return keys[starts], np.diff(np.append(starts, len(keys)))


def index_ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The indices ``starts[0]:ends[0]``, then ``starts[1]:ends[1]``, ... in one array."""
    lengths = ends - starts
    total = int(lengths.sum())
    shift = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return shift + np.arange(total, dtype=np.int64)


# -- BM25 ----------------------------------------------------------------------------------


def _bm25_idf(df: np.ndarray, n_docs: int) -> np.ndarray:
    # math.log term by term, as bm25s does: numpy's vectorised log may differ in the last bit.
    out = [math.log(1 + (n_docs - d + 0.5) / (d + 0.5)) if d else 0.0 for d in df.tolist()]
    return np.asarray(out, dtype=np.float32)


def _bm25_weights(
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
        pairs, tf = _distinct((ids << 32) | docs)
        cols, owners = pairs >> 32, pairs & 0xFFFFFFFF
        df = np.bincount(cols, minlength=len(vocab))
        data = _bm25_weights(tf, doc_len[owners], doc_len.mean(), _bm25_idf(df, n)[cols])
        retriever = bm25s.BM25()
        retriever.scores = {
            "data": data,
            "indices": owners.astype(np.int32),
            "indptr": _offsets(df),
            "num_docs": n,
        }
        # What bm25s.BM25.index leaves behind besides the scores.
        retriever.vocab_dict = {t: i for i, t in enumerate(vocab)}
        retriever.unique_token_ids_set = set(retriever.vocab_dict.values())
        retriever.nonoccurrence_array = None
        return cls(retriever)

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


# -- the answerer's sentence table -----------------------------------------------------------


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
            bm25_idf=_bm25_idf(rows.df, n),
            avg_length=lengths.mean() if n else np.float64(1.0),
        )

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
            scores += _bm25_weights(tf, doc_len, self.avg_length, self.bm25_idf[t])
        return scores


def sentence_table(data: IndexData, tokenizer: Tokenizer) -> SentenceTable:
    """The sentence table of ``data``, made on first use and kept with that build."""
    key = ("sentence_table", tokenizer.key)
    table = data.derived.get(key)
    if table is not None:
        return table
    with data.derived_lock:
        table = data.derived.get(key)
        if table is None:
            rows = data.terms
            if rows.key != tokenizer.key:
                # The aliases changed since this build: its stored terms are not the ones
                # questions get now, so tokenise its sentences again (until a refresh).
                texts = (data.sentence(i).text for i in range(len(data.sentences)))
                rows = TermRows.tokenize(texts, tokenizer)
            table = SentenceTable.from_rows(rows)
            data.derived[key] = table
    return table
