"""The index on disk: round trip, manifest checks, damage, atomic publication."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from index.build import build_index
from index.engine import Engine
from index.errors import CorpusError, IndexInvalidError, IndexMissingError
from index.store import IndexStore, load_build, load_current
from tests.build_copy import copy_build, edit_manifest

pytest_plugins = ("tests.moderation_fixtures",)


def test_save_load_round_trip_gives_the_same_results(engine, settings, embedder):
    before = engine.search("Kerch Bridge attack", 5)
    reloaded = Engine.open(settings, embedder)
    after = reloaded.search("Kerch Bridge attack", 5)
    assert [(h.passage.doc_id, h.passage.start) for h in before] == [
        (h.passage.doc_id, h.passage.start) for h in after
    ]
    assert np.allclose([h.score for h in before], [h.score for h in after])
    assert reloaded.ask("Who called the document spam?") == engine.ask(
        "Who called the document spam?"
    )


def test_loaded_vectors_are_read_not_mapped(engine, tmp_path):
    copy = copy_build(engine.data.folder, tmp_path)
    loaded = load_build(copy, model=engine.data.manifest.model)
    with open("/proc/self/maps") as maps:
        mapped = maps.read()
    for name in ("passage_vectors.npy", "sentence_vectors.npy"):
        assert str(copy / name) not in mapped  # its pages would count in the server's RSS
        stored = np.load(copy / name)
        assert np.array_equal(np.asarray(getattr(loaded, name[: -len(".npy")])), stored)
    assert str(copy / "bm25") in mapped  # the rest stays shared through the mapping


def test_manifest_records_what_built_it(engine, embedder):
    manifest = engine.data.manifest
    assert manifest.model == embedder.name and manifest.dimension == embedder.dimension
    assert manifest.passages == len(engine.data.passages)
    assert set(manifest.articles) == {a.doc_id for a in engine.data.articles}
    for info in manifest.articles.values():
        assert len(info["content_hash"]) == 64


def test_index_built_with_another_model_is_refused(engine):
    with pytest.raises(IndexInvalidError, match="another-model.*talkbot index build"):
        load_build(engine.data.folder, model="another-model")


def test_index_of_another_format_is_refused(engine, tmp_path):
    copy = copy_build(engine.data.folder, tmp_path)
    edit_manifest(copy, lambda manifest: manifest.update(format_version=99))
    with pytest.raises(IndexInvalidError, match="format 99"):
        load_build(copy, model=engine.data.manifest.model)


def test_truncated_array_is_reported_as_damage(engine, tmp_path):
    copy = copy_build(engine.data.folder, tmp_path)
    path = copy / "passage_vectors.npy"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(IndexInvalidError, match="damaged"):
        load_build(copy, model=engine.data.manifest.model)


def test_missing_index_says_how_to_build(tmp_path):
    with pytest.raises(IndexMissingError, match="talkbot index build"):
        load_current(IndexStore(tmp_path / "index"), model="all-MiniLM-L6-v2")


def test_failed_build_leaves_the_previous_index_serving(corpus_copy, embedder):
    first = build_index(corpus_copy, embedder)
    store = IndexStore(corpus_copy.index_dir)
    assert store.current_build_id() == first.build_id
    (corpus_copy.seeds_dir / "zz_broken.txt").write_bytes(b"\xff\xfe broken \x80 bytes")
    with pytest.raises(CorpusError, match="zz_broken.txt.*UTF-8"):
        build_index(corpus_copy, embedder)
    assert store.current_build_id() == first.build_id
    data = load_current(store, model=embedder.name)
    assert len(data.passages) == first.passages
    assert not [p for p in store.builds.iterdir() if p.name.endswith(".partial")]


def test_refresh_reuses_vectors_of_unchanged_articles(corpus_copy, embedder):
    first = build_index(corpus_copy, embedder)
    again = build_index(corpus_copy, embedder, incremental=True)
    assert again.embedded_passages == 0
    assert set(again.unchanged) == set(first.per_article)
    path = corpus_copy.seeds_dir / "001_012fc0a4c0d34ea8.txt"
    path.write_text(
        path.read_text(encoding="utf-8") + "\nA new sentence about the talks was added.\n",
        encoding="utf-8",
    )
    changed = build_index(corpus_copy, embedder, incremental=True)
    assert changed.updated == ("001_012fc0a4c0d34ea8",)
    assert changed.embedded_passages == changed.per_article["001_012fc0a4c0d34ea8"]


def test_builds_are_garbage_collected(corpus_copy, embedder):
    for _ in range(3):
        build_index(replace(corpus_copy), embedder, incremental=True)
    store = IndexStore(corpus_copy.index_dir)
    assert len(list(store.builds.iterdir())) <= 2


def test_full_disk_during_a_refresh_keeps_the_old_index_and_says_why(corpus_copy, embedder):
    import errno

    from index import store as store_module
    from index.errors import StorageError

    first = build_index(corpus_copy, embedder)
    path = corpus_copy.seeds_dir / "001_012fc0a4c0d34ea8.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    real_save = store_module.np.save
    calls = []

    def save_until_the_disk_is_full(file, array, **kwargs):
        calls.append(file)
        if len(calls) == 3:  # the third array hits a full disk
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(file, array, **kwargs)

    store_module.np.save = save_until_the_disk_is_full
    try:
        with pytest.raises(
            StorageError, match="No space left on device.*previous index keeps serving"
        ):
            build_index(corpus_copy, embedder, incremental=True)
    finally:
        store_module.np.save = real_save
    store = IndexStore(corpus_copy.index_dir)
    assert store.current_build_id() == first.build_id
    assert not [p for p in store.builds.iterdir() if p.name.endswith(".partial")]
    assert (
        Engine(corpus_copy, embedder, load_current(store, model=embedder.name))
        .ask("Who called the document spam?")
        .found
    )


def test_corrupt_manifest_is_reported_as_damage(engine, tmp_path):
    copy = copy_build(engine.data.folder, tmp_path)
    (copy / "manifest.json").write_text('{"format_version": 1, "build_id": ')
    with pytest.raises(IndexInvalidError, match="manifest.json: damaged.*talkbot index build"):
        load_build(copy, model=engine.data.manifest.model)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda m: m.update(articles=["x"]), "manifest.json: damaged.*articles must map"),
        (lambda m: m["articles"].update(x="y"), "manifest.json: damaged.*articles must map"),
        (lambda m: m.update(passages="many"), "manifest.json: damaged.*must be numbers"),
    ],
)
def test_a_manifest_of_the_wrong_shape_is_damage(engine, tmp_path, damage, message):
    copy = copy_build(engine.data.folder, tmp_path)
    edit_manifest(copy, damage)
    with pytest.raises(IndexInvalidError, match=message):
        load_build(copy, model=engine.data.manifest.model)


def test_articles_json_that_disagrees_with_the_manifest_is_damage(engine, tmp_path):
    copy = copy_build(engine.data.folder, tmp_path)
    (copy / "articles.json").write_text("{}")  # loads, but holds no article
    with pytest.raises(
        IndexInvalidError, match="articles.json holds 0 articles, which are not the 5.*damaged"
    ):
        load_build(copy, model=engine.data.manifest.model)


def test_a_current_pointer_that_is_not_text_is_damage(tmp_path):
    store = IndexStore(tmp_path / "index")
    store.root.mkdir()
    store.pointer.write_bytes(b"\xff\xfe")
    with pytest.raises(IndexInvalidError, match="CURRENT: cannot read.*talkbot index build"):
        store.current_build()


def test_a_current_pointer_that_is_a_directory_says_remove_it(tmp_path, capsys, monkeypatch):
    # Found by fuzzing: "cannot read ... run: talkbot index build", and the build then
    # failed to publish, saying "Is a directory": a loop with no way out named.
    from bot.cli import main
    from index.settings import DATA_DIR_ENV

    store = IndexStore(tmp_path / "index")
    store.pointer.mkdir(parents=True)
    with pytest.raises(IndexInvalidError, match=r"CURRENT is a directory.*remove it \(rm -r"):
        store.current_build()
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    assert main(["index", "build"]) == 2  # refused before building, not at the swap
    err = capsys.readouterr().err
    assert err == (
        f"talkbot: {store.pointer} is a directory, not the file naming the serving build; "
        f"remove it (rm -r '{store.pointer}'), then run: talkbot index build\n"
    )
    assert not store.builds.exists()


def test_an_unusable_data_folder_is_one_line_from_the_cli(tmp_path, capsys, monkeypatch):
    from bot.cli import main
    from index.settings import DATA_DIR_ENV

    data = tmp_path / "data"
    data.mkdir()
    (data / "index").write_text("a file where the index folder goes")
    monkeypatch.setenv(DATA_DIR_ENV, str(data))
    assert main(["index", "refresh"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"talkbot: {data / 'index'}: ") and "Traceback" not in err
    assert err.count("\n") == 1


def test_build_if_missing_treats_an_older_format_as_missing(corpus_copy, embedder):
    from bot.cli import _unusable_build
    from index.build import build_index

    store = IndexStore(corpus_copy.index_dir)
    assert _unusable_build(store) == ""  # nothing built: build
    report = build_index(corpus_copy, embedder)
    assert _unusable_build(store) is None  # a usable index: leave it
    edit_manifest(report.folder, lambda manifest: manifest.update(format_version=1))
    assert "is format 1, this version reads" in (_unusable_build(store) or "")
    (report.folder / "manifest.json").write_text("{")
    assert "damaged" in (_unusable_build(store) or "")


def test_build_if_missing_treats_a_build_that_lost_a_file_as_missing(built_copy):
    from bot.cli import _unusable_build

    store = IndexStore(built_copy.index_dir)
    assert _unusable_build(store) is None
    (store.current_build() / "events.json").unlink()
    assert "has lost or truncated files" in (_unusable_build(store) or "")
