"""Adding and removing articles in the seeds folder: checks, names, sources.yaml, undo.

The refresh passed to ``Library.add``/``remove`` here is either a real incremental build
of the private copy or one that fails on purpose, to show that a failed refresh leaves
the seeds folder exactly as it was.
"""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from index.build import build_index
from index.errors import BusyError
from index.library import (
    Candidate,
    DuplicateError,
    Library,
    LibraryError,
    candidate_from_file,
    parse_published,
)
from index.store import IndexStore
from tests.articlesite import ARTICLE_HTML, ARTICLE_TITLE, PLAIN_ARTICLE, UNIQUE_WORD
from tests.folder_snapshot import snapshot

pytest_plugins = ("tests.moderation_fixtures",)

SEED = "000_086fd48e31ce2218"


@pytest.fixture
def library(built_copy, embedder) -> Library:
    return Library(built_copy, embedder.count_tokens)


def refresh_of(settings, embedder):
    return lambda: build_index(settings, embedder, incremental=True)


def fail_refresh():
    raise RuntimeError("disk on fire")


def plain() -> Candidate:
    return Candidate(PLAIN_ARTICLE, outlet="Courier", published=date(2025, 7, 15), origin="t.txt")


# -- checks before anything is written ------------------------------------------------


@pytest.mark.parametrize("value", ["15/07/2025", "2025-7-15", "yesterday", "20250715"])
def test_published_must_be_an_iso_date(value):
    with pytest.raises(LibraryError, match=rf"published '{value}' is not a date as YYYY-MM-DD"):
        parse_published(value)


@pytest.mark.parametrize("value", ["2025-02-30", "2025-13-01", "2023-02-29"])
def test_published_in_the_right_shape_must_be_a_real_day(value):
    # "is not a date as YYYY-MM-DD" would be wrong here: the shape is right, the day is not.
    with pytest.raises(LibraryError) as info:
        parse_published(value)
    assert str(info.value) == (
        f"published '{value}' is not a real date; give the day the article was published "
        "as YYYY-MM-DD"
    )


def test_published_in_the_future_is_refused():
    today = date(2025, 7, 15)
    # A day of slack: in some time zone it is already tomorrow.
    assert parse_published("2025-07-16", today=today) == date(2025, 7, 16)
    with pytest.raises(LibraryError) as info:
        parse_published("2025-07-17", today=today)
    assert str(info.value) == (
        "published '2025-07-17' is in the future (today is 2025-07-15); give the date the "
        "article was published"
    )
    with pytest.raises(LibraryError, match="'2999-01-01' is in the future"):
        parse_published("2999-01-01")  # against the real today


def test_published_accepts_iso_and_nothing():
    assert parse_published("2025-07-15") == date(2025, 7, 15)
    assert parse_published(None) is None
    assert parse_published("  ") is None


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.txt", b"", "a.txt is empty"),
        ("a.txt", b"x" * 2001, "2,001 bytes, over the limit of 2,000"),
        ("a.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
        ("a.txt", "caf\u00e9 ".encode("latin-1") * 60, "not UTF-8"),
        ("a.pdf", b"%PDF-1.4", r"only \.txt, \.md, \.html, \.htm files"),
        ("../../etc/passwd", b"root:x:0:0", "only .txt"),
    ],
)
def test_bad_attachments_are_refused(name, data, message):
    with pytest.raises(LibraryError, match=message):
        candidate_from_file(name, data, max_bytes=2000)


def test_html_attachment_becomes_its_article_text():
    candidate = candidate_from_file("story.html", ARTICLE_HTML.encode(), max_bytes=100_000)
    assert candidate.title == ARTICLE_TITLE
    assert candidate.published == date(2025, 7, 14)
    assert candidate.text.startswith(ARTICLE_TITLE + "\n\n")
    assert "Most read" not in candidate.text
    given = candidate_from_file(
        "story.html",
        ARTICLE_HTML.encode(),
        max_bytes=100_000,
        title="Mine",
        published=date(2025, 1, 2),
    )
    assert (given.title, given.published) == ("Mine", date(2025, 1, 2))


