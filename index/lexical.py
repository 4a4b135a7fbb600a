"""The lexical side's tokenizer: text to BM25 terms, folding spelling variants.

Outlets spell the same names differently (Zelensky/Zelenskyy, Kiev/Kyiv,
cease-fire/ceasefire, Erdogan/Erdoğan). Tokens are Unicode-folded (accents stripped),
lower-cased, mapped through the configured alias lists to one canonical spelling, stripped
of stop words and stemmed, so such variants match each other in BM25 and in the
key-term coverage the answerer uses.

Each sentence is tokenised once, when its article is first indexed; the terms are stored
with the build (``index.terms``), BM25 is computed from them (``index.bm25``), and the
answerer reads them through ``index.sentence_table``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

import Stemmer

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


def opens_no_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` follows a word or a comma and one space: it does not
    open a sentence, so a capital there marks a name ("talks with Peskov")."""
    return (
        start >= 2
        and text[start - 1] == " "
        and (text[start - 2].isalnum() or text[start - 2] in "_,;")
    )


def fold_words(text: str) -> str:
    """``text`` as the tokenizer sees a word or phrase: folded words, space-separated."""
    return " ".join(_TOKEN.findall(fold(text)))


class Tokenizer:
    """Turns text into BM25 terms; the same instance serves the index and the queries."""

    def __init__(self, aliases: Sequence[Sequence[str]] = ()) -> None:
        self.key = tuple(tuple(g) for g in aliases)  # what the terms depend on
        self._single: dict[str, str] = {}
        phrases: list[tuple[str, str]] = []
        in_phrases: set[str] = set()
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
                    in_phrases.update(parts)
        self._phrases = [(re.compile(p), c) for p, c in phrases]
        self._phrase_vocabulary = frozenset(in_phrases)
        self._stemmer = Stemmer.Stemmer("english")
        self._stem = lru_cache(maxsize=100_000)(self._stemmer.stemWord)
        self.word_terms = lru_cache(maxsize=100_000)(self._word_terms)

    def variant_words(self) -> list[str]:
        """The one-word spellings of search.aliases and search.synonyms, folded."""
        return list(self._single)

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

    def in_a_phrase(self, word: str) -> bool:
        """Whether folded ``word`` is a word of a phrase of search.aliases or
        search.synonyms ("united" of "the United States")."""
        return word in self._phrase_vocabulary

    def phrase_words(self, text: str) -> set[str]:
        """The folded words of ``text`` that a phrase of search.aliases or search.synonyms
        takes in ("united" and "kingdom" of "the United Kingdom"): the index holds the
        phrase's term, never these words alone."""
        folded = fold(text)
        return {
            word
            for pattern, _ in self._phrases
            for match in pattern.finditer(folded)
            for word in _TOKEN.findall(match.group())
        }

    def terms(self, text: str) -> list[str]:
        """The BM25 terms of ``text``."""
        return [self._stem(w) for w in self.words(text)]

    def _word_terms(self, word: str) -> tuple[str, ...]:
        # word_terms(word): terms(word) for one word as written, remembered (the answerer
        # looks at the same words of the same candidate sentences question after question).
        return tuple(self.terms(word))
