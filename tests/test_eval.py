"""Quality floors on the labelled questions, through the real engine on the real seeds.

Floors sit a little under the figures measured when they were set (docs/quality.md), on
the development set; the held-out set, never tuned on, gets looser ones. A change that
makes retrieval or answers worse fails here, with the figure that fell.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from index.evaluate import (
    MISS_REASONS,
    Evidence,
    evaluate,
    holds,
    load_questions,
    retyped,
    swapped_in_a_name,
)
from index.lexical import Tokenizer

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests" / "eval"

# Measured on the dev set when set (round 5, search.synonyms): hit@1 0.825, hit@5 0.99,
# MRR 0.89, first citation 0.79, any citation 0.89, found 0.96 / not found 0.78;
# held-out: 0.85, 0.97, 0.90, 0.76, 0.88, 0.97 / 1.00. Round 6 (the splitter keeps a
# quotation's speaker): dev hit@1 0.81, hit@5 0.975, MRR 0.87, any citation 0.875.
# Round 9 (role reading, who-someone-is questions): dev hit@1 0.85, MRR 0.90, first
# citation 0.81, any 0.89; held-out first citation 0.76, any 0.88, found 0.97. Round 10
# (reason answer type, counts of what is asked, numbered things): dev any 0.90, not found
# 0.89; held-out first citation 0.79, any 0.91. Round 14 (two-word names, roles read as
# people, "America"): dev first citation 0.825, any 0.925, found 0.99. Round 15 (names
# graded by rarity for who/where, the first excerpt joined with what is cited or asked
# beside it, half the lift for quoting whoever a question asks the words of): dev first
# citation 0.875, any 0.95; held-out first 0.82, any 0.97, found 1.00. Round 16 (the
# sentences beside the top passages, whose words are asked, who did what the question's
# verb says, a kind asked of someone): dev first citation 0.90, any 0.963; held-out first
# 0.848. Round 17 (what is asked and not given: a post's holder, a place within one, a
# figure, whether there were any; roles the articles never write): dev any citation
# 0.975, not found 0.944. Round 18 (what a party demanded, with its event from the
# sentences before): dev first citation 0.912. Each floor is less a question or two.
DEV_FLOORS = {
    "hit@1": 0.82,
    "hit@5": 0.95,
    "mrr@10": 0.87,
    "first_citation": 0.88,
    "any_citation": 0.95,
    "found_answerable": 0.95,
    "notfound_unanswerable": 0.88,
}
HELDOUT_FLOORS = {
    "hit@1": 0.78,
    "hit@5": 0.91,
    "mrr@10": 0.85,
    "first_citation": 0.8,
    "any_citation": 0.91,
    "found_answerable": 0.93,
    "notfound_unanswerable": 0.80,
}
# Passages span paragraphs now; readers complained about ~770-char chunks.
CEILINGS = {"excerpt_chars": 300.0, "passage_chars": 600.0}


@pytest.fixture(scope="module")
def reports(engine):
    seeds = ROOT / "seeds"
    return {
        "questions": evaluate(engine, load_questions(EVAL / "questions.yaml", seeds), "questions"),
        "heldout": evaluate(engine, load_questions(EVAL / "heldout.yaml", seeds), "heldout"),
    }


@pytest.mark.parametrize(
    ("set_name", "floors"), [("questions", DEV_FLOORS), ("heldout", HELDOUT_FLOORS)]
)
def test_quality_stays_above_its_floors(reports, set_name, floors):
    figures = reports[set_name].figures()
    fallen = {k: round(figures[k], 3) for k, floor in floors.items() if figures[k] < floor}
    assert not fallen, f"{set_name}: below the floor: {fallen} (floors {floors})"
    for key, ceiling in CEILINGS.items():
        assert figures[key] <= ceiling, f"{set_name}: mean {key} {figures[key]:.0f} > {ceiling}"


@pytest.mark.parametrize("set_name", ["questions", "heldout"])
def test_every_excerpt_is_verbatim(reports, set_name):
    assert reports[set_name].figures()["verbatim"] == 1.0


@pytest.mark.parametrize("set_name", ["questions", "heldout"])
def test_every_first_citation_miss_has_one_reason(reports, set_name):
    report = reports[set_name]
    for o in report.outcomes:
        missed = o.answerable and not o.first_holds
        assert (o.first_miss in MISS_REASONS) if missed else o.first_miss == "", o
    figures = report.figures()
    shares = sum(figures[f"miss_{r}"] for r in MISS_REASONS)
    assert shares == pytest.approx(1.0 - figures["first_citation"])


def test_holds_means_overlap_in_the_same_article():
    ev = [Evidence("a", 10, 20)]
    assert holds("a", 0, 11, ev) and holds("a", 19, 40, ev) and holds("a", 12, 15, ev)
    assert not holds("a", 0, 10, ev) and not holds("a", 20, 30, ev) and not holds("b", 0, 99, ev)


def test_evidence_is_located_in_the_seed_text():
    seeds = ROOT / "seeds"
    for q in load_questions(EVAL / "questions.yaml", seeds):
        for e in q.evidence:
            assert e.end > e.start and (seeds / f"{e.doc_id}.txt").read_bytes().decode("utf-8")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Zelensky", "Zelenskyy"),
        ("Zelenskiy's office", "Zelenskyy office"),
        ("Kiev", "Kyiv"),
        ("cease-fire", "ceasefire"),
        ("cease fire", "ceasefire"),
        ("Erdoğan", "Erdogan"),
        ("Recep Tayip Erdogan", "Recep Tayyip Erdoğan"),
    ],
)
def test_spelling_variants_get_the_same_terms(settings, a, b):
    tokenizer = Tokenizer(settings.search.term_groups)
    assert tokenizer.terms(a) == tokenizer.terms(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Which kids were taken?", "Which children were taken?"),
        ("a truce", "a cease-fire"),
        ("no one was hurt", "no one casualties"),
        ("the top diplomat", "the Foreign Minister"),
        ("talks in Istanbul", "negotiations in Istanbul"),
    ],
)
def test_synonyms_get_the_same_terms(settings, a, b):
    tokenizer = Tokenizer(settings.search.term_groups)
    assert tokenizer.terms(a) == tokenizer.terms(b)
    assert Tokenizer(settings.search.aliases).terms(a) != Tokenizer(()).terms(b)


def test_a_synonym_in_a_question_finds_the_passage_that_uses_the_other_word(engine):
    """No seed sentence says "kids"; "children" is in the one that answers."""
    scores = engine.data.lexical.scores(list(engine.query("Which kids must be returned?").terms))
    best = engine.data.passage(int(scores.argmax())).text
    assert "children" in best and "kids" not in best.lower()


def test_without_aliases_variants_differ():
    assert Tokenizer(()).terms("Kiev") != Tokenizer(()).terms("Kyiv")


def test_spelling_variant_in_a_question_finds_the_same_passage(engine):
    one = engine.query("What did Zelensky say in Kiev about a cease-fire?")
    other = engine.query("What did Zelenskyy say in Kyiv about a ceasefire?")
    scores = engine.data.lexical.scores(list(one.terms))
    assert scores.max() > 0
    assert (scores == engine.data.lexical.scores(list(other.terms))).all()


@pytest.mark.parametrize(
    "question",
    [
        "What did Olaf Scholz say about the Istanbul talks?",  # a person never quoted
        "How many Fath-360 missiles has Iran delivered to Russia?",  # a count never given
        # The best sentence's only number is the "30-day" of a cease-fire: no count of
        # children (it was answered before numbers joined to a unit stopped counting).
        "How many kids has Russia sent back to Ukraine?",
    ],
)
def test_near_topic_question_the_articles_do_not_answer_is_not_found(engine, question):
    answer = engine.ask(question)
    assert not answer.found and answer.citations == ()


def test_a_number_joined_to_the_unit_asked_about_answers_a_count(engine):
    answer = engine.ask("How many days did the Victory Day ceasefire last?")
    assert answer.found and "three-day cease-fire" in answer.citations[0].excerpt


def test_which_numbers_count_what_a_question_asks_about(engine):
    from index.answer import _counts

    def counts(question: str, text: str) -> list[str]:
        return _counts(text, engine.query(question), engine.tokenizer)

    children = "How many children were returned?"
    assert counts(children, "a 30-day cease-fire and the return of children") == []
    assert counts(children, "It returned 20 children and 3 adults.") == ["20"]  # not 3
    assert counts(children, "Iran sent Fath-360 missiles.") == []  # part of a name
    assert counts("How many days did the truce last?", "a three-day truce") == ["three"]
    assert counts("How many Fath-360 missiles?", "Fath-360 missiles arrived.") == []


# --- question files others write (a set the engine has never seen) ---------------------------

GOOD_SPAN = "{doc_id: 000_086fd48e31ce2218, text: talks on June 2 in Istanbul}"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "has no questions"),
        ("a: 1\n", "must be a YAML list of questions, not dict"),
        ("- [1, 2\n", "cannot be read as UTF-8 YAML: while parsing a flow sequence"),
        ("- just text\n", "item 1: must be a mapping"),
        ("- id: q1\n  answerable: false\n", "q1: 'question' must be non-empty text"),
        ("- id: q1\n  question: When?\n  answerable: true\n", "q1: 'answerable' must be true"),
        (f"- id: q1\n  question: When?\n  answerable: false\n  evidence: [{GOOD_SPAN}]\n", "q1"),
        ("- id: q1\n  question: When?\n  evidence: [{doc_id: nope, text: abc}]\n", "no seed"),
        ("- id: q1\n  question: When?\n  evidence: [{doc_id: 000_086fd48e31ce2218}]\n", "'text'"),
        ("- id: q1\n  question: When?\n  evidence: June 2\n", "'evidence' must be a list"),
        ("- id: q1\n  question: A?\n- id: q1\n  question: B?\n", "q1: the id is used twice"),
        (
            "- id: q1\n  question: When?\n"
            "  evidence: [{doc_id: 000_086fd48e31ce2218, text: xyz}]\n",
            "q1: evidence not found in 000_086fd48e31ce2218: 'xyz'",
        ),
    ],
)
def test_a_malformed_question_file_is_named_not_a_traceback(tmp_path, content, message):
    from index.errors import ConfigError

    path = tmp_path / "questions.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("?", r"\?")) as err:
        load_questions(path, ROOT / "seeds")
    assert str(path) in str(err.value)


def test_a_minimal_question_file_gets_its_defaults(tmp_path):
    path = tmp_path / "questions.yaml"
    path.write_text(
        f"- question: When was the second Istanbul round?\n  evidence: [{GOOD_SPAN}]\n"
        "- question: What is the capital of Australia?\n",
        encoding="utf-8",
    )
    first, second = load_questions(path, ROOT / "seeds")
    assert (first.qid, first.kind, first.answerable) == ("#1", "other", True)
    assert first.evidence[0].doc_id == "000_086fd48e31ce2218"
    assert (second.qid, second.kind, second.answerable, second.evidence) == (
        "#2",
        "unanswerable",
        False,
        (),
    )


def test_eval_command_reports_a_missing_set_in_one_line(tmp_path, capsys):
    from bot.cli import main

    (tmp_path / "questions.yaml").write_text("- question: Who?\n", encoding="utf-8")
    code = main(["eval", "--eval-dir", str(tmp_path), "--set", "heldout"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert err.startswith(f"talkbot: {tmp_path / 'heldout.yaml'}: no such file;")


# As people type on Discord. Measured when set: lower case, dev first citation 0.81, found
# 0.99+ / not found 0.67; a typo in the longest name (89 dev questions), first citation
# 0.75, found 0.92 (0.03 before index.spelling, which had every such name unknown).
# Round 16 (a lower-case word no English writes is a name): not found 0.83 in lower case
# and in capitals (0.78 before: "what was agreed at the minsk talks?" was answered); first
# citation 0.90 in lower case, 0.875 in capitals, 0.85 with a typo. Round 17: not found
# 0.944 in lower case and in capitals, 0.938 with a typo. Round 18: first citation 0.912
# in lower case, 0.887 in capitals, 0.863 with a typo.
@pytest.mark.parametrize(
    ("typed", "floors"),
    [
        (
            "lower",
            {"first_citation": 0.88, "found_answerable": 0.95, "notfound_unanswerable": 0.88},
        ),
        # In capitals every word looked like a name: found 0.65 before.
        (
            "upper",
            {"first_citation": 0.84, "found_answerable": 0.93, "notfound_unanswerable": 0.88},
        ),
        ("typo", {"first_citation": 0.83, "found_answerable": 0.9, "notfound_unanswerable": 0.87}),
    ],
)
def test_quality_holds_for_questions_typed_in_lower_case_capitals_or_with_a_typo(
    engine, typed, floors
):
    questions = retyped(load_questions(EVAL / "questions.yaml", ROOT / "seeds"), typed)
    figures = evaluate(engine, questions, typed).figures()
    fallen = {k: round(figures[k], 3) for k, floor in floors.items() if figures[k] < floor}
    assert not fallen, f"{typed}: below the floor: {fallen} (floors {floors})"


def test_a_typo_is_two_middle_letters_of_the_longest_name_swapped():
    assert swapped_in_a_name("What did Zelenskyy tell Putin?") == "What did Zelesnkyy tell Putin?"
    assert swapped_in_a_name("what did he say?") is None
