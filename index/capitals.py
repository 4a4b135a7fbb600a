"""A capital named for its country: "Kyiv's delegation" is Ukraine's.

News writes a capital for the government seated there ("Kyiv has violated them",
"accused New Delhi of fueling"), and readers ask the same way. A question naming Kyiv
is then answered by a passage that says Ukraine or Ukrainian, where the not-found rule
counted "Kyiv" as a name the passage lacks.

Only the capital stands for its country, not the other way round: a question about
India is not answered by a passage that names New Delhi alone, which may be about the
city. The groups are ``answer.capitals`` in the settings.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import lru_cache

from index.lexical import Tokenizer


def capital_stands_for(
    term: str,
    present: Collection[str],
    groups: Sequence[Sequence[str]],
    tokenizer: Tokenizer,
) -> bool:
    """Whether ``term`` is a capital of ``groups`` and ``present`` (a passage's terms)
    holds a word for its country: every term of one of the words after it."""
    countries = _countries(tuple(map(tuple, groups)), tokenizer)
    return any(word.issubset(present) for word in countries.get(term, ()))


@lru_cache(maxsize=8)
def _countries(
    groups: tuple[tuple[str, ...], ...], tokenizer: Tokenizer
) -> dict[str, tuple[frozenset[str], ...]]:
    """Each capital's term, mapped to the term sets of the words for its country."""
    out: dict[str, tuple[frozenset[str], ...]] = {}
    for capital, *country in groups:
        terms = tokenizer.terms(capital)
        if len(terms) != 1:
            continue  # settings refuse these; a stale config still loads
        words = tuple(frozenset(tokenizer.terms(w)) for w in country)
        out[terms[0]] = out.get(terms[0], ()) + tuple(w for w in words if w)
    return out
