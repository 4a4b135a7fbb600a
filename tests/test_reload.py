"""Several servers on one index folder: the periodic reload, the refresh fast path, and
the check that a new build loads before it is published."""

from __future__ import annotations

import pytest

from index import build
from index.build import build_index
from index.engine import Engine
from index.errors import IndexInvalidError
from index.store import IndexStore

SEED = "004_6dc6bf0e0f4b01e5"


def _add_sentence(settings, text: str) -> None:
    path = settings.seeds_dir / f"{SEED}.txt"
    path.write_text(path.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")


def test_a_second_server_picks_up_the_refreshers_build(corpus_copy, embedder):
    build_index(corpus_copy, embedder)
    refresher = Engine.open(corpus_copy, embedder)
    server = Engine.open(corpus_copy, embedder)
    assert server.reload_if_changed() is False  # nothing new: reads CURRENT only
    _add_sentence(
        corpus_copy,
        "Negotiators from both sides are expected to meet again in Reykjavik next month.",
    )
    refresher.refresh()
    assert server.data.folder != refresher.data.folder
    assert server.reload_if_changed() is True
    assert server.data.folder == refresher.data.folder
    assert "Reykjavik" in server.ask("Where will negotiators meet next month?").answer
    assert server.reload_if_changed() is False


def test_a_broken_new_build_keeps_the_old_one_serving(corpus_copy, embedder):
    build_index(corpus_copy, embedder)
    server = Engine.open(corpus_copy, embedder)
    serving = server.data.folder
    store = IndexStore(corpus_copy.index_dir)
    (store.builds / "20990101T000000000000Z-bad").mkdir()  # no manifest: fails to load
    store.pointer.write_text("20990101T000000000000Z-bad\n", encoding="utf-8")
    assert server.reload_if_changed() is False
    assert server.reload_error and "manifest.json" in server.reload_error
    assert server.data.folder == serving and server.ask("Where were the talks held?").found
    assert server.reload_if_changed() is False  # the same broken build is not retried


def test_refresh_with_nothing_changed_writes_no_build(corpus_copy, embedder):
    first = build_index(corpus_copy, embedder)
    again = build_index(corpus_copy, embedder, incremental=True)
    assert again.build_id == first.build_id and again.folder == first.folder
    assert set(again.unchanged) == set(first.per_article)
    assert [p.name for p in IndexStore(corpus_copy.index_dir).builds.iterdir()] == [first.build_id]


def test_unchanged_articles_keep_their_rows(corpus_copy, embedder):
    first = build_index(corpus_copy, embedder)
    _add_sentence(
        corpus_copy, "Negotiators from both sides are expected to meet again in Geneva next month."
    )
    changed = build_index(corpus_copy, embedder, incremental=True)
    assert changed.embedded_passages == changed.per_article[SEED]
    old = Engine.open(corpus_copy, embedder).data  # the new build
    # Same rows as a from-scratch build of the same files.
    fresh_settings = corpus_copy.__class__(
        **{**corpus_copy.__dict__, "data_dir": corpus_copy.data_dir.parent / "fresh"}
    )
    build_index(fresh_settings, embedder)
    scratch = Engine.open(fresh_settings, embedder).data
    assert (old.passages == scratch.passages).all() and (old.sentences == scratch.sentences).all()
    assert first.passages < changed.passages or first.sentences < changed.sentences


def test_a_build_that_fails_its_load_check_is_never_published(corpus_copy, embedder, monkeypatch):
    first = build_index(corpus_copy, embedder)
    _add_sentence(corpus_copy, "The talks were postponed again.")

    def broken(folder, **_):
        raise IndexInvalidError(f"{folder}: damaged")

    monkeypatch.setattr(build, "load_build", broken)
    with pytest.raises(IndexInvalidError):
        build_index(corpus_copy, embedder, incremental=True)
    store = IndexStore(corpus_copy.index_dir)
    assert store.current_build_id() == first.build_id
    assert not [p for p in store.builds.iterdir() if p.name.endswith(".partial")]
