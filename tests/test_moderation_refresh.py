"""Refreshing a serving engine: reuse, add/remove seen by questions, failures, one at a time.

Everything runs on the real model and a private copy of the seeds with its index. The
invented Quillmere article answers a question no seed article answers.
"""

from __future__ import annotations

import threading
import time

import pytest

from index.errors import BusyError, CorpusError
from index.fetch import FetchLimits, fetch_article
from index.library import Library, candidate_from_page
from tests.articlesite import UNIQUE_QUESTION, UNIQUE_WORD

pytest_plugins = ("tests.moderation_fixtures",)

LOCAL = FetchLimits(allow_hosts=("127.0.0.1",), timeout_seconds=5.0)
SEED = "004_6dc6bf0e0f4b01e5"


class Boom(Exception):
    pass


def quillmere_answered(engine) -> bool:
    answer = engine.ask(UNIQUE_QUESTION)
    return answer.found and UNIQUE_WORD in answer.answer


def test_refresh_with_nothing_changed_embeds_nothing(private_engine):
    report = private_engine.refresh()
    assert report.embedded_passages == 0
    assert report.added == report.updated == report.removed == ()
    assert len(report.unchanged) == 5


def test_one_changed_article_is_the_only_one_embedded(private_engine, built_copy):
    path = built_copy.seeds_dir / f"{SEED}.txt"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "\nNegotiators from both sides are expected to meet again in Geneva next month.\n",
        encoding="utf-8",
    )
    report = private_engine.refresh()
    assert report.updated == (SEED,)
    assert SEED not in report.unchanged and len(report.unchanged) == 4
    assert report.embedded_passages == report.per_article[SEED]
    assert report.embedded_passages < report.passages / 3
    assert (
        "Geneva next month" in private_engine.ask("Where will negotiators meet next month?").answer
    )


def test_an_added_article_answers_until_it_is_removed(private_engine, built_copy, embedder, site):
    library = Library(built_copy, embedder.count_tokens)
    assert not quillmere_answered(private_engine)

    page = fetch_article(f"{site}/article.html", LOCAL)
    added = library.add(candidate_from_page(page), private_engine.refresh)
    answer = private_engine.ask(UNIQUE_QUESTION)
    assert answer.found and UNIQUE_WORD in answer.answer
    assert answer.citations[0].doc_id == added.doc_id
    assert answer.citations[0].published.isoformat() == "2025-07-14"

    removed = library.remove(added.doc_id, private_engine.refresh)
    assert removed.report.removed == (added.doc_id,)
    assert not quillmere_answered(private_engine)
    assert added.doc_id not in {s.doc_id for s in private_engine.sources()}


def test_questions_are_answered_throughout_a_refresh(private_engine, built_copy, embedder, site):
    library = Library(built_copy, embedder.count_tokens)
    page = fetch_article(f"{site}/article.html", LOCAL)
    stop = threading.Event()
    answered: list[float] = []
    errors: list[BaseException] = []

    def ask_in_a_loop() -> None:
        while not stop.is_set():
            try:
                private_engine.ask("What did Zelenskyy propose to Putin?")
                answered.append(time.perf_counter())
            except BaseException as exc:  # any error here is the failure being tested
                errors.append(exc)

    asker = threading.Thread(target=ask_in_a_loop)
    asker.start()
    try:
        started = time.perf_counter()
        library.add(candidate_from_page(page), private_engine.refresh)
        finished = time.perf_counter()
    finally:
        stop.set()
        asker.join()
    assert not errors
    during = [t for t in answered if started <= t <= finished]
    assert len(during) >= 2, "no question was answered while the refresh ran"
    assert quillmere_answered(private_engine)


def test_a_refresh_failing_midway_leaves_the_old_index_serving(
    private_engine, built_copy, embedder, site
):
    library = Library(built_copy, embedder.count_tokens)
    serving = private_engine.data
    page = fetch_article(f"{site}/article.html", LOCAL)

    def progress(stage: str) -> None:
        if stage.startswith("writing"):
            raise Boom("injected failure while writing the new index")

    with pytest.raises(Boom):
        library.add(candidate_from_page(page), lambda: private_engine.refresh(progress=progress))
    assert private_engine.data is serving
    assert not quillmere_answered(private_engine)
    assert private_engine.ask("What did Zelenskyy propose to Putin?").found
    assert len(list(built_copy.seeds_dir.glob("*.txt"))) == 5  # the add was undone
    assert not list((built_copy.index_dir / "builds").glob("*.partial"))


def test_a_bad_file_in_the_seeds_fails_the_refresh_not_the_bot(private_engine, built_copy):
    serving = private_engine.data
    (built_copy.seeds_dir / "999_broken.txt").write_bytes(b"\x00\x01binary\xff")
    with pytest.raises(CorpusError, match="999_broken.txt"):
        private_engine.refresh()
    assert private_engine.data is serving
    assert private_engine.ask("What did Zelenskyy propose to Putin?").found


def test_one_refresh_at_a_time(private_engine, built_copy, embedder, site):
    library = Library(built_copy, embedder.count_tokens)
    entered, release = threading.Event(), threading.Event()

    def slow_progress(stage: str) -> None:
        entered.set()
        release.wait(10)

    worker = threading.Thread(target=lambda: private_engine.refresh(progress=slow_progress))
    worker.start()
    try:
        assert entered.wait(10)
        with pytest.raises(BusyError, match="already running"):
            private_engine.refresh()
        page = fetch_article(f"{site}/article.html", LOCAL)
        with pytest.raises(BusyError):
            library.add(candidate_from_page(page), private_engine.refresh)
        assert len(list(built_copy.seeds_dir.glob("*.txt"))) == 5
    finally:
        release.set()
        worker.join()
