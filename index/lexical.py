"""Lexical side of retrieval: a tokenizer that folds spelling variants, and BM25 (bm25s).

Outlets spell the same names differently (Zelensky/Zelenskyy, Kiev/Kyiv,
cease-fire/ceasefire, Erdogan/Erdoğan). Tokens are Unicode-folded (accents stripped),
lower-cased, mapped through the configured alias lists to one canonical spelling, stripped
of stop words and stemmed, so such variants match each other in BM25 and in the
key-term coverage the answerer uses.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
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


class LexicalIndex:
    """BM25 over the passages, scored for all passages at once."""

    def __init__(self, retriever: bm25s.BM25) -> None:
        self._bm25 = retriever
        self.size = int(retriever.scores["num_docs"])

    @classmethod
    def build(cls, corpus_terms: Iterable[list[str]]) -> LexicalIndex:
        # An empty token keeps passages with no terms (all stop words) indexable.
        docs = [terms or [""] for terms in corpus_terms]
        retriever = bm25s.BM25()
        retriever.index(docs, show_progress=False)
        return cls(retriever)

    def scores(self, query_terms: list[str]) -> np.ndarray:
        """BM25 score of every passage for the query (zeros if no term is known)."""
        ids = self._bm25.get_tokens_ids(query_terms)
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores_from_ids(ids), dtype=np.float32)

    def save(self, folder: Path) -> None:
        self._bm25.save(str(folder), show_progress=False)

    @classmethod
    def load(cls, folder: Path, *, mmap: bool = False) -> LexicalIndex:
        retriever = bm25s.BM25.load(str(folder), mmap=mmap, show_progress=False)
        return cls(retriever)


@dataclass(frozen=True)
class SentenceTable:
    """Per-sentence lexical data of one build, computed once when first needed."""

    terms: tuple[frozenset[str], ...]  # BM25 terms of each sentence
    lexical: LexicalIndex  # BM25 over sentences
    idf: dict[str, float]  # inverse sentence frequency of every term in the index
    max_idf: float  # what a term the index never uses would get

    def weight(self, term: str) -> float:
        return self.idf.get(term, self.max_idf)


def sentence_table(data: IndexData, tokenizer: Tokenizer) -> SentenceTable:
    """The sentence table of ``data``, built on first use and kept with that build."""
    key = ("sentence_table", tokenizer.key)
    table = data.derived.get(key)
    if table is not None:
        return table
    with data.derived_lock:
        table = data.derived.get(key)
        if table is None:
            table = _build_table(data, tokenizer)
            data.derived[key] = table
    return table


def _build_table(data: IndexData, tokenizer: Tokenizer) -> SentenceTable:
    texts = [data.sentence(i).text for i in range(len(data.sentences))]
    term_lists = [tokenizer.terms(t) for t in texts]
    terms = tuple(frozenset(t) for t in term_lists)
    df: dict[str, int] = {}
    for t in terms:
        for term in t:
            df[term] = df.get(term, 0) + 1
    n = max(len(terms), 1)
    idf = {term: math.log(1.0 + n / count) for term, count in df.items()}
    lexical = LexicalIndex.build(term_lists) if term_lists else LexicalIndex.build([[""]])
    return SentenceTable(terms, lexical, idf, math.log(1.0 + n))
