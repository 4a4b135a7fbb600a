"""A build stamps its inputs; a refresh whose files hash the same returns at once.

The stamp must never make a stale build look current: any byte of an article or of
sources.yaml, a file added or removed, or other settings make it differ.
"""

from __future__ import annotations

import os
import shutil

import pytest

from index.build import build_index
from index.inputs import STAMP_FILE, read_stamp
from index.store import IndexStore

pytest_plugins = ("tests.moderation_fixtures",)


def build(settings, embedder, *, incremental: bool):
    return build_index(settings, embedder, incremental=incremental)


def test_the_stamp_tells_exactly_when_the_inputs_are_the_same(corpus_copy, embedder):
    report = build(corpus_copy, embedder, incremental=False)
    stamp = read_stamp(report.folder)
    assert stamp is not None and len(stamp.files) == 5
    seeds, sources = corpus_copy.seeds_dir, corpus_copy.sources_file
    settings_hash = stamp.settings_hash
    assert stamp.is_current(seeds, sources, settings_hash)

    article = sorted(seeds.glob("*.txt"))[0]
    os.utime(article, (0, 0))  # a new mtime alone changes nothing
    assert stamp.is_current(seeds, sources, settings_hash)
    assert not stamp.is_current(seeds, sources, "other settings")

    original = article.read_bytes()
    article.write_bytes(original + b" ")
    assert not stamp.is_current(seeds, sources, settings_hash)
    article.write_bytes(original)

    extra = seeds / "999_extra.md"
    extra.write_text("An article added by hand.\n", encoding="utf-8")
    assert not stamp.is_current(seeds, sources, settings_hash)
    extra.unlink()
    (seeds / "notes.pdf").write_bytes(b"%PDF")  # not an article file: ignored, as the build does
    assert stamp.is_current(seeds, sources, settings_hash)

    text = sources.read_text(encoding="utf-8")
    sources.write_text(text + "\n# a comment\n", encoding="utf-8")
    assert not stamp.is_current(seeds, sources, settings_hash)
    sources.unlink()
    assert not stamp.is_current(seeds, sources, settings_hash)
    sources.write_text(text, encoding="utf-8")
    assert stamp.is_current(seeds, sources, settings_hash)

    moved = seeds.parent / "moved"
    shutil.move(seeds, moved)
    assert not stamp.is_current(seeds, sources, settings_hash)  # no folder: not current


def test_refresh_trusts_the_stamp_only_while_the_bytes_are_the_same(corpus_copy, embedder):
    first = build(corpus_copy, embedder, incremental=False)
    same = build(corpus_copy, embedder, incremental=True)
    assert same.build_id == first.build_id and same.embedded_passages == 0
    assert same.unchanged == tuple(sorted(p.stem for p in corpus_copy.seeds_dir.glob("*.txt")))

    # A comment in sources.yaml changes its bytes, not the metadata: parsed, still current.
    with corpus_copy.sources_file.open("a", encoding="utf-8") as f:
        f.write("\n# reviewed\n")
    commented = build(corpus_copy, embedder, incremental=True)
    assert commented.build_id == first.build_id

    article = sorted(corpus_copy.seeds_dir.glob("*.txt"))[2]
    article.write_bytes(article.read_bytes() + b"\n\n")
    changed = build(corpus_copy, embedder, incremental=True)
    assert changed.build_id != first.build_id and changed.updated == (article.stem,)
    assert IndexStore(corpus_copy.index_dir).current_build_id() == changed.build_id


def test_a_damaged_stamp_is_ignored_not_trusted(corpus_copy, embedder):
    report = build(corpus_copy, embedder, incremental=False)
    (report.folder / STAMP_FILE).write_text('{"format": 1, "files": ', encoding="utf-8")
    assert read_stamp(report.folder) is None
    again = build(corpus_copy, embedder, incremental=True)  # falls back to parsing everything
    assert again.build_id == report.build_id and again.embedded_passages == 0


def serving_folder(settings):
    return IndexStore(settings.index_dir).current_build()


def test_the_stamp_records_every_file_of_the_build_and_serving_leaves_them(built_copy, embedder):
    from index.engine import Engine

    folder = serving_folder(built_copy)
    stamp = read_stamp(folder)
    files = sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name != STAMP_FILE
    )
    assert sorted(stamp.outputs) == files and "articles.json" in files
    engine = Engine.open(built_copy, embedder)
    assert engine.ask("What did Putin propose in May?").found
    engine.timeline("Istanbul talks")
    assert stamp.outputs_intact(folder)  # answering wrote nothing into the build


@pytest.mark.parametrize(
    ("name", "damage"), [("articles.json", "delete"), ("passage_vectors.npy", "truncate")]
)
def test_a_refresh_rebuilds_a_damaged_serving_build_instead_of_calling_it_current(
    built_copy, embedder, name, damage
):
    from index.engine import Engine

    folder = serving_folder(built_copy)
    path = folder / name
    if damage == "delete":
        path.unlink()
    else:
        os.truncate(path, path.stat().st_size // 2)
    assert not read_stamp(folder).outputs_intact(folder)

    again = build(built_copy, embedder, incremental=True)
    assert again.folder != folder  # a new build, not "unchanged"
    assert read_stamp(again.folder).outputs_intact(again.folder)
    answer = Engine.open(built_copy, embedder).ask("What did Putin propose in May?")
    assert answer.found and answer.citations
    # And now that it is whole again, the next refresh has nothing to do.
    assert build(built_copy, embedder, incremental=True).build_id == again.build_id


def test_a_refresh_reuses_the_parsed_sources_only_for_the_same_bytes(corpus_copy, embedder):
    from index.corpus import read_sources
    from index.store import load_current

    first = build(corpus_copy, embedder, incremental=False)
    stamp = read_stamp(first.folder)
    parsed = read_sources(corpus_copy.sources_file)
    assert stamp is not None and stamp.sources == parsed  # dates come back as dates

    def metadata() -> dict:
        data = load_current(IndexStore(corpus_copy.index_dir), model=embedder.name)
        return {a.doc_id: (a.title, a.outlet, a.published) for a in data.articles}

    expected = metadata()
    article = sorted(corpus_copy.seeds_dir.glob("*.txt"))[3]
    article.write_bytes(article.read_bytes() + b"\n\n")
    build(corpus_copy, embedder, incremental=True)  # sources.yaml unchanged: from the stamp
    assert metadata() == expected

    name = sorted(parsed)[0]
    text = corpus_copy.sources_file.read_text(encoding="utf-8")
    old_title = parsed[name]["title"]
    assert old_title in text
    corpus_copy.sources_file.write_text(
        text.replace(old_title, "A corrected title"), encoding="utf-8"
    )
    build(corpus_copy, embedder, incremental=True)  # new bytes: parsed again
    assert metadata()[name.rsplit(".", 1)[0]][0] == "A corrected title"