@pytest.mark.parametrize("key", ["title", "outlet", "author"])
def test_metadata_that_is_not_utf8_is_refused_by_name(library, key):
    # A lone surrogate (an undecodable byte kept by Python) cannot be written to sources.yaml.
    candidate = Candidate(PLAIN_ARTICLE, origin="story.txt", **{key: "bad \udcff"})
    with pytest.raises(LibraryError, match=f"story.txt: the {key} is not valid text"):
        library.check(candidate)


def test_short_or_furniture_only_text_is_refused(library):
    with pytest.raises(LibraryError, match="only 11 characters"):
        library.check(Candidate("Hello world", title="x", origin="t.txt"))
    with pytest.raises(LibraryError, match="has no text"):
        library.check(Candidate(" \n\t ", title="x", origin="t.txt"))
    with pytest.raises(LibraryError, match="t.txt has only 1 character of text; an article"):
        library.check(Candidate("x", title="x", origin="t.txt"))


def test_a_copy_of_an_indexed_article_names_the_original(library, built_copy):
    text = (built_copy.seeds_dir / f"{SEED}.txt").read_text(encoding="utf-8")
    with pytest.raises(DuplicateError, match=f"duplicates article {SEED}") as caught:
        library.check(Candidate(text, origin="copy.txt"))
    assert caught.value.doc_id == SEED
    # Re-wrapped lines and extra spaces are still the same article.
    with pytest.raises(DuplicateError, match=SEED):
        library.check(Candidate("  " + text.replace(" ", "\n", 5) + "\n\n", origin="copy.txt"))


def test_a_url_already_indexed_is_a_duplicate(library, built_copy, embedder):
    added = library.add(
        Candidate(PLAIN_ARTICLE, url="https://example.com/quillmere", origin="u"),
        refresh_of(built_copy, embedder),
    )
    other = PLAIN_ARTICLE.replace("Paragraph", "Section")
    with pytest.raises(DuplicateError, match=f"already indexed as article {added.doc_id}"):
        library.check(Candidate(other, url="https://example.com/quillmere", origin="u"))


def test_title_falls_back_to_the_headline_and_is_one_line(library):
    article, _ = library.check(plain())
    assert article.title == "Talks resume in Quillmere"
    article, _ = library.check(Candidate(PLAIN_ARTICLE, title="A\nB\u200b\tC", origin="t"))
    assert article.title == "A B C"
    with pytest.raises(LibraryError, match="title is 301 characters"):
        library.check(Candidate(PLAIN_ARTICLE, title="x" * 301, origin="t"))


# -- adding ---------------------------------------------------------------------------


def test_add_writes_a_safe_new_file_and_appends_its_entry(library, built_copy, embedder):
    sources_before = built_copy.sources_file.read_text(encoding="utf-8")
    added = library.add(plain(), refresh_of(built_copy, embedder))

    assert added.filename == f"{added.doc_id}.txt"
    assert added.doc_id.startswith("005_") and len(added.doc_id) == 4 + 16
    path = built_copy.seeds_dir / added.filename
    assert path.read_text(encoding="utf-8") == PLAIN_ARTICLE
    assert added.report.added == (added.doc_id,)
    assert added.report.embedded_passages == added.report.per_article[added.doc_id]

    after = built_copy.sources_file.read_text(encoding="utf-8")
    assert after.startswith(sources_before)  # appended: comments and entries untouched
    entry = yaml.safe_load(after)[added.filename]
    assert entry == {
        "title": "Talks resume in Quillmere",
        "outlet": "Courier",
        "published": date(2025, 7, 15),
    }
    assert not list(built_copy.seeds_dir.glob(".*.tmp"))


def test_failed_refresh_undoes_the_add(library, built_copy):
    before = snapshot(built_copy.seeds_dir)
    serving = IndexStore(built_copy.index_dir).current_build_id()
    with pytest.raises(RuntimeError, match="disk on fire"):
        library.add(plain(), fail_refresh)
    assert snapshot(built_copy.seeds_dir) == before
    assert IndexStore(built_copy.index_dir).current_build_id() == serving


