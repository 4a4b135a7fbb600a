"""Split cleaned story blocks into sentences, and sentences into passages.

Offsets are character offsets into the article text, so that for every sentence and
passage ``article.text[start:end]`` is its text exactly. A passage is a run of whole,
consecutive sentences of one block (paragraph): it never spans text the cleaner removed,
so its text is a verbatim, furniture-free span of the file.

Deliberately rule-based: news prose is regular enough that a splitter which knows
abbreviations, initials and quotes beats a model we would have to ship.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.records import Span

# Abbreviations that end with a full stop but rarely end a sentence.
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof gen col lt sgt capt maj adm gov sen rep st jr sr inc ltd co corp
    dept est no vs etc approx fig jan feb mar apr jun jul aug sep sept oct nov dec
    u.s u.k u.n e.u a.m p.m i.e e.g
    """.split()  # noqa: SIM905 (a word list reads better as prose)
)

# A sentence ends at . ! ? or an ellipsis, optionally followed by closing quotes or
# brackets, then whitespace, then something that can start a sentence.
_BOUNDARY = re.compile(
    r"""(?:[.!?]+|…)["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9À-ÖØ-Þ])""",
    re.VERBOSE,
)
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")
# What follows a quotation that ends in ! or ? within the same sentence: its speaker,
# one to three capitalised words, and a verb of saying ('"... together!" Trump wrote in
# a post', '"Why?" President Zelenskyy asked'). After a full stop a name and "said" start
# a new sentence as often ('... ready." Putin said the talks ...'), so only ! and ?.
_ATTRIBUTION = re.compile(
    r"\s+(?:[A-Z][\w'’.-]*\s+){1,3}"
    r"(?:said|says|asked|asks|wrote|writes|added|adds|told|tells|shouted|exclaimed|"
    r"replied|declared|posted|tweeted|insisted|wondered)\b"
)


def split_sentences(text: str, block: Span) -> list[Span]:
    """Sentence spans inside ``block``, trimmed of surrounding whitespace."""
    segment = text[block.start : block.end]
    spans: list[Span] = []
    cursor = 0
    for match in _BOUNDARY.finditer(segment):
        end = match.end()
        if _is_abbreviation(segment, match.start(), match.group()):
            continue
        if _quote_then_speaker(segment, match.group(), end):
            continue
        _append_trimmed(spans, segment, cursor, end, block.start)
        cursor = end
    _append_trimmed(spans, segment, cursor, len(segment), block.start)
    return spans


def _is_abbreviation(segment: str, dot_at: int, mark: str) -> bool:
    if not mark.startswith("."):
        return False
    if mark.startswith("..."):
        # "...." inside a quote followed by a capital is a pause more often than an end,
        # but splitting there is harmless; keep it as a boundary.
        return False
    word = _WORD_BEFORE.search(segment, 0, dot_at + 1)
    if word is None:
        return False
    token = word.group(1).lower().rstrip(".")
    if token in ABBREVIATIONS:
        return True
    # A single capital letter ("Donald J. Trump") is an initial.
    return len(token) == 1 and word.group(1).isupper()


def _quote_then_speaker(segment: str, mark: str, end: int) -> bool:
    """True when ``mark`` closes a quotation with ! or ? and its speaker follows."""
    closes_quote = mark[-1:] in "\"'”’" and any(c in mark for c in "!?")
    return closes_quote and _ATTRIBUTION.match(segment, end) is not None


def _append_trimmed(spans: list[Span], segment: str, start: int, end: int, offset: int) -> None:
    piece = segment[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    lead = len(piece) - len(piece.lstrip())
    s = offset + start + lead
    spans.append(Span(s, s + len(stripped)))


def merge_short(sentences: list[Span], min_chars: int) -> list[Span]:
    """Merge sentences shorter than ``min_chars`` into the previous one (same block)."""
    merged: list[Span] = []
    for span in sentences:
        if merged and span.end - span.start < min_chars:
            merged[-1] = Span(merged[-1].start, span.end)
        else:
            merged.append(span)
    return merged


def pack_passages(
    sentences: Sequence[Span],
    *,
    max_chars: int,
    max_tokens: int,
    sentence_tokens: Sequence[int],
) -> list[tuple[int, int]]:
    """Group consecutive sentences of one block into passages.

    Returns ``(first, last)`` index pairs into ``sentences`` (``last`` exclusive).
    ``sentence_tokens`` gives each sentence's word pieces; a passage's count is their sum
    (word pieces never cross the whitespace between sentences, so each sentence is
    tokenised once, not once per passage it is tried in). A sentence longer than the
    limits becomes a passage of its own: we never cut inside a sentence, because every
    excerpt must be a whole, checkable sentence.
    """
    groups: list[tuple[int, int]] = []
    first = 0
    tokens = sentence_tokens[0] if sentences else 0
    for i in range(1, len(sentences) + 1):
        if i == len(sentences):
            groups.append((first, i))
            break
        tokens += sentence_tokens[i]
        if sentences[i].end - sentences[first].start > max_chars or tokens > max_tokens:
            groups.append((first, i))
            first = i
            tokens = sentence_tokens[i]
    return groups


def window_passages(
    sentences: Sequence[Span],
    *,
    size: int,
    stride: int,
    max_chars: int,
    max_tokens: int,
    sentence_tokens: Sequence[int],
) -> list[tuple[int, int]]:
    """Overlapping windows of up to ``size`` consecutive sentences, one every ``stride``.

    Each window is cut short where it would pass the limits (never below one sentence);
    the last window always reaches the last sentence, so every sentence is in one.
    ``sentence_tokens`` as in :func:`pack_passages`.
    """
    groups: list[tuple[int, int]] = []
    n = len(sentences)
    starts = list(range(0, max(n - size, 0) + 1, stride))
    if starts and starts[-1] + size < n:
        starts.append(n - size)
    for first in starts:
        last = min(first + size, n)
        while last - first > 1:
            chars = sentences[last - 1].end - sentences[first].start
            if chars <= max_chars and sum(sentence_tokens[first:last]) <= max_tokens:
                break
            last -= 1
        if not groups or groups[-1] != (first, last):
            groups.append((first, last))
    # Windows cut short may leave sentences between them uncovered: give those their own.
    covered = {i for a, b in groups for i in range(a, b)}
    groups += [(i, i + 1) for i in range(n) if i not in covered]
    return sorted(groups)
