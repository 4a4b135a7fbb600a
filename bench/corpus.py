"""Synthetic corpora of any size, made of the seeds' real sentences.

The seeds give a few hundred real sentences in real paragraphs. A synthetic article is a
headline and paragraphs of one to three of those sentences, drawn at random and
recombined, about the size of a seed article; every article gets an entry in a
``sources.yaml`` with a title, outlet and date. The files go into a temporary seeds folder
and are indexed by the real pipeline, so cleaning, splitting, token counting, BM25 and
dating all do their real work on realistic text.
"""

from __future__ import annotations

import datetime
import json
import random
from dataclasses import dataclass
from pathlib import Path

from index.build import segment_article
from index.corpus import load_corpus
from index.settings import Settings

OUTLETS = ("RFE/RL", "Euronews", "Ynetnews", "Reuters", "AP", "Kyiv Independent")


@dataclass(frozen=True)
class Material:
    """The seeds' cleaned sentences, by paragraph, and their headlines."""

    paragraphs: tuple[tuple[str, ...], ...]
    titles: tuple[str, ...]

    @property
    def sentences(self) -> tuple[str, ...]:
        return tuple(s for p in self.paragraphs for s in p)


@dataclass(frozen=True)
class SyntheticCorpus:
    seeds_dir: Path
    sources_file: Path
    articles: int
    paragraphs: int


def seed_material(settings: Settings, count_tokens) -> Material:
    """Cleaned sentences of the seeds, grouped as the pipeline groups them."""
    corpus = load_corpus(
        settings.seeds_dir, settings.sources_file, patterns=settings.cleaning.patterns
    )
    paragraphs = []
    for article in corpus.articles:
        parts = segment_article(article, settings, count_tokens)
        for first, last in parts.passages:
            text = article.text
            paragraphs.append(tuple(text[s.start : s.end] for s in parts.sentences[first:last]))
    titles = tuple(a.title for a in corpus.articles)
    return Material(tuple(paragraphs), titles)


def write_corpus(
    material: Material, folder: Path, passages: int, *, window: int = 4, seed: int = 0
) -> SyntheticCorpus:
    """Seed-sized articles under ``folder`` that cut into about ``passages`` passages.

    With overlapping windows of ``window`` sentences (the chunking default) an article of
    S sentences cuts into S - window + 1 passages; with ``window`` 0 (tiles) about one per
    paragraph. Articles are written until that estimate reaches ``passages``.
    """
    rng = random.Random(seed)
    sentences = [s for s in material.sentences if 30 <= len(s) <= 300]
    folder.mkdir(parents=True, exist_ok=True)
    entries: list[str] = ["# synthetic corpus written by python -m bench\n"]
    estimated = n_articles = n_paragraphs = 0
    start = datetime.date(2025, 3, 1)
    while estimated < passages:
        sizes = [rng.choice((1, 2, 2, 3)) for _ in range(rng.randint(12, 24))]
        body = [" ".join(rng.sample(sentences, k)) for k in sizes]
        title = f"{rng.choice(material.titles)} ({n_articles})"
        name = f"{n_articles:07d}.txt"
        (folder / name).write_text(title + "\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")
        published = start + datetime.timedelta(days=rng.randrange(200))
        entries.append(
            f"{name}:\n  title: {json.dumps(title, ensure_ascii=False)}\n"
            f"  outlet: {rng.choice(OUTLETS)}\n  published: {published.isoformat()}\n"
        )
        estimated += max(1, sum(sizes) - window + 1) if window > 0 else len(sizes)
        n_paragraphs += len(sizes)
        n_articles += 1
    (folder / "sources.yaml").write_text("".join(entries), encoding="utf-8")
    return SyntheticCorpus(folder, folder / "sources.yaml", n_articles, n_paragraphs)


def change_one_article(corpus_dir: Path, n: int = 1) -> Path:
    """Append a sentence to one article file: a one-article change for a refresh."""
    files = sorted(corpus_dir.glob("*.txt"))
    path = files[len(files) // 2]
    path.write_text(
        path.read_text(encoding="utf-8")
        + f"\nOfficials said a further round of talks, number {n}, would follow.\n",
        encoding="utf-8",
    )
    return path
