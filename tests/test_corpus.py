"""Reading the seeds folder and sources.yaml, including the bad cases."""

from __future__ import annotations

from datetime import date

import pytest

from index.corpus import load_corpus
from index.errors import CorpusError
from tests.conftest import SEEDS, copy_corpus


def test_seeds_load_with_their_metadata():
    corpus = load_corpus(SEEDS, SEEDS / "sources.yaml")
    assert len(corpus.articles) == 5 and corpus.warnings == ()
    first = corpus.articles[0]
    assert first.doc_id == "000_086fd48e31ce2218"
    assert first.outlet == "RFE/RL" and first.published == date(2025, 6, 4)
    unknown = {a.doc_id: a for a in corpus.articles}["004_6dc6bf0e0f4b01e5"]
    assert unknown.outlet is None  # "unknown" in sources.yaml


def test_article_without_entry_indexes_with_its_headline_and_a_warning(tmp_path):
    seeds, sources = copy_corpus(tmp_path)
    (seeds / "005_new.txt").write_text(
        "Breaking News\n\nTalks Resume In Geneva After Long Pause\n\n"
        "Delegations from both sides met in Geneva on Tuesday for a new round of talks.\n",
        encoding="utf-8",
    )
    corpus = load_corpus(seeds, sources)
    new = {a.doc_id: a for a in corpus.articles}["005_new"]
    assert new.title == "Talks Resume In Geneva After Long Pause"
    assert new.outlet is None and new.published is None
    assert any("005_new.txt" in w and "no entry" in w for w in corpus.warnings)


def test_entry_for_missing_file_is_a_warning(tmp_path):
    seeds, sources = copy_corpus(tmp_path)
    (seeds / "002_8549324ab8f36054.txt").unlink()
    corpus = load_corpus(seeds, sources)
    assert any("002_8549324ab8f36054.txt" in w for w in corpus.warnings)
    assert len(corpus.articles) == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00bad", "UTF-8"),
        (b"   \n\n  ", "no text"),
        (b"text\x00with nul", "binary"),
    ],
)
def test_unusable_article_file_names_the_file(tmp_path, content, message):
    seeds, sources = copy_corpus(tmp_path)
    (seeds / "bad.txt").write_bytes(content)
    with pytest.raises(CorpusError, match=f"bad.txt.*{message}"):
        load_corpus(seeds, sources)


def test_too_large_file_is_refused(tmp_path):
    seeds, sources = copy_corpus(tmp_path)
    with pytest.raises(CorpusError, match="over the limit.*max_file_bytes"):
        load_corpus(seeds, sources, max_file_bytes=1000)


def test_empty_seeds_folder(tmp_path):
    (tmp_path / "seeds").mkdir()
    with pytest.raises(CorpusError, match="no article files"):
        load_corpus(tmp_path / "seeds", tmp_path / "seeds" / "sources.yaml")


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("a: [unclosed\n", "malformed YAML at line 2.*; fix it there .*needs quotes"),
        ("- just\n- a list\n", "must map file names"),
        ("000_086fd48e31ce2218.txt:\n  published: 4 June\n", "published.*YYYY-MM-DD"),
        ("000_086fd48e31ce2218.txt:\n  colour: red\n", "unknown key 'colour'"),
        ("000_086fd48e31ce2218.txt:\n  published: 2025-02-30\n", "not a real date.*quote it"),
        ('000_086fd48e31ce2218.txt:\n  published: "2025-02-30"\n', "'2025-02-30' is not a real"),
        (
            "000_086fd48e31ce2218.txt:\n  published: 2999-01-01\n",
            "'published' is 2999-01-01, in the future .*give the date the article was published",
        ),
        # Found by fuzzing: outlet: yes was listed as "True".
        (
            "000_086fd48e31ce2218.txt:\n  outlet: yes\n",
            "entry '000_086fd48e31ce2218.txt': 'outlet' must be text, but YAML reads it as the "
            'boolean true; quote it: outlet: "..."',
        ),
        ("000_086fd48e31ce2218.txt:\n  author: off\n", "'author' must be text.*quote it"),
        (
            "000_086fd48e31ce2218.txt:\n  title: 2025-06-04\n",
            "'title' .* as the date 2025-06-04; quote",
        ),
    ],
)
def test_bad_sources_yaml(tmp_path, yaml_text, message):
    seeds, sources = copy_corpus(tmp_path)
    sources.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        load_corpus(seeds, sources)


def test_a_seed_file_name_that_is_not_utf8_is_named(tmp_path):
    import os

    seeds, sources = copy_corpus(tmp_path)
    (seeds / os.fsdecode(b"n\xff.txt")).write_text("A story.\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"file name 'n\\udcff.txt' is not UTF-8; rename it"):
        load_corpus(seeds, sources)
