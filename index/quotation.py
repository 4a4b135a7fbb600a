"""Where a quotation starts and ends across sentences, so an excerpt quotes it whole.

The splitter cuts at sentence ends, and a quotation may run over two sentences
('"Looks like we've lost India ... China. May they ... together!" Trump wrote'): quoted
alone, the second half reads as the next speaker's words, and '"How can we ...?" he
added.' does not say who. Answers and the timeline both widen such an excerpt to the
sentence beside it (only whitespace between, so it stays one verbatim span).
"""

from __future__ import annotations

import re

from index.store import IndexData

# A quotation attributed to a pronoun: '"... terror?" he added.' names no one itself;
# the sentence before it says who.
SAID_BY_PRONOUN = re.compile(
    r"[\"”’']\s*,?\s*(?:he|she|they)\s+(?:said|added|stated|told|asked|wrote|continued|"
    r"noted|warned|insisted|explained|stressed)\b",
    re.I,
)


def ends_a_quote_opened_before(text: str) -> bool:
    """True for the tail of a quotation whose opening mark is in an earlier sentence."""
    curly_open, curly_close = text.count("“"), text.count("”")
    if curly_close > curly_open:
        return True
    # Straight quotes: an odd count that ends the sentence closes a quote opened before.
    return text.count('"') % 2 == 1 and text.rstrip().endswith('"')


def starts_inside_a_quote(text: str) -> bool:
    """True when the first quotation mark of ``text`` closes a quotation, which an earlier
    sentence opened ('May they prosper together!" Trump wrote ...')."""
    opening, closing = text.find("“"), text.find("”")
    if closing != -1 and (opening == -1 or closing < opening):
        return True
    first = text.find('"')
    return text.count('"') % 2 == 1 and first > 0 and text[first - 1] in ".!?,…"


def leaves_a_quote_open(text: str) -> bool:
    """True when ``text`` opens a quotation it does not close ('warned that “pressuring
    Moscow is pointless.'), which a later sentence closes."""
    if text.count("“") > text.count("”"):
        return True
    last = text.rfind('"')
    return text.count('"') % 2 == 1 and (last == 0 or text[last - 1] not in ".!?,…")


def adjacent(data: IndexData, first: int, second: int) -> bool:
    """True if two sentences follow each other in one article with only whitespace between."""
    if data.sentences[first, 0] != data.sentences[second, 0]:
        return False
    text = data.article_of_sentence(first).text
    return not text[int(data.sentences[first, 2]) : int(data.sentences[second, 1])].strip()


# How long a sentence and the one its quotation needs may be together, as the lead
# excerpt of an answer (answer.lead_context_chars): a sentence or two.
WHOLE_QUOTE_CHARS = 450


def rest_of_quotation(
    data: IndexData, sid: int, limit: int = WHOLE_QUOTE_CHARS, text: str | None = None
) -> int | None:
    """The sentence beside ``sid`` that its quotation needs: the one before a "he said"
    or a quotation's tail ('May they prosper!" Trump wrote'), or the one after a
    quotation left open; None when it stands alone or the two exceed ``limit`` chars.
    ``text`` is the sentence's text when the caller has it (a read saved)."""
    text = data.sentence(sid).text if text is None else text
    if SAID_BY_PRONOUN.search(text) or starts_inside_a_quote(text):
        other = sid - 1
    elif leaves_a_quote_open(text):
        other = sid + 1
    else:
        return None
    if not 0 <= other < len(data.sentences):
        return None
    first, last = min(sid, other), max(sid, other)
    if not adjacent(data, first, last):
        return None
    return other if data.sentences[last, 2] - data.sentences[first, 1] <= limit else None
