"""The outlets a question names: "according to the Ynet piece", "reported by RFE/RL".

Readers cite a story by its outlet, which the articles' metadata holds (seeds/
sources.yaml) and their text seldom writes. "Ynet" was read as a name the articles never
use, and "According to the Ynet piece, what's Moscow's worry about ...?" was refused;
so were two questions "according to RFE/RL".

A question word names an outlet when it is a word of the outlet's name as the metadata
writes it ("RFE", "RL", "Euronews", "inkl"), or the first ``MIN_PREFIX`` letters or more
of one that are no common English word ("Ynet" of "Ynetnews", not "Euro" of "Euronews").
Its terms tell where the answer was reported, not what it says: they are no words a
sentence must hold and no name the articles lack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.english import common_english
from index.lexical import STOPWORDS, Tokenizer, fold
from index.sentence_table import per_build

if TYPE_CHECKING:
    from index.store import IndexData

MIN_PREFIX = 4
# A word of an outlet's name or of a question: "RFE/RL" is two, "Ynetnews" one.
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class NamedOutlets:
    outlets: tuple[str, ...]  # as the metadata writes them ("RFE/RL")
    terms: frozenset[str]  # the terms of the question's words that name them


NONE = NamedOutlets((), frozenset())


def named_outlets(text: str, data: IndexData, tokenizer: Tokenizer) -> NamedOutlets:
    """The outlets of the indexed articles that ``text`` names, and the terms naming them."""
    words = _outlet_words(data)
    if not words:
        return NONE
    outlets: dict[str, None] = {}
    terms: set[str] = set()
    for typed in _WORD.findall(text):
        word = fold(typed)
        named = words.get(word) or _prefix_of(word, words)
        if named is None:
            continue
        outlets[named] = None
        terms.update(tokenizer.word_terms(typed))
    return NamedOutlets(tuple(outlets), frozenset(terms)) if outlets else NONE


def _prefix_of(word: str, words: dict[str, str]) -> str | None:
    if len(word) < MIN_PREFIX or common_english(word):
        return None
    return next((outlet for w, outlet in words.items() if w.startswith(word)), None)


def _outlet_words(data: IndexData) -> dict[str, str]:
    """Each folded word of an outlet's name, mapped to the outlet; not a function word,
    nor an English word written in lower case ("via" in "Euronews (via inkl)"), while a
    capitalised one is the name's ("The Guardian"). Read once per build."""

    def read() -> dict[str, str]:
        out: dict[str, str] = {}
        for article in data.articles:
            for word in _WORD.findall(article.outlet or ""):
                folded = fold(word)
                if folded in STOPWORDS or (word.islower() and common_english(word)):
                    continue
                out.setdefault(folded, article.outlet or "")
        return out

    return per_build(data, ("outlet_words",), read)
