"""The measurements: each function times one thing and returns a frozen result.

Latencies are warm and in process (the question path after a first question has built
the per-build caches). Cold start runs in a fresh subprocess (``bench.serve``). The bare
model call is timed interleaved with the engine call on the same questions, so a busy
machine inflates both alike and their ratio stays meaningful.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from index.dense import DenseSettings, build_dense, exact_top_k, index_kind, search_dense
from index.engine import Engine
from index.errors import QuestionError

ROOT = Path(__file__).resolve().parents[1]
TOPICS = ("Istanbul talks", "ceasefire", "prisoner exchange", "Crimea")
FALLBACK_QUESTIONS = (
    "What did Zelenskyy propose to Putin?",
    "Where were the talks held?",
    "What did Erdogan say about a ceasefire?",
    "When did Putin propose direct talks?",
)


def questions(limit: int = 24) -> tuple[str, ...]:
    """The development questions (tests/eval/questions.yaml), or a few fixed ones."""
    path = ROOT / "tests" / "eval" / "questions.yaml"
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
        found = tuple(str(i["question"]) for i in items if i.get("question"))[:limit]
    except (OSError, yaml.YAMLError, TypeError, KeyError):
        found = ()
    return found or FALLBACK_QUESTIONS


@dataclass(frozen=True)
class Percentiles:
    p50: float  # milliseconds
    p95: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Percentiles:
        ms = np.asarray(seconds, dtype=np.float64) * 1000.0
        return cls(float(np.percentile(ms, 50)), float(np.percentile(ms, 95)))


@dataclass(frozen=True)
class Latency:
    ask: Percentiles
    ask_embed: Percentiles
    ask_retrieve: Percentiles
    ask_compose: Percentiles
    bare_embed: Percentiles  # the model call alone, same questions
    timeline: Percentiles  # every event
    timeline_topic: Percentiles  # one topic (one model call)
    first_ask_ms: float  # the first question after loading (builds per-build caches)
    samples: int

    @property
    def ask_ratio(self) -> float:
        return self.ask.p50 / self.bare_embed.p50


def measure_latency(engine: Engine, qs: Sequence[str], rounds: int = 5) -> Latency:
    t = time.perf_counter()
    engine.ask(qs[0])
    first = time.perf_counter() - t
    for q in qs:  # warm: tokenizer caches, allocator, torch threads
        engine.ask(q)
    parts: dict[str, list[float]] = {k: [] for k in ("total", "embed", "retrieve", "compose")}
    bare: list[float] = []
    for _ in range(rounds):
        for q in qs:
            timings = engine.ask(q).timings
            for key in parts:
                parts[key].append(timings[key])
            t = time.perf_counter()
            engine.embedder.encode_query(q)
            bare.append(time.perf_counter() - t)
    timeline = _timed(lambda: engine.timeline(), rounds * 4)
    topics = [lambda t=t: engine.timeline(t) for t in TOPICS] * rounds
    timeline_topic = [_once(f) for f in topics]
    return Latency(
        ask=Percentiles.of(parts["total"]),
        ask_embed=Percentiles.of(parts["embed"]),
        ask_retrieve=Percentiles.of(parts["retrieve"]),
        ask_compose=Percentiles.of(parts["compose"]),
        bare_embed=Percentiles.of(bare),
        timeline=Percentiles.of(timeline),
        timeline_topic=Percentiles.of(timeline_topic),
        first_ask_ms=first * 1000.0,
        samples=len(parts["total"]),
    )


def _once(call: Callable[[], object]) -> float:
    t = time.perf_counter()
    with contextlib.suppress(QuestionError):  # a topic with no events is an answer too
        call()
    return time.perf_counter() - t


def _timed(call: Callable[[], object], times: int) -> list[float]:
    return [_once(call) for _ in range(times)]


@dataclass(frozen=True)
class ColdStart:
    ready_s: float  # process spawn to an engine ready to answer (parent's clock)
    first_answer_s: float  # spawn to the first answer returned
    imports_s: float
    model_s: float
    index_s: float
    first_ask_s: float
    rss_mb: float  # peak RSS of the serving process after its questions
    heavy_modules: tuple[str, ...]  # imported on the ask path though not needed there
    query_encoder: str = "sentence-transformers"  # or "onnx": what embedded its questions
    rss_anon_mb: float = float("nan")  # private memory at the end
    rss_file_mb: float = float("nan")  # mapped pages of the build's files (shared)


def measure_cold_start(config: Path, data_dir: Path, qs: Sequence[str]) -> ColdStart:
    provide_query_export(config, data_dir)
    env = dict(os.environ, TALKBOT_CONFIG=str(config), TALKBOT_DATA_DIR=str(data_dir))
    env.setdefault("HF_HUB_OFFLINE", "1")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.serve", *qs],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    ready = first = float("nan")
    result: dict = {}
    for line in proc.stdout:
        now = time.perf_counter() - start
        if line.startswith("READY"):
            ready = now
        elif line.startswith("ANSWERED"):
            first = now
        elif line.startswith("{"):
            result = json.loads(line)
    if proc.wait() != 0 or not result:
        raise RuntimeError(f"bench.serve failed (exit {proc.returncode})")
    return ColdStart(
        ready_s=ready,
        first_answer_s=first,
        imports_s=result["imports"],
        model_s=result["model"],
        index_s=result["index"],
        first_ask_s=result["first_ask"],
        rss_mb=result["rss_mb"],
        rss_anon_mb=result.get("rss_anon_mb", float("nan")),
        rss_file_mb=result.get("rss_file_mb", float("nan")),
        heavy_modules=tuple(result["heavy_modules"]),
        query_encoder=result.get("query_encoder", "sentence-transformers"),
    )


def provide_query_export(config: Path, data_dir: Path) -> None:
    """Copy the configured data folder's ONNX export (make run makes it) for the server.

    The serving process then starts as a deployment does. Without one to copy, it falls
    back to sentence-transformers and says so, and the result's ``query_encoder`` shows it;
    tracing a new export here would add a minute to every benchmark run.
    """
    from index.onnx_encoder import export_folder
    from index.onnx_export import copy_query_export
    from index.settings import load_settings

    settings = load_settings(config)
    copy_query_export(settings.embedding, export_folder(settings.data_dir), export_folder(data_dir))


@dataclass(frozen=True)
class EmbedThroughput:
    """The build's embedding step against bare ``model.encode`` of the same texts."""

    passages: int
    sentences: int
    step_s: float  # the build's embedding step (passages and sentences)
    bare_s: float  # model.encode of the same texts, same batch size
    bare_passages_s: float  # model.encode of the passages alone

    @property
    def ratio(self) -> float:
        return self.bare_s / self.step_s


