"""Find the dates a news sentence mentions and normalise them for a timeline.

``find_dates(sentence, published)`` returns every date expression in one sentence as a
:class:`DateMention`: its character span, a calendar date and a precision (``"day"``,
``"month"`` or ``"year"``; for month and year precision the value is the first day of
the period). ``event_date`` picks the one date a sentence is about; ``event_dates``
gives one date per distinct event for a timeline.

How it works: a regex grammar finds candidate spans (month names with optional day and
year, years in date contexts, weekdays, "last/this/next week|month|year", "yesterday",
"today", "tomorrow", ISO dates), and plain calendar arithmetic resolves them. dateparser
is deliberately not called: it is slow (tens of ms per call), reads the modal "may" as a
month, and resolves a weekday equal to the base date's weekday to the week before.

Rules, in the order a reader needs them:

- A date without a year takes the reading nearest the publication date (ties go to the
  past). Such a date is ``relative=False``: ``relative`` marks deictic expressions only
  (weekdays, "last month", "this week", "yesterday", ...).
- A weekday means the nearest such day within a week of publication; the publication
  weekday itself means the publication day. "next"/"last" force the future/past
  occurrence; otherwise words just before the weekday decide (future: "starting", "until",
  "will", "can meet", "to resume", ...; past: "said", "-ed" verbs, ...); the default is the
  past, as news mostly reports what happened.
- "overnight between Saturday and Sunday" is dated by the evening the night starts (the
  Saturday), as in "the night of May 10".
- A week or weekend cannot be a day: "this week", "earlier/later this week", "last/next
  week" and "the weekend" get month precision when the whole span lies in one month, and
  no date otherwise. "last/this/next month|year" get month/year precision.
- Month names must be capitalised (or all capitals). A bare month name needs a date
  context ("in May", "since March", "early September", "May 12", "May 2025"), so the
  modal ("May they have ...") and names ("Theresa May") are not dates. A bare year
  (1900..2100) needs one too ("in 2014", "the 2022 draft", "Moscow's 2022 invasion") and
  must not count something ("2000 troops"). Durations, counts, ordinals and timestamps
  never match the grammar.
- With ``published=None`` only dates with an explicit year are kept.

Deliberately not handled: "N days ago", numeric dates other than ISO (04/06/2025 is
ambiguous), "that day"/"the next day" (they refer to another date in the text, not to the
publication), bare "overnight", "now", date ranges (only their first date is read), and
times of day.
"""

from __future__ import annotations

import bisect
import datetime
import re
from dataclasses import dataclass

# Bump when this module reads dates differently: a refresh then reads every article again
# instead of carrying over the dates an older build stored for unchanged articles.
DATING_VERSION = 1
PRECISIONS = ("day", "month", "year")
MIN_YEAR = 1900
MAX_YEAR = 2100
_RANK = {"day": 0, "month": 1, "year": 2}


@dataclass(frozen=True)
class DateMention:
    start: int  # offsets into the sentence string passed in
    end: int
    text: str  # == sentence[start:end]
    value: datetime.date  # first day of the month/year for month/year precision
    precision: str  # "day" | "month" | "year"
    relative: bool  # resolved against the publication date (deictic expression)


