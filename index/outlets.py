"""The outlets a question names: "according to the Ynet piece", "reported by RFE/RL".

Readers cite a story by its outlet, which the articles' metadata holds (seeds/
sources.yaml) and their text seldom writes. "Ynet" was read as a name the articles never
use, and "According to the Ynet piece, what's Moscow's worry about ...?" was refused;
so were two questions "according to RFE/RL".

A question names an outlet by its whole name as the metadata writes it ("Euronews",
"the Guardian"; a note in brackets such as "(via inkl)" left out), by a word of the name
that is no common English word ("RFE", "RL", "inkl"), or by the first ``MIN_PREFIX``
letters or more of one, themselves no common English word ("Ynet" of "Ynetnews", not
"Euro" of "Euronews"). "press" alone never names the Associated Press, nor "new" the New
York Times. The words naming it tell where the answer was reported, not what it says:
their terms are no words a sentence must hold and no name the articles lack.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
# A note in brackets after the name: "Euronews (via inkl)".
_BRACKETED = re.compile(r"\([^)]*\)")


@dataclass(frozen=True)
class NamedOutlets:
    outlets: tuple[str, ...]  # as the metadata writes them ("RFE/RL")
    terms: frozenset[str]  # the terms of the question's words that name them


NONE = NamedOutlets((), frozenset())


def named_outlets(text: str, data: IndexData, tokenizer: Tokenizer) -> NamedOutlets:
    """The outlets of the indexed articles that ``text`` names, and the terms naming them."""
    names = per_build(
        data,
        ("outlet_names",),
        lambda: OutletNames.of(a.outlet for a in data.articles if a.outlet),
    )
    return names.named_in(text, tokenizer)


@dataclass(frozen=True)
class OutletNames:
    """How a set of outlets may be named in a question."""

    outlets: tuple[str, ...]
    phrases: tuple[tuple[tuple[str, ...], str], ...]  # (folded words of a name, outlet)
    words: tuple[tuple[str, str], ...]  # (folded word of a name, no English word, outlet)

    @classmethod
    def of(cls, outlets: Iterable[str]) -> OutletNames:
        unique = tuple(dict.fromkeys(outlets))
        phrases = []
        words: dict[str, str] = {}
        for outlet in unique:
            name = [fold(w) for w in _WORD.findall(_BRACKETED.sub(" ", outlet))]
            if name[:1] == ["the"] and len(name) > 1:
                name = name[1:]
            if name:
                phrases.append((tuple(name), outlet))
            for word in _WORD.findall(outlet):
                if not common_english(word) and fold(word) not in STOPWORDS:
                    words.setdefault(fold(word), outlet)
        return cls(unique, tuple(phrases), tuple(words.items()))

    def named_in(self, text: str, tokenizer: Tokenizer) -> NamedOutlets:
        """The outlets ``text`` names, and the terms of the words naming them."""
        typed = _WORD.findall(text)
        folded = [fold(w) for w in typed]
        naming: dict[int, str] = {}  # the position of each word naming an outlet
        for phrase, outlet in self.phrases:
            for i in range(len(folded) - len(phrase) + 1):
                if tuple(folded[i : i + len(phrase)]) == phrase:
                    naming.update((j, outlet) for j in range(i, i + len(phrase)))
        for i, word in enumerate(folded):
            if i not in naming and (outlet := self._word_names(word)):
                naming[i] = outlet
        if not naming:
            return NONE
        outlets = tuple(dict.fromkeys(naming[i] for i in sorted(naming)))
        terms = frozenset(t for i in naming for t in tokenizer.word_terms(typed[i]))
        return NamedOutlets(outlets, terms)

    def _word_names(self, word: str) -> str | None:
        """The outlet ``word`` names: a word of its name, or the start of one."""
        for name, outlet in self.words:
            if word == name:
                return outlet
        if len(word) < MIN_PREFIX or common_english(word):
            return None
        return next((outlet for name, outlet in self.words if name.startswith(word)), None)