def measure_embed_throughput(
    texts_passages: list[str], texts_sentences: list[str], step_s: float, embedder
) -> EmbedThroughput:
    def bare(texts: list[str]) -> float:
        t = time.perf_counter()
        embedder.model.encode(
            texts,
            batch_size=embedder.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return time.perf_counter() - t

    p = bare(texts_passages)
    s = bare(texts_sentences)
    return EmbedThroughput(len(texts_passages), len(texts_sentences), step_s, p + s, p)


@dataclass(frozen=True)
class AnnResult:
    kind: str
    build_s: float
    recall_at_10: float
    search_ms: Percentiles
    exact_search_ms: Percentiles
    queries: int
    params: dict = field(default_factory=dict)


def ann_queries(vectors: np.ndarray, real: np.ndarray, n: int = 200) -> np.ndarray:
    """Real question vectors plus passage vectors nudged off the data (near-data queries)."""
    rng = np.random.default_rng(5)
    rows = np.sort(rng.choice(len(vectors), size=max(0, n - len(real)), replace=False))
    near = np.asarray(vectors[rows], dtype=np.float32)
    near = near + rng.normal(0, 0.03, near.shape).astype(np.float32)
    out = np.vstack([real.astype(np.float32), near])
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def measure_ann(
    vectors: np.ndarray, queries: np.ndarray, settings: DenseSettings, exact_index=None
) -> AnnResult:
    """Build the approximate index ``settings.kind`` over ``vectors``; recall@10 vs exact."""
    t = time.perf_counter()
    index = build_dense(vectors, DenseSettings(**{**settings.__dict__, "approximate_above": 0}))
    build_s = time.perf_counter() - t
    truth = exact_top_k(vectors, queries, 10)
    approx_times, hits = [], 0
    for q, expect in zip(queries, truth, strict=True):
        t = time.perf_counter()
        _, ids = search_dense(index, q, 10)
        approx_times.append(time.perf_counter() - t)
        hits += len(set(ids.tolist()) & set(expect.tolist()))
    exact_times = []
    if exact_index is not None:
        for q in queries[:50]:
            t = time.perf_counter()
            search_dense(exact_index, q, 50)
            exact_times.append(time.perf_counter() - t)
    params = (
        {"nlist": int(index.nlist), "nprobe": int(index.nprobe)}
        if index_kind(index) == "ivf"
        else {
            "M": settings.hnsw_m,
            "efSearch": settings.hnsw_ef_search,
            "efConstruction": settings.hnsw_ef_construction,
        }
    )
    return AnnResult(
        kind=index_kind(index),
        build_s=build_s,
        recall_at_10=hits / (10.0 * len(queries)),
        search_ms=Percentiles.of(approx_times),
        exact_search_ms=Percentiles.of(exact_times or [float("nan")]),
        queries=len(queries),
        params=params,
    )


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
