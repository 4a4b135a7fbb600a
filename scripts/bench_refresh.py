"""Measure refresh times and the longest pause in answering during an index swap.

Not a test: run it by hand (``.venv/bin/python scripts/bench_refresh.py``) and read the
figures. It works in a temporary folder and never touches seeds/ or var/.

1. The five seeds: refresh with nothing changed, and with one article changed.
2. A synthetic corpus of ``--articles`` articles (default 1,000) recombined from the
   seeds' real sentences: the same two refreshes, with the time of each build stage.
   Its *first* build uses a stand-in embedder (same name, dimension and tokenizer,
   pseudo-random vectors) because embedding ~10,000 texts on a small CPU takes many
   minutes and is not what is measured; every measured refresh uses the real model.
3. While a refresh of the synthetic corpus runs, a thread asks questions in a loop;
   the longest gap between two answers is reported next to the gap without a refresh.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.build import build_index, segment_article  # noqa: E402
from index.corpus import load_corpus  # noqa: E402
from index.embed import Embedder  # noqa: E402
from index.engine import Engine  # noqa: E402
from index.settings import load_settings  # noqa: E402

QUESTIONS = [
    "What did Zelenskyy propose to Putin?",
    "Where were the talks held?",
    "What did Erdogan say about a ceasefire?",
    "When did Putin propose direct talks?",
]


class StandIn:
    """Builds the synthetic corpus's first index fast: real tokenizer, fake vectors."""

    def __init__(self, real: Embedder) -> None:
        self.name, self.dimension, self.count_tokens = real.name, real.dimension, real.count_tokens

    def encode(self, texts):
        out = np.empty((len(texts), self.dimension), np.float32)
        for i, t in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little")
            v = np.random.default_rng(seed).standard_normal(self.dimension).astype(np.float32)
            out[i] = v / np.linalg.norm(v)
        return out


class Stages:
    def __init__(self) -> None:
        self.marks: list[tuple[float, str]] = []

    def __call__(self, message: str) -> None:
        self.marks.append((time.perf_counter(), message))

    def table(self, end: float) -> str:
        rows = []
        for (t, m), (t2, _) in zip(self.marks, self.marks[1:] + [(end, "")], strict=False):
            rows.append(f"      {t2 - t:7.3f} s  {m}")
        return "\n".join(rows)


def timed_refresh(settings, embedder, label, profile=False):
    stages = Stages()
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    t = time.perf_counter()
    report = build_index(settings, embedder, incremental=True, progress=stages)
    end = time.perf_counter()
    if profiler:
        profiler.disable()
    print(
        f"  {label}: {end - t:.3f} s (report says {report.seconds:.3f} s), "
        f"embedded {report.embedded_passages} passages / {report.embedded_sentences} sentences "
        f"of {report.passages} passages; updated={list(report.updated)}"
    )
    print(stages.table(end))
    if profiler:
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).sort_stats("cumulative").print_stats(25)
        print("\n".join("      " + line for line in buf.getvalue().splitlines()[:45]))
    return report


def touch(path: Path, n: int) -> None:
    path.write_text(
        path.read_text(encoding="utf-8")
        + f"\nOfficials said a new round of talks, number {n}, would follow.\n",
        encoding="utf-8",
    )


def synthetic_corpus(settings, embedder, folder: Path, n: int, rng: random.Random) -> None:
    corpus = load_corpus(
        settings.seeds_dir, settings.sources_file, patterns=settings.cleaning.patterns
    )
    sentences = []
    for article in corpus.articles:
        parts = segment_article(article, settings, embedder.count_tokens)
        sentences += [
            article.text[s.start : s.end] for s in parts.sentences if 40 <= s.end - s.start <= 300
        ]
    folder.mkdir(parents=True)
    lines = ["# synthetic corpus for scripts/bench_refresh.py\n"]
    for i in range(n):
        paragraphs = [
            "\n".join([" ".join(rng.sample(sentences, rng.randint(3, 5)))])
            for _ in range(rng.randint(2, 4))
        ]
        title = f"Synthetic report {i}: " + rng.choice(sentences)[:60]
        name = f"{i:04d}_{hashlib.sha256(str(i).encode()).hexdigest()[:16]}.txt"
        (folder / name).write_text(
            title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8"
        )
        day = 1 + i % 28
        lines.append(
            f'{name}:\n  title: "Synthetic report {i}"\n  outlet: Bench\n'
            f"  published: 2025-06-{day:02d}\n"
        )
    (folder / "sources.yaml").write_text("".join(lines), encoding="utf-8")


