"""A question naming an outlet ("according to RFE/RL") names where, not what (index.outlets)."""

import pytest

from index.lexical import Tokenizer
from index.outlets import OutletNames, named_outlets


@pytest.mark.parametrize(
    ("question", "outlets"),
    [
        ("According to the Ynet piece, what is Moscow worried about?", ("Ynetnews",)),
        ("How many drones were reported by RFE/RL on September 6?", ("RFE/RL",)),
        ("what did euronews say about the talks", ("Euronews (via inkl)",)),
        # "Euro" begins "Euronews" but is an English word; "via" is a function word.
        ("How many euros are frozen in the Euro area?", ()),
        ("Did Putin travel via Minsk?", ()),
        # ABC News is quoted in the articles, never one of their outlets.
        ("What did Peskov tell ABC News?", ()),
    ],
)
def test_an_outlet_is_named_by_a_word_of_its_name_or_its_start(engine, question, outlets):
    named = named_outlets(question, engine.data, engine.tokenizer)
    assert named.outlets == outlets


@pytest.mark.parametrize(
    ("question", "outlets"),
    [
        ("What did the New York Times report about the talks?", ("The New York Times",)),
        ("according to the associated press, who led the delegation?", ("Associated Press",)),
        ("What does Reuters say?", ("Reuters",)),
        # A common word of a name is no name on its own: "new" sanctions, the "press".
        ("What new sanctions did the EU announce?", ()),
        ("what did zelensky tell the press", ()),
        ("What is the Kremlin's view of these times?", ()),
    ],
)
def test_an_outlet_of_common_words_is_named_only_whole(question, outlets):
    # Outlets a moderator may add (/add): their names are English words.
    names = OutletNames.of(["The New York Times", "Associated Press", "Reuters"])
    assert names.named_in(question, Tokenizer()).outlets == outlets


def test_the_words_naming_an_outlet_are_no_terms_of_the_question(engine):
    query = engine.query("According to RFE/RL, what did Putin gain in China?")
    assert query.outlets == ("RFE/RL",)
    assert not {"rfe", "rl"} & set(query.terms)
    assert "china" in query.terms


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        # Each was refused: "Ynet" as a name the articles never use, and "according to
        # RFE/RL" as someone whose words they never quote.
        (
            "According to the Ynet piece, what's Moscow's worry about agreeing to pause the "
            "fighting for a whole month?",
            "fears that a month-long truce",
        ),
        (
            "What image benefit did the Kremlin leader gain from his early-September "
            "appearances in China, according to RFE/RL?",
            "valuable optics",
        ),
    ],
)
def test_a_question_citing_an_outlet_is_answered(engine, question, quoted):
    answer = engine.ask(question)
    assert answer.found, answer.reason
    assert any(quoted in c.excerpt for c in answer.citations)


def test_an_outlet_is_no_excuse_for_what_the_articles_never_say(engine):
    answer = engine.ask("According to RFE/RL, what did Olaf Scholz say about the talks?")
    assert not answer.found
