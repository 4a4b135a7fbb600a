"""Date extraction against the hand-written gold list of the seed articles.

Here the input is the raw lines of the seed files, so dates.py is tested on every line,
furniture included; the gold ``quote`` names the line. tests/test_timeline.py scores the
same gold list on the engine's real sentences (the events an index build stores).
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from index.dates import DateMention, event_date, event_dates, find_dates, format_date

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = yaml.safe_load((Path(__file__).parent / "gold_events.yaml").read_text(encoding="utf-8"))
PUBLISHED: dict[str, datetime.date] = {
    name: meta["published"]
    for name, meta in yaml.safe_load((SEEDS / "sources.yaml").read_text(encoding="utf-8")).items()
}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def seed_lines(filename: str) -> list[str]:
    # newline="" keeps the file as decoded, like records.Article.text.
    with open(SEEDS / filename, encoding="utf-8", newline="") as f:
        return f.read().split("\n")


def line_with(filename: str, quote: str) -> str:
    for line in seed_lines(filename):
        if quote in line:
            return line
    raise AssertionError(f"quote {quote!r} is not in {filename}: fix tests/gold_events.yaml")


def span_of(line: str, quote: str, expr: str) -> tuple[int, int]:
    start = line.index(quote) + quote.index(expr)
    return start, start + len(expr)


def overlaps(mention: DateMention, span: tuple[int, int]) -> bool:
    return mention.start < span[1] and span[0] < mention.end


def gold_date(entry: dict) -> str:
    return str(entry["date"])


def entry_id(entry: dict) -> str:
    return f"{entry['file'][:3]}:{entry.get('expr', entry['quote'])[:40]}"


# --- scoring against the gold list ------------------------------------------------------


@dataclass(frozen=True)
class GoldScore:
    found: int  # mentions find_dates returned (after the filter)
    correct: int  # of those, the ones matching a gold entry
    gold: int  # gold entries (after the filter)
    recalled: int  # gold entries matched by at least one mention
    false_positives: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.recalled / self.gold if self.gold else 1.0


def score_against_gold(
    events: list[dict],
    published: dict[str, datetime.date],
    keep: Callable[[str, bool], bool] = lambda precision, relative: True,
) -> GoldScore:
    """Precision and recall of find_dates over every line of every seed file.

    A mention is correct when it overlaps a gold entry's ``expr`` on a line holding the
    entry's ``quote``, with the same date and precision; a mention matching no entry is a
    false positive. ``keep(precision, relative)`` restricts both sides, e.g. to
    day-level explicit dates.
    """
    wanted = [e for e in events if keep(e["precision"], bool(e.get("relative", False)))]
    matched: set[int] = set()
    found = correct = 0
    false_positives: list[str] = []
    for filename, pub in sorted(published.items()):
        for number, line in enumerate(seed_lines(filename), start=1):
            for mention in find_dates(line, pub):
                if not keep(mention.precision, mention.relative):
                    continue
                found += 1
                hits = [
                    i
                    for i, e in enumerate(wanted)
                    if e["file"] == filename
                    and e["quote"] in line
                    and overlaps(mention, span_of(line, e["quote"], e["expr"]))
                    and format_date(mention.value, mention.precision) == gold_date(e)
                    and mention.precision == e["precision"]
                ]
                if hits:
                    correct += 1
                    matched.update(hits)
                else:
                    got = format_date(mention.value, mention.precision)
                    false_positives.append(f"{filename}:{number} {mention.text!r} -> {got}")
    missed = [entry_id(e) for i, e in enumerate(wanted) if i not in matched]
    return GoldScore(found, correct, len(wanted), len(matched), false_positives, missed)


def test_scores_on_day_level_explicit_dates_are_perfect() -> None:
    score = score_against_gold(
        GOLD["events"],
        PUBLISHED,
        keep=lambda precision, relative: precision == "day" and not relative,
    )
    assert score.gold > 15
    assert (score.precision, score.recall) == (1.0, 1.0), (score.false_positives, score.missed)


def test_scores_on_all_dates_are_perfect() -> None:
    score = score_against_gold(GOLD["events"], PUBLISHED)
    assert score.gold == len(GOLD["events"])
    assert (score.precision, score.recall) == (1.0, 1.0), (score.false_positives, score.missed)


# --- the gold list, entry by entry -------------------------------------------------------


@pytest.mark.parametrize("entry", GOLD["events"], ids=entry_id)
def test_gold_event_is_found(entry: dict) -> None:
    line = line_with(entry["file"], entry["quote"])
    span = span_of(line, entry["quote"], entry["expr"])
    found = [m for m in find_dates(line, PUBLISHED[entry["file"]]) if overlaps(m, span)]
    assert len(found) == 1, found
    mention = found[0]
    assert format_date(mention.value, mention.precision) == gold_date(entry)
    assert mention.precision == entry["precision"]
    assert mention.relative == bool(entry.get("relative", False))
    assert line[mention.start : mention.end] == mention.text


@pytest.mark.parametrize("entry", GOLD["traps"] + GOLD["undated"], ids=entry_id)
def test_trap_yields_no_date(entry: dict) -> None:
    line = line_with(entry["file"], entry["quote"])
    start = line.index(entry["quote"])
    span = (start, start + len(entry["quote"]))
    assert [m for m in find_dates(line, PUBLISHED[entry["file"]]) if overlaps(m, span)] == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Iran may send launchers to Russia within weeks.",
        "May they have a long and prosperous future together!",
        "May God protect Ukraine.",
        "Former British prime minister Theresa May said talks should continue.",
        "It would be a 30-day truce, followed by three-day talks and a month-long pause.",
        "The operation took 18 months to prepare, four years after the annexation.",
        "91 Russian drones, 27 languages and 50 percent tariffs.",
        "The 80th anniversary and the 19th package of sanctions.",
        "0:00 0:01:04 0:00",
        "0:00 0:02:36 0:00",
        "more than 40 bombers were hit",
        "the war, now in its fourth year, after more than three years of war",
        "Russia sent 2000 troops and 1999 drones to the border.",
        "The memo, dated February 30, was fake.",
        "June 31 and May 32 do not exist.",
        "we may march in march",
    ],
)
def test_synthetic_trap_yields_no_date(sentence: str) -> None:
    assert find_dates(sentence, datetime.date(2025, 6, 4)) == []


# --- weekdays ------------------------------------------------------------------------------


@pytest.mark.parametrize("filename", sorted(PUBLISHED))
@pytest.mark.parametrize("weekday", range(7))
def test_weekday_resolution_against_each_publication_date(filename: str, weekday: int) -> None:
    pub = PUBLISHED[filename]
    name = WEEKDAYS[weekday]

    def one(sentence: str) -> datetime.date:
        (mention,) = find_dates(sentence, pub)
        assert mention.relative and mention.precision == "day"
        assert mention.value.weekday() == weekday
        return mention.value

    past = one(f"Zelenskyy said on {name} that the talks failed.")
    future = one(f"The delegations will meet again on {name} in Istanbul.")
    assert 0 <= (pub - past).days <= 6
    assert 0 <= (future - pub).days <= 6
    assert 1 <= (one(f"They can meet next {name}.") - pub).days <= 7
    assert 1 <= (pub - one(f"They met last {name}.")).days <= 7
    if weekday == pub.weekday():
        assert past == future == pub


def test_publication_weekday_is_the_publication_day() -> None:
    # dateparser resolves "Wednesday" against a Wednesday to the week before.
    wednesday = datetime.date(2025, 6, 4)
    for sentence in ("Zelenskyy spoke on Wednesday.", "On Wednesday, Putin spoke.", "Wednesday"):
        assert [m.value for m in find_dates(sentence, wednesday)] == [wednesday]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Zelenskyy said Monday's peace talks were a performance.", "2025-06-02"),
        ("A cease-fire starting Monday.", "2025-06-09"),
        ("Talks until Friday.", "2025-06-06"),
        ("The bridge was attacked by Russia on Monday.", "2025-06-02"),
        ("Putin said he would meet him on Friday.", "2025-06-06"),
        ("Putin said on Friday that he would meet him.", "2025-05-30"),
        ("The ministers met in Rome on Saturday, Monday, or Tuesday.", "2025-05-31"),
        ("Putin spoke on Monday, June 2, 2025, in Moscow.", "2025-06-02"),
        ("He spoke yesterday and will speak tomorrow.", "2025-06-03"),
    ],
)
def test_weekday_and_day_words_in_context(sentence: str, expected: str) -> None:
    first = find_dates(sentence, datetime.date(2025, 6, 4))[0]
    assert format_date(first.value, first.precision) == expected


def test_overnight_between_two_weekdays_is_dated_by_the_evening() -> None:
    (mention,) = find_dates(
        "Putin spoke overnight between Saturday and Sunday.", PUBLISHED["002_8549324ab8f36054.txt"]
    )
    assert (mention.text, mention.value) == (
        "overnight between Saturday and Sunday",
        datetime.date(2025, 5, 10),
    )


# --- relative periods, missing years, published=None ------------------------------------


@pytest.mark.parametrize(
    ("sentence", "published", "expected", "precision"),
    [
        ("a summit last month", datetime.date(2025, 9, 6), "2025-08", "month"),
        ("a summit last month", datetime.date(2025, 1, 15), "2024-12", "month"),
        ("talks next month", datetime.date(2025, 12, 15), "2026-01", "month"),
        ("elections last year", datetime.date(2025, 6, 4), "2024", "year"),
        ("events earlier this week", datetime.date(2025, 9, 6), "2025-09", "month"),
        ("talks later this week", datetime.date(2025, 5, 11), "2025-05", "month"),
        ("talks last week", datetime.date(2025, 6, 20), "2025-06", "month"),
        ("in May", datetime.date(2025, 6, 4), "2025-05", "month"),
        ("on December 28", datetime.date(2025, 1, 3), "2024-12-28", "day"),
        ("on January 2", datetime.date(2024, 12, 30), "2025-01-02", "day"),
        ("in mid-May", datetime.date(2025, 6, 4), "2025-05", "month"),
        ("since last May", datetime.date(2025, 6, 4), "2025-05", "month"),
        ("since last May", datetime.date(2025, 5, 4), "2024-05", "month"),
        ("on 4 June 2025", None, "2025-06-04", "day"),
        ("on June 4th, 2025", None, "2025-06-04", "day"),
        ("on 2025-06-04", None, "2025-06-04", "day"),
        ("Russia's 2022 invasion", None, "2022", "year"),
        ("from 2014 to 2022", None, "2014", "year"),
        ("in mid-2022", None, "2022", "year"),
    ],
)
def test_period_resolution(
    sentence: str, published: datetime.date | None, expected: str, precision: str
) -> None:
    first = find_dates(sentence, published)[0]
    assert (format_date(first.value, first.precision), first.precision) == (expected, precision)


def test_a_week_across_two_months_gets_no_date() -> None:
    # Wednesday 2025-06-04: this week runs from June 2 (fine), the weekend before was May 31-June 1.
    assert find_dates("attacks over the weekend", datetime.date(2025, 6, 4)) == []
    assert find_dates("talks this week", datetime.date(2025, 7, 1)) == []


def test_without_publication_date_only_explicit_years_are_kept() -> None:
    sentence = (
        "On Wednesday, a day after talks on June 2 and last month's summit, "
        "Zelenskyy recalled the attacks in October 2022 and the annexation in 2014."
    )
    assert [m.text for m in find_dates(sentence, None)] == ["October 2022", "2014"]
    with_date = [m.text for m in find_dates(sentence, datetime.date(2025, 6, 4))]
    assert with_date == ["Wednesday", "June 2", "last month", "October 2022", "2014"]


def test_absolute_dates_agree_with_dateparser() -> None:
    # An oracle for the calendar arithmetic: dateparser reads explicit dates correctly.
    dateparser = pytest.importorskip("dateparser")
    explicit = [e for e in GOLD["events"] if e["precision"] == "day" and not e.get("relative")]
    for entry in explicit:
        pub = PUBLISHED[entry["file"]]
        base = datetime.datetime.combine(pub, datetime.time())
        theirs = dateparser.parse(entry["expr"], settings={"RELATIVE_BASE": base})
        (ours,) = find_dates(entry["expr"], pub)
        assert ours.value == theirs.date(), entry


# --- event_date, event_dates, format_date --------------------------------------------------


def test_event_date_picks_the_most_specific_then_the_first() -> None:
    pub = datetime.date(2025, 6, 4)
    line = line_with("000_086fd48e31ce2218.txt", "comes after talks on June 2 in Istanbul")
    assert event_date(line, pub).value == datetime.date(2025, 6, 2)
    damaged = "It was damaged by Ukrainian attacks in October 2022 and July 2023."
    assert event_date(damaged, pub).text == "October 2022"
    assert event_date("Opened in 2018, it was hit on June 3.", pub).text == "June 3"
    assert event_date("No date here.", pub) is None


def test_event_dates_gives_one_mention_per_distinct_date() -> None:
    pub = datetime.date(2025, 6, 4)
    damaged = "It was damaged by Ukrainian attacks in October 2022 and July 2023."
    assert [m.text for m in event_dates(damaged, pub)] == ["October 2022", "July 2023"]
    both = "In 2022, on May 3, 2022 and again on May 3, 2022, in May 2022."
    assert [m.text for m in event_dates(both, pub)] == ["May 3, 2022"]
    assert event_dates("On June 3 and June 1 and June 3.", pub)[1].text == "June 1"


def test_format_date() -> None:
    day = datetime.date(2025, 6, 4)
    assert [format_date(day, p) for p in ("day", "month", "year")] == [
        "2025-06-04",
        "2025-06",
        "2025",
    ]
    with pytest.raises(ValueError, match="week"):
        format_date(day, "week")


# --- robustness --------------------------------------------------------------------------

_TOKENS = st.sampled_from(
    [
        "May", "may", "June", "4", "4th", "2025", "1899", "2101", ",", "on", "in", "last",
        "next", "this", "week", "weekend", "month", "year", "Monday", "Sunday", "overnight",
        "between", "and", "early", "late", "mid-", "yesterday", "today", "said", "will",
        "starting", "the", "'s", "-", "0:00", "30-day", "\n", "\x00", "ſ", "K", "٣",
    ]
)  # fmt: skip
_SENTENCES = st.one_of(st.text(), st.lists(_TOKENS, max_size=30).map(" ".join))


@settings(max_examples=400, deadline=None)
@given(sentence=_SENTENCES, published=st.one_of(st.none(), st.dates()))
def test_find_dates_never_fails_and_keeps_its_promises(
    sentence: str, published: datetime.date | None
) -> None:
    found = find_dates(sentence, published)
    for m in found:
        assert 0 <= m.start < m.end <= len(sentence)
        assert m.text == sentence[m.start : m.end]
        assert 1900 <= m.value.year <= 2100
        assert m.precision in ("day", "month", "year")
        if m.precision != "day":
            assert m.value.day == 1
        if m.precision == "year":
            assert m.value.month == 1
        if published is None:
            assert not m.relative
    assert [m.start for m in found] == sorted(m.start for m in found)
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))
    event_date(sentence, published)
    event_dates(sentence, published)


def test_huge_input_is_handled_quickly() -> None:
    sentence = ("On June 4, 2025 and on Monday, Zelenskyy said in May 2000 troops " * 5000) + "\x00"
    started = time.perf_counter()
    found = find_dates(sentence, datetime.date(2025, 6, 4))
    assert [m.text for m in found[:3]] == ["June 4, 2025", "Monday", "May"]
    assert len(found) == 15000
    assert time.perf_counter() - started < 5
