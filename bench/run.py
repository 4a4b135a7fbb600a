"""One benchmark size, end to end: corpus, build, latency, cold start, refresh, ANN recall.

The seeds are built with the real model throughout. Synthetic sizes are built through the
same ``build_index`` with the stand-in embedder (``bench.vectors``); questions, refreshes
and the cold-start process use the real model.
"""

from __future__ import annotations

import gc
import re
import shutil
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from bench.corpus import Material, change_one_article, write_corpus
from bench.measure import (
    ann_queries,
    measure_ann,
    measure_cold_start,
    measure_embed_throughput,
    measure_latency,
    peak_rss_mb,
)
from bench.vectors import NOISE, StandInEmbedder
from index.build import build_index
from index.dense import build_dense, dense_settings, index_kind
from index.embed import Embedder
from index.engine import Engine
from index.settings import Settings

SIZES = {"seeds": 0, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
HNSW_MAX = 200_000  # HNSW builds for minutes past this on two cores; IVF only above it


@dataclass(frozen=True)
class Context:
    base: Settings
    embedder: Embedder
    material: Material
    questions: tuple[str, ...]
    work: Path
    quick: bool
    stand_in: StandInEmbedder | None = None


class Stages:
    """Progress messages of a build, timed."""

    def __init__(self) -> None:
        self.marks: list[tuple[float, str]] = []

    def __call__(self, message: str) -> None:
        self.marks.append((time.perf_counter(), re.sub(r"\d[\d,]*", "N", message)))

    def seconds(self, end: float) -> dict[str, float]:
        out: dict[str, float] = {}
        for (t, m), (t2, _) in zip(self.marks, [*self.marks[1:], (end, "")], strict=True):
            out[m] = out.get(m, 0.0) + (t2 - t)
        return out


def run_size(name: str, ctx: Context) -> dict[str, Any]:
    folder = ctx.work / name
    shutil.rmtree(folder, ignore_errors=True)
    seeds = folder / "seeds"
    real = name == "seeds"
    if real:
        shutil.copytree(ctx.base.seeds_dir, seeds)
        articles = len(list(seeds.glob("*.txt")))
        embedder: Any = ctx.embedder
    else:
        corpus = write_corpus(
            ctx.material, seeds, SIZES[name], window=ctx.base.chunking.window_sentences
        )
        articles = corpus.articles
        assert ctx.stand_in is not None
        embedder = ctx.stand_in
    settings = replace(
        ctx.base, seeds_dir=seeds, sources_file=seeds / "sources.yaml", data_dir=folder / "data"
    )
    out: dict[str, Any] = {"size": name, "vectors": "model" if real else "stand-in"}

    stages = Stages()
    t = time.perf_counter()
    report = build_index(settings, embedder, progress=stages)
    build_s = time.perf_counter() - t
    stage_s = stages.seconds(time.perf_counter())
    out["build"] = {
        "articles": articles,
        "passages": report.passages,
        "sentences": report.sentences,
        "seconds": build_s,
        "passages_per_s": report.passages / build_s,
        "stages": stage_s,
        "peak_rss_mb": peak_rss_mb(),
    }

    engine = Engine.open(settings, ctx.embedder)
    out["index_type"] = engine.data.manifest.index_type
    out["latency"] = asdict(measure_latency(engine, ctx.questions, rounds=2 if ctx.quick else 5))
    out["latency"]["ask_ratio"] = out["latency"]["ask"]["p50"] / out["latency"]["bare_embed"]["p50"]

    if real:
        step = next((s for m, s in stage_s.items() if m.startswith("embedding")), float("nan"))
        out["embed"] = _throughput(engine, ctx.embedder, step, None)
    elif name == "10k" and not ctx.quick:
        out["embed"] = _throughput(engine, ctx.embedder, None, 1000)

    out["cold_start"] = asdict(
        measure_cold_start(settings.config_path, settings.data_dir, ctx.questions[:8])
    )

    runs = []
    for _ in range(3):
        t = time.perf_counter()
        engine.refresh()
        runs.append(time.perf_counter() - t)
    change_one_article(seeds)
    t = time.perf_counter()
    changed = engine.refresh()
    out["refresh"] = {
        "unchanged_s": float(np.median(runs)),
        "one_changed_s": time.perf_counter() - t,
        "one_changed_embedded_passages": changed.embedded_passages,
        "one_changed_embedded_sentences": changed.embedded_sentences,
    }

    if not real:
        vectors = np.asarray(engine.data.passage_vectors)  # served rows are read on demand
        real_q = np.vstack([ctx.embedder.encode_query(q) for q in ctx.questions])
        queries = ann_queries(vectors, real_q, 100 if ctx.quick else 300)
        base_dense = dense_settings(settings)
        # Exact search timed on a flat index, whatever the build serves at this size.
        exact = (
            engine.data.dense
            if index_kind(engine.data.dense) == "flat"
            else build_dense(vectors, replace(base_dense, approximate_above=len(vectors)))
        )
        ann = [measure_ann(vectors, queries, replace(base_dense, kind="ivf"), exact)]
        if len(vectors) <= HNSW_MAX and not ctx.quick:
            ann.append(measure_ann(vectors, queries, replace(base_dense, kind="hnsw"), exact))
        out["ann"] = [asdict(a) for a in ann]
    out["bench_peak_rss_mb"] = peak_rss_mb()
    del engine
    gc.collect()
    return out


def run_ann_only(name: str, ctx: Context) -> dict[str, Any]:
    """The approximate index alone at ``name``'s size: what a full pipeline build would serve.

    For a size whose whole build (cutting, BM25, dating) takes longer than a benchmark
    should, the dense part is what decides whether search still works: passage vectors are
    made the stand-in way (the mean of 1-3 real seed-sentence vectors plus noise, as
    synthetic passages join 1-3 sentences) and the index the config would choose at that
    size is measured against exact search.
    """
    assert ctx.stand_in is not None
    n = SIZES[name]
    vectors = stand_in_passage_vectors(ctx.stand_in, ctx.material.sentences, n)
    real_q = np.vstack([ctx.embedder.encode_query(q) for q in ctx.questions])
    queries = ann_queries(vectors, real_q, 100 if ctx.quick else 300)
    base_dense = dense_settings(ctx.base)
    served = base_dense.kind if n > base_dense.approximate_above else "flat"
    exact = build_dense(vectors, replace(base_dense, approximate_above=n))
    ann = [measure_ann(vectors, queries, replace(base_dense, kind="ivf"), exact)]
    return {
        "size": f"{name} (ANN only)",
        "vectors": "stand-in",
        "index_type": served,
        "build": {"passages": n},
        "ann": [asdict(a) for a in ann],
        "bench_peak_rss_mb": peak_rss_mb(),
    }


def stand_in_passage_vectors(
    stand_in: StandInEmbedder, sentences: tuple[str, ...], n: int, *, chunk: int = 100_000
) -> np.ndarray:
    """``n`` normalised passage vectors, each the mean of 1-3 random seed sentences' + noise."""
    table = np.vstack([stand_in.vector_of(s) for s in sentences]).astype(np.float32)
    rng = np.random.default_rng(11)
    out = np.empty((n, table.shape[1]), dtype=np.float32)
    for lo in range(0, n, chunk):
        hi = min(lo + chunk, n)
        picks = rng.integers(0, len(table), (hi - lo, 3))
        counts = rng.choice((1, 2, 2, 3), hi - lo)
        mask = (np.arange(3) < counts[:, None]).astype(np.float32)
        block = (table[picks] * mask[:, :, None]).sum(axis=1) / counts[:, None]
        block += rng.normal(0.0, NOISE, block.shape).astype(np.float32)
        out[lo:hi] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


def _throughput(engine: Engine, embedder: Embedder, step: float | None, limit: int | None) -> dict:
    """Build embedding step vs bare encode; with ``limit``, time the step on a sample."""
    data = engine.data
    n = len(data.passages) if limit is None else min(limit, len(data.passages))
    passages = [data.passage(i).text for i in range(n)]
    last_sentence = int(data.passages[n - 1, 4])
    sentences = [data.sentence(i).text for i in range(last_sentence)]
    if step is None:  # the same calls the build's _embed_parts makes
        t = time.perf_counter()
        embedder.encode(passages)
        embedder.encode(sentences)
        step = time.perf_counter() - t
    result = measure_embed_throughput(passages, sentences, step, embedder)
    return {**asdict(result), "ratio": result.ratio, "sampled": limit is not None}
