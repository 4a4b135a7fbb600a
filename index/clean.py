"""Tell a page's story from its furniture, line by line, and give back the story as spans.

A seed file is the visible text of a web page: the story, plus navigation, captions
printed twice, video players, subscription prompts, app and social links, comment
policies and the publisher's boilerplate. :func:`clean_article` keeps the lines that read
as the story's own prose and returns them as :class:`~index.records.Span` offsets into the
text exactly as given, one line per span, trimmed of whitespace and bullet characters.
:func:`find_headline` names the page's headline for articles sources.yaml has no title for.

The rules are general, not one script per site: sentence shape (enough words, sentence
punctuation, not title case), repetition (a line equal to its neighbour, or one text
printed twice, is a caption), script (lines mostly outside the Latin alphabet), link
density (URLs, pipe-separated link lists) and context (short sentence-like lines count
only next to substantial prose). A short config list, ``cleaning.patterns``, names the
publishers' fixed phrases that read exactly like sentences.

It deliberately does not split sentences, normalise or rewrite text (a span always quotes
the file verbatim), read files, or enforce ``cleaning.max_file_bytes`` (the loader does).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import islice
from typing import NamedTuple

from index.errors import ConfigError
from index.records import Span

# A story line has at least this many words...
MIN_WORDS = 3
# ...and a run of story-like lines with no furniture between them is kept only if one of
# them has at least this many: alone, short tidy lines are promos ("One app. One
# membership.", "100+ trusted global sources.").
SURE_WORDS = 12
# Lines this long are prose even without a final full stop (a lede ending in a quote).
PROSE_WORDS = 25
# Headlines are a handful of words: fewer is a section name or a byline ("Breaking News",
# "David O'Sullivan"), more is prose.
HEADLINE_WORDS = (4, 30)
# The headline sits near the top of the page, under at most a menu's worth of lines.
HEADLINE_WITHIN = 200
# Words, case and script are judged on a line's first characters: plenty to tell prose
# from furniture, and it keeps a 10 MB one-line file cheap.
_SHAPE_PREFIX = 2000

# A line: text between the line breaks str.splitlines knows ("\r\n", "\r", "\n", ...), so
# no span ever holds a line break. Empty lines are skipped by the pattern itself.
_LINE = re.compile(r"[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")
# Whitespace (everything str.isspace knows), control and invisible format characters
# (BOM, zero-width space, direction marks, soft hyphen): never the first or last
# character of a span.
_INVISIBLE = (
    "".join(map(chr, range(0x00, 0x21)))
    + "".join(map(chr, range(0x7F, 0xA1)))
    + "\u00ad\u1680"
    + "".join(map(chr, range(0x2000, 0x2010)))
    + "\u2028\u2029\u202f\u205f\u2060\u3000\ufeff"
)
_BULLETS = "•◦▪▫‣∙·●○■□►▶➢✓✔"
# These are bullets only when a space follows: "-5C" and "*Note" keep their first character.
_SPACED_BULLETS = "-*–—"
_LEAD_STRIP = _INVISIBLE + _BULLETS
_NOT_FIRST = frozenset(_LEAD_STRIP + _SPACED_BULLETS)
_NOT_LAST = frozenset(_INVISIBLE)
_CLOSERS = "\"'”’»)]"
_SENTENCE_END = ".!?…"
# A headline can end in "?" or "!", never in a full stop or mid-clause.
_NOT_HEADLINE_END = ".,:;…"

# The first letter of each word (a whitespace-separated token that, past any opening
# punctuation, starts with a letter): one pass gives both word count and case.
_INITIAL = re.compile(r"(?<!\S)[^\s\w]*([^\W\d_])")
_NON_LATIN_LETTER = re.compile(r"[^\W\d_A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# The address of a markdown link whose text is words: "[according to the ministry](https://
# ...)" is a sourced sentence of the story, not a share line.
_WORDED_LINK_TARGET = re.compile(r"(?<=\w)\]\((?:https?://|www\.)[^\s)]*\)", re.IGNORECASE)
# Control characters and U+FFFD: the marks of binary data decoded as text.
_JUNK = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")

_DROP, _SHORT, _SURE = 0, 1, 2


class _Line(NamedTuple):
    start: int  # offsets of the trimmed line in the text
    end: int
    text: str  # text[start:end]


class Cleaner:
    """The cleaning rules with ``cleaning.patterns`` compiled once; reusable, thread-safe."""

    def __init__(self, patterns: Sequence[str] = ()) -> None:
        self._patterns = _compile(patterns)

    def clean(self, text: str) -> list[Span]:
        """Kept story blocks: ordered, non-overlapping spans of `text`, one line each."""
        lines = list(_lines(text))
        headline = self._first_headline(lines)
        kinds = [self._kind(line.text, headline) for line in lines]
        _drop_captions(lines, kinds)
        return _keep_story_runs(lines, kinds)

    def headline(self, text: str) -> str | None:
        """The first headline-shaped line that is not furniture, or None."""
        return self._first_headline(_lines(text))

    def _first_headline(self, lines: Iterable[_Line]) -> str | None:
        for line in islice(lines, HEADLINE_WITHIN):
            if _headline_shaped(line.text) and not self._furniture(line.text):
                return line.text
        return None

    def _kind(self, line: str, headline: str | None) -> int:
        kind = _shape(line)
        # Patterns only need to run on lines the general rules would keep.
        if kind != _DROP and (line == headline or self._furniture(line)):
            return _DROP
        return kind

    def _furniture(self, line: str) -> bool:
        return any(pattern.fullmatch(line) for pattern in self._patterns)


def clean_article(text: str, patterns: Sequence[str] = ()) -> list[Span]:
    """Kept story blocks: ordered, non-overlapping spans of `text`."""
    return _cleaner(patterns).clean(text)


def find_headline(text: str, patterns: Sequence[str] = ()) -> str | None:
    """The article's headline line (for when sources.yaml has no title), or None."""
    return _cleaner(patterns).headline(text)


