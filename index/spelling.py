"""Typos in a question: a word the index never uses, one keystroke from one it does.

"What did Peskow say?" matched nothing by its words, and a capitalised word the index
never uses counts against answering at all, so one slip of a key turned an answerable
question into "not found". A question word is read as another word when:

- the index never uses it (a word it uses is never changed);
- it has at least ``MIN_CHARS`` letters (shorter words are too often one edit from
  another real word: "talk", "tall");
- the model's vocabulary has no whole word for it: a word the model knows whole is a
  real English word the articles happen not to use ("sneak" is one edit from "speak");
- one edit of it (a letter deleted, inserted or replaced, or two neighbouring letters
  swapped; never the first letter) is a word whose term the index uses, through the
  tokenizer, so spelling variants count ("zelenksy" -> "zelensky", folded to zelenskyy)
  and so do inflections ("beiijng" -> "beijing", stemmed "beij"). Several: the term most
  sentences use.

The edits are made of the typed word rather than searched for among the index's words,
so the cost is the same for five articles or a hundred thousand, and the word found is
a whole word, which the question is embedded with in place of the typo.

Unknown names stay unknown ("Scholz" is not one edit from anything the articles say),
so questions about people the articles never mention are still not found.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from index.lexical import Tokenizer
from index.sentence_table import SentenceTable

MIN_CHARS = 5
_LETTERS = string.ascii_lowercase


@dataclass(frozen=True)
class Correction:
    typed: str  # the word as the tokenizer read it (folded)
    word: str  # the word meant, as it would be typed
    typed_term: str
    term: str  # the index term ``word`` folds to


def corrections(
    text: str,
    tokenizer: Tokenizer,
    table: SentenceTable,
    known_word: Callable[[str], bool],
) -> list[Correction]:
    """The words of ``text`` read as typos, each with the word meant; ``known_word``
    tells a real word (one the model knows whole)."""
    out: list[Correction] = []
    seen: set[str] = set()
    for word in tokenizer.words(text):
        if word in seen or len(word) < MIN_CHARS or not word.isalpha():
            continue
        seen.add(word)
        (term,) = tokenizer.word_terms(word) or ("",)
        if not term or term in table.index or known_word(word):
            continue
        meant: dict[str, tuple[int, str]] = {}
        for edit in _one_edit(word):
            terms = tokenizer.word_terms(edit)
            if len(terms) == 1 and terms[0] in table.index:
                meant.setdefault(terms[0], (table.frequency(terms[0]), edit))
        if meant:
            best = max(meant, key=lambda t: (meant[t][0], t))
            out.append(Correction(word, meant[best][1], term, best))
    return out


def corrected_text(text: str, fixes: list[Correction]) -> str:
    """``text`` with each typo replaced by the word meant, capitalised as it was typed."""
    for fix in fixes:
        text = _typed(fix).sub(lambda m, fix=fix: _as_typed(fix.word, m.group()), text)
    return text


def read_as(text: str, fixes: list[Correction]) -> tuple[tuple[str, str], ...]:
    """(word as typed in ``text``, word read), for telling the asker how it was read."""
    pairs = []
    for fix in fixes:
        match = _typed(fix).search(text)
        typed = match.group() if match else fix.typed
        pairs.append((typed, _as_typed(fix.word, typed)))
    return tuple(pairs)


def _typed(fix: Correction) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(fix.typed)}\b", re.IGNORECASE)


def _as_typed(word: str, typed: str) -> str:
    """``word`` in the case ``typed`` was in: "ukraine" for "ukriane", "UKRAINE" for
    "UKRIANE", "Ukraine" for "Ukriane"."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    return word.capitalize() if typed[:1].isupper() else word


def _one_edit(word: str) -> Iterator[str]:
    """Every word one edit from ``word`` that keeps its first letter."""
    for i in range(1, len(word) + 1):
        head, tail = word[:i], word[i:]
        if tail:
            yield head + tail[1:]  # deleted
            if len(tail) > 1:
                yield head + tail[1] + tail[0] + tail[2:]  # swapped
        for letter in _LETTERS:
            yield head + letter + tail  # inserted
            if tail:
                yield head + letter + tail[1:]  # replaced
