"""Consistency checks for the hand-written evaluation set in tests/eval/.

These tests do not run the bot; they only check that the labelled questions are
well formed and that every evidence span really is verbatim text of its seed article.
"""

from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[1]
SEEDS = ROOT / "seeds"
EVAL = Path(__file__).parent / "eval"

KINDS = {"lookup", "paraphrase", "multi", "number", "who_said", "unanswerable"}
REQUIRED = {"id", "kind", "question", "answerable", "evidence"}

# file name -> (id prefix, minimum questions, minimum unanswerable questions)
SETS = {
    "questions.yaml": ("q", 70, 15),
    "heldout.yaml": ("h", 25, 6),
}


def _load(name: str) -> list[dict]:
    with open(EVAL / name, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, list), f"{name}: top level must be a list"
    return data


def _seed_text(doc_id: str) -> str:
    # Bytes decoded as UTF-8: no newline translation, exactly what is on disk.
    return (SEEDS / f"{doc_id}.txt").read_bytes().decode("utf-8")


@pytest.fixture(scope="module", params=sorted(SETS))
def qset(request):
    return request.param, _load(request.param)


def test_required_fields_and_types(qset):
    name, items = qset
    prefix = SETS[name][0]
    for item in items:
        assert isinstance(item, dict), f"{name}: entry is not a mapping: {item!r}"
        missing = REQUIRED - item.keys()
        assert not missing, f"{name} {item.get('id')}: missing fields {sorted(missing)}"
        assert isinstance(item["id"], str) and item["id"].startswith(prefix), item["id"]
        assert item["id"][len(prefix) :].isdigit(), item["id"]
        assert item["kind"] in KINDS, f"{item['id']}: bad kind {item['kind']!r}"
        assert isinstance(item["question"], str) and item["question"].strip(), item["id"]
        assert isinstance(item["answerable"], bool), item["id"]
        assert isinstance(item["evidence"], list), item["id"]


def test_ids_unique(qset):
    name, items = qset
    dupes = [i for i, n in Counter(item["id"] for item in items).items() if n > 1]
    assert not dupes, f"{name}: duplicate ids {dupes}"


def test_counts(qset):
    name, items = qset
    _, min_total, min_unanswerable = SETS[name]
    kinds = Counter(item["kind"] for item in items)
    assert len(items) >= min_total, f"{name}: {len(items)} questions < {min_total}"
    assert kinds["unanswerable"] >= min_unanswerable, f"{name}: {kinds}"
    assert set(kinds) == KINDS, f"{name}: kinds missing: {sorted(KINDS - set(kinds))}"


def test_answerable_iff_evidence(qset):
    name, items = qset
    for item in items:
        assert item["answerable"] == bool(item["evidence"]), item["id"]
        assert (item["kind"] == "unanswerable") == (not item["answerable"]), item["id"]


def test_evidence_is_verbatim_in_seed(qset):
    name, items = qset
    known = {p.stem for p in SEEDS.glob("*.txt")}
    for item in items:
        for ev in item["evidence"]:
            assert set(ev) == {"doc_id", "text"}, f"{item['id']}: bad evidence {ev!r}"
            assert ev["doc_id"] in known, f"{item['id']}: unknown doc_id {ev['doc_id']}"
            text = ev["text"]
            assert isinstance(text, str) and text.strip() == text and text, item["id"]
            assert "\n" not in text, f"{item['id']}: evidence spans must not cross lines"
            assert text in _seed_text(ev["doc_id"]), (
                f"{item['id']}: evidence not verbatim in {ev['doc_id']}: {text!r}"
            )


def test_multi_questions_cite_several_articles(qset):
    name, items = qset
    for item in items:
        if item["kind"] == "multi":
            docs = {ev["doc_id"] for ev in item["evidence"]}
            assert len(docs) >= 2, f"{item['id']}: multi question needs >= 2 articles"


def test_no_duplicate_questions_across_files():
    seen: dict[str, str] = {}
    for name in sorted(SETS):
        for item in _load(name):
            key = " ".join(item["question"].lower().split())
            assert key not in seen, f"{item['id']} duplicates {seen[key]}: {item['question']!r}"
            seen[key] = item["id"]
