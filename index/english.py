"""How often English uses a word, from a general word list (pyspellchecker's English
frequencies): what tells "recap" from a slip of the key in "Recep".

The spelling reader (``index.spelling``) reads a question word the articles never use as
the name one edit away, and "give me a recap of the talks" was answered about Recep
Tayyip Erdogan. The model's word pieces hold about 20,000 whole words, and "recap",
"vitals", "rusted" (Rustem) and "mods" (Modi) are not among them; the list holds 160,000.
"""

from __future__ import annotations

from functools import cache

from spellchecker import SpellChecker

# The list's own floor is 50: rarer entries are as often typos ("chian") as words.
COMMON = 100


@cache
def _checker() -> SpellChecker:
    # Loaded once, on first use: 0.4 s and about 35 MB. Only its counts are read; the
    # edit distance (for suggestions, never asked for) is the smallest.
    return SpellChecker(language="en", distance=1)


def english_count(word: str) -> int:
    """How often the word list counts ``word`` (any case); 0 when it does not list it."""
    return int(_checker()[word.lower()])


def common_english(word: str) -> bool:
    """Whether ``word`` is a word English writes commonly enough to be meant as typed."""
    return english_count(word) >= COMMON


def foreign_to_english(word: str) -> bool:
    """Whether ``word`` is no English word: not a common one, not one edit from one (a
    slip of the key, "goverment", "dont", or a British spelling, "immobilised"), and not
    two written as one ("sitdown", "airbases"). "minsk", "scholz" and "macron" are
    foreign; "sneak" and "haggle" are not. What a word typed in lower case that the
    articles never use must be to be read as a name ("what was agreed at the minsk
    talks?")."""
    lowered = word.lower()
    if english_count(lowered) >= COMMON:
        return False
    near = _checker().candidates(lowered) or ()
    if any(english_count(c) >= COMMON for c in near if c != lowered):
        return False
    return not _two_words(lowered)


def _two_words(word: str) -> bool:
    """Whether ``word`` is two common English words written as one, the longer of four
    letters or more ("sit"+"down", "air"+"bases"; not "mac"+"ron")."""
    return any(
        len(word[:i]) >= 3
        and len(word[i:]) >= 3
        and max(i, len(word) - i) >= 4
        and english_count(word[:i]) >= COMMON
        and english_count(word[i:]) >= COMMON
        for i in range(3, len(word) - 2)
    )
