"""Typos in a question: a name the index never uses, one keystroke from one it does.

"What did Peskow say?" matched nothing by its words, and a capitalised word the index
never uses counts against answering at all, so one slip of a key turned an answerable
question into "not found". A question word is read as the index's word when:

- the index never uses it (a word it uses is never changed);
- it has at least ``MIN_CHARS`` letters (shorter words are too often one edit from
  another real word: "talk", "tall");
- the model's vocabulary has no whole word for it: a word the model knows whole is a
  real English word the articles happen not to use ("sneak" is one edit from "speak");
- an index term, or a spelling variant of search.aliases or search.synonyms
  ("zelenksy" is one edit from "zelensky"), starts with the same letter and is one edit
  away (a substitution, insertion, deletion or swap of two neighbouring letters).
  Several: the one most sentences use.

Unknown names stay unknown ("Scholz" is not one edit from anything the articles say),
so questions about people the articles never mention are still not found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import OSA

from index.lexical import Tokenizer
from index.sentence_table import SentenceTable, per_build, sentence_table

if TYPE_CHECKING:
    from index.store import IndexData

MIN_CHARS = 5
MAX_EDITS = 1


@dataclass(frozen=True)
class Vocabulary:
    """What a question's words are matched against: the index's terms and the variant
    spellings the tokenizer folds into one of them."""

    # Index terms and variant words by their first letter: a typo rarely hits the first
    # letter, and one letter's share of 200k terms is searched in ~1 ms instead of ~23.
    terms: dict[str, tuple[str, ...]]
    variants: dict[str, tuple[str, ...]]  # folded variant words, as typed
    variant_terms: dict[str, str]  # variant word -> the index term it folds to

    @classmethod
    def of(cls, table: SentenceTable, tokenizer: Tokenizer) -> Vocabulary:
        variant_terms = {
            word: terms[0]
            for word in tokenizer.variant_words()
            if len(terms := tokenizer.word_terms(word)) == 1 and terms[0] in table.index
        }
        return cls(_by_initial(table.index), _by_initial(variant_terms), variant_terms)


def _by_initial(words: Iterable[str]) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    for word in words:
        if word:
            grouped.setdefault(word[0], []).append(word)
    return {initial: tuple(group) for initial, group in grouped.items()}


def vocabulary(data: IndexData, tokenizer: Tokenizer) -> Vocabulary:
    """The vocabulary of ``data``, made on first use and kept with that build."""
    return per_build(
        data,
        ("spelling", tokenizer.key),
        lambda: Vocabulary.of(sentence_table(data, tokenizer), tokenizer),
    )


def corrections(
    words: Sequence[str],
    terms: Sequence[str],
    table: SentenceTable,
    vocabulary: Vocabulary,
    known_word: Callable[[str], bool],
) -> dict[str, str]:
    """``{typed term: index term}`` for the question's words read as typos.

    ``words`` are the question's words as the tokenizer reads them (folded, not stemmed)
    and ``terms`` their terms, in the same order; ``known_word`` tells a real word.
    """
    out: dict[str, str] = {}
    for word, term in zip(words, terms, strict=True):
        if term in table.index or term in out or len(word) < MIN_CHARS or not word.isalpha():
            continue
        if known_word(word):
            continue
        near = [(table.frequency(t), t) for t in _one_edit(term, vocabulary.terms)]
        for variant in _one_edit(word, vocabulary.variants):
            folded = vocabulary.variant_terms[variant]
            near.append((table.frequency(folded), folded))
        if near:
            out[term] = max(near)[1]
    return out


def _one_edit(word: str, by_initial: dict[str, tuple[str, ...]]) -> list[str]:
    """The words of ``by_initial`` that start like ``word`` and are one edit from it."""
    choices = by_initial.get(word[0], ())
    found = process.extract(word, choices, scorer=OSA.distance, score_cutoff=MAX_EDITS, limit=None)
    return [choice for choice, _, _ in found]
