"""Questions about a date: which dates a question names, and the events answered for them."""

from __future__ import annotations

import datetime

import pytest

from index.asked_date import AskedDate, asked_dates, asks_only_when, events_note, events_on
from index.dates import format_date
from index.events import DatedSentence, EventRecord
from index.lexical import Tokenizer


def _event(value: str, precision: str = "day", sid: int = 0) -> EventRecord:
    day = datetime.date.fromisoformat(value)
    return EventRecord(day, precision, (DatedSentence(sid, 0, 1, False),))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What happened on September 5?", [("September 5", 9, 5, None)]),
        ("what happened on june 2", [("june 2", 6, 2, None)]),
        ("what happened on 2 june", [("2 june", 6, 2, None)]),
        ("What did Trump say on Sept. 5?", [("Sept. 5", 9, 5, None)]),
        ("any news from may 2025", [("may 2025", 5, None, 2025)]),
        ("What happened in May?", [("May", 5, None, None)]),
        ("what happened on 5 September 2025", [("5 September 2025", 9, 5, 2025)]),
        ("any news from september", [("september", 9, None, None)]),
        ("what happened in 2022", [("2022", None, None, 2022)]),
        # Not dates: the modal verb, a name, a weekday read against today, a count.
        ("May they meet in Istanbul?", []),
        ("What did Theresa May say?", []),
        ("what happened on Monday", []),
        ("did 2000 troops arrive?", []),
    ],
)
def test_asked_dates(question, expected):
    found = [(d.text, d.month, d.day, d.year) for d in asked_dates(question)]
    assert found == expected


@pytest.mark.parametrize(
    ("question", "only_when"),
    [
        ("What happened on September 5?", True),
        ("what happened in May 2025?", True),
        ("Any news from June 2?", True),
        ("What did Trump say on September 5?", False),
        ("What happened at the Istanbul talks on June 2?", False),
        ("How many prisoners were exchanged on June 10?", False),
        ("What happened to the ceasefire?", False),  # no date at all
    ],
)
def test_asks_only_when(question, only_when):
    assert asks_only_when(question, asked_dates(question), Tokenizer()) is only_when


def test_a_date_matches_its_day_or_month_in_any_year_unless_one_is_written():
    sept5 = AskedDate("September 5", 9, 5, None)
    assert sept5.matches(_event("2025-09-05"))
    assert sept5.matches(_event("2024-09-05"))
    assert not sept5.matches(_event("2025-09-06"))
    assert not sept5.matches(_event("2025-09-01", "month"))  # "in September" is no day
    may_2025 = AskedDate("May 2025", 5, None, 2025)
    assert may_2025.matches(_event("2025-05-12"))
    assert may_2025.matches(_event("2025-05-01", "month"))
    assert not may_2025.matches(_event("2024-05-12"))
    assert not may_2025.matches(_event("2025-01-01", "year"))


def test_a_publication_date_is_held_by_the_month_named_and_by_its_year_when_written():
    june = AskedDate("in June", 6, None, None)
    assert june.holds(datetime.date(2025, 6, 4)) and june.holds(datetime.date(2024, 6, 30))
    assert not june.holds(datetime.date(2025, 5, 11)) and not june.holds(None)
    june_2025 = AskedDate("June 2025", 6, None, 2025)
    assert june_2025.holds(datetime.date(2025, 6, 4))
    assert not june_2025.holds(datetime.date(2024, 6, 4))


def test_a_year_matches_every_event_in_it():
    year = AskedDate("2025", None, None, 2025)
    assert year.matches(_event("2025-06-02")) and year.matches(_event("2025-01-01", "year"))
    assert not year.matches(_event("2024-06-02"))
    assert year.label() == "2025" and year.timeline_range([_event("2025-06-02")]) == "2025"


def test_the_note_says_how_many_events_which_years_and_where_the_rest_are():
    sept5 = AskedDate("September 5", 9, 5, None)
    assert events_note([_event("2025-09-05")] * 4, 4, (sept5,)) == "4 events dated September 5."
    october = AskedDate("october", 10, None, None)
    two_years = [_event("2022-10-08"), _event("2025-10-01", "month")]
    assert events_note(two_years, 2, (october,)) == "2 events dated October in 2022 and 2025."
    may = AskedDate("May 2025", 5, None, 2025)
    many = [_event(f"2025-05-{day:02d}") for day in range(10, 16)]
    assert events_note(many, 5, (may,)) == (
        "6 events dated May 2025, the 5 most widely reported shown; "
        "the timeline for 2025-05 lists them all."
    )


def test_events_on_keeps_date_order_and_names_the_timeline_range():
    events = [_event("2025-05-15", sid=3), _event("2025-06-02", sid=1), _event("2025-05-10", sid=2)]
    may = AskedDate("May", 5, None, None)
    found = events_on(events, (may,))
    assert [format_date(e.date, e.precision) for e in found] == ["2025-05-10", "2025-05-15"]
    assert may.timeline_range(found) == "2025-05"
    # Two years' Mays: no one range lists them.
    assert may.timeline_range([*found, _event("2024-05-01")]) is None
    assert AskedDate("June 2", 6, 2, None).label() == "June 2"
    assert AskedDate("5 September 2025", 9, 5, 2025).label() == "September 5, 2025"
