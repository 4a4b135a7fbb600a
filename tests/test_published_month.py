"""A question naming a month prefers passages from articles published that month."""

from __future__ import annotations

from dataclasses import replace

import pytest

from index.engine import Engine


def _without_the_lift(engine: Engine) -> Engine:
    search = replace(engine.settings.search, published_month_weight=0.0)
    return Engine(replace(engine.settings, search=search), engine.embedder, engine.data)


def _published(engine: Engine, question: str) -> list[str]:
    when = {a.doc_id: a.published for a in engine.data.articles}
    return [when[hit.passage.doc_id].strftime("%Y-%m") for hit in engine.search(question, 3)]


def test_the_month_a_question_names_picks_that_months_article(engine):
    question = "Where did Putin want to meet Zelenskyy in September?"
    # September's article reports the invitation to Moscow; the June articles' passage
    # on venues (Istanbul, the Vatican, Switzerland) answers another question.
    assert _published(engine, question)[0] == "2025-09"
    assert _published(_without_the_lift(engine), question)[0] == "2025-06"


@pytest.mark.parametrize(
    "question",
    [
        "Where did Putin offer to meet Zelenskyy?",  # no date
        "Who broke off the negotiations in 2022?",  # a year the story tells, not its date
        "What may the talks in Istanbul achieve?",  # the modal, not the month
    ],
)
def test_no_month_named_leaves_the_ranking_alone(engine, question):
    lifted = [(h.passage.pid, h.score) for h in engine.search(question, 10)]
    plain = [(h.passage.pid, h.score) for h in _without_the_lift(engine).search(question, 10)]
    assert lifted == plain