def format_date(value: datetime.date, precision: str) -> str:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` for day, month or year precision."""
    if precision == "day":
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if precision == "month":
        return f"{value.year:04d}-{value.month:02d}"
    if precision == "year":
        return f"{value.year:04d}"
    raise ValueError(f"precision {precision!r} is not one of {', '.join(PRECISIONS)}")


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# --- grammar ----------------------------------------------------------------------------


def _cased(*words: str) -> str:
    # Title case, lower case or capitals only: re.IGNORECASE would also accept oddities
    # such as the long s ("ſ") and make the dictionary look-ups below fail.
    forms: list[str] = []
    for w in words:
        for f in (w.lower(), w[0].upper() + w[1:].lower(), w.upper()):
            if f not in forms:
                forms.append(f)
    return "(?:" + "|".join(sorted(forms, key=len, reverse=True)) + ")"


def _titled(*words: str) -> str:
    # Names (months, weekdays) must be capitalised: lowercase "may" is the modal verb.
    forms = [w.capitalize() for w in words] + [w.upper() for w in words]
    return "(?:" + "|".join(sorted(forms, key=len, reverse=True)) + ")"


_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip
_MONTH_ABBR = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
# Every name and abbreviation of a month, lower case, for readers of typed text.
MONTH_WORDS = frozenset(_MONTHS) | frozenset(_MONTH_ABBR)
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
    "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip

_MONTH_FULL = _titled(*_MONTHS)
# Abbreviations only ever appear with a day number: a bare "Jan" is more often a name.
_MONTH_ANY = "(?:" + _MONTH_FULL + "|" + _titled(*_MONTH_ABBR) + r"\.?)"
_WD = _titled(*_WEEKDAYS)
_DAY = r"(?P<day>[0-3]?[0-9])(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)[0-9]{2}|2100)"
_NO_DIGIT_AFTER = r"(?![0-9]|:[0-9]|[.,][0-9]|\w)"
_QUAL = r"(?P<qual>" + _cased("early", "late", "mid", "middle") + r")(?:-|\s+)"
_OPT_WD = r"(?:" + _WD + r",?\s+)?"  # "Monday, June 2" is one mention

_ISO = re.compile(r"(?<![0-9\w-])" + _YEAR + r"-(?P<mon>[01][0-9])-(?P<day>[0-3][0-9])(?![0-9])")
_MONTH_DAY = re.compile(
    r"\b"
    + _OPT_WD
    + r"(?P<month>"
    + _MONTH_ANY
    + r")\s+"
    + _DAY
    + _NO_DIGIT_AFTER
    + r"(?:,?\s+"
    + _YEAR
    + r"(?![0-9]))?"
)
_DAY_MONTH = re.compile(
    r"(?<![0-9\w:.,])"
    + _OPT_WD
    + _DAY
    + r"\s+(?:of\s+)?(?P<month>"
    + _MONTH_ANY
    + r")(?:,?\s+"
    + _YEAR
    + r")?\b"
)
_MONTH_YEAR = re.compile(
    r"\b(?:" + _QUAL + r")?(?P<month>" + _MONTH_FULL + r"),?\s+" + _YEAR + r"(?![0-9\w])"
)
_QUAL_MONTH = re.compile(r"\b" + _QUAL + r"(?P<month>" + _MONTH_FULL + r")\b")
_DEICTIC_MONTH = re.compile(
    r"\b(?P<rel>" + _cased("last", "this", "next") + r")\s+(?P<month>" + _MONTH_FULL + r")\b"
)
_BARE_MONTH = re.compile(r"\b(?P<month>" + _MONTH_FULL + r")\b")
_RELATIVE = re.compile(
    r"\b(?:(?P<mod>"
    + _cased("earlier", "later")
    + r")\s+)?(?P<rel>"
    + _cased("last", "this", "next", "past", "coming")
    + r")\s+(?P<unit>"
    + _cased("week", "weekend", "month", "year")
    + r")\b"
)
_WEEKEND = re.compile(r"\b(?:" + _cased("over", "at", "during") + r")\s+the\s+weekend\b")
_DAY_WORD = re.compile(
    r"\b(?P<word>"
    + _cased("yesterday", "today", "tonight", "tomorrow")
    + r"|"
    + _cased("last")
    + r"\s+night)\b"
)
_OVERNIGHT = re.compile(
    r"\b(?:"
    + _cased("overnight")
    + r"|(?:the\s+)?"
    + _cased("night")
    + r")\s+(?:between|from|of)\s+(?P<wd1>"
    + _WD
    + r")\s+(?:and|to|into)\s+(?P<wd2>"
    + _WD
    + r")\b"
)
_WEEKDAY = re.compile(
    r"\b(?:(?P<rel>" + _cased("last", "this", "next", "coming") + r")\s+)?(?P<wd>" + _WD + r")\b"
)
_QUAL_YEAR = re.compile(r"\b" + _QUAL + _YEAR + r"(?![0-9\w])")
_BARE_YEAR = re.compile(r"(?<![\w$€£#/.:,-])" + _YEAR + r"(?![0-9\w%/:]|[.,][0-9])")

# A bare month or year is a date only after one of these words ("in May", "since 2014").
_DATE_PREPS = _wordset(
    "in since until till by from of during before after through throughout between "
    "early late mid around circa"
)
DATE_PREPOSITIONS = _DATE_PREPS
# Words that also introduce a year: "the 2022 draft agreement", "Moscow's 2022 invasion".
_YEAR_PREPS = _DATE_PREPS | _wordset("the year spring summer autumn fall winter")
# Only continue a list or range of dates: "in 2022 and 2023", "from 2014 to 2022".
_LINKS = _wordset("and or to through")
# A number followed by one of these counts things: "to 2000 troops" is no year.
_COUNT_NOUNS = _wordset(
    """
    people persons troops soldiers civilians men women children drones missiles rockets
    shells bombs tanks aircraft planes jets bombers ships vehicles weapons km kilometres
    kilometers miles metres meters feet tons tonnes dollars euros roubles rubles hryvnias
    percent per cent times units pieces prisoners pows residents refugees casualties deaths
    dead killed wounded injured votes members words pages hours minutes seconds days weeks
    months years"""
)
_WORD_BEFORE = re.compile(r"([A-Za-z]+)(?:[’']s)?\W{0,3}$")
_POSSESSIVE_BEFORE = re.compile(r"\w[’']s\s+$")
_WORDS = re.compile(r"[A-Za-z']+|[.!?;:\"“”\n]")

# Cues that decide whether a weekday lies before or after publication. The nearest one
# before the weekday wins; with none the weekday is in the past (news reports the past).
# Past forms ("proposed", "offered") are left to the "-ed" rule: "Putin proposed a truce
# on Thursday" more often dates the proposal than the truce.
_FUTURE_CUES = _wordset(
    """
    will would 'll shall going plan plans planned scheduled set expected due aim aims
    intend intends hope hopes propose proposes proposing offer offers invite invites can
    could might should must resume meet hold start begin sign visit travel attend return
    convene upcoming"""
)
# Prepositions decide only right before the weekday: "until Monday" is ahead, while in
# "attacked by Russia on Monday" the "by" says nothing about the weekday.
_NEXT_TO_FUTURE = _wordset("starting beginning from until till by ahead before already")
_PAST_CUES = _wordset(
    """
    said says told announced added stated was were had did met spoke held took began
    came went since earlier ago saw"""
)
_SKIP_WORDS = _wordset("on the this a an early late at in of")


# --- calendar helpers --------------------------------------------------------------------


def _in_bounds(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


def _month_start(year: int, month: int) -> datetime.date | None:
    while month < 1:
        year, month = year - 1, month + 12
    while month > 12:
        year, month = year + 1, month - 12
    return datetime.date(year, month, 1) if _in_bounds(year) else None


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    if not _in_bounds(year):
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:  # "February 30"
        return None


def _nearest_day(month: int, day: int, published: datetime.date) -> datetime.date | None:
    readings = [_safe_date(published.year + k, month, day) for k in (-1, 0, 1)]
    valid = [d for d in readings if d is not None]
    if not valid:
        return None
    # Nearest to publication; on a tie the past, since news mostly looks back.
    return min(valid, key=lambda d: (abs((d - published).days), d > published))


def _nearest_month(month: int, published: datetime.date) -> datetime.date | None:
    here = published.year * 12 + published.month - 1
    best = min(
        ((published.year + k) * 12 + month - 1 for k in (-1, 0, 1)),
        key=lambda m: (abs(m - here), m > here),
    )
    return _month_start(best // 12, best % 12 + 1)


def _month_of_span(first: datetime.date, last: datetime.date) -> datetime.date | None:
    # A week or weekend is only datable at month precision, and only within one month.
    if (first.year, first.month) != (last.year, last.month) or not _in_bounds(first.year):
        return None
    return first.replace(day=1)


def _shift(value: datetime.date, days: int) -> datetime.date | None:
    try:
        moved = value + datetime.timedelta(days=days)
    except OverflowError:
        return None
    return moved if _in_bounds(moved.year) else None


def _month_number(name: str) -> int | None:
    key = name.rstrip(".").lower()
    return _MONTHS.get(key) or _MONTH_ABBR.get(key)


def _word_before(sentence: str, start: int) -> str:
    m = _WORD_BEFORE.search(sentence, max(0, start - 40), start)
    return m.group(1).lower() if m else ""


def _weekday_is_future(sentence: str, start: int) -> bool:
    window = sentence[max(0, start - 80) : start]
    first = True
    for token in reversed(_WORDS.findall(window)[-10:]):
        word = token.lower()
        if not word[0].isalpha() and word[0] != "'":
            return False  # a clause or quote boundary: no cue in this clause
        if word in _SKIP_WORDS:
            continue
        if first and word in _NEXT_TO_FUTURE:
            return True
        first = False
        if word in _FUTURE_CUES:
            return True
        if word in _PAST_CUES or (len(word) > 4 and word.endswith("ed")):
            return False
    return False


def _resolve_weekday(
    weekday: int, rel: str, future: bool, published: datetime.date
) -> datetime.date | None:
    ahead = (weekday - published.weekday()) % 7
    behind = (published.weekday() - weekday) % 7
    if rel == "next":
        return _shift(published, ahead or 7)
    if rel == "last":
        return _shift(published, -(behind or 7))
    if rel == "coming":
        future = True
    return _shift(published, ahead if future else -behind)


def _week_span(
    rel: str, mod: str, unit: str, published: datetime.date
) -> tuple[datetime.date, datetime.date] | None:
    monday = _shift(published, -published.weekday())
    if monday is None:
        return None
    sunday = monday + datetime.timedelta(days=6)
    if unit == "weekend":
        saturday = sunday - datetime.timedelta(days=1)
        if rel in ("last", "past"):  # the latest weekend that has begun before today
            start = saturday if published > saturday else saturday - datetime.timedelta(days=7)
        elif rel == "next" and published >= saturday:
            start = saturday + datetime.timedelta(days=7)
        else:  # this / coming / next: the weekend of this week
            start = saturday
        return start, start + datetime.timedelta(days=1)
    if rel in ("last", "past"):
        return monday - datetime.timedelta(days=7), monday - datetime.timedelta(days=1)
    if rel in ("next", "coming"):
        return monday + datetime.timedelta(days=7), sunday + datetime.timedelta(days=7)
    # "this week" from a Sunday paper may mean the week ahead: widen "later" to cover it.
    later_end = sunday if published != sunday else published + datetime.timedelta(days=6)
    if mod == "earlier":
        return monday, published
    if mod == "later":
        return published, later_end
    return monday, later_end


# --- the finder ------------------------------------------------------------------------


class _Collector:
    """Accepts non-overlapping mentions; earlier (more specific) patterns win."""

    def __init__(self, sentence: str) -> None:
        self.sentence = sentence
        self.starts: list[int] = []  # claimed spans, sorted and disjoint
        self.ends: list[int] = []
        self.found: list[DateMention] = []

    def free(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start)
        if i > 0 and self.ends[i - 1] > start:
            return False
        return i == len(self.starts) or self.starts[i] >= end

    def ends_within(self, position: int, distance: int) -> bool:
        i = bisect.bisect_right(self.starts, position)
        return i > 0 and 0 <= position - self.ends[i - 1] <= distance

    def add(
        self,
        start: int,
        end: int,
        value: datetime.date | None,
        precision: str,
        relative: bool,
    ) -> None:
        # The span is claimed even when unresolved, so a part of it ("May" in "May 32")
        # cannot be read again by a looser pattern.
        if not self.free(start, end):
            return
        i = bisect.bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        if value is not None and _in_bounds(value.year):
            text = self.sentence[start:end]
            self.found.append(DateMention(start, end, text, value, precision, relative))


def _absolute_day(m: re.Match[str], published: datetime.date | None) -> datetime.date | None:
    month = _month_number(m.group("month"))
    day = int(m.group("day"))
    if month is None:
        return None
    if m.group("year"):
        return _safe_date(int(m.group("year")), month, day)
    if published is None:
        return None
    return _nearest_day(month, day, published)


def find_dates(sentence: str, published: datetime.date | None) -> list[DateMention]:
    """Every date expression in ``sentence``, in order of position.

    Offsets index ``sentence``; ``text == sentence[start:end]``. Relative expressions and
    dates without a year need ``published`` and are left out when it is None.
    """
    if not isinstance(sentence, str) or not sentence:
        return []
    col = _Collector(sentence)

    for m in _ISO.finditer(sentence):
        col.add(m.start(), m.end(), _safe_date(int(m["year"]), int(m["mon"]), int(m["day"])),
                "day", False)  # fmt: skip
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        for m in pattern.finditer(sentence):
            col.add(m.start(), m.end(), _absolute_day(m, published), "day", False)
    for m in _MONTH_YEAR.finditer(sentence):
        if _counts_something(sentence, m.end()):
            continue  # "in May 2000 troops were sent" is "in May"
        month = _month_number(m["month"])
        value = _month_start(int(m["year"]), month) if month else None
        col.add(m.start(), m.end(), value, "month", False)

    if published is not None:
        _find_relative(sentence, published, col)

    for m in _QUAL_MONTH.finditer(sentence):
        month = _month_number(m["month"])
        value = _nearest_month(month, published) if month and published else None
        col.add(m.start(), m.end(), value, "month", False)
    for m in _BARE_MONTH.finditer(sentence):
        if _word_before(sentence, m.start()) not in _DATE_PREPS:
            continue  # "May they have ...", "Theresa May"
        month = _month_number(m["month"])
        value = _nearest_month(month, published) if month and published else None
        col.add(m.start(), m.end(), value, "month", False)

    _find_years(sentence, col)
    return sorted(col.found, key=lambda d: d.start)


def _find_relative(sentence: str, published: datetime.date, col: _Collector) -> None:
    for m in _OVERNIGHT.finditer(sentence):
        # Date the night by its evening: resolve the morning's weekday, then step back.
        future = _weekday_is_future(sentence, m.start())
        wd1, wd2 = _WEEKDAYS[m["wd1"].lower()], _WEEKDAYS[m["wd2"].lower()]
        morning = _resolve_weekday(wd2, "", future, published)
        value = _shift(morning, -((wd2 - wd1) % 7)) if morning else None
        col.add(m.start(), m.end(), value, "day", True)

    for m in _DEICTIC_MONTH.finditer(sentence):
        month, rel = _MONTHS[m["month"].lower()], m["rel"].lower()
        here = published.year * 12 + published.month - 1
        target = published.year * 12 + month - 1
        if rel == "last" and target >= here:
            target -= 12
        elif rel == "next" and target <= here:
            target += 12
        col.add(m.start(), m.end(), _month_start(target // 12, target % 12 + 1), "month", True)

    for m in _RELATIVE.finditer(sentence):
        rel, unit = m["rel"].lower(), m["unit"].lower()
        mod = (m["mod"] or "").lower()
        step = {"last": -1, "past": -1, "next": 1, "coming": 1}.get(rel, 0)
        if unit == "month":
            value = _month_start(published.year, published.month + step)
            col.add(m.start(), m.end(), value, "month", True)
        elif unit == "year":
            value = _month_start(published.year + step, 1)
            col.add(m.start(), m.end(), value, "year", True)
        else:
            span = _week_span(rel, mod, unit, published)
            value = _month_of_span(*span) if span else None
            col.add(m.start(), m.end(), value, "month", True)

    for m in _WEEKEND.finditer(sentence):
        span = _week_span("last", "", "weekend", published)
        col.add(m.start(), m.end(), _month_of_span(*span) if span else None, "month", True)

    for m in _DAY_WORD.finditer(sentence):
        word = m["word"].lower()
        offset = {"yesterday": -1, "tomorrow": 1}.get(word, -1 if word.startswith("last") else 0)
        col.add(m.start(), m.end(), _shift(published, offset), "day", True)

    for m in _WEEKDAY.finditer(sentence):
        rel = (m["rel"] or "").lower()
        future = _weekday_is_future(sentence, m.start())
        value = _resolve_weekday(_WEEKDAYS[m["wd"].lower()], rel, future, published)
        col.add(m.start(), m.end(), value, "day", True)


def _counts_something(sentence: str, end: int) -> bool:
    after = sentence[end : end + 30].split(maxsplit=1)
    return bool(after) and after[0].lower().strip(".,;:!?)") in _COUNT_NOUNS


def _find_years(sentence: str, col: _Collector) -> None:
    for m in _QUAL_YEAR.finditer(sentence):  # "mid-2022", "early 2023"
        col.add(m.start(), m.end(), datetime.date(int(m["year"]), 1, 1), "year", False)
    for m in _BARE_YEAR.finditer(sentence):
        start, end = m.start(), m.end()
        if not col.free(start, end):
            continue
        if _counts_something(sentence, end):
            continue  # "2000 troops"
        before = _word_before(sentence, start)
        in_context = (
            before in _YEAR_PREPS
            or _POSSESSIVE_BEFORE.search(sentence, max(0, start - 40), start) is not None
            or (sentence[start - 1 : start] == "(" and sentence[end : end + 1] == ")")
            or (before in _LINKS and col.ends_within(start, 12))
        )
        if in_context:
            col.add(start, end, datetime.date(int(m["year"]), 1, 1), "year", False)


def _subsumed(coarse: DateMention, fine: DateMention) -> bool:
    if _RANK[fine.precision] >= _RANK[coarse.precision]:
        return False
    if coarse.precision == "year":
        return fine.value.year == coarse.value.year
    return (fine.value.year, fine.value.month) == (coarse.value.year, coarse.value.month)


def event_dates(sentence: str, published: datetime.date | None) -> list[DateMention]:
    """One mention per distinct event date in ``sentence``, for a timeline.

    Every distinct (date, precision) is kept, first mention first, except a coarse date
    that a finer one in the same sentence falls inside ("in 2022 ... on May 3, 2022" keeps
    only May 3). "attacks in October 2022 and July 2023" gives both months.
    """
    found = find_dates(sentence, published)
    kept: list[DateMention] = []
    seen: set[tuple[datetime.date, str]] = set()
    for d in found:
        key = (d.value, d.precision)
        if key in seen or any(_subsumed(d, other) for other in found):
            continue
        seen.add(key)
        kept.append(d)
    return kept


def event_date(sentence: str, published: datetime.date | None) -> DateMention | None:
    """The one date a sentence is about: the most specific mention, the first among equals.

    Day beats month beats year: "opened in 2018 ... damaged on June 3" is dated June 3.
    None when the sentence has no date. For a sentence with several events use
    :func:`event_dates`.
    """
    found = find_dates(sentence, published)
    if not found:
        return None
    return min(found, key=lambda d: (_RANK[d.precision], d.start))
