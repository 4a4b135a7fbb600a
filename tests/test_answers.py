"""Extractive answers on the real seeds: verbatim citations, the right article, honest misses."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from index.engine import Engine
from index.errors import QuestionError

QUESTIONS = [
    "Who called the Russian peace document spam?",
    "When did the second round of talks in Istanbul happen?",
    "How many bombers did Ukraine say it hit?",
    "What did Lavrov say about Ukraine's provocations?",
    "Where did Putin say he would meet Zelenskyy?",
    "What did Trump say about stopping the war?",
    "What tariffs did the White House impose on India?",
    "What did Peskov say about the ceasefire proposal?",
    "How long is the Kerch Bridge?",
    "When did Putin propose resuming talks in Istanbul?",
    "What did Zelenskyy say about meeting Putin?",
    "What did Russia's proposal call for?",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_citation_is_verbatim(engine, question):
    answer = engine.ask(question)
    assert answer.found, question
    assert len(answer.citations) >= 1
    for citation in answer.citations:
        article = engine.data.articles[engine.data.doc_index[citation.doc_id]]
        assert article.text[citation.start : citation.end] == citation.excerpt
        assert citation.title == article.title and citation.published == article.published
    # Every [n] in the answer names a citation, and every citation is used.
    for citation in answer.citations:
        assert f"[{citation.n}]" in answer.answer
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))


@pytest.mark.parametrize(
    ("question", "doc_id"),
    [
        ("Who said the document looks like spam?", "001_012fc0a4c0d34ea8"),
        ("What did Trump say at the Rose Garden dinner?", "003_553af48f6526a883"),
        ("How many Russian drones were in the latest round of strikes?", "003_553af48f6526a883"),
        ("What is the Kerch Bridge?", "000_086fd48e31ce2218"),
    ],
)
def test_question_answered_by_one_article_cites_it_first(engine, question, doc_id):
    answer = engine.ask(question)
    assert answer.found
    assert answer.citations[0].doc_id == doc_id


@pytest.mark.parametrize(
    "question",
    [
        "How do I bake sourdough bread?",
        "What is the capital of Australia?",
        "Who won the 2018 football World Cup?",
    ],
)
def test_off_topic_question_is_not_found(engine, question):
    answer = engine.ask(question)
    assert not answer.found
    assert answer.citations == ()
    assert answer.reason


@pytest.mark.parametrize(
    ("question", "hinted"),
    [
        ("¿Qué dijo Zelenski sobre las conversaciones de Estambul?", True),
        ("Was hat Selenskyj über Putin gesagt?", True),
        ("Что сказал Зеленский о переговорах?", True),
        # Answered with loosely related quotes (a drone attack) before: German "was" counted
        # as English; a French question got no hint.
        ("Was hat Putin vorgeschlagen?", True),
        ("Quand ont eu lieu les pourparlers à Istanbul?", True),
        # English questions the articles miss, and a lone unknown name: no hint.
        ("How do I bake sourdough bread?", False),
        ("Did Saudi Arabia host talks in Riyadh?", False),  # hinted before: all names
        ("What did Olaf Scholz say about the Istanbul talks?", False),
        ("Scholz?", False),
    ],
)
def test_only_a_question_in_another_language_is_told_the_articles_are_english(
    engine, question, hinted
):
    answer = engine.ask(question)
    assert not answer.found
    if hinted:
        assert "try asking in English" in answer.reason
    else:
        assert "English" not in answer.reason


@pytest.mark.parametrize(
    ("question", "hinted"),
    [
        ("What did he say about it?", True),
        ("and what did they do after that?", True),
        # Answered before, about whoever the best quote was about.
        ("Did she attend?", True),
        ("Why did he refuse?", True),
        # Nothing but question words: "why?" was answered with a five-character '"Why?'.
        ("why?", True),
        ("and then?", True),
        ("What did Olaf Scholz say about his talks?", False),  # names someone: no hint
        ("How do I bake sourdough bread?", False),
    ],
)
def test_a_follow_up_question_is_told_each_question_stands_alone(engine, question, hinted):
    answer = engine.ask(question)
    assert not answer.found
    assert ("name who or what you mean" in answer.reason) == hinted


@pytest.mark.parametrize(
    "question",
    [
        "Who said he could not go to Moscow?",  # "he" is the one asked about
        "did zelenskyy say he would meet putin?",  # named, in lower case
        "what did the american president say he had underestimated?",
    ],
)
def test_a_pronoun_is_no_follow_up_when_the_question_names_someone_or_asks_who(engine, question):
    assert engine.ask(question).found


def test_names_typed_in_lower_case_are_known_by_how_the_articles_write_them(engine):
    from index.answer import question_names, score_sentences
    from index.search import retrieve

    settings = engine.settings
    query = engine.query("what did peskov say about the ceasefire in kyiv?")
    retrieval = retrieve(
        engine.data, query, settings.search, settings.answer.passages, engine.tokenizer
    )
    candidates = score_sentences(engine.data, query, retrieval, settings.answer, engine.tokenizer)
    names = question_names(engine.data, retrieval.table, query, candidates, engine.tokenizer)
    assert set(names) == {"peskov", "kyiv"}


@pytest.mark.parametrize(
    "question",
    [
        # Answered in lower case before: a name the articles use, but not the best passage.
        "How many North Korean troops are fighting for Russia in Kursk?",
        "What did Trump and Putin agree about energy infrastructure in their March phone call?",
        "How much does India pay per barrel for Russian oil?",
        # Names the articles never use, known as names by where they stand.
        "What did Olaf Scholz say about the Istanbul talks?",
        "What did Macron say after visiting Kyiv?",
    ],
)
def test_a_question_typed_in_lower_case_is_refused_like_its_capitalised_form(engine, question):
    assert not engine.ask(question).found
    assert not engine.ask(question.lower()).found


@pytest.mark.parametrize(
    "question",
    [
        "what did peskov say about a ceasefire?",
        "what did ukraine's allies say about sanctions?",
        # A slip of the key in a common word is no name ("goverment"), nor is chat
        # ("tbh"), nor a rare English word ("haggle").
        "hows the ukrainian goverment reacting to putins offer",
        "tbh what did putin propose",
        "did they haggle over the kerch bridge",
        # Two words written as one, and a British spelling (found by a blind set).
        "why wont the ukrainian president travel to the russian capital for a sitdown",
        "what are the europeans planning to do with moscow's immobilised money?",
        # A double letter moved ("tarrifs" for "tariffs"): two edits, one slip.
        "what % tarrifs did the white house put on indian imports",
    ],
)
def test_a_question_typed_in_lower_case_about_what_the_articles_report_is_answered(
    engine, question
):
    answer = engine.ask(question)
    assert answer.found, answer.reason


@pytest.mark.parametrize(
    "question",
    [
        # Mentioned in the articles, never quoted: answered before with a sentence that
        # names them (Erdogan as the host Putin would call; Xi shaking hands).
        "What did Erdogan say about hosting the talks in Istanbul?",
        "What did Xi Jinping say to Putin at the SCO summit?",
        "what did medinsky tell reporters after the june 2 round?",
        # His first name is Putin's, whom the articles quote: the surname is who he is.
        "What did Vladimir Medinsky say after Monday's talks in Istanbul?",
        # Three words between "did" and "say": read as a speaker since Kim Jong Un.
        "What did Kim Jong Un say?",
        "what did kim jong un say",
        # A name after "the": the Vatican is named only as a venue Ukraine would accept.
        "Did the Vatican ever respond to Zelenskyy's offer to host talks there?",
        "did the vatican say it would host the peace talks",
        # An English word the articles never use: refused as "the Pope" is.
        "what did the pope say about hosting peace talks at the vatican?",
        # Four and five words between "did" and "say": titled names, read as speakers
        # since a name may take five words. Answered before with the sentences naming them.
        "What did Chinese President Xi Jinping say to Putin at their meeting in September?",
        "What did Russian presidential aide Vladimir Medinsky tell reporters in Istanbul?",
    ],
)
def test_what_someone_the_articles_never_quote_said_is_not_found(engine, question):
    assert not engine.ask(question).found


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("What did the Kremlin say about the ceasefire?", {"kremlin"}),
        ("did the vatican ever respond", {"vatican"}),  # the articles write "Vatican"
        ("what did the proposal call for?", set()),  # what it held, not whose words
        ("What did the Kremlin proposal say?", set()),  # "proposal": what it held
        ("what did the pope say?", {"pope"}),  # a word the articles never use
        ("how did the iranian goverment respond?", set()),  # a country's, and a slip
        # An adverb before the verb is no word of the name; "greet" asks a reaction.
        ("How did Zelenskyy initially greet the offer?", {"zelenskyy"}),
        ("What did Ukraine put forward at the June 2 talks?", {"ukrain"}),
        ("What did Ukraine ask for at the June 2 talks?", {"ukrain"}),
        # A role read as its holder (index.roles) is that person.
        ("What does the Kremlin boss think Ukraine would do?", {"putin"}),
        # A name of several words is its surname, or its head; two names are two.
        ("What did Vladimir Medinsky say?", {"medinski"}),
        ("what did new delhi say about the tariffs", {"delhi"}),
        ("What did Putin and Zelensky say?", {"putin", "zelenskyy"}),
    ],
)
def test_whose_words_a_question_asks(engine, question, speaker):
    from index.answer import _asked_speakers

    query = engine.query(question)
    assert _asked_speakers(query, engine.tokenizer, engine.data) == speaker


@pytest.mark.parametrize(
    "question",
    [
        "How did Tehran respond to claims it was shipping missile launchers to Moscow?",  # denied
        "What did Lavrov say about Zelenskyy's accusations?",
        "According to Putin, who walked away from the negotiations in 2022?",
        "What did Peskow say about a ceasefire?",  # a typo of a speaker's name
        # A title is not a name the articles lack: "Mr" made these not found.
        "What did Mr Putin say about the talks in Istanbul?",
        "What did Mr. Zelensky say about Moscow?",
        # The source is credited with "according to ... sources ... who spoke with
        # Reuters", with no verb of saying beside "sources": refused as never quoted.
        "What is Iran getting ready to send to Russia, according to sources?",
    ],
)
def test_what_someone_the_articles_quote_said_is_answered(engine, question):
    assert engine.ask(question).found


@pytest.mark.parametrize(
    "question",
    ["Was Putin willing to meet Zelenskyy in Istanbul?", "What did the EU say about sanctions?"],
)
def test_english_questions_with_words_other_languages_share_are_not_taken_for_foreign(
    engine, question
):
    from index.answer import looks_foreign
    from index.sentence_table import sentence_table

    assert not looks_foreign(engine.query(question), sentence_table(engine.data, engine.tokenizer))


def test_answer_is_built_from_the_excerpts_only(engine):
    answer = engine.ask("What did Zelenskyy propose to the Russians?")
    text = answer.answer
    for citation in answer.citations:
        text = text.replace(f"[{citation.n}]", "")
    flattened = {" ".join(c.excerpt.split()) for c in answer.citations}
    for piece in flattened:
        text = text.replace(piece, "")
    assert text.strip() == ""


@pytest.mark.parametrize("question", ["", "   ", "\u200b\u200b", "x" * 1001, "🙂🙂🙂"])
def test_bad_questions_are_refused_with_a_message(engine, question):
    with pytest.raises(QuestionError) as info:
        engine.ask(question)
    assert "\n" not in str(info.value) and str(info.value)


def test_answering_costs_one_model_call(engine):
    from index.engine import Engine

    calls = []

    class Counting:
        def __init__(self, inner):
            self.inner = inner

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def encode_query(self, text):
            calls.append(text)
            return self.inner.encode_query(text)

        def encode(self, texts, **kw):
            calls.extend(texts)
            return self.inner.encode(texts, **kw)

    counted = Engine(engine.settings, Counting(engine.embedder), engine.data)
    counted.ask("What did Peskov say about the ceasefire proposal?")
    assert len(calls) == 1


def _sentences_in(data, citation) -> list[int]:
    doc = data.doc_index[citation.doc_id]
    rows = data.sentences
    return [
        sid
        for sid in range(len(rows))
        if rows[sid, 0] == doc and citation.start <= rows[sid, 1] and rows[sid, 2] <= citation.end
    ]


def test_excerpts_are_a_sentence_each_and_the_first_may_bring_its_neighbours(engine):
    data, limit = engine.data, engine.settings.answer.lead_context_chars
    assert limit > 0, "the configured pipeline quotes the lead sentence in context"
    pairs = 0
    for question in QUESTIONS:
        answer = engine.ask(question)
        assert answer.found and len(answer.citations) <= engine.settings.answer.max_sentences
        for citation in answer.citations:
            inside = _sentences_in(data, citation)
            # Whole sentences: the excerpt starts where its first sentence starts and ends
            # where its last one ends.
            assert data.sentences[inside[0], 1] == citation.start, question
            assert data.sentences[inside[-1], 2] == citation.end, question
            if citation.n > 1:  # a sentence, or a quotation split over two
                assert len(inside) == 1 or (len(inside) == 2 and '"' in citation.excerpt)
        lead = _sentences_in(data, answer.citations[0])
        if len(lead) > 1:
            pairs += 1
            text = data.articles[data.sentences[lead[0], 0]].text
            # One passage: sentences side by side, only whitespace between them.
            for before, after in zip(lead, lead[1:], strict=False):
                assert after == before + 1, question
                assert not text[data.sentences[before, 2] : data.sentences[after, 1]].strip()
            assert len(answer.citations[0].excerpt) <= limit, question
        # The neighbour is not quoted a second time.
        spans = [(c.doc_id, c.start, c.end) for c in answer.citations]
        for i, (doc, start, end) in enumerate(spans):
            for other in spans[i + 1 :]:
                assert not (doc == other[0] and start < other[2] and other[1] < end), question
    # A lead holding every key word of its question is quoted alone (5 of these 12).
    assert pairs >= len(QUESTIONS) // 3, "lead sentences have a neighbour that fits"


def test_a_lead_holding_every_key_word_is_quoted_alone(engine):
    # The SBU's count of bombers hit, the sentence before, was quoted with it.
    answer = engine.ask("which bridge did ukraine hit with underwater explosives")
    lead = answer.citations[0]
    assert lead.excerpt.startswith("Then on June 3, Ukraine claimed to hit a key bridge")
    assert len(_sentences_in(engine.data, lead)) == 1


def test_a_sentence_cited_beside_the_first_excerpt_is_joined_to_it(engine):
    # "Peskov said the Kremlin would consider the proposal ..." with its neighbour [1],
    # then "... Western military aid to Kyiv would need to stop", the next sentence, [2]:
    # one passage quoted as two, the answer second.
    question = "What did Peskov say about the ceasefire proposal?"
    answer = engine.ask(question)
    lead = answer.citations[0]
    assert "Western military aid to Kyiv would need to stop" in lead.excerpt
    assert len(_sentences_in(engine.data, lead)) == 3
    assert all(
        c.doc_id != lead.doc_id or c.end < lead.start or c.start > lead.end
        for c in answer.citations[1:]
    )
    # ... only while the excerpt fits in answer.lead_context_chars.
    short = replace(engine.settings.answer, lead_context_chars=len(lead.excerpt) - 1)
    tighter = Engine(replace(engine.settings, answer=short), engine.embedder, engine.data)
    assert len(tighter.ask(question).citations[0].excerpt) < len(lead.excerpt)


def test_the_first_excerpt_brings_the_sentence_beside_it_with_a_word_it_lacks(engine):
    # "Russia fired another barrage of military drones overnight" and its neighbour never
    # say whether anyone was hurt; the sentence after them does, in words of the question
    # (search.synonyms reads "hurt" as "casualties").
    lead = engine.ask("Was anybody hurt when Russia fired drones overnight at Ukraine?").citations[
        0
    ]
    assert lead.excerpt.startswith("Following Putin's comments, Russia fired another barrage")
    assert lead.excerpt.endswith("No casualties have been reported.")
    # ... but only as far as answer.lead_context_chars allows.
    short = replace(engine.settings.answer, lead_context_chars=len(lead.excerpt) - 1)
    tighter = Engine(replace(engine.settings, answer=short), engine.embedder, engine.data)
    question = "Was anybody hurt when Russia fired drones overnight at Ukraine?"
    assert "No casualties" not in tighter.ask(question).citations[0].excerpt


def test_the_neighbour_brings_the_answer_a_scene_setting_sentence_lacks(engine):
    # ("How did Tehran respond ...?" now leads with Tehran's words: it asks for them.)
    question = "Is Tehran denying the claims that it ships missile launchers to Moscow?"
    alone = replace(engine.settings.answer, lead_context_chars=0)
    sentence_only = Engine(replace(engine.settings, answer=alone), engine.embedder, engine.data)

    lead_alone = sentence_only.ask(question).citations[0]
    assert "Iran has already delivered" in lead_alone.excerpt
    assert len(_sentences_in(engine.data, lead_alone)) == 1
    lead = engine.ask(question).citations[0]
    assert lead.excerpt.startswith(lead_alone.excerpt) or lead.excerpt.endswith(lead_alone.excerpt)
    assert "Tehran has denied the reports" in lead.excerpt


def test_first_passage_of_a_sentence_matches_a_full_scan(engine):
    import numpy as np

    from index.answer import first_passage_of

    passages = np.asarray(engine.data.passages)
    for sid in range(len(engine.data.sentences)):
        holding = np.flatnonzero((passages[:, 3] <= sid) & (passages[:, 4] > sid))
        assert first_passage_of(engine.data, sid) == (int(holding[0]) if len(holding) else None)
    assert first_passage_of(engine.data, len(engine.data.sentences)) is None


def _four_reports(corpus_copy) -> None:
    """Four outlets report one exchange with other figures or speakers; two agree."""
    reports = {
        "900_wire_a.txt": ("1,200 prisoners", "Medinsky"),
        "901_wire_b.txt": ("1,300 prisoners", "Medinsky"),
        "902_wire_c.txt": ("1,200 prisoners", "Medinsky"),
        "903_wire_d.txt": ("1,200 prisoners", "Umerov"),
    }
    entries = []
    for name, (figure, speaker) in reports.items():
        (corpus_copy.seeds_dir / name).write_text(
            "Prisoner exchange agreed\n\n"
            # Long enough that the speaker barely moves the embedding (cosine 0.97).
            f'"We agreed on the exchange of {figure} of war on each side, and the swap will '
            'take place within two weeks at the border with Belarus," '
            f"{speaker} told reporters after the long meeting in Istanbul on Monday.\n\n"
            "The swap is expected to take place within two weeks, officials said.\n",
            encoding="utf-8",
        )
        entries.append(
            f'{name}:\n  title: "Exchange agreed"\n  outlet: Wire\n  published: 2025-06-03\n'
        )
    with corpus_copy.sources_file.open("a", encoding="utf-8") as sources:
        sources.write("".join(entries))


def test_reports_that_differ_in_a_figure_or_speaker_are_not_cited_as_one_quote(
    corpus_copy, embedder
):
    """One outlet's "1,200 prisoners" must not be cited under another's "1,300", nor
    Medinsky's words under Umerov's."""
    import re

    from index.build import build_index

    _four_reports(corpus_copy)
    build_index(corpus_copy, embedder)
    engine = Engine.open(corpus_copy, embedder)
    answer = engine.ask("How many prisoners did the negotiators say would be exchanged?")
    by_n = {c.n: c for c in answer.citations}
    cited = set()
    for markers in re.findall(r"((?:\[\d+\])+)", answer.answer):
        group = [by_n[int(n)] for n in re.findall(r"\d+", markers)]
        quoted = [c.excerpt for c in group if "prisoners" in c.excerpt]
        figures = {re.search(r"1,[23]00", e).group() for e in quoted}
        speakers = {re.search(r"(Medinsky|Umerov) told", e).group(1) for e in quoted}
        assert len(figures) <= 1 and len(speakers) <= 1, answer.answer  # one quote, one report
        cited |= {c.doc_id for c in group}
    # The two outlets with the same sentence share one quote; the others get their own.
    assert {"900_wire_a", "901_wire_b", "902_wire_c", "903_wire_d"} <= cited, answer.answer
    groups = [re.findall(r"\d+", m) for m in re.findall(r"((?:\[\d+\])+)", answer.answer)]
    same = [g for g in groups if {by_n[int(n)].doc_id for n in g} >= {"900_wire_a", "902_wire_c"}]
    assert same, answer.answer


def _lead_with_ratio(engine, question: str, ratio: float) -> str:
    answer = replace(engine.settings.answer, lead_context_ratio=ratio)
    other = Engine(replace(engine.settings, answer=answer), engine.embedder, engine.data)
    return other.ask(question).citations[0].excerpt


def test_an_unrelated_neighbour_is_not_quoted_with_a_one_line_answer(engine):
    question = "How long is the Kerch Bridge?"
    lead = engine.ask(question).citations[0].excerpt
    assert lead.startswith("The 19-kilometer Kerch Bridge") and "Lavrov" not in lead
    # Without the ratio the lead opened on the Lavrov quote before it. The sentence after
    # it (the bridge's earlier damage) is now a candidate too (answer.beside_passages),
    # and the more relevant neighbour; the next test shows what the ratio guards against.
    assert "Lavrov" not in _lead_with_ratio(engine, question, 0.0)


def test_a_neighbour_far_from_the_question_by_itself_is_not_quoted(engine):
    # Found by a blind probe: the sentence before "talks on June 2 in Istanbul" (a Sumy air
    # strike, cosine 0.16 against 0.56) passed on relevance alone, which it gets from its
    # passage's standing and its numbers, and opened the answer.
    question = "how long did the june 2 talks in istanbul last"
    assert "Sumy" not in _lead_with_ratio(
        engine, question, engine.settings.answer.lead_context_ratio
    )
    assert _lead_with_ratio(engine, question, 0.0).startswith("Earlier, Ukrainian authorities")


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ('Who said "How can we negotiate with those who rely on terror?"', "Putin"),
        ("Who said the war was the most difficult?", "Trump"),
    ],
)
def test_a_quotation_said_by_he_comes_with_the_sentence_that_names_him(engine, question, speaker):
    # The lead was '"How can we ...?" he added.' alone: who "he" was, nobody could tell.
    lead = engine.ask(question).citations[0].excerpt
    assert speaker in lead.split('"')[0], lead


def test_a_quotation_is_quoted_whole_when_the_lead_holds_half_of_it(engine):
    from index.quotation import leaves_a_quote_open, starts_inside_a_quote

    # The lead was the tail alone ('May they ... together!" Trump wrote ...') ...
    lead = engine.ask("What did Trump write on social media?").citations[0].excerpt
    assert lead.startswith("\"Looks like we've lost India and Russia"), lead
    # ... or the opening alone ('warned that “pressuring Moscow is pointless.').
    lead = engine.ask("What did Peskov say about the ceasefire proposal?").citations[0].excerpt
    assert "pressuring Moscow is pointless. This is a new development" in lead, lead
    assert lead.count("“") == lead.count("”"), lead
    assert starts_inside_a_quote('May they prosper!" Trump wrote in a post.')
    assert starts_inside_a_quote("be cut.” He left.")
    assert not starts_inside_a_quote('"We are ready," he said.')
    assert leaves_a_quote_open("He warned that “pressuring Moscow is pointless.")
    assert leaves_a_quote_open('"Looks like we lost India.')
    assert not leaves_a_quote_open('"We are ready," he said.')
    assert not leaves_a_quote_open("“It is spam,” he said.")


def test_a_later_excerpt_holding_half_a_quotation_is_quoted_with_the_other_half(engine):
    answer = engine.ask("Who called Moscow the capital of this terrorist?")
    tail = next(c for c in answer.citations if "the capital of this terrorist" in c.excerpt)
    assert tail.n > 1
    assert tail.excerpt.startswith("\"I can't go to Moscow when my country's under missiles")


def test_the_tail_of_a_quotation_is_not_quoted_without_its_speaker(engine):
    """ "Why? To have a delay ..." is Zelenskyy's; split after "Why?", its tail must not
    open an answer about Lavrov, where it would read as his."""
    from index.quotation import ends_a_quote_opened_before

    for ratio in (0.0, engine.settings.answer.lead_context_ratio):
        lead = _lead_with_ratio(engine, "What did Lavrov say?", ratio)
        assert lead.startswith("Responding to Zelenskyy's comments"), lead
    assert ends_a_quote_opened_before('To have a delay ... sanctions."')
    assert ends_a_quote_opened_before("the imposition of sanctions.”")
    assert not ends_a_quote_opened_before('"Honestly, this document looks like spam," he said.')
    assert not ends_a_quote_opened_before("“It is spam,” he said.")
    assert not ends_a_quote_opened_before("Lavrov rejected the accusation.")


# The name as the one speaking: before a verb of saying, or right after one ("said Putin").
_SPEAKS = (
    r"\b{name}\b(?!['’]s)(?:\W+\w+){{0,3}}?\W+"
    r"(?:said|says|spoke|claimed|dismissed|expressed|accused|rejected|warned|stated|wrote)\b"
    r"|\bsaid,?\s+{name}\b"
)


def test_what_someone_said_on_a_topic_leads_with_their_own_words(engine):
    # Half the answer-type lift for quoting Putin: "Putin addressed the ongoing ceasefire
    # negotiations" (the question's words, no words of his) led.
    lead = engine.ask("What did Putin say the Istanbul talks should address?").citations[0]
    assert "address the root causes of the ongoing conflict" in lead.excerpt


@pytest.mark.parametrize("name", ["Putin", "Trump", "Zelenskyy", "Lavrov", "Peskov"])
def test_what_did_x_say_leads_with_x_speaking(engine, name):
    # "What did Putin say?" led with Zelenskyy's words about "Putin's offer": a question
    # asking only for someone's words prefers the sentences where they speak.
    answer = engine.ask(f"What did {name} say?")
    assert answer.found
    lead = answer.citations[0].excerpt
    assert re.search(_SPEAKS.format(name=name), lead), lead


@pytest.mark.parametrize(
    "question",
    [
        "Who led Ukraine's delegation at the Istanbul talks on June 2?",
        # "headed" is "led" (search.synonyms)
        "Who headed the Russian delegation at the June 2 talks in Istanbul?",
    ],
)
def test_who_did_it_is_the_person_beside_the_questions_verb(engine, question):
    # "... could include Turkish President Recep Tayip Erdogan", a sentence on a
    # meeting to come, led: a new person's name beside "talks on June 2".
    lead = engine.ask(question).citations[0].excerpt
    assert "led by Ukraine's Defence Minister Rustem Umerov" in lead
    assert "Erdogan" not in lead


def test_a_day_written_as_a_weekday_is_the_day_asked(engine):
    # "Monday's peace talks in Istanbul, led by ... Rustem Umerov and ... Vladimir
    # Medinsky", in an article of Wednesday June 4, are the talks on June 2; the
    # sentence saying "talks on June 2 in Istanbul" led, and named no one.
    lead = engine.ask("who headed the two delegations at the june 2 istanbul talks")
    assert "Rustem Umerov" in lead.citations[0].excerpt


def test_dated_as_asked_reads_relative_days(engine):
    from index.answer import _dated_as_asked
    from index.asked_date import asked_dates

    data = engine.data
    sid = next(
        i
        for i in range(len(data.sentences))
        if data.sentence(i).text.startswith("Zelenskyy said Monday's peace talks")
    )
    assert str(data.article_of_sentence(sid).published) == "2025-06-04"  # a Wednesday
    assert _dated_as_asked(data, sid, asked_dates("the june 2 talks"))
    assert not _dated_as_asked(data, sid, asked_dates("the june 3 talks"))


def test_a_date_asked_of_someone_is_one_a_sentence_naming_them_gives(engine):
    # Ukraine's "ready to hold talks at any venue ... starting as early as next Monday,
    # according to Zelenskyy" led: a date, but not Putin's.
    lead = engine.ask("What date did Putin suggest for restarting talks in Istanbul?")
    assert "Putin" in lead.citations[0].excerpt
    assert not lead.citations[0].excerpt.startswith("Ukraine is ready to hold talks")


def test_a_reason_asked_of_moscow_is_given_by_a_sentence_naming_putin(engine):
    # "does moscow think" asks Moscow's view: "Putin accused Ukraine of seeking a truce
    # only to replenish weapons and troops" names no Moscow, and lost its lift for a
    # reason to a sentence on Ukraine's conditions.
    lead = engine.ask("why does moscow think ukraine even wants a truce").citations[0]
    assert "replenish weapons and troops" in lead.excerpt


def test_a_sentence_names_someone_by_name_role_or_he_said(engine):
    from index.answer import _names_one_of
    from index.sentence_table import sentence_table

    data, tokenizer = engine.data, engine.tokenizer
    table = sentence_table(data, tokenizer)

    def sid(opening: str) -> int:
        return next(
            i for i in range(len(data.sentences)) if data.sentence(i).text.startswith(opening)
        )

    zelenskyy = set(tokenizer.terms("Zelenskyy"))
    assert _names_one_of(data, table, sid("Zelenskyy declined"), zelenskyy, tokenizer)
    # By the role the articles give him alone.
    assert _names_one_of(data, table, sid("The Ukrainian president added"), zelenskyy, tokenizer)
    # The "he added" of a quotation whose speaker the sentence before names (Putin).
    putin = set(tokenizer.terms("Putin"))
    assert _names_one_of(data, table, sid('"How can we negotiate'), putin, tokenizer)
    assert not _names_one_of(
        data, table, sid("The 19-kilometer Kerch Bridge"), zelenskyy, tokenizer
    )


def test_a_quotation_going_on_is_spoken_by_whoever_the_sentence_before_names(engine):
    from index.answer import _attribution_of

    data = engine.data

    def sid(opening: str) -> int:
        return next(
            i for i in range(len(data.sentences)) if data.sentence(i).text.startswith(opening)
        )

    said = sid('"He can come to Kyiv," Zelenskyy said')
    assert _attribution_of(data, sid("\"I can't go to Moscow when")) == said
    assert _attribution_of(data, sid("I can't go to the capital of this terrorist")) == said
    assert _attribution_of(data, said) is None  # it names its speaker
    assert _attribution_of(data, sid("The 19-kilometer Kerch Bridge")) is None


def test_who_said_it_is_answered_by_whoever_is_quoted(engine):
    # Zelenskyy, named in nearly every sentence, was below the rarity a person needs to
    # answer "who" (answer.answer_type_rarity), and the sentence naming Umerov led.
    lead = engine.ask("Who called the Russian peace document spam?").citations[0].excerpt
    assert '"Honestly, this document looks like spam," said Zelenskyy.' in lead


def test_he_says_in_the_next_sentence_is_the_speaker_before(engine):
    from index.answer import _quotes

    data, tokenizer = engine.data, engine.tokenizer
    sid = next(
        i
        for i in range(len(data.sentences))
        if data.sentence(i).text.startswith("He also hinted that Western security")
    )
    # "Speaking in Beijing following the parade, Putin said that ..." comes before it.
    assert _quotes(data, sid, set(tokenizer.terms("Putin")), tokenizer, strict=True)
    assert not _quotes(data, sid, set(tokenizer.terms("Zelenskyy")), tokenizer, strict=True)


@pytest.mark.parametrize(
    ("word", "says"),
    [
        ("posted", True),
        ("posts", True),
        ("postpone", False),
        ("postwar", False),
        ("urged", True),
        ("urgent", False),
        ("replied", True),
        ("replenish", False),
    ],
)
def test_a_verb_of_saying_is_a_whole_word(word, says):
    from index.answer import _SPEECH_VERB

    # "post" read "postpone" as a verb of saying: "... whether or not to postpone the
    # imposition of sanctions" quoted whoever stood beside it; so did "urgent" and
    # "replenish" ("seeking a truce only to replenish weapons").
    assert bool(_SPEECH_VERB.fullmatch(word)) is says


def test_how_someone_reacted_leads_with_their_words(engine):
    # The sentence reporting what Tehran reacted to ("Iran is reportedly preparing to
    # send ... launchers") led, and Tehran's denial came second.
    question = "How did Tehran react to reports it was sending missile launchers to Russia?"
    answer = engine.ask(question)
    assert answer.found
    assert "Tehran has denied the reports" in answer.citations[0].excerpt


@pytest.mark.parametrize(
    ("question", "detail"),
    [
        ("What did Olaf Scholz say about the Istanbul talks?", "They never mention Olaf Scholz."),
        ("what did erdogan say about hosting the talks?", "They mention Erdogan but never quote"),
        ("What did Kim Jong Un say?", "They mention Kim Jong Un but never quote them."),
        # Typed in lower case, "minsk" was read as an ordinary word the articles never
        # use, and the question was answered from its word "talks" ("meaningful
        # negotiations can only begin if Russia first agrees..."); "Minsk" was refused.
        ("what was agreed at the minsk talks in 2015?", "They never mention Minsk."),
        ("did macron visit kyiv in may", "They never mention Macron."),
        # Typed in capitals throughout, read as lower case, and named as typed.
        ("WHAT WAS AGREED AT THE MINSK TALKS?", "They never mention MINSK."),
        # A role the articles never write: answered with Erdogan, "Turkish President".
        (
            "Who is the Turkish foreign minister that hosted the Istanbul talks?",
            "They never mention the Turkish foreign minister.",
        ),
        (
            "What is the name of Turkey's foreign minister?",
            "They never mention Turkey's foreign minister.",
        ),
        # Not "They never mention French." (the articles write "France").
        (
            "What did the French president say about the ceasefire?",
            "They never mention the French president.",
        ),
    ],
)
def test_not_found_says_who_is_missing(engine, question, detail):
    answer = engine.ask(question)
    assert not answer.found
    assert detail in answer.reason


def test_a_country_written_as_its_adjective_is_no_name_the_articles_lack(engine):
    # The articles write "Iran" and "Tehran", never "Iranian": refused as a name they lack.
    answer = engine.ask(
        "How did the Iranian government respond to claims it was arming Moscow with launchers?"
    )
    assert answer.found, answer.reason
    assert "Tehran has denied the reports" in answer.citations[0].excerpt
    # A country the articles never name still is one.
    assert not engine.ask("What did the Brazilian government say about the talks?").found


def test_a_role_the_articles_write_is_not_taken_for_one_they_never_write(engine):
    from index.roles import roles_never_written

    # Written with a name ("Kremlin spokesperson Dmitry Peskov") or without one ("The
    # Ukrainian president added").
    for question in ("Who is Russia's spokesperson?", "What did the Ukrainian president say?"):
        assert roles_never_written(question, engine.data) == ()
    assert roles_never_written("What did the UK prime minister say?", engine.data) == (
        "UK prime minister",
    )


def test_foreign_to_english_tells_names_from_words_and_slips():
    from index.english import foreign_to_english

    assert foreign_to_english("minsk") and foreign_to_english("scholz")
    assert not foreign_to_english("sneak")  # a common word
    assert not foreign_to_english("goverment")  # one edit from "government"
    assert not foreign_to_english("dont")  # one edit from "don't"
    assert not foreign_to_english("immobilised")  # a British spelling, one edit away
    assert not foreign_to_english("sitdown") and not foreign_to_english("airbases")


@pytest.mark.parametrize(
    ("after_the_verb", "speaker_words"),
    [
        # "... a humanitarian step," said Ukrainian negotiator Rustem Umerov: the name is
        # four words after the verb (three were read, and "what did Umerov say" was
        # refused as never quoted).
        ("Ukrainian negotiator Rustem Umerov", ["Ukrainian", "negotiator", "Rustem", "Umerov"]),
        (
            "European Council President Antonio Costa",
            ["European", "Council", "President", "Antonio", "Costa"],
        ),
        # What follows a function word is what was said, not who said it.
        ("on Friday Erdogan would host", []),
        ("that Putin's offer was", []),
    ],
)
def test_who_is_named_after_a_verb_of_saying(after_the_verb, speaker_words):
    from index.answer import _speaker_after

    assert _speaker_after(after_the_verb.split()) == speaker_words


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        (
            "What did the leaders of France, Germany, the United Kingdom and Poland call for?",
            "30-day",
        ),
        ("What is the European Union sending to Washington?", "delegation to Washington"),
        # "America" is the United States (search.aliases): it counted as a name the
        # articles never use.
        ("Did America put tariffs on India?", "tariffs of up to 50 percent"),
    ],
)
def test_a_name_of_two_words_the_articles_use_is_known(engine, question, quoted):
    # "the United Kingdom" is one term in the index (search.aliases), and the question's
    # names were read word by word: "Kingdom" was a name it never uses, and each was
    # refused with "They never mention Kingdom."
    answer = engine.ask(question)
    assert answer.found, answer.reason
    assert any(quoted in c.excerpt for c in answer.citations)


def test_a_role_read_as_a_person_is_no_name_the_articles_lack(engine):
    # "the American president" is read as Donald Trump, but "American", a word the
    # articles never write ("US President"), still counted as a name they lack.
    answer = engine.ask("Did the American president say ending the war was harder than he thought?")
    assert answer.read_as == (("American president", "Donald Trump"),)
    assert answer.found, answer.reason
    assert any("Trump" in c.excerpt for c in answer.citations)


@pytest.mark.parametrize(
    ("question", "speakers"),
    [
        ("what did olaf scholz say?", ["olaf scholz"]),
        ("Has Erdogan said anything?", ["Erdogan"]),
        # "harder than he" was read as someone whose words were asked for, and the
        # question was refused: "They never mention Harder."
        ("Did Trump say the war was harder than he thought?", ["Trump"]),
        ("Is the war harder to end than he said?", []),
        ("What did Chinese President Xi Jinping say?", ["Chinese President Xi Jinping"]),
    ],
)
def test_whose_words_are_asked_for_is_a_name_not_a_phrase(question, speakers):
    from index.answer import _SPEAKER

    assert _SPEAKER.findall(question) == speakers


def test_words_a_phrase_takes_in_are_not_words_of_their_own():
    from index.lexical import Tokenizer

    tokenizer = Tokenizer([("united kingdom", "uk"), ("european union", "eu")])
    assert tokenizer.phrase_words("Did the United Kingdom and the EU agree?") == {
        "united",
        "kingdom",
    }
    assert tokenizer.phrase_words("a united front") == set()


def test_uk_is_the_united_kingdom(engine):
    # The articles write "the United Kingdom"; "uk" counted as a name their passage lacks.
    answer = engine.ask("what did the leaders of france germany uk and poland call for")
    assert answer.found
    assert any("30-day" in c.excerpt and "United Kingdom" in c.excerpt for c in answer.citations)


@pytest.mark.parametrize(
    ("question", "detail"),
    [
        # Names the articles use, asking what they never say: matched by the names alone,
        # each was answered with whatever the articles say of Kyiv, Zelenskyy or Putin.
        ("What's the weather in Kyiv?", "They never mention “weather”."),
        # "like" frames the question, as "job" frames "what is Peskov's job": it is no
        # topic the articles share ("looks like spam"), and it kept this one answered.
        ("What's the weather like in Kyiv today?", "They never mention “weather” or “today”."),
        ("Is Zelenskyy married?", "They never mention “married”."),
        ("how tall is vladimir putin?", "They never mention “tall”."),
        (
            "What is Zelenskyy's favourite football team?",
            "They never mention “favourite”, “football” or “team”.",
        ),
        # A question of who someone is frames with "job", but not with "salary" or the KGB.
        ("What is Peskov's salary?", "They never mention “salary”."),
        ("What was Putin's job in the KGB?", "They never mention KGB."),
        # The articles report the 19th package: a figure they never write is no name of
        # theirs either, and the 19th's contents are no answer about the 18th.
        ("What measures were in the EU's 18th sanctions package?", "They never mention “18th”."),
        # They report a second round of talks: "third" was a word beside words they use,
        # and the second round's sentence was quoted for the third.
        ("What came out of the third round of talks?", "They never mention “third round”."),
    ],
)
def test_what_the_articles_never_say_of_someone_they_name_is_not_found(engine, question, detail):
    answer = engine.ask(question)
    assert not answer.found and answer.citations == ()
    assert detail in answer.reason


def test_a_capital_named_for_its_country_is_no_name_the_passage_lacks(engine):
    # The passage says "led by Ukraine's Defence Minister Rustem Umerov": "Kyiv" counted
    # as a name it lacks, and the question was refused.
    answer = engine.ask("Which Ukrainian minister led Kyiv's delegation?")
    assert answer.found
    assert "Rustem Umerov" in answer.citations[0].excerpt


def test_only_the_capital_stands_for_the_country():
    from index.capitals import capital_stands_for
    from index.lexical import Tokenizer
    from index.settings import AnswerSettings

    groups, tokenizer = AnswerSettings().capitals, Tokenizer()
    assert capital_stands_for("kyiv", tokenizer.terms("Ukraine's delegation"), groups, tokenizer)
    assert capital_stands_for("delhi", tokenizer.terms("Indian imports"), groups, tokenizer)
    assert capital_stands_for("washington", tokenizer.terms("the White House"), groups, tokenizer)
    # A passage naming the city alone may be about the city, not the country.
    assert not capital_stands_for("india", tokenizer.terms("in New Delhi"), groups, tokenizer)
    assert not capital_stands_for("washington", tokenizer.terms("the house"), groups, tokenizer)
    assert not capital_stands_for("kyiv", tokenizer.terms("Russia's"), groups, tokenizer)


def test_where_is_answered_by_a_place_not_by_the_one_every_sentence_names(engine):
    # "amid stalled peace negotiations following ... in Ukraine" led: a place the question
    # does not name, but one nearly every sentence names, so it answers no "where".
    answer = engine.ask("Where did Putin and Trump hold a summit?")
    assert answer.found
    assert "summit in Alaska" in answer.citations[0].excerpt


def test_a_rarer_name_holds_more_of_what_who_and_where_ask_for(engine):
    from index.answer import asked_strength, titled_people
    from index.sentence_table import sentence_table

    data, settings = engine.data, engine.settings.answer
    table = sentence_table(data, engine.tokenizer)
    query = engine.query("Where did Putin and Trump hold a summit?")

    def strength(kind: str, words: str) -> float:
        sid = next(i for i in range(len(data.sentences)) if words in data.sentence(i).text)
        return asked_strength(kind, data, table, sid, query, engine.tokenizer, settings)

    assert strength("place", "summit in Alaska") == pytest.approx(1.0)
    assert strength("place", "foreign troops in Ukraine would be") == 0.0
    # Vladimir Medinsky is named once; Putin, whom the question names, is not new.
    assert strength("person", "Russian presidential aide Vladimir Medinsky") == pytest.approx(1.0)
    assert strength("person", "Russia fired another barrage") == 0.0
    assert strength("quantity", "in the form of 91 Russian drones") == 1.0
    # A person is one of the names the articles give a title: places answer no "who".
    assert strength("person", "including Istanbul, the Vatican or Switzerland") == 0.0
    people = titled_people(data, engine.tokenizer)
    assert {"umerov", "peskov", "zelenskyy", "erdogan"} <= people
    assert people.isdisjoint({"vatican", "switzerland", "istanbul", "kremlin", "ukrain"})
    # At 0 the grading is off: any place the question does not name counts whole.
    whole = replace(settings, answer_type_rarity=0.0)
    sid = next(i for i in range(len(data.sentences)) if "in Ukraine would" in data.sentence(i).text)
    assert asked_strength("place", data, table, sid, query, engine.tokenizer, whole) == 1.0


def test_a_question_in_words_the_articles_never_use_is_still_answered_when_it_matches(engine):
    # "get" and "trip" are words the articles never use, so all the question asks beyond
    # its names is unused: a penalty in the not-found rule, not a refusal.
    answer = engine.ask("What did Putin get out of his trip to China?")
    assert answer.found


def test_only_real_words_count_as_unused_not_typos(engine):
    assert "weather" in engine.query("What's the weather in Kyiv?").unused_words
    # "ceasfire" is no word the model knows whole: a typo of one the articles use.
    query = engine.query("what did putin say about the ceasfire?")
    assert not query.unused_words
    assert engine.ask("what did putin say about the ceasfire?").found


@pytest.mark.parametrize(
    ("question", "title"),
    [
        # Each asks who someone is in words the articles never use of them: "role" and
        # "job" counted as a topic they never mention, and were refused.
        ("What is Peskov's role?", "Kremlin spokesperson Dmitry Peskov"),
        ("What's Umerov's job?", "Defence Minister Rustem Umerov"),
        ("What is Vladimir Medinsky's job?", "presidential aide Vladimir Medinsky"),
        ("What position does Rustem Umerov hold?", "Defence Minister Rustem Umerov"),
        ("what is lavrov's job", "Foreign Minister Sergey Lavrov"),
        ("Who is Ursula von der Leyen?", "President Ursula von der Leyen"),
    ],
)
def test_who_someone_is_is_answered_with_the_title_the_articles_give_them(engine, question, title):
    answer = engine.ask(question)
    assert answer.found, answer.reason
    assert title in answer.citations[0].excerpt


def test_a_title_answers_for_the_name_it_comes_before_only():
    from index.answer import _titles
    from index.lexical import Tokenizer

    tokenizer = Tokenizer()
    medinsky = tokenizer.terms("Vladimir Medinsky")
    assert _titles("with Russian presidential aide Vladimir Medinsky", medinsky, tokenizer)
    # "Vladimir" is asked, but the title is Putin's.
    assert not _titles("said Russian leader Vladimir Putin", medinsky, tokenizer)


@pytest.mark.parametrize(
    ("question", "answer_words"),
    [
        # The control for the 18th package (not found): the package they do report.
        ("What is in the EU's 19th sanctions package?", "19th package"),
        # "on June 3" in the sentence on the strike counted as the length asked for, and
        # it was quoted before the one that gives it.
        ("How long is the bridge connecting Russia to Crimea?", "19-kilometer"),
        # "what %" asked no quantity, and the sentence on Trump walking back his
        # criticism of India led.
        ("what % tariff did the US put on india", "50 percent"),
        # "What was X held for?" asks why, and was answered with Zelenskyy's call to stop
        # the killing "even for a single day", a sentence that shares its words.
        ("What was the three-day truce in May held for?", "in honor of the 80th anniversary"),
        # "the American president" is read as Donald Trump, and "did ... admit" asks his
        # words: Zelenskyy's challenge "to end fighting" led on the words it shares.
        (
            "Has the American president admitted that ending the fighting proved harder "
            "than he expected?",
            "Trump said he underestimated",
        ),
        # What a party demanded: "Zelenskyy's call for a meeting comes after talks on
        # June 2" led on "call" and "June 2"; the demands take those from the sentences
        # before them. "Kyiv" asked is Ukraine written, and "Ukriane" is Ukraine.
        ("What did Russia's proposal at the June 2 talks call for?", "recognition of Crimea"),
        ("What did Kyiv ask for in the June talks?", "Ukraine called for"),
        ("What did Ukriane put forward at the June 2 talks?", "Ukraine called for"),
        # "call" frames what they named it: "Zelenskyy's call for a meeting" led on it.
        ("what did zelensky call russia's peace document in june", "calling it"),
        # "X's response" asks X's words, as "how did X respond" does: Zelenskyy's
        # accusation, which Lavrov answered, led on the words it shares.
        (
            "what was lavrov's response when zelenskyy said russia isn't serious about talks",
            "Lavrov rejected the accusation",
        ),
        ("What was Zelenskyy's answer to Putin's invitation to Moscow?", "declined"),
        # Moscow's worry is what Russia "fears" (search.synonyms); Ukraine's call for a
        # 30-day cease-fire led on "30-day".
        ("Why is Moscow worried about a 30-day ceasefire?", "fears that a month-long truce"),
    ],
)
def test_the_first_excerpt_gives_what_the_wording_asks(engine, question, answer_words):
    answer = engine.ask(question)
    assert answer.found
    assert answer_words in answer.citations[0].excerpt


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("With whom did Putin say he would discuss the logistics?", "person"),
        ("To whom did Zelenskyy speak?", "person"),
        ("Who led the Russian delegation?", "person"),
        ("How long is the Kerch Bridge?", "quantity"),
        ("On what date did Putin propose talks?", "date"),
        ("Why did Zelenskyy refuse to go?", "reason"),
        ("What was the occasion for the truce?", "reason"),
        ("What was the three-day truce in May held for?", "reason"),
        ("what % tariff did the US put on india", "quantity"),
        ("What percent tariff did the US put on India?", "quantity"),
        ("whats the delegation to washington for", "reason"),
        # What was demanded, not why.
        ("What did the leaders call for?", "demand"),
        ("What is Kyiv asking for?", "demand"),
        ("What did Russia's proposal at the June 2 talks call for?", "demand"),
        # Whose words, and a clause: no demand of "Putin say the aim of the talks he".
        ("What did Putin say the aim of the talks he proposed was?", None),
        ("What was Zelenskyy's reaction when Moscow offered talks?", None),
        ("what was the exact date of the summit", "date"),
        ("what was the month-long truce for?", "reason"),  # "month-long" is no date
        ("what was the death toll of the strikes in Sumy?", "quantity"),
        ("what exact deadline date did trump give putin", "date"),
        # What sides agreed; not what one side would give up before the other agreed.
        ("What exactly did Putin and Trump agree on in Alaska?", "agreement"),
        ("what was agreed at the minsk talks", "agreement"),
        ("What specific agreements did they sign in Alaska?", "agreement"),
        ("what would the west have to give up before moscow agreed to stop shooting", None),
    ],
)
def test_what_a_question_asks_for_is_read_from_its_wording(question, kind):
    from index.answer import asked_for

    assert asked_for(question) == kind


def test_a_number_written_onto_a_name_is_no_count(engine):
    # "the upcoming G7 summit" gave the worth of the frozen Russian assets, and the
    # "two Western security sources" after the next section's heading did too: the
    # sentences an excerpt may quote with the best one are those with only whitespace
    # between, as the excerpt's are.
    answer = engine.ask("How much are the frozen Russian assets worth?")
    assert not answer.found
    # The control: the G7 sentence still answers what it says.
    answer = engine.ask("What will the G7 summit discuss?")
    assert answer.found and "frozen Russian assets" in answer.citations[0].excerpt


def test_numbers_in_names_are_not_counts():
    from index.answer import _NUMBER, _in_a_name

    text = "Fath-360 missiles, the G7 summit, 91 Russian drones and one official"
    counts = [m.group() for m in _NUMBER.finditer(text) if not _in_a_name(text, m)]
    assert counts == ["91", "one"]


def test_a_date_or_a_span_of_time_is_no_count(engine):
    # The best sentence ("... a 30-day ceasefire beginning May 12") gives no count of
    # meetings: its numbers are a span of time and a date, and "12" passed for a count.
    answer = engine.ask("How many times has Putin met Trump?")
    assert not answer.found, answer.citations[0].excerpt
    # The control: a count the articles give is still found.
    assert engine.ask("How many bombers were hit in the attack?").found


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("How many Ukrainian soldiers have died?", "soldiers"),
        ("How many prisoners of war were exchanged?", "prisoners"),
        ("How many sources told Reuters that Iran was sending launchers?", "sources"),
        ("How many Patriot air defense systems has Germany sent?", "systems"),
        ("how many bombers got hit", "bombers"),
        ("How many ppl died in the attack?", "ppl"),
        ("How many strikes and locations did the Air Force count?", "strikes locations"),
        ("How many were killed?", ""),
        ("How much did the bridge cost?", ""),
    ],
)
def test_what_how_many_counts_is_the_word_before_its_verb(engine, question, counted):
    from index.answer import counted_terms

    tokenizer = engine.tokenizer
    assert counted_terms(question, tokenizer) == set(tokenizer.terms(counted))


@pytest.mark.parametrize(
    "question",
    [
        # Each best sentence holds a number of something else: "two sides" and a 30-day
        # cease-fire beside "prisoners of war"; "killed four people" in an air strike.
        "How many prisoners of war were swapped after the June talks in Istanbul?",
        "How many Ukrainian soldiers have been killed since the invasion began?",
    ],
)
def test_a_number_of_something_else_is_no_count(engine, question):
    answer = engine.ask(question)
    assert not answer.found, answer.citations[0].excerpt


@pytest.mark.parametrize(
    ("question", "number"),
    [
        ("How many people were killed in the strikes on Sumy?", "four people"),
        ("How many sources told Reuters that Iran was preparing launchers?", "two Western"),
        ("How many days did the ceasefire for the Victory Day anniversary last?", "three-day"),
    ],
)
def test_a_number_of_what_is_asked_is_a_count(engine, question, number):
    answer = engine.ask(question)
    assert answer.found, answer.reason
    assert any(number in c.excerpt for c in answer.citations)


def test_numbered_things_are_mined_from_the_articles():
    from index.lexical import Tokenizer
    from index.ordinals import mine_counted

    tokenizer = Tokenizer()
    counted = mine_counted(["the second round of talks", "its 19th package"], tokenizer)
    assert (2, *tokenizer.terms("round")) in counted.pairs
    assert (19, *tokenizer.terms("package")) in counted.pairs
    # A hyphenated ordinal is no count of what follows.
    assert not mine_counted(["the third-largest city"], tokenizer).pairs


def test_a_numbered_thing_the_articles_write_is_answered(engine):
    # The control for the third round: the round they do report.
    answer = engine.ask("What happened at the second round of talks in Istanbul?")
    assert answer.found, answer.reason
    assert "second round" in answer.citations[0].excerpt


def test_a_why_question_leads_with_the_sentence_that_gives_a_reason(engine):
    # Led with the sentence that reports the refusal ("has rejected an offer ... to travel
    # to Moscow"), which says nothing of why; the reason is Zelenskyy's own words.
    answer = engine.ask("Why did Zelenskyy say no to going to Moscow?")
    assert answer.found
    assert "under missiles" in answer.citations[0].excerpt


def test_whether_to_answer_a_why_question_is_judged_without_the_lift_for_a_reason(engine):
    from index.answer import ScoredSentence, _as_judged

    lift = engine.settings.answer.w_answer_type
    on_topic = ScoredSentence(1, 0.60, 0.6, 0.5, False)
    a_reason = ScoredSentence(2, 0.60 - lift / 2 + lift, 0.3, 0.0, True)
    ranked = [a_reason, on_topic]
    why = engine.query("Why did the talks fail?")
    assert _as_judged(why, ranked, engine.settings.answer) == [on_topic, a_reason]
    what = engine.query("What did the talks achieve?")
    assert _as_judged(what, ranked, engine.settings.answer) == ranked


def test_the_words_that_frame_a_why_question_are_not_its_topic(engine):
    # "reason" is no word the articles use, and "EU" is how they write the European
    # Union only in part: this was refused on both counts.
    answer = engine.ask("For what reason did the EU send a delegation to Washington?")
    assert answer.found, answer.reason
    assert "European Union is sending a delegation" in answer.citations[0].excerpt


@pytest.mark.parametrize(
    ("refused", "control", "quoted"),
    [
        # A date: the best sentence holds NATO, at Ramstein, and no date.
        ("In what year was NATO created?", "When did Putin propose resuming talks?", "May 15"),
        # A day: the articles date the Alaska summit only "last month".
        (
            "What was the exact date of the Trump-Putin summit in Alaska?",
            "When did Putin propose resuming talks in Istanbul?",
            "May 15",
        ),
        # A figure: the frozen assets will be discussed at the G7; their worth is never given.
        (
            "What is the estimated value of the frozen Russian assets?",
            "How long is the Kerch Bridge?",
            "19-kilometer",
        ),
        # Whether there were any: the Kerch Bridge sentences never tell of anyone hurt;
        # "No casualties have been reported." comes two sentences after the barrage.
        (
            "Were there any casualties when the Kerch Bridge was hit on June 3?",
            "Was anyone hurt in the overnight drone barrage?",
            "No casualties have been reported.",
        ),
        # A place within one named: the articles say only "a summit in Alaska".
        (
            "which city in alaska hosted the trump putin summit",
            "on wednesday putin was angry about 'terrorist acts' — where exactly?",
            "Kursk and Bryansk",
        ),
        # A post's holder: the SBU is named, its head never. The control is in the
        # present tense (search.synonyms: "heads" is "led").
        (
            "who runs ukraine's SBU security service?",
            "Who heads Ukraine's delegation in Istanbul?",
            "Rustem Umerov",
        ),
        # A post's holder in the past: the May round's delegations are never said to
        # be led by anyone; the June round's are.
        (
            "Who headed Ukraine's delegation at the first round of Istanbul talks in May?",
            "Who led Ukraine's delegation at Monday's talks in Istanbul?",
            "Rustem Umerov",
        ),
        # A count from far off: Sumy's "air strikes that killed four people" was the
        # best sentence, lifted by its number; the truce's three days are close enough.
        (
            "how many people died in the bridge attacks in kursk and bryansk",
            "How many days did the Victory Day truce last?",
            "three-day",
        ),
        # ... as close as a cosine of 0.44, and as few of the question's words.
        (
            "how many people died in the bridge attacks in bryansk and kursk that putin "
            "called terrorism?",
            "How many days did the Victory Day truce last?",
            "three-day",
        ),
        # A date asked with a word between "what" and "date": the best sentence tells
        # of Trump's frustration with Putin and gives no date.
        (
            "what exact deadline date did trump give putin to make a peace deal?",
            "On what date did Putin propose resuming the Istanbul talks?",
            "May 15",
        ),
        # What sides agreed: the Alaska summit is named only as the start of a stall, in
        # an article that reports no agreement. The European leaders' visit to Kyiv is
        # told in one that does ("They agreed that ..."), and its call for a cease-fire
        # still answers what they agreed there.
        (
            "What did Trump and Putin agree on at their Alaska summit?",
            "What did the European leaders agree about an unconditional cease-fire?",
            "cannot be limited",
        ),
        (
            "What specific agreements did Trump and Putin sign at their summit in Alaska?",
            "What did the European leaders agree in Kyiv?",
            "leaders of France, Germany",
        ),
        # A place within one named, by its adjective: the articles never name the city.
        (
            "Which Alaskan city hosted the Trump–Putin summit?",
            "which turkish city hosted the june 2 talks",
            "Istanbul",
        ),
        # What something holds: the 19th package "would be unveiled in early September".
        (
            "What specific measures are included in the EU's 19th sanctions package?",
            "When will the EU's 19th sanctions package be unveiled?",
            "early September",
        ),
        # Which places: the strike hit bombers "across Russia", at bases never named.
        (
            "Which Russian air bases were hit in the June 1 drone strike?",
            "which venues is ukraine willing to hold talks at",
            "the Vatican or Switzerland",
        ),
        # Which places: "Kyiv's Western partners" pledged the force; "Western" is no
        # country's name.
        (
            "which countries have actually pledged soldiers for the post-war reassurance force",
            "which venues is ukraine willing to hold talks at",
            "the Vatican or Switzerland",
        ),
        # Which people: Putin spoke "with top officials", never named.
        (
            "Which officials did Putin speak with on Wednesday's video call?",
            "Which world leaders did Putin meet at the SCO summit in China?",
            "Narendra Modi",
        ),
    ],
)
def test_what_is_asked_and_not_given_is_not_found(engine, refused, control, quoted):
    # Each refused question was answered with a sentence on its topic.
    answer = engine.ask(refused)
    assert not answer.found, answer.citations[0].excerpt
    answer = engine.ask(control)
    assert answer.found and quoted in answer.citations[0].excerpt


def test_a_day_answers_when_better_than_this_week(engine):
    # "Russian president proposes holding direct talks ... in Istanbul this week" led.
    answer = engine.ask("When was Putin proposing the Istanbul talks should happen back in May?")
    assert "May 15" in answer.citations[0].excerpt


def test_who_headed_a_delegation_is_who_led_it(engine):
    # The articles say the talks were "led by ... Vladimir Medinsky"; "headed" shared no
    # term with that sentence, and the answer quoted other Istanbul sentences.
    assert engine.tokenizer.terms("headed") == engine.tokenizer.terms("led")
    answer = engine.ask("Who headed the Russian side in Istanbul?")
    assert answer.found and "Medinsky" in answer.citations[0].excerpt


def test_a_day_asked_for_is_not_answered_by_a_month(engine):
    # The articles date the Alaska summit only as "last month": no day, which "on what
    # exact date" asks for; it was answered with that sentence.
    answer = engine.ask("On what exact date did Putin and Trump hold their summit in Alaska?")
    assert not answer.found, answer.citations[0].excerpt
    # "When" and "in what month" take the month the articles give.
    for question in (
        "When did Putin and Trump hold their summit in Alaska?",
        "In what month did Putin and Trump meet in Alaska?",
    ):
        answer = engine.ask(question)
        assert answer.found, question
        assert "last month" in answer.citations[0].excerpt, question


def test_a_day_asked_for_leads_with_the_sentence_that_gives_a_day(engine):
    # "Later this week" dates the proposal to a week, not a day; "on Thursday" is one.
    answer = engine.ask("On what date did Putin suggest restarting direct talks in Istanbul?")
    assert answer.found
    assert "already on Thursday" in answer.citations[0].excerpt


def test_a_count_the_next_sentence_gives_is_a_count(engine):
    # The best sentence reports the barrage ("Russia fired another barrage of military
    # drones overnight") and the one after it the number: the question was refused.
    answer = engine.ask(
        "How many drones did Russia send in the overnight barrage after Putin's comments?"
    )
    assert answer.found, answer.reason
    assert "91 Russian drones" in answer.citations[0].excerpt


@pytest.mark.parametrize(
    ("question", "quoted"),
    [
        # "what did Ukrainian officials allege ...?" asks what they alleged, not which
        # officials: refused, the best sentence naming none.
        (
            "What did Ukrainian officials allege Moscow intentionally aimed at in the Sumy area?",
            "deliberately",
        ),
        ("What have US officials said Iran has already delivered to Russia?", "Fath-360"),
        # "Turkish-hosted" names Turkey: "hosted" was a name the articles lack.
        (
            "According to Kyiv, what was the Kremlin's real aim in the Turkish-hosted talks?",
            None,
        ),
        # "the Kerch Strait" is the Kerch Bridge's place: "Strait" was a name they lack.
        (
            "Why does the crossing over the Kerch Strait matter so much to the Russian military?",
            "supply route",
        ),
        # "any different" asks how, not whether there was something "different".
        (
            "Did Zelensky think the recent talks in Turkey were any different from the "
            "ones in 2022?",
            None,
        ),
        # A when-question leads with the best sentence that gives a date: led by Zelenskyy
        # calling the talks "artificial diplomacy", it was refused for want of one.
        ("when did putin want the istanbul talks to happen?", "May 15"),
    ],
)
def test_a_question_worded_unlike_the_articles_is_answered(engine, question, quoted):
    answer = engine.ask(question)
    assert answer.found, answer.reason
    assert quoted is None or quoted in answer.citations[0].excerpt


@pytest.mark.parametrize(
    ("question", "asks_which"),
    [
        ("Which officials did Putin speak with?", True),
        ("Which Russian air bases were hit?", True),
        ("What did Ukrainian officials allege?", False),
        ("What have European leaders said?", False),
        ("What did European countries pledge?", False),
    ],
)
def test_which_people_or_places_is_asked_with_no_verb_between(question, asks_which):
    from index.answer import _ASKS_WHICH_PEOPLE, _ASKS_WHICH_PLACES

    found = bool(_ASKS_WHICH_PEOPLE.search(question) or _ASKS_WHICH_PLACES.search(question))
    assert found == asks_which
