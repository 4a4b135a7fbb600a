"""Which numbered things the articles count: "the second round", "the 19th package".

A question about "the third round of Istanbul talks" when the articles only report a
second round is about something they never mention, however close its other words come
("What was agreed at the third round ...?" matched the second round's sentence). The
articles' ordinal-noun pairs are mined from the build's own text, once per build; a
question's pair the articles never write, for a thing they do number, is read like a
name they never use. Of a thing they never number, nothing can be told.

"first" is left out: writers seldom number what came first ("the first round of talks"
is "the talks in May"), and readers use it for "at first".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from index.lexical import Tokenizer
from index.sentence_table import per_build
from index.store import IndexData

_ORDINAL_WORDS = (
    "second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
)
_WORDS = _ORDINAL_WORDS.split()
_NUMBER_OF = {word: n for n, word in enumerate(_WORDS, start=2)}
# An ordinal and the word after it: "third round", "19th sanctions package" (no hyphen:
# "third-largest" is no count).
_ORDINAL = re.compile(
    r"\b(" + "|".join(_WORDS) + r"|\d+(?:st|nd|rd|th))\s+([A-Za-z][\w'’]*)\b(?!-)", re.I
)


@dataclass(frozen=True)
class Counted:
    """The (number, noun term) pairs a text writes, and the nouns it numbers at all."""

    pairs: frozenset[tuple[int, str]]
    nouns: frozenset[str]


def _number(ordinal: str) -> int:
    lowered = ordinal.lower()
    return _NUMBER_OF.get(lowered) or int(lowered.rstrip("stndrh"))


def mine_counted(texts: Iterable[str], tokenizer: Tokenizer) -> Counted:
    pairs = set()
    for text in texts:
        for m in _ORDINAL.finditer(text):
            n = _number(m.group(1))
            pairs.update((n, t) for t in tokenizer.word_terms(m.group(2)))
    return Counted(frozenset(pairs), frozenset(t for _, t in pairs))


def counted(data: IndexData, tokenizer: Tokenizer) -> Counted:
    texts = (article.text for article in data.articles)
    return per_build(data, ("counted", tokenizer.key), lambda: mine_counted(texts, tokenizer))


def unknown_ordinals(text: str, data: IndexData, tokenizer: Tokenizer) -> list[str]:
    """The numbered things ``text`` asks about that the articles never write ("third
    round" when they report a second), as typed."""
    known = counted(data, tokenizer)
    out = []
    for m in _ORDINAL.finditer(text):
        n = _number(m.group(1))
        terms = tokenizer.word_terms(m.group(2))
        if n < 2 or any((n, t) in known.pairs for t in terms):
            continue
        if any(t in known.nouns for t in terms):
            out.append(m.group(0))
    return out
