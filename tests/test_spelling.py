"""Typos in a question's names, read as the index's words (index.spelling).

The real engine over the seeds: the index's vocabulary and the model's word pieces decide.
"""

from __future__ import annotations

import numpy as np
import pytest

from index.spelling import Correction, corrected_text


@pytest.mark.parametrize(
    ("question", "typed", "meant"),
    [
        ("What did Peskow say about a ceasefire?", "peskow", "peskov"),  # a wrong key
        ("What did Lavorv say?", "lavorv", "lavrov"),  # two letters swapped
        ("Where did Putin and Trump meet in Alsaka?", "alsaka", "alaska"),
        ("who is medinksy?", "medinksi", "medinski"),  # in lower case, stemmed
        ("what did peskvo say about a ceasefire?", "peskvo", "peskov"),
        # One edit from "zelensky", a spelling search.aliases folds into "zelenskyy".
        ("What did Zelenksy say about the Istanbul talks?", "zelenksi", "zelenskyy"),
        # Words whose stem is not the word: one edit from "ukraine", stemmed "ukrain".
        (
            "How many drones did Russia fire at Ukriane the night after Putin warned about "
            "foreign troops?",
            "ukrian",
            "ukrain",
        ),
        ("What did Putin say in Beiijng about continuing to fight?", "beiijng", "beij"),
        # English words, but one edit from a name English uses too: likelier a slip.
        ("what did tramp say about india", "tramp", "trump"),
        ("where did putin and trump hold their alaskan summit", "alaskan", "alaska"),
    ],
)
def test_a_typo_in_a_name_is_read_as_the_name_and_answered(engine, question, typed, meant):
    query = engine.query(question)
    assert dict(query.corrections) == {typed: meant}
    assert meant in query.terms and typed not in query.terms
    answer = engine.ask(question)
    assert answer.found  # "not found" before: an unknown capitalised word
    assert any(meant[:5] in c.excerpt.lower() for c in answer.citations)


@pytest.mark.parametrize(
    "question",
    [
        # A real word the articles do not use: one edit from "speak", and left alone.
        "How did Ukraine sneak the drones close enough to reach the bombers?",
        # Names the articles never use are not one edit from any they do.
        "What did Olaf Scholz say about the Istanbul talks?",
        "What did Angela Merkel say about the Istanbul negotiations?",
        # One edit from a word of the articles that is not a name ("peace", "media"), or
        # from a name by its stem alone ("irane" -> iran): read as that before.
        "Did Pence comment on the talks?",
        "why was he irate about the mediate offer",
        # A lower-case word in a question with capitals is no name ("Recep" is one edit).
        "Can you recap the Istanbul talks?",
        # Common English words one edit from a name English does not use (Recep, Modi):
        # meant as typed, in a question all in lower case or first in a sentence. "give
        # me a recap of the talks" was answered about Recep Tayyip Erdogan.
        "give me a quick recap of the istanbul talks",
        "Recap of the talks please",
        "did the mods remove an article about the talks",
    ],
)
def test_real_words_and_unknown_names_are_not_corrected(engine, question):
    assert engine.query(question).corrections == ()


def test_a_four_letter_name_is_read_too(engine):
    assert engine.query("What did Putn say?").read_as == (("Putn", "Putin"),)
    assert engine.query("Did Kyev host talks?").read_as == (("Kyev", "Kyiv"),)


def test_names_the_articles_never_use_are_still_not_found(engine):
    assert not engine.ask("What did Olaf Scholz say about the Istanbul talks?").found


def test_the_question_is_embedded_with_the_word_meant(engine):
    typed = engine.query("What did Putin say in Beiijng about continuing to fight?")
    meant = engine.query("What did Putin say in Beijing about continuing to fight?")
    assert typed.terms == meant.terms
    assert np.allclose(typed.vector, meant.vector)
    assert typed.text == "What did Putin say in Beiijng about continuing to fight?"


def test_the_typo_is_replaced_by_the_name_as_the_articles_write_it():
    fix = Correction("ukriane", "Ukraine", "ukrian", "ukrain")
    assert corrected_text("drones at ukriane's border", [fix]) == "drones at Ukraine's border"


def test_the_answer_says_how_the_question_was_read(engine):
    from bot.textfmt import format_answer

    answer = engine.ask("What did PESKOW and Lavorv say about a ceasefire?")
    assert answer.read_as == (("PESKOW", "Peskov"), ("Lavorv", "Lavrov"))  # as written
    assert format_answer(answer).startswith("(Read “PESKOW” as “Peskov” and “Lavorv” as “Lavrov”.)")
    assert answer.to_dict()["read_as"][1] == {"typed": "Lavorv", "read": "Lavrov"}
    assert engine.ask("What did Peskov say about a ceasefire?").read_as == ()


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        # "United" is no name on its own: search.aliases folds "the United Kingdom" into
        # one term, so the typo was left as typed, "Kingdom" stood alone as a name the
        # index never uses, and the question was refused.
        (
            "What did the leaders of France, Germany, the Unted Kingdom and Poland call for?",
            "What did the leaders of France, Germany, the United Kingdom and Poland call for?",
        ),
        (
            "Is the Unietd States backing the ceasefire?",
            "Is the United States backing the ceasefire?",
        ),
        (
            "is the unitde states backing the ceasefire",
            "is the united states backing the ceasefire",
        ),
    ],
)
def test_a_typo_inside_a_phrase_the_index_folds_is_read_as_the_phrase(engine, typed, meant):
    query = engine.query(typed)
    assert query.terms == engine.query(meant).terms
    assert [read for _, read in query.read_as] == ["United" if typed[0].isupper() else "united"]
    assert engine.ask(typed).found and engine.ask(meant).found


def test_only_the_words_of_phrases_are_in_a_phrase(engine):
    assert engine.tokenizer.in_a_phrase("united") and engine.tokenizer.in_a_phrase("kingdom")
    assert not engine.tokenizer.in_a_phrase("kyiv")  # an alias of one word: "kiev"


def test_the_english_word_list_is_loaded_with_the_engine(engine):
    # Loading it takes 0.3-0.4 s: with the model at start-up, not in the first question
    # that reads a word the articles never use.
    from index.english import _checker

    assert _checker.cache_info().currsize == 1
