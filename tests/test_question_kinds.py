"""Questions that are not topic questions: about a date alone, or no question at all."""

from __future__ import annotations

import pytest

from index.answer import ASK_ME
from index.asked_date import asked_dates, events_on


def _verbatim(engine, answer) -> None:
    for citation in answer.citations:
        article = engine.data.articles[engine.data.doc_index[citation.doc_id]]
        assert article.text[citation.start : citation.end] == citation.excerpt


def test_what_happened_on_a_day_quotes_that_days_events(engine):
    answer = engine.ask("What happened on September 5?")
    assert answer.found
    _verbatim(engine, answer)
    events = events_on(engine.data.events, asked_dates("September 5"))
    assert len(events) >= 2  # Putin in Vladivostok, Trump at the Rose Garden, ...
    sentences = [engine.data.sentence(m.sid) for e in events for m in e.mentions]
    for c in answer.citations:
        assert any(
            s.doc_id == c.doc_id and c.start <= s.start and s.end <= c.end for s in sentences
        ), f"{c.excerpt!r} quotes none of that day's events"
    # A quotation's tail ('May they ... together!" Trump wrote') comes with its opening.
    assert "\"Looks like we've lost India and Russia" in answer.answer
    assert "Vladivostok" in answer.answer
    assert answer.note == f"{len(events)} events dated September 5."
    assert answer.note in answer.footnote()


def test_a_month_shows_the_most_reported_events_and_points_at_the_timeline(engine):
    answer = engine.ask("what happened in may 2025?")
    assert answer.found
    _verbatim(engine, answer)
    events = events_on(engine.data.events, asked_dates("in May 2025"))
    assert len(events) > 5
    markers = answer.answer.count("[")
    assert markers == len(answer.citations) >= 5
    assert answer.note.startswith(f"{len(events)} events dated May 2025, the 5 most widely")
    assert "the timeline for 2025-05 lists them all" in answer.note


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("any news from september", "dated September"),
        ("what happened in 2025", "dated 2025"),
        ("what happend on septmber 5", "dated September 5"),  # two typos, one a month's
    ],
)
def test_date_questions_as_people_type_them(engine, question, label):
    answer = engine.ask(question)
    assert answer.found, question
    assert label in answer.note
    _verbatim(engine, answer)


def test_a_day_with_no_event_is_not_found_and_says_so(engine):
    answer = engine.ask("What happened on September 7?")
    assert not answer.found
    assert "no event dated September 7" in answer.reason
    assert "timeline" in answer.reason


def test_a_date_beside_a_topic_is_answered_as_a_question(engine):
    # A month abbreviation is a date, not a name the articles lack.
    answer = engine.ask("What did Trump say on Sept. 5?")
    assert answer.found
    assert answer.note is None
    assert "Trump" in answer.answer and "September 5" in answer.answer


@pytest.mark.parametrize(
    "greeting",
    [
        "hi",
        "Hello bot!",
        "thanks so much",
        "good morning everyone",
        "how do I use this?",
        "what can you do",
    ],
)
def test_a_greeting_is_told_what_to_ask(engine, greeting):
    answer = engine.ask(greeting)
    assert not answer.found
    assert answer.reason == ASK_ME  # not "not found", nor "ask in English"


def test_a_question_after_a_greeting_is_answered(engine):
    assert engine.ask("Hi, what did Putin say about meeting in Moscow?").found


@pytest.mark.parametrize(
    ("topic", "word"),
    [
        ("Umerov", "Umerov"),
        ("who is rustem umerov", "Umerov"),
        ("ramstein", "Ramstein"),
        ("children", "children"),
    ],
)
def test_a_topic_named_alone_is_answered_with_what_the_articles_say_of_it(engine, topic, word):
    # One or two words have a low cosine to any sentence ("Umerov": 0.2 against the
    # sentence naming him), and the not-found rule refused them.
    answer = engine.ask(topic)
    assert answer.found, topic
    assert word in answer.citations[0].excerpt
    _verbatim(engine, answer)


@pytest.mark.parametrize("topic", ["Scholz", "the pope", "weather", "bitcoin price"])
def test_a_topic_the_articles_lack_is_still_not_found(engine, topic):
    assert not engine.ask(topic).found
