"""Whom a question means by a role: "the Ukrainian leader" is Zelenskyy.

Readers ask about people by what they are ("What did Russia's top diplomat say?", "Why
did the American president ..."), while the articles mostly write their names ("Lavrov
rejected the accusation"): neither BM25 nor MiniLM links the two. The articles name each
person at least once with a title ("Russian Foreign Minister Sergey Lavrov"), so titles
are mined from the build's own text, and a role the question uses is read as the one
person the articles give it. A role the articles give two people is left as typed:
guessing would put words in the question.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Container, Iterable
from dataclasses import dataclass

from index.lexical import Tokenizer, fold
from index.sentence_table import per_build
from index.store import IndexData

# The words that tie a role to a country: adjective, name, capital or seat of power.
_NATIONS: dict[str, tuple[str, ...]] = {
    "russia": ("russian", "russia", "moscow", "kremlin"),
    "ukraine": ("ukrainian", "ukraine", "kyiv", "kiev"),
    "us": ("us", "u.s.", "american", "america", "washington", "white house"),
    "turkey": ("turkish", "turkey", "ankara"),
    "china": ("chinese", "china", "beijing"),
    "india": ("indian", "india"),
    "france": ("french", "france", "paris"),
    "germany": ("german", "germany", "berlin"),
    "uk": ("british", "uk", "britain", "london"),
    "iran": ("iranian", "iran", "tehran"),
    "north korea": ("north korean", "north korea", "pyongyang"),
}
# The ways of writing one role.
_TITLES: dict[str, tuple[str, ...]] = {
    "leader": ("president", "leader", "head of state", "chief", "boss"),
    "foreign minister": ("foreign minister", "top diplomat"),
    "defence minister": ("defence minister", "defense minister"),
    "spokesperson": ("spokesperson", "spokesman", "spokeswoman", "press secretary"),
    "aide": ("presidential aide", "aide", "adviser", "advisor"),
    "prime minister": ("prime minister", "premier"),
}
_NATION_OF = {word: nation for nation, words in _NATIONS.items() for word in words}
_TITLE_OF = {word: title for title, words in _TITLES.items() for word in words}


def _either(words: list[str]) -> str:
    # Longest first: "north korean" before "north", "presidential aide" before "aide".
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NATION = _either(list(_NATION_OF))
_TITLE = _either(list(_TITLE_OF))
# In the articles: "Russian Foreign Minister Sergey Lavrov", "Ukraine's Defence Minister
# Rustem Umerov", "Kremlin spokesperson Dmitry Peskov", "US President Donald Trump".
_TITLED = re.compile(
    rf"\b(?i:({_NATION})(?:['’]s)?\s+({_TITLE}))\s+"
    r"((?:[A-Z][\w'’-]*\s+){0,2}[A-Z][\w'’-]*)"
)
_POSSESSIVE = re.compile(r"['’]s$")
# In a question: "the Ukrainian leader", "Russia's top diplomat", "the Kremlin's spokesman";
# not "the Russian chief negotiator" or "the Kremlin chief of staff", someone else.
_ROLE = re.compile(
    rf"\b({_NATION})(?:['’]s)?\s+({_TITLE})\b"
    r"(?!\s+(?:of|negotiator|envoy|diplomat|aide|advis[eo]r|spokes\w*|minister|commander)\b)",
    re.I,
)


@dataclass(frozen=True)
class RoleReading:
    """A role the question uses and the name the articles give whoever holds it."""

    role: str  # as typed: "Ukrainian leader", "Russia's top diplomat"
    name: str  # as the articles write it: "Volodymyr Zelenskyy"

    @property
    def surname(self) -> str:
        return self.name.split()[-1]


def _key(nation: str, title: str) -> tuple[str, str]:
    return _NATION_OF[fold(nation)], _TITLE_OF[fold(title)]


def role_names(data: IndexData, tokenizer: Tokenizer) -> dict[tuple[str, str], str]:
    """(country, role) to the one name the articles give it; a role given two people
    (two surnames) is left out. Made once per build."""
    texts = (article.text for article in data.articles)
    return per_build(data, ("role_names", tokenizer.key), lambda: mine_roles(texts, tokenizer))


def _surname(name: str, tokenizer: Tokenizer) -> tuple[str, ...]:
    # By surname, spelling variants folded: "Donald Trump" and "President Trump", or
    # "Zelensky" and "Zelenskyy", are one person.
    return tuple(tokenizer.word_terms(name.split()[-1]))


def mine_roles(texts: Iterable[str], tokenizer: Tokenizer) -> dict[tuple[str, str], str]:
    """(country, role) to the one name ``texts`` give it with a title."""
    names: dict[tuple[str, str], dict[tuple[str, ...], str]] = defaultdict(dict)
    for text in texts:
        for m in _TITLED.finditer(text):
            full = _POSSESSIVE.sub("", m.group(3))
            names[_key(m.group(1), m.group(2))].setdefault(_surname(full, tokenizer), full)
    return {key: next(iter(by.values())) for key, by in names.items() if len(by) == 1}


def read_roles(text: str, data: IndexData, tokenizer: Tokenizer) -> tuple[RoleReading, ...]:
    """The roles ``text`` uses that the articles give one person ``text`` does not name."""
    known = role_names(data, tokenizer)
    asked = set(tokenizer.terms(text))
    out = []
    for m in _ROLE.finditer(text):
        name = known.get(_key(m.group(1), m.group(2)))
        if name and not asked.intersection(_surname(name, tokenizer)):
            out.append(RoleReading(m.group(0), name))
    return tuple(out)


def with_names(text: str, readings: tuple[RoleReading, ...]) -> str:
    """``text`` with each role followed by its holder's surname ("the Ukrainian leader
    Zelenskyy"), so the model and BM25 read whom it means. The role stays: replaced,
    or followed by the full name, the question measured worse (docs/quality.md)."""
    for reading in readings:
        text = text.replace(reading.role, f"{reading.role} {reading.surname}", 1)
    return text


def officials_of(terms: set[str], data: IndexData, tokenizer: Tokenizer) -> set[str]:
    """The surname terms of the people the articles give a role of a country ``terms``
    name ("moscow", "russia", "kremlin" -> Putin, Lavrov, Peskov, Medinsky): news writes a
    capital or a country for its government ("why does Moscow think ...?")."""
    nations = {
        nation for word, nation in _NATION_OF.items() if terms.intersection(tokenizer.terms(word))
    }
    return {
        t
        for (nation, _), name in role_names(data, tokenizer).items()
        if nation in nations
        for t in _surname(name, tokenizer)
    }


def roles_never_written(text: str, data: IndexData) -> tuple[str, ...]:
    """The roles ``text`` uses ("the Turkish foreign minister") that the articles never
    write, with or without a name: like a name they never use, whoever holds it is
    someone the articles do not report on."""
    written = per_build(
        data,
        ("roles_written",),
        lambda: frozenset(
            _key(m.group(1), m.group(2))
            for article in data.articles
            for m in _ROLE.finditer(article.text)
        ),
    )
    return tuple(
        m.group(0) for m in _ROLE.finditer(text) if _key(m.group(1), m.group(2)) not in written
    )


def country_written(term: str, known: Container[str], tokenizer: Tokenizer) -> bool:
    """Whether ``term`` is a word for a country ("iranian", "american") the articles
    write another way ("Iran", "Tehran"; "US", "Washington"): no name they lack."""
    nations = {nation for word, nation in _NATION_OF.items() if term in tokenizer.terms(word)}
    return any(
        t in known
        for word, nation in _NATION_OF.items()
        if nation in nations
        for t in tokenizer.terms(word)
    )
