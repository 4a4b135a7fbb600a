"""Sentences and passages: exact offsets into the article file, sizes the model can take."""

from __future__ import annotations

import pytest

from index.chunk import split_sentences
from index.records import Span


def test_every_sentence_and_passage_round_trips_to_the_article(engine):
    data = engine.data
    assert len(data.sentences) > 100 and len(data.passages) > 50
    for sid in range(len(data.sentences)):
        sentence = data.sentence(sid)
        article = data.articles[data.doc_index[sentence.doc_id]]
        assert article.text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip() and sentence.text
    for pid in range(len(data.passages)):
        passage = data.passage(pid)
        article = data.articles[data.doc_index[passage.doc_id]]
        assert article.text[passage.start : passage.end] == passage.text
        # A passage is exactly its sentences, from the first one's start to the last one's end.
        first = data.sentence(passage.first_sentence)
        last = data.sentence(passage.last_sentence - 1)
        assert (first.start, last.end) == (passage.start, passage.end)


def test_passages_fit_the_model(engine, embedder, settings):
    data = engine.data
    limit = settings.chunking.max_tokens
    for pid in range(len(data.passages)):
        passage = data.passage(pid)
        single = passage.last_sentence - passage.first_sentence == 1
        # Only a single over-long sentence may exceed the budget; never the model's cap.
        assert single or embedder.count_tokens(passage.text) <= limit
        assert embedder.count_tokens(passage.text) < 256


def test_passage_word_pieces_are_the_sum_of_its_sentences(engine, embedder):
    # The chunker counts each sentence once and adds (index.chunk): exact when word pieces
    # never cross the whitespace between sentences, as with this model's WordPiece.
    data = engine.data
    counts = [embedder.count_tokens(data.sentence(i).text) for i in range(len(data.sentences))]
    multi = 0
    for pid in range(len(data.passages)):
        passage = data.passage(pid)
        parts = counts[passage.first_sentence : passage.last_sentence]
        assert embedder.count_tokens(passage.text) == sum(parts), passage.text
        multi += len(parts) > 1
    assert multi > 50  # most passages join several sentences


def test_passages_never_include_furniture(engine):
    furniture = [
        "please wait",
        "No media source",
        "0:00",
        "Sign up to read",
        "undesirable organization",
        "Get the Ynetnews app",
        "The commenter agrees",
        "Accessibility links",
        "16x9 Image",
    ]
    for pid in range(len(engine.data.passages)):
        text = engine.data.passage(pid).text
        for phrase in furniture:
            assert phrase not in text


def test_sentence_splitter_keeps_abbreviations_and_initials_together():
    text = (
        "U.S. President Donald J. Trump spoke. Then Mr. Peskov said no! \u201cWhy?\u201d he asked."
    )
    spans = split_sentences(text, Span(0, len(text)))
    assert [text[s.start : s.end] for s in spans] == [
        "U.S. President Donald J. Trump spoke.",
        "Then Mr. Peskov said no!",
        "\u201cWhy?\u201d he asked.",
    ]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        # The speaker after a quotation that ends in ! or ? stays with it: split off,
        # "Trump wrote in a September 5 social media post ..." was a sentence of its own,
        # quoted as what Trump posted.
        (
            '"We lost India. May they prosper together!" Trump wrote in a post. He left.',
            ['"We lost India.', 'May they prosper together!" Trump wrote in a post.', "He left."],
        ),
        (
            "\u201cWhy?\u201d President Volodymyr Zelenskyy asked. He left.",
            ["\u201cWhy?\u201d President Volodymyr Zelenskyy asked.", "He left."],
        ),
        # After a full stop a name and "said" start a sentence as often: split there.
        (
            'He said: "We are ready." Putin said talks would resume.',
            ['He said: "We are ready."', "Putin said talks would resume."],
        ),
        ('"Is it peace?" The question hung there.', ['"Is it peace?"', "The question hung there."]),
    ],
)
def test_a_quotation_keeps_the_speaker_named_after_it(text, sentences):
    assert [text[s.start : s.end] for s in split_sentences(text, Span(0, len(text)))] == sentences


def test_sentence_windows_cover_every_sentence_within_limits():
    from index.chunk import window_passages

    text = " ".join(f"Sentence number {i} says something about the talks." for i in range(11))
    spans, pos = [], 0
    for i in range(11):
        piece = f"Sentence number {i} says something about the talks."
        start = text.index(piece, pos)
        spans.append(Span(start, start + len(piece)))
        pos = start + len(piece)
    groups = window_passages(
        spans,
        size=4,
        stride=1,
        max_chars=120,
        max_tokens=200,
        sentence_tokens=[len(text[s.start : s.end].split()) for s in spans],
    )
    covered = {i for first, last in groups for i in range(first, last)}
    assert covered == set(range(11))
    for first, last in groups:
        assert 1 <= last - first <= 4
        assert last - first == 1 or spans[last - 1].end - spans[first].start <= 120
    assert groups == sorted(set(groups))


def test_question_wording_names_what_it_asks_for():
    from index.answer import asked_for

    assert asked_for("How many drones did Russia launch?") == "quantity"
    assert asked_for("Who called the document spam?") == "person"
    assert asked_for("When did the talks take place?") == "date"
    assert asked_for("Where did Putin propose to meet?") == "place"
    assert asked_for("What did Lavrov say?") is None


def test_the_sentences_beside_a_passage_are_its_articles_only(engine):
    from index.search import sentences_beside

    data = engine.data
    for pid in range(len(data.passages)):
        first, last = int(data.passages[pid, 3]), int(data.passages[pid, 4])
        doc = data.sentences[first, 0]
        beside = sentences_beside(data, pid)
        expected = [
            s
            for s in (first - 1, last)
            if 0 <= s < len(data.sentences) and data.sentences[s, 0] == doc
        ]
        assert list(beside) == expected, pid
    # An article's first passage has nothing before it.
    opening = next(p for p in range(len(data.passages)) if int(data.passages[p, 3]) == 0)
    assert sentences_beside(data, opening)[0] == int(data.passages[opening, 4])


def test_the_sentence_that_answers_may_sit_just_outside_the_best_window(engine, settings):
    from index.search import retrieve

    # "... came in the form of 91 Russian drones" is in no passage the search returns: the
    # windows holding it share sentences with better ones. It follows the sentence on the
    # barrage, and was never a candidate; the answer gave no count.
    question = (
        "How many drones were in the overnight barrage after Putin warned that foreign "
        "troops would be legitimate targets?"
    )
    data = engine.data
    retrieval = retrieve(
        data, engine.query(question), settings.search, settings.answer.passages, engine.tokenizer
    )
    sid = next(
        i for i in range(len(data.sentences)) if "91 Russian drones" in data.sentence(i).text
    )
    searched = {
        s
        for p in retrieval.passages
        for s in range(int(data.passages[p.pid, 3]), int(data.passages[p.pid, 4]))
    }
    assert sid not in searched
    assert sid in retrieval.sentence_dense and sid in retrieval.sentence_lexical
    answer = engine.ask(question)
    assert answer.found
    assert "91 Russian drones" in answer.citations[0].excerpt
