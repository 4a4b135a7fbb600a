"""Stored term rows: tokenised once, reused by a refresh, scored as bm25s scores them.

The oracle is bm25s itself (``LexicalIndex.build`` tokenises text and indexes it the way
every build did before the terms were stored): passage and sentence BM25 computed from the
stored rows must equal its numbers exactly, so rankings and answers cannot move.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from index.bm25 import LexicalIndex
from index.build import build_index, passage_input
from index.engine import Engine
from index.errors import IndexInvalidError
from index.lexical import Tokenizer
from index.search import retrieve
from index.sentence_table import SentenceTable, passage_bm25, sentence_table
from index.store import IndexStore, load_build, load_current
from index.terms import TermRows
from tests.build_copy import copy_build, edit_manifest

QUERIES = [
    "What did Zelenskyy propose to Putin?",
    "Kiev cease-fire Erdogan Istanbul",
    "drones drones attack bridge",
    "prisoner exchange numbers",
    "the of and",  # stop words only: no terms
    "zzzunheard wordz",  # terms no sentence uses
]


def _sentence_texts(data) -> list[str]:
    return [data.sentence(i).text for i in range(len(data.sentences))]


def test_stored_term_rows_are_the_tokenizers_output(engine):
    data, tokenizer = engine.data, engine.tokenizer
    rows = data.terms
    assert isinstance(rows.ids, np.memmap)  # read from the build, not recomputed
    assert rows.key == tokenizer.key
    assert len(rows) == len(data.sentences)
    assert [rows.terms(i) for i in range(len(rows))] == [
        tokenizer.terms(t) for t in _sentence_texts(data)
    ]
    assert list(rows.vocab) == sorted(set(rows.vocab))


@pytest.mark.parametrize("contextualize", [False, True])
def test_a_passages_terms_are_its_sentences_terms(engine, contextualize):
    """What lets passage BM25 be built from sentence rows without reading text again."""
    data, tokenizer = engine.data, engine.tokenizer
    for d, start, end, first, last in data.passages.tolist():
        article = data.articles[d]
        whole = tokenizer.terms(passage_input(article, article.text[start:end], contextualize))
        context = tokenizer.terms(passage_input(article, "", True)) if contextualize else []
        joined = context + [t for s in range(first, last) for t in data.terms.terms(s)]
        assert joined == whole


@pytest.mark.parametrize("contextualize", [False, True])
def test_passage_bm25_from_rows_equals_bm25s_over_the_text(engine, contextualize):
    data, tokenizer = engine.data, engine.tokenizer
    oracle = LexicalIndex.build(
        tokenizer.terms(passage_input(data.articles[d], data.articles[d].text[s:e], contextualize))
        for d, s, e, _, _ in data.passages.tolist()
    )
    if contextualize:
        context = TermRows.tokenize((passage_input(a, "", True) for a in data.articles), tokenizer)
        built = LexicalIndex.from_rows(
            data.terms, data.passages[:, 3:5], context, data.passages[:, 0]
        )
    else:
        built = data.lexical  # what the build saved, loaded memory-mapped
    for question in QUERIES:
        terms = tokenizer.terms(question)
        assert np.array_equal(built.scores(terms), oracle.scores(terms)), question
    repeated = tokenizer.terms("Putin Putin talks")
    assert np.array_equal(built.scores(repeated), oracle.scores(repeated))


def test_candidate_sentence_bm25_equals_bm25s_over_all_sentences(engine, settings):
    data, tokenizer = engine.data, engine.tokenizer
    oracle = LexicalIndex.build([tokenizer.terms(t) for t in _sentence_texts(data)])
    table = sentence_table(data, tokenizer)
    every = np.arange(len(data.sentences))
    for question in QUERIES:
        terms = tokenizer.terms(question)
        expected = oracle.scores(terms)
        assert np.array_equal(table.bm25(terms, every), expected), question
        some = every[::3][::-1]  # any subset, in any order
        assert np.array_equal(table.bm25(terms, some), expected[some]), question
        retrieval = retrieve(data, engine.query(question), settings.search, 5, tokenizer)
        scored = retrieval.sentence_lexical
        assert scored  # the candidates' sentences, and only those
        assert len(scored) < len(data.sentences)
        assert all(scored[sid] == float(expected[sid]) for sid in scored), question


def test_edge_cases_match_bm25s():
    """Sentences with no terms, repeated terms and an empty query, on a tiny corpus."""
    tokenizer = Tokenizer([["Zelenskyy", "Zelensky"]])
    texts = [
        "Zelensky met Putin.",
        "The of and to.",  # stop words only
        "Putin, Putin and Putin again.",
        "Kyiv talks resumed in Istanbul.",
        "",
    ]
    rows = TermRows.tokenize(texts, tokenizer)
    table = SentenceTable.from_rows(rows)
    oracle = LexicalIndex.build([tokenizer.terms(t) for t in texts])
    spans = np.array([[0, 2], [1, 2], [2, 4], [4, 5]])
    passages = LexicalIndex.from_rows(rows, spans)
    passage_oracle = LexicalIndex.build(
        [t for i in range(a, b) for t in tokenizer.terms(texts[i])] for a, b in spans.tolist()
    )
    for query in (["putin"], ["putin", "putin"], ["zelenskyy", "talk"], [], ["nowhere"]):
        assert np.array_equal(table.bm25(query, np.arange(5)), oracle.scores(query))
        assert np.array_equal(passages.scores(query), passage_oracle.scores(query))
    assert table.terms[1] == frozenset() and table.terms[0] == frozenset(tokenizer.terms(texts[0]))
    assert "putin" in table.idf and "nowhere" not in table.idf
    assert table.weight("nowhere") == table.max_idf > table.weight("putin")


def test_refresh_tokenises_only_the_changed_article(corpus_copy, embedder, monkeypatch):
    build_index(corpus_copy, embedder)
    changed = corpus_copy.seeds_dir / "004_6dc6bf0e0f4b01e5.txt"
    text = changed.read_text(encoding="utf-8")
    cut = text.index("\n\n", len(text) // 3)  # a paragraph break inside the story
    changed.write_text(
        text[:cut] + "\n\nNegotiators met again in Geneva on Friday." + text[cut:],
        encoding="utf-8",
    )
    seen: list[str] = []
    real_terms = Tokenizer.terms

    def counting(self, text):
        seen.append(text)
        return real_terms(self, text)

    monkeypatch.setattr(Tokenizer, "terms", counting)
    report = build_index(corpus_copy, embedder, incremental=True)
    monkeypatch.setattr(Tokenizer, "terms", real_terms)
    assert report.updated == (changed.stem,)
    refreshed = load_current(IndexStore(corpus_copy.index_dir), model=embedder.name)
    d = refreshed.doc_index[changed.stem]
    own = [refreshed.sentence(i).text for i in np.flatnonzero(refreshed.sentences[:, 0] == d)]
    assert "Negotiators met again in Geneva on Friday." in own
    assert sorted(seen) == sorted(own)  # each of its sentences once, nothing else

    # The same corpus built from scratch gives the same rows and the same scores.
    fresh_settings = replace(corpus_copy, data_dir=corpus_copy.data_dir.parent / "scratch")
    build_index(fresh_settings, embedder)
    scratch = load_current(IndexStore(fresh_settings.index_dir), model=embedder.name)
    assert refreshed.terms.vocab == scratch.terms.vocab
    # Reused vectors land in the rows a scratch build gives them (batching moves the
    # model's output in the last digits only).
    for name in ("passage_vectors", "sentence_vectors"):
        kept, built = np.asarray(getattr(refreshed, name)), np.asarray(getattr(scratch, name))
        assert kept.shape == built.shape
        assert np.allclose(kept, built, atol=1e-4), name
    for name in TermRows.ARRAYS:
        assert np.array_equal(refreshed.terms.arrays()[name], scratch.terms.arrays()[name])
    tokenizer = Tokenizer(corpus_copy.search.term_groups)
    every = np.arange(len(scratch.sentences))
    for question in QUERIES:
        terms = tokenizer.terms(question)
        assert np.array_equal(refreshed.lexical.scores(terms), scratch.lexical.scores(terms))
        assert np.array_equal(
            sentence_table(refreshed, tokenizer).bm25(terms, every),
            sentence_table(scratch, tokenizer).bm25(terms, every),
        )


def test_loading_tokenises_nothing_and_keeps_no_per_sentence_objects(engine, embedder, monkeypatch):
    def refuse(self, text):
        raise AssertionError(f"tokenised at load: {text[:40]!r}")

    monkeypatch.setattr(Tokenizer, "terms", refuse)
    data = load_build(engine.data.folder, model=embedder.name)
    table = sentence_table(data, engine.tokenizer)
    assert isinstance(data.terms.ids, np.memmap) and isinstance(data.terms.offsets, np.memmap)
    # terms[sid] is made when asked for, and only the last few asked are kept.
    assert table.terms.cached() == 0
    assert table.terms[3] == frozenset(engine.data.terms.terms(3))
    assert table.terms.cached() == 1
    assert sentence_table(data, engine.tokenizer) is table  # once per loaded build


def test_other_aliases_than_the_builds_get_their_own_terms(engine):
    """A config whose aliases changed since the build: questions and sentences still agree."""
    plain = Tokenizer(())
    table = sentence_table(engine.data, plain)
    texts = _sentence_texts(engine.data)
    assert all(table.terms[i] == frozenset(plain.terms(t)) for i, t in enumerate(texts))
    assert table is not sentence_table(engine.data, engine.tokenizer)


def test_a_build_with_other_term_groups_scores_passages_with_the_configs_terms(engine, caplog):
    """After search.synonyms changes, questions fold "talks" to "negotiations" while the
    build's stored BM25 still has "talks": until a refresh, the passages are scored over
    terms made again in memory, exactly as bm25s scores a build made with the new config."""
    data = engine.data
    assert passage_bm25(data, engine.tokenizer) is data.lexical  # the build's own
    for groups in [(), engine.settings.search.aliases]:  # as if synonyms were added since
        tokenizer = Tokenizer(groups)
        oracle = LexicalIndex.build(
            tokenizer.terms(data.passage(pid).text) for pid in range(len(data.passages))
        )
        with caplog.at_level("WARNING", logger="index.sentence_table"):
            stale = passage_bm25(data, tokenizer)
        assert stale is not data.lexical and stale is passage_bm25(data, tokenizer)
        for question in [*QUERIES, "Were any kids hurt?", "What did the top diplomat say?"]:
            terms = tokenizer.terms(question)
            assert np.array_equal(stale.scores(terms), oracle.scores(terms)), question
    assert "talkbot index refresh" in caplog.text  # the fix is named once per build


def test_a_build_before_stored_terms_is_refused_with_the_rebuild_hint(engine, tmp_path):
    copy = copy_build(engine.data.folder, tmp_path)
    for name in [*TermRows.ARRAYS, "terms.json"]:
        (copy / name).unlink()

    def as_format_1(manifest: dict) -> None:
        manifest["format_version"] = 1
        arrays = manifest["arrays"]
        manifest["arrays"] = {k: v for k, v in arrays.items() if not k.startswith("term")}

    edit_manifest(copy, as_format_1)
    with pytest.raises(IndexInvalidError, match="format 1.*talkbot index build"):
        load_build(copy, model=engine.data.manifest.model)


def test_missing_term_rows_are_reported_as_damage(engine, tmp_path):
    copy = copy_build(engine.data.folder, tmp_path)
    (copy / "terms.json").unlink()
    with pytest.raises(IndexInvalidError, match="damaged.*talkbot index build"):
        load_build(copy, model=engine.data.manifest.model)


def test_engine_answers_the_same_after_reload(engine, settings, embedder):
    reloaded = Engine.open(settings, embedder)
    for question in QUERIES[:4]:
        assert reloaded.ask(question) == engine.ask(question)
