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
