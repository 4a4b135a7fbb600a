"""Typos in a question's names: a name the index never uses, one keystroke from one it does.

"What did Peskow say?" matched nothing by its words, and a capitalised word the index
never uses counts against answering at all, so one slip of a key turned an answerable
question into "not found". A question word is read as a name of the articles when:

- the index never uses it (a word it uses is never changed);
- it has at least ``MIN_CHARS`` letters;
- it is typed as a name: capitalised, in a question that is not all in one case. In a
  question typed all in lower case or in capitals, any word, unless the model has a
  whole word for it (a real English word the articles don't use stays as typed);
- one edit of it (a letter deleted, inserted or replaced, or two neighbouring letters
  swapped; never the first letter) is a word the articles write, capitalised, as a name.
  Several: the one most sentences use;
- it is not a common English word one edit from a name English does not use: "recap"
  stays "recap", not "Recep" (``index.english``), while "tramp" is read as "Trump".

Only names: "Pence" is one edit from "peace", "irate" from "Iran" by its stem alone
("irane" is no word of the articles), "mediate" from "media"; none of them is read so.
The edits are made of the typed word and checked against the passages that use the
edit's term, so spelling variants count ("Zelenksy" -> "Zelensky", folded to zelenskyy)
and so do inflections ("Ukriane" -> "Ukraine", stemmed "ukrain"), at the same cost for
five articles or a hundred thousand. The word found is shown as the articles write it,
and the question is embedded with it in place of the typo.

A word of a phrase search.aliases folds into one term ("United" of "the United States")
is no name on its own; one edit of a typed word that makes the question name such a
phrase the index uses is read so ("Unietd States").

A name the articles never use stays unknown ("Scholz" is not one edit from anything they
say), so questions about people they never mention are still not found; one edit from
a name they do use is read as that name ("Zelenska" as "Zelensky"), a risk of one edit.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.english import common_english, english_count
from index.lexical import Tokenizer, fold, opens_no_sentence
from index.sentence_table import SentenceTable, passage_bm25, per_build

if TYPE_CHECKING:
    from index.store import IndexData

MIN_CHARS = 4
# Passages read to see how the articles write a word (windows overlap: a few sentences).
_PASSAGES_READ = 8
_LETTERS = string.ascii_lowercase
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_POSSESSIVE = re.compile(r"['’]s$")


@dataclass(frozen=True)
class Correction:
    typed: str  # the word as typed
    word: str  # the name meant, as the articles write it
    typed_term: str
    term: str  # the index term of ``word``


class Names:
    """How the articles of one build write the words of a term, read from a few passages
    using it, and remembered.

    Kept with the build it reads (``names``), it holds no reference to it: the build is
    passed in on each call, so a swapped-out index is freed as soon as nothing serves it
    (a cycle through the build's own cache would outlive it, frozen by gc.freeze).
    """

    def __init__(self, tokenizer: Tokenizer) -> None:
        self._tokenizer = tokenizer
        self._variants = frozenset(tokenizer.variant_words())
        self._written: dict[str, dict[str, str]] = {}

    def as_name(self, data: IndexData, term: str, word: str) -> str | None:
        """``word`` (folded) as the articles write it, if they write it as a name.

        A spelling search.aliases or search.synonyms lists ("zelensky") is the name's in
        whichever spelling the passages read use ("Zelenskyy").
        """
        if term not in self._written:
            self._written[term] = self._names_of(data, term)
        written = self._written[term]
        if word in written:
            return written[word]
        if word in self._variants and written:
            return next(iter(written.values()))
        return None

    def _names_of(self, data: IndexData, term: str) -> dict[str, str]:
        """The words of ``term`` the passages read write as names: capitalised mid-sentence
        more often than not, or capitalised wherever they stand and never in lower case
        ("Tehran" only ever opens its sentences)."""
        mid: dict[str, list[int]] = {}
        lower: set[str] = set()
        shown: dict[str, str] = {}
        postings = passage_bm25(data, self._tokenizer)
        for pid in postings.passages_with(term)[:_PASSAGES_READ]:
            text = data.passage(int(pid)).text
            for match in _WORD.finditer(text):
                written = _POSSESSIVE.sub("", match.group()).rstrip("'’-")
                if self._tokenizer.word_terms(written) != (term,):
                    continue
                folded = fold(written)
                capital = written[0].isupper()
                if capital:
                    shown.setdefault(folded, written)
                else:
                    lower.add(folded)
                if opens_no_sentence(text, match.start()):
                    mid.setdefault(folded, [0, 0])[0 if capital else 1] += 1
        names = [
            w
            for w in shown
            if (w in mid and mid[w][0] > mid[w][1]) or (w not in lower and w not in mid)
        ]
        names.sort(key=lambda w: -mid.get(w, [0])[0])  # the most written first
        return {w: shown[w] for w in names}


def names(data: IndexData, tokenizer: Tokenizer) -> Names:
    """The names reader of ``data``, made on first use and kept with that build."""
    return per_build(data, ("spelling", tokenizer.key), lambda: Names(tokenizer))


def corrections(
    text: str,
    data: IndexData,
    tokenizer: Tokenizer,
    table: SentenceTable,
    known_word: Callable[[str], bool],
) -> list[Correction]:
    """The words of ``text`` read as typos of a name, each with the name meant;
    ``known_word`` tells a real word (one the model knows whole)."""
    written = names(data, tokenizer)
    one_case = text.lower() == text or text.upper() == text
    out: list[Correction] = []
    seen: set[str] = set()
    for typed in _WORD.findall(text):
        typed = _POSSESSIVE.sub("", typed)  # "Zelenksy's": the name is "Zelenksy"
        words = tokenizer.words(typed)
        if len(words) != 1 or typed in seen:
            continue
        seen.add(typed)
        word = words[0]
        (term,) = tokenizer.word_terms(word) or ("",)
        if len(word) < MIN_CHARS or not word.isalpha() or not term or term in table.index:
            continue
        if one_case and known_word(word):
            continue
        if not one_case and not typed[0].isupper():
            continue
        meant: dict[str, tuple[int, str]] = {}
        for edit in _one_edit(word):
            terms = tokenizer.word_terms(edit)
            if len(terms) != 1 or terms[0] not in table.index:
                continue
            shown = written.as_name(data, terms[0], edit)
            if shown is not None:
                meant.setdefault(terms[0], (table.frequency(terms[0]), shown))
        if not meant:
            # "Unietd States": "United" is no name on its own, a word of one the index
            # holds as one term (search.aliases).
            phrase = _completes_a_phrase(text, typed, word, tokenizer, table)
            if phrase is not None:
                out.append(Correction(typed, phrase[0], term, phrase[1]))
            continue
        best = max(meant, key=lambda t: (meant[t][0], t))
        name = meant[best][1]
        if common_english(word) and not english_count(name):
            # "recap" is meant as typed, not as "Recep": a common English word is
            # never read as a name English does not use. A name it does use is a
            # likelier slip ("tramp" -> "Trump", "alaskan" -> "Alaska").
            continue
        out.append(Correction(typed, name, term, best))
    return out


def _completes_a_phrase(
    text: str, typed: str, word: str, tokenizer: Tokenizer, table: SentenceTable
) -> tuple[str, str] | None:
    """The word one edit from ``word`` that makes ``text`` name a phrase of
    search.aliases the index uses ("Unietd States" -> "United"), and the phrase's term."""
    before = set(tokenizer.terms(text))
    for edit in _one_edit(word):
        if not tokenizer.in_a_phrase(edit):
            continue
        shown = edit.capitalize() if typed[0].isupper() else edit
        fixed = re.sub(rf"\b{re.escape(typed)}\b", shown, text)
        gained = [t for t in tokenizer.terms(fixed) if t not in before and t in table.index]
        if gained:
            return shown, gained[0]
    return None


def one_edit_from_the_index(word: str, tokenizer: Tokenizer, table: SentenceTable) -> bool:
    """Whether one edit of ``word`` (keeping its first letter), or its double letter
    moved, is a word the articles use: "ceasfire" is "ceasefire" mistyped, and "tarrifs"
    "tariffs", whatever English makes of them."""
    return any(
        any(t in table.index for t in tokenizer.word_terms(edit))
        for edit in (*_one_edit(word), *_double_moved(word))
    )


def corrected_text(text: str, fixes: list[Correction]) -> str:
    """``text`` with each typo replaced by the name meant."""
    for fix in fixes:
        text = re.sub(rf"\b{re.escape(fix.typed)}\b", fix.word, text)
    return text


def _double_moved(word: str) -> Iterator[str]:
    """``word`` with a double letter written single and another letter doubled, the
    first kept: the slip of "tarrif" for "tariff". Two edits, but one slip of the hand
    in a word the typist knows."""
    for i in range(1, len(word) - 1):
        if word[i] != word[i + 1]:
            continue
        single = word[:i] + word[i + 1 :]
        for j in range(1, len(single)):
            if j != i and single[j].isalpha():
                yield single[: j + 1] + single[j] + single[j + 1 :]


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
