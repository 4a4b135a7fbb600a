"""Reading a role the question uses as the one person the articles give it (index.roles)."""

import pytest

from index.lexical import Tokenizer
from index.roles import mine_roles, read_roles, role_names


def test_the_seed_articles_titles_name_one_person_per_role(engine):
    roles = role_names(engine.data, engine.tokenizer)
    assert roles[("ukraine", "leader")] == "Volodymyr Zelenskyy"
    assert roles[("russia", "leader")] == "Vladimir Putin"
    assert roles[("russia", "foreign minister")] == "Sergey Lavrov"
    assert roles[("russia", "spokesperson")] == "Dmitry Peskov"


def test_a_role_two_people_hold_is_left_out_and_spellings_are_one_person():
    tokenizer = Tokenizer()
    roles = mine_roles(
        [
            "Ukrainian President Volodymyr Zelenskyy said. Ukrainian President Zelensky's aide",
            "Former Ukrainian President Petro Poroshenko said. French President Emmanuel Macron",
            "Russian President Vladimir Putin spoke; Russian leader Vladimir Putin's words.",
        ],
        tokenizer,
    )
    # Zelenskyy and Poroshenko are both called Ukraine's president: whom a question means
    # by it is a guess, so no name is read. Zelensky/Zelenskyy alone would be one.
    assert ("ukraine", "leader") not in roles
    assert roles[("france", "leader")] == "Emmanuel Macron"
    assert roles[("russia", "leader")] == "Vladimir Putin"  # possessive dropped


@pytest.mark.parametrize(
    ("question", "role", "name"),
    [
        ("How did the Ukrainian leader react?", "Ukrainian leader", "Volodymyr Zelenskyy"),
        ("What did Russia's top diplomat say?", "Russia's top diplomat", "Sergey Lavrov"),
        ("what did the kremlin's spokesman say?", "kremlin's spokesman", "Dmitry Peskov"),
        ("Why did the American president complain?", "American president", "Donald Trump"),
        # How news writes a head of state (blind p1823 was refused without it).
        ("What did the Kremlin chief threaten?", "Kremlin chief", "Vladimir Putin"),
        ("what is the russian boss threatening?", "russian boss", "Vladimir Putin"),
    ],
)
def test_a_role_is_read_as_the_person_and_the_reply_says_so(engine, question, role, name):
    query = engine.query(question)
    assert (role, name) in query.read_as
    assert name.split()[-1].lower() in " ".join(query.terms)
    assert f"“{role}” as “{name}”" in engine.ask(question).footnote()


@pytest.mark.parametrize(
    "question",
    [
        "What did the Ukrainian president Zelensky say?",  # named already
        "What did the EU president say?",  # no one the articles call so
        "What did the Russian delegation propose?",  # no title
        "Who was the Russian chief negotiator?",  # someone else than the chief
        "What did the Kremlin chief of staff say?",
    ],
)
def test_no_role_is_read_when_the_question_names_them_or_no_one_holds_it(engine, question):
    assert read_roles(question, engine.data, engine.tokenizer) == ()


def test_a_role_reading_finds_what_the_person_said(engine):
    # The articles write "Lavrov rejected the accusation"; "Russia's top diplomat" shares no
    # word with it, and the first citation was another sentence.
    answer = engine.ask(
        "Did Russia's top diplomat accept Zelenskyy's claim that Moscow wasn't negotiating "
        "in good faith?"
    )
    assert answer.found
    assert "Lavrov rejected the accusation" in answer.citations[0].excerpt


def test_a_country_or_its_capital_is_spoken_for_by_its_officials(engine):
    from index.roles import officials_of

    tokenizer = engine.tokenizer
    russia = officials_of(set(tokenizer.terms("Moscow")), engine.data, tokenizer)
    assert set(tokenizer.terms("Putin Lavrov Peskov")) <= russia
    assert not set(tokenizer.terms("Zelenskyy")) & russia
    assert officials_of(set(tokenizer.terms("ceasefire")), engine.data, tokenizer) == set()
