"""Chat shorthand ("ppl", "abt", "y did ...") is read as the words it stands for."""

from __future__ import annotations

import pytest

from index.answer import asked_for
from index.shorthand import expand_shorthand


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        (
            "how many ppl were killed in the sumy air strikes",
            "how many people were killed in the sumy air strikes",
        ),
        ("what did zelensky say abt moscow", "what did zelensky say about moscow"),
        ("y did putin invite zelensky?", "why did putin invite zelensky?"),
        ("wat did the govt propose", "what did the government propose"),
        ("talks w/o preconditions", "talks without preconditions"),
        ("talks w/ putin", "talks with putin"),
        ("what r the terms tbh?", "what are the terms?"),
        ("lol did trump say that", "did trump say that"),
        ("did u see what the US pres said", "did you see what the US president said"),
        ("WAT did PPL say", "what did people say"),
    ],
)
def test_shorthand_is_written_out(typed, read):
    assert expand_shorthand(typed) == read


@pytest.mark.parametrize(
    "text",
    [
        "Why did U.S. envoys go to Istanbul?",  # an abbreviation, not "you"
        "What did R. Umerov say?",  # an initial, not "are"
        "Is the ppl-ish crowd right?",  # part of a longer word
        "Your question about Kyiv",  # "ur" inside a word
        "y not",  # "y" is "why" only before a verb at the start
        "What did Peskov say about r/worldnews?",  # a path
    ],
)
def test_only_whole_shorthand_tokens_are_read(text):
    assert expand_shorthand(text) is text


def test_a_why_in_shorthand_asks_for_a_reason():
    assert asked_for(expand_shorthand("y did putin invite zelensky to moscow")) == "reason"


def test_a_question_in_shorthand_gets_the_answer_of_the_one_written_out(engine):
    typed = engine.ask("how many ppl were killed in the sumy air strikes")
    written = engine.ask("how many people were killed in the sumy air strikes")
    # "ppl" was a word the articles never use: the question was refused.
    assert typed.found, typed.reason
    assert [c.start for c in typed.citations] == [c.start for c in written.citations]
    assert "killed four people" in typed.citations[0].excerpt
    assert typed.question == "how many ppl were killed in the sumy air strikes"  # as typed


def test_filler_does_not_change_the_answer(engine):
    with_filler = engine.ask("what did zelensky say about going to moscow lol")
    without = engine.ask("what did zelensky say about going to moscow")
    assert [c.start for c in with_filler.citations] == [c.start for c in without.citations]


@pytest.mark.parametrize("typed", ["lol", "tbh lol"])
def test_filler_alone_is_no_question(engine, typed):
    answer = engine.ask(typed)
    assert not answer.found
    assert answer.reason.startswith("Ask about the articles")  # not "they are in English"
    assert answer.question == typed


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        (
            "Could someone explain why Russia paused the fighting for three days in May?",
            "why Russia paused the fighting for three days in May?",
        ),
        ("hey, could you tell me who peskov is", "who peskov is"),
        ("Does anyone know who led the talks?", "who led the talks?"),
        ("would anyone happen to know where putin was", "where putin was"),
        ("explain the spiderweb operation", "the spiderweb operation"),
    ],
)
def test_a_polite_lead_in_is_dropped(typed, read):
    assert expand_shorthand(typed) == read


@pytest.mark.parametrize("text", ["explain?", "tell me", "Can you tell?"])
def test_a_lead_in_with_no_question_after_it_stays(text):
    assert expand_shorthand(text) is text


def test_a_polite_question_asks_what_its_question_asks(engine):
    # "why" no longer opened the question, so no reason was looked for, and the
    # sentence of Zelenskyy's call to stop the killing "even for a single day" led.
    typed = "Could someone explain why Russia paused the fighting for three days back in May?"
    answer = engine.ask(typed)
    assert asked_for(expand_shorthand(typed)) == "reason"
    assert "in honor of the 80th anniversary" in answer.citations[0].excerpt
    assert answer.question == typed  # shown as typed
