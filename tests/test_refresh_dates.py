"""A refresh reads dates only off the articles that changed, and ends where a full build would.

Unchanged articles carry their dates over from the previous build (renumbered to the new
sentence rows); the events a refresh writes must equal those of a from-scratch build of
the same corpus, or the timeline would drift with each refresh.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import yaml

from index.build import build_index
from index.events import events_to_json
from index.settings import Settings
from index.store import IndexStore, load_current


def stages_of(settings: Settings, embedder, *, incremental: bool) -> list[str]:
    stages: list[str] = []
    build_index(settings, embedder, incremental=incremental, progress=stages.append)
    return stages


def events_of(settings: Settings, embedder) -> dict:
    data = load_current(IndexStore(settings.index_dir), model=embedder.name)
    return events_to_json(data.events)


def scratch_events(settings: Settings, embedder, tmp_path: Path) -> dict:
    """The events a from-scratch build of the same files gives, in a data folder of its own."""
    fresh = replace(settings, data_dir=tmp_path / "scratch")
    stages_of(fresh, embedder, incremental=False)
    events = events_of(fresh, embedder)
    shutil.rmtree(fresh.data_dir)
    return events


def dating_stage(stages: list[str]) -> str:
    [stage] = [s for s in stages if s.startswith("dating events")]
    return stage


def test_a_changed_article_is_the_only_one_dated_again(corpus_copy, embedder, tmp_path):
    stages_of(corpus_copy, embedder, incremental=False)
    article = sorted(corpus_copy.seeds_dir.glob("*.txt"))[1]
    lines = article.read_text(encoding="utf-8").splitlines()
    story = max(range(len(lines)), key=lambda i: len(lines[i]))  # a paragraph of the story
    lines.insert(story + 1, "The delegations met again in Istanbul on Friday, June 6, 2025.")
    article.write_text("\n".join(lines) + "\n", encoding="utf-8")

    stages = stages_of(corpus_copy, embedder, incremental=True)

    assert dating_stage(stages) == "dating events for the timeline (1 of 5 articles)"
    refreshed = events_of(corpus_copy, embedder)
    assert refreshed == scratch_events(corpus_copy, embedder, tmp_path)
    assert any(e["date"] == "2025-06-06" for e in refreshed["events"])


def test_a_new_publication_date_dates_that_article_again(corpus_copy, embedder, tmp_path):
    stages_of(corpus_copy, embedder, incremental=False)
    before = events_of(corpus_copy, embedder)
    sources = yaml.safe_load(corpus_copy.sources_file.read_text(encoding="utf-8"))
    # Relative dates ("on Monday", "last month") move with the publication date.
    filename = sorted(sources)[0]
    sources[filename]["published"] = "2025-03-03"
    corpus_copy.sources_file.write_text(yaml.safe_dump(sources), encoding="utf-8")

    stages = stages_of(corpus_copy, embedder, incremental=True)

    assert dating_stage(stages) == "dating events for the timeline (1 of 5 articles)"
    refreshed = events_of(corpus_copy, embedder)
    assert refreshed != before
    assert refreshed == scratch_events(corpus_copy, embedder, tmp_path)