def test_add_is_refused_while_a_refresh_runs(library, built_copy):
    before = snapshot(built_copy.seeds_dir)
    lock = IndexStore(built_copy.index_dir).writer_lock()
    with lock, pytest.raises(BusyError, match="a refresh is already running"):
        library.add(plain(), fail_refresh)
    assert snapshot(built_copy.seeds_dir) == before


def test_numbers_are_never_reused(library, built_copy, embedder):
    (built_copy.seeds_dir / "archive").mkdir()
    (built_copy.seeds_dir / "archive" / f"20250101T000000000000Z_041_{'a' * 16}.txt").write_text(
        "x"
    )
    assert library.next_number() == 42


# -- removing -------------------------------------------------------------------------


def test_remove_archives_the_file_and_cuts_its_entry(library, built_copy, embedder):
    original = (built_copy.seeds_dir / f"{SEED}.txt").read_bytes()
    header = built_copy.sources_file.read_text(encoding="utf-8").split("000_")[0]
    removed = library.remove(SEED, refresh_of(built_copy, embedder))

    assert not (built_copy.seeds_dir / f"{SEED}.txt").exists()
    assert removed.archived_to.parent == built_copy.seeds_dir / "archive"
    assert removed.archived_to.read_bytes() == original  # moved, never deleted
    sidecar = yaml.safe_load(
        removed.archived_to.with_name(removed.archived_to.name + ".yaml").read_text(
            encoding="utf-8"
        )
    )
    assert sidecar["filename"] == f"{SEED}.txt"
    assert sidecar["metadata"]["outlet"] == "RFE/RL"
    after = built_copy.sources_file.read_text(encoding="utf-8")
    assert after.startswith(header)  # the leading comment block survives
    assert f"{SEED}.txt" not in yaml.safe_load(after)
    assert len(yaml.safe_load(after)) == 4
    assert removed.report.removed == (SEED,)
    assert removed.report.embedded_passages == 0


def test_failed_refresh_undoes_the_remove(library, built_copy):
    before = snapshot(built_copy.seeds_dir)
    with pytest.raises(RuntimeError, match="disk on fire"):
        library.remove(SEED, fail_refresh)
    assert snapshot(built_copy.seeds_dir) == before


@pytest.mark.parametrize("doc_id", ["nope", "../seeds/000_086fd48e31ce2218", "sources", ""])
def test_unknown_articles_cannot_be_removed(library, built_copy, doc_id):
    before = snapshot(built_copy.seeds_dir)
    with pytest.raises(LibraryError, match="no article .* among the seeds; their ids are listed"):
        library.remove(doc_id, fail_refresh)
    assert snapshot(built_copy.seeds_dir) == before


def test_unusual_sources_yaml_is_rewritten_whole_keeping_its_header(library, built_copy):
    # A flow-style mapping cannot be cut as text: the file is dumped whole instead.
    raw = yaml.safe_load(built_copy.sources_file.read_text(encoding="utf-8"))
    flow = "# kept header\n" + yaml.safe_dump(raw, default_flow_style=True, width=10_000)
    built_copy.sources_file.write_text(flow, encoding="utf-8")
    library.remove(SEED, lambda: None)
    text = built_copy.sources_file.read_text(encoding="utf-8")
    assert text.startswith("# kept header\n")
    assert set(yaml.safe_load(text)) == set(raw) - {f"{SEED}.txt"}


def test_html_attachment_added_end_to_end(library, built_copy, embedder):
    candidate = candidate_from_file("story.html", ARTICLE_HTML.encode(), max_bytes=100_000)
    added = library.add(candidate, refresh_of(built_copy, embedder))
    assert UNIQUE_WORD in (built_copy.seeds_dir / added.filename).read_text(encoding="utf-8")
    assert added.title == ARTICLE_TITLE
