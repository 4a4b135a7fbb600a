"""The dates a question names, and the dated events that fall on them.

"What happened on September 5?" holds no word an article's sentence could match
but the date, and its cosine to any sentence is low: it was refused as not found while
``/timeline`` listed four events that day. A question that asks only what happened on a
day or in a month is answered from the events found at index time (``index.events``);
a question that names a date beside its topic ("What did Trump say on September 5?")
is answered as usual: the date's words are among its search terms, and ``index.search``
lifts passages of articles published in the month it names. (A lift for sentences that
mention the date itself measured worse: it lost three blind-set first citations.)

A date without a year matches that day or month in any year, as a reader means it:
the articles report one season of talks. A relative date ("on Monday", "last week")
would be read against today, not against the articles, so it is left out. A year
("what happened in 2025") is answered like a month, with its most widely reported
events and the timeline's range for the rest.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from index.dates import DATE_PREPOSITIONS, MONTH_WORDS, find_dates, format_date
from index.events import EventRecord
from index.lexical import Tokenizer
from index.wording import plural

# A leap year, so "February 29" reads; a date without a year is matched on month and day.
_ANY_YEAR = datetime.date(2000, 6, 15)
_WRITTEN_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# A month typed in lower case ("june 2", "in may") reads as the month when a number or a
# date preposition stands beside it; the dates grammar wants it capitalised, because
# "may" alone is the modal verb.
_MONTH_WORD = re.compile(r"\b(" + "|".join(sorted(MONTH_WORDS)) + r")\b", re.I)
_NUMBER_AFTER = re.compile(r"\.?,?\s*\d")
_BEFORE = re.compile(r"(?:\d|\b(?:" + "|".join(sorted(DATE_PREPOSITIONS)) + r"))\W{0,2}$", re.I)

# What a question asks when it asks only about a date ("what happened on June 2?",
# "any news from May 2025?"): nothing here names a topic.
_ONLY_WHEN_WORDS = (
    "happen happened happening happens occur occurred occurring take took taken place go "
    "went going news event events day days anything notable important key main major "
    "development developments significant new newsworthy happend hapened"
)


@dataclass(frozen=True)
class AskedDate:
    """A day or a month a question names; ``year`` is None when none was written."""

    text: str  # as the question writes it
    month: int | None  # None: the whole year
    day: int | None
    year: int | None

    def matches(self, event: EventRecord) -> bool:
        """Whether ``event`` falls on this date (a month-precision event is no day's)."""
        value = event.date
        if self.year is not None and value.year != self.year:
            return False
        if self.month is None:
            return True
        if value.month != self.month or event.precision == "year":
            return False
        if event.precision == "day":
            return self.day is None or value.day == self.day
        return self.day is None

    def holds(self, day: datetime.date | None) -> bool:
        """Whether ``day`` (an article's publication date) falls in this month or year."""
        if day is None or (self.year is not None and day.year != self.year):
            return False
        return self.month is None or day.month == self.month

    def label(self) -> str:
        """ "September 5", "May 2025", "June 2, 2025", "2025": how the reply names it."""
        if self.month is None:
            return str(self.year)
        month = datetime.date(2000, self.month, 1).strftime("%B")
        if self.day is None:
            return f"{month} {self.year}" if self.year else month
        return f"{month} {self.day}, {self.year}" if self.year else f"{month} {self.day}"

    def timeline_range(self, events: Iterable[EventRecord]) -> str | None:
        """The ``/timeline since/until`` bound that lists this date's events, when one year
        holds them all (``2025-09-05``, ``2025-05``)."""
        years = {e.date.year for e in events}
        if self.year is None and len(years) != 1:
            return None
        year = self.year or years.pop()
        if self.month is None:
            return str(year)
        precision = "month" if self.day is None else "day"
        return format_date(datetime.date(year, self.month, self.day or 1), precision)


# Read up to four times a question (search's month lift; the answerer's date-only test,
# its date terms and its names), and pure: the dates of a text never change.
@functools.lru_cache(maxsize=1024)
def asked_dates(question: str) -> tuple[AskedDate, ...]:
    """The days, months and years ``question`` names, in order; no relative dates."""
    text = _MONTH_WORD.sub(lambda m: _month_cased(question, m), question)
    found = []
    for mention in find_dates(text, _ANY_YEAR):
        if mention.relative:
            continue
        written = _WRITTEN_YEAR.search(mention.text)
        value = mention.value
        month = None if mention.precision == "year" else value.month
        day = value.day if mention.precision == "day" else None
        year = int(written.group()) if written else None
        found.append(AskedDate(question[mention.start : mention.end], month, day, year))
    return tuple(found)


def _month_cased(question: str, m: re.Match[str]) -> str:
    beside_a_date = _NUMBER_AFTER.match(question, m.end()) or _BEFORE.search(question, 0, m.start())
    return m.group().capitalize() if beside_a_date else m.group()


def asks_only_when(question: str, dates: tuple[AskedDate, ...], tokenizer: Tokenizer) -> bool:
    """Whether ``question`` asks what happened on its dates and about nothing else."""
    if not dates:
        return False
    rest = question
    for date in dates:
        rest = rest.replace(date.text, " ")
    generic = set(tokenizer.terms(_ONLY_WHEN_WORDS))
    return not (set(tokenizer.terms(rest)) - generic)


def events_on(events: Iterable[EventRecord], dates: tuple[AskedDate, ...]) -> list[EventRecord]:
    """The events that fall on any of ``dates``, in date order."""
    return sorted((e for e in events if any(d.matches(e) for d in dates)), key=lambda e: e.sort_key)


def dates_label(dates: tuple[AskedDate, ...]) -> str:
    """ "September 5", "June 2 or June 3": the question's dates as replies name them."""
    return " or ".join(d.label() for d in dates)


def events_note(events: list[EventRecord], shown: int, dates: tuple[AskedDate, ...]) -> str:
    """What the reply says of how it was made: "4 events dated September 5.", with the
    years when a date without one spans several, and where the rest are when not all
    are shown."""
    note = f"{plural(len(events), 'event')} dated {dates_label(dates)}"
    years = sorted({e.date.year for e in events})
    if len(years) > 1 and all(d.year is None for d in dates):
        # "October" of 2022 (the Kerch Bridge) and of 2025 are different Octobers.
        note += " in " + " and ".join([", ".join(map(str, years[:-1])), str(years[-1])])
    if shown < len(events):
        bound = dates[0].timeline_range(events) if len(dates) == 1 else None
        where = f"the timeline for {bound}" if bound else "the timeline"
        note += f", the {shown} most widely reported shown; {where} lists them all"
    return note + "."