def _cleaner(patterns: Sequence[str]) -> Cleaner:
    if isinstance(patterns, str):
        raise ConfigError(
            "'cleaning.patterns' must be a list of regular expressions, not one string"
        )
    key = tuple(patterns)
    try:
        return _cached_cleaner(key)
    except TypeError:  # an unhashable item: let Cleaner say what is wrong with it
        return Cleaner(key)


@lru_cache(maxsize=16)
def _cached_cleaner(patterns: tuple[str, ...]) -> Cleaner:
    return Cleaner(patterns)


def _compile(patterns: Sequence[str]) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        if not isinstance(pattern, str):
            raise ConfigError(
                f"'cleaning.patterns': {pattern!r} is not a regular expression (a string)"
            )
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE))
        except re.error as exc:
            raise ConfigError(
                f"'cleaning.patterns': {pattern!r} is not a valid regular expression "
                f"({exc}); fix or remove it in the config file"
            ) from None
    return tuple(compiled)


def _lines(text: str) -> Iterator[_Line]:
    """The non-blank lines of `text`, trimmed."""
    for match in _LINE.finditer(text):
        line = _trim(text, match.start(), match.end())
        if line.text:
            yield line


def _trim(text: str, start: int, end: int) -> _Line:
    raw = text[start:end]
    if raw[0] not in _NOT_FIRST and raw[-1] not in _NOT_LAST:
        return _Line(start, end, raw)  # most lines: nothing to trim
    body = raw.lstrip(_LEAD_STRIP)
    while len(body) > 1 and body[0] in _SPACED_BULLETS and body[1] in _NOT_LAST:
        body = body[1:].lstrip(_LEAD_STRIP)
    first = start + len(raw) - len(body)
    body = body.rstrip(_INVISIBLE)
    return _Line(first, first + len(body), body)


def _shape(line: str) -> int:
    """How much `line`, on its own, reads like a paragraph of the story."""
    head = line[:_SHAPE_PREFIX]
    initials = _INITIAL.findall(head)
    words = len(initials)
    if words < MIN_WORDS or _junk(head) or _foreign(head) or _link_list(line, words):
        return _DROP
    if _doubled(line):
        return _DROP
    capitals = sum(map(str.isupper, initials)) / words
    if words >= 4 and capitals >= 0.75:  # Headline Or Menu Shaped
        return _DROP
    if not _ends_sentence(line) and (words < PROSE_WORDS or capitals > 0.5):
        return _DROP  # captions, credits, subheads, "please wait"
    return _SURE if words >= SURE_WORDS else _SHORT


def _headline_shaped(line: str) -> bool:
    if not (line[0].isalnum() or line[0] in "\"'“‘"):
        return False  # "(Photo: ...)", "<< Follow ... >>"
    core = line.rstrip(_CLOSERS)
    if not core or core[-1] in _NOT_HEADLINE_END:
        return False
    head = line[:_SHAPE_PREFIX]
    words = len(_INITIAL.findall(head))
    low, high = HEADLINE_WORDS
    if not low <= words <= high:
        return False
    return not (_junk(head) or _foreign(head) or _link_list(line, words) or _doubled(line))


def _ends_sentence(line: str) -> bool:
    # A closing quote or bracket ends a sentence only after sentence punctuation:
    # `... sanctions."` does, a headline's `... 'Any Day'` does not.
    core = line.rstrip(_CLOSERS)
    return bool(core) and core[-1] in _SENTENCE_END


def _junk(head: str) -> bool:
    return _JUNK.search(head) is not None and len(_JUNK.findall(head)) * 20 > len(head)


def _foreign(head: str) -> bool:
    """Mostly another script (the Hebrew and Arabic captions on English pages)."""
    if head.isascii():
        return False
    visible = len(head) - head.count(" ")
    return len(_NON_LATIN_LETTER.findall(head)) * 3 > visible


def _link_list(line: str, words: int) -> bool:
    """App-store and share lines: URLs, or short items between pipes. The addresses of
    markdown links with words for text do not count: a paragraph citing its source
    through one was dropped whole (its address was a third of the line)."""
    urls = _URL.findall(_WORDED_LINK_TARGET.sub("]", line))
    if urls and sum(map(len, urls)) * 100 > 15 * len(line):
        return True
    bars = line.count("|")
    return bars >= 2 and words <= 4 * (bars + 1)


def _doubled(line: str) -> bool:
    """One text printed twice on one line, as photo and video captions are."""
    for gap in (0, 1, 2):  # the copies are joined by nothing, a space or two
        half, odd = divmod(len(line) - gap, 2)
        joined = not gap or line[half : half + gap].isspace()
        if not odd and half >= 10 and joined and line[:half] == line[half + gap :]:
            return True
    return False


def _drop_captions(lines: list[_Line], kinds: list[int]) -> None:
    """Drop every copy of a line printed two or more times in a row (blank lines aside)."""
    for i in range(1, len(lines)):
        if lines[i].text == lines[i - 1].text:
            kinds[i - 1] = kinds[i] = _DROP


def _keep_story_runs(lines: list[_Line], kinds: list[int]) -> list[Span]:
    """Keep runs of story-like lines that hold at least one substantial one."""
    kept: list[Span] = []
    first = 0  # the current run is lines[first:i]
    for i in range(len(lines) + 1):
        if i == len(lines) or kinds[i] == _DROP:
            if _SURE in kinds[first:i]:
                kept.extend(Span(line.start, line.end) for line in lines[first:i])
            first = i + 1
    return kept