def ask_loop(engine, stop: threading.Event, times: list[float]) -> None:
    i = 0
    while not stop.is_set():
        engine.ask(QUESTIONS[i % len(QUESTIONS)])
        times.append(time.perf_counter())
        i += 1


def max_gap(times: list[float], start: float, end: float) -> float:
    inside = [t for t in times if start <= t <= end]
    return max((b - a for a, b in zip(inside, inside[1:], strict=False)), default=float("nan"))


def swap_pause(settings, embedder, folder: Path, rounds: int = 3) -> None:
    engine = Engine.open(settings, embedder)
    files = sorted(folder.glob("*.txt"))
    for r in range(rounds):
        times: list[float] = []
        stop = threading.Event()
        asker = threading.Thread(target=ask_loop, args=(engine, stop, times))
        asker.start()
        time.sleep(2.0)
        base_start, base_end = times[0] if times else time.perf_counter(), time.perf_counter()
        touch(files[r + 10], 1000 + r)
        t0 = time.perf_counter()
        report = engine.refresh()
        t1 = time.perf_counter()
        time.sleep(1.0)
        stop.set()
        asker.join()
        before = [
            b - a
            for a, b in zip(times, times[1:], strict=False)
            if b <= base_end and a >= base_start
        ]
        print(
            f"  round {r + 1}: refresh {t1 - t0:.2f} s (embedded {report.embedded_passages}); "
            f"answers during it {sum(t0 <= t <= t1 for t in times)}; longest gap during "
            f"refresh {max_gap(times, t0, t1 + 0.5):.3f} s; median gap without refresh "
            f"{statistics.median(before) if before else float('nan'):.3f} s, "
            f"max {max(before) if before else float('nan'):.3f} s"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="cProfile the 1-changed refresh")
    args = parser.parse_args()
    base = load_settings(ROOT / "config" / "talkbot.yaml")
    work = Path(tempfile.mkdtemp(prefix="talkbot-bench-"))
    try:
        t = time.perf_counter()
        embedder = Embedder(base.embedding)
        embedder.encode(["warm up"])
        print(f"model load {time.perf_counter() - t:.1f} s")

        print("1. The five seeds")
        seeds = work / "seeds"
        shutil.copytree(ROOT / "seeds", seeds)
        s1 = replace(
            base, seeds_dir=seeds, sources_file=seeds / "sources.yaml", data_dir=work / "data1"
        )
        r = build_index(s1, embedder)
        print(f"  full build {r.seconds:.2f} s, {r.passages} passages")
        runs = [build_index(s1, embedder, incremental=True).seconds for _ in range(3)]
        print(f"  nothing changed: {', '.join(f'{x:.3f}' for x in runs)} s")
        timed_refresh(s1, embedder, "nothing changed (stages)")
        touch(seeds / "004_6dc6bf0e0f4b01e5.txt", 1)
        timed_refresh(s1, embedder, "one seed changed")

        print(f"2. Synthetic corpus of {args.articles} articles")
        synth = work / "synth"
        synthetic_corpus(s1, embedder, synth, args.articles, random.Random(7))
        s2 = replace(
            base, seeds_dir=synth, sources_file=synth / "sources.yaml", data_dir=work / "data2"
        )
        r = build_index(s2, StandIn(embedder))
        print(
            f"  first build (stand-in vectors) {r.seconds:.1f} s: {r.passages} passages, "
            f"{r.sentences} sentences"
        )
        timed_refresh(s2, embedder, "nothing changed")
        timed_refresh(s2, embedder, "nothing changed, again")
        touch(sorted(synth.glob("*.txt"))[3], 2)
        timed_refresh(s2, embedder, "one article changed", profile=args.profile)

        print("3. Longest pause in answering while a refresh swaps the index")
        swap_pause(s2, embedder, synth)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
