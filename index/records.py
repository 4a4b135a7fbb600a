"""Named, immutable result types shared by the engine and its front ends.

Every text field that quotes an article (``Sentence.text``, ``Passage.text``,
``Citation.excerpt``) is exactly ``article.text[start:end]``: offsets are character
offsets into the article file as decoded (no newline translation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


def iso_or_none(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class Article:
    """One article file with its metadata from sources.yaml (or fallbacks)."""

    doc_id: str  # the file name without its extension, e.g. "000_086fd48e31ce2218"
    filename: str  # the file name inside the seeds folder
    text: str  # the whole file, decoded as UTF-8, untouched
    title: str
    outlet: str | None
    published: date | None
    url: str | None = None
    author: str | None = None
    content_hash: str = ""  # sha256 of the file's bytes
    metadata_hash: str = ""  # sha256 of the metadata that reaches answers


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Passage:
    """A run of consecutive sentences of one article, sized for the embedding model."""

    pid: int  # row in the index
    doc_id: str
    start: int
    end: int
    text: str
    first_sentence: int  # global sentence rows [first_sentence, last_sentence)
    last_sentence: int


@dataclass(frozen=True)
class SearchHit:
    rank: int
    score: float
    passage: Passage
    dense_score: float | None = None
    lexical_score: float | None = None


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    title: str
    outlet: str | None
    published: date | None
    url: str | None
    excerpt: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return {
            "n": self.n,
            "doc_id": self.doc_id,
            "title": self.title,
            "outlet": self.outlet,
            "published": iso_or_none(self.published),
            "url": self.url,
            "excerpt": self.excerpt,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class Answer:
    question: str
    found: bool
    answer: str  # verbatim sentences, each followed by its [n] marker
    citations: tuple[Citation, ...] = ()
    reason: str | None = None  # why found is False, in the user's words
    timings: dict[str, float] = field(default_factory=dict, compare=False)
    # (as typed, as read): words of the question read as typos ("Peskow", "Peskov")
    read_as: tuple[tuple[str, str], ...] = ()
    # How the answer was made when not by ranking sentences ("4 events dated September 5.")
    note: str | None = None

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "found": self.found,
            "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations],
            "reason": self.reason,
            "read_as": [{"typed": typed, "read": read} for typed, read in self.read_as],
            "note": self.note,
        }

    def read_as_note(self) -> str:
        """'Read “Peskow” as “Peskov”.' for the words read as typos, or ""."""
        if not self.read_as:
            return ""
        pairs = " and ".join(f"“{typed}” as “{read}”" for typed, read in self.read_as)
        return f"Read {pairs}."

    def footnote(self) -> str:
        """What the asker should know besides the answer: how typos were read, and how
        the answer was made; "" when nothing."""
        return " ".join(part for part in (self.read_as_note(), self.note) if part)


@dataclass(frozen=True)
class SourceInfo:
    doc_id: str
    title: str
    outlet: str | None
    published: date | None
    url: str | None
    passages: int
    author: str | None = None

    def to_dict(self) -> dict:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "outlet": self.outlet,
            "published": iso_or_none(self.published),
            "url": self.url,
            "author": self.author,
            "passages": self.passages,
        }
