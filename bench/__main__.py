"""``python -m bench [--sizes seeds,10k,100k,1m] [--out F.md] [--json F.json] [--quick]``."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import seed_material
from bench.measure import questions
from bench.report import machine, markdown, write_json, write_markdown
from bench.run import SIZES, Context, run_ann_only, run_size
from bench.vectors import StandInEmbedder
from index.embed import Embedder
from index.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]


def run(
    sizes: list[str],
    *,
    quick: bool,
    work: Path,
    embedder: Embedder | None = None,
    progress=print,
    ann_only: frozenset[str] = frozenset(),
) -> tuple[list[dict], dict]:
    """Run the benchmark at ``sizes``; returns (per-size results, run metadata).

    Sizes in ``ann_only`` measure the approximate index alone (see ``run_ann_only``).
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    started = time.perf_counter()
    meta = {"machine": machine(), "command": "python -m bench " + shlex.join(sys.argv[1:])}
    base = load_settings(ROOT / "config" / "talkbot.yaml")
    base = base.__class__(
        **{
            **base.__dict__,
            "seeds_dir": ROOT / "seeds",
            "sources_file": ROOT / "seeds" / "sources.yaml",
        }
    )
    embedder = embedder or Embedder.serving(base)
    embedder.preload_sentence_transformer()  # not timed as part of the first build
    material = seed_material(base, embedder.count_tokens)
    stand_in = StandInEmbedder(embedder, material.sentences) if sizes != ["seeds"] else None
    ctx = Context(base, embedder, material, questions(6 if quick else 24), work, quick, stand_in)
    results = []
    for name in sizes:
        progress(f"bench: {name} ...")
        t = time.perf_counter()
        results.append(run_ann_only(name, ctx) if name in ann_only else run_size(name, ctx))
        progress(f"bench: {name} done in {time.perf_counter() - t:.0f} s")
    meta["load_after"] = os.getloadavg()
    meta["seconds"] = time.perf_counter() - started
    return results, meta


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--sizes", default="seeds,10k,100k,1m", help=f"comma-separated, from {', '.join(SIZES)}"
    )
    parser.add_argument("--out", type=Path, help="Markdown file to put the table in")
    parser.add_argument("--json", type=Path, help="JSON file for every figure")
    parser.add_argument("--quick", action="store_true", help="fewer rounds, no HNSW")
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temp one)")
    parser.add_argument(
        "--ann-only",
        default="",
        help="comma-separated sizes measured for the approximate index only, on stand-in "
        "vectors without the pipeline build (1m: its full build takes ~30 min on two cores)",
    )
    args = parser.parse_args(argv)
    sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    ann_only = frozenset(s.strip().lower() for s in args.ann_only.split(",") if s.strip())
    sizes += [s for s in sorted(ann_only, key=SIZES.get) if s not in sizes and s in SIZES]
    unknown = [s for s in [*sizes, *ann_only] if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {', '.join(unknown)}; choose from {', '.join(SIZES)}")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        results, meta = run(sizes, quick=args.quick, work=args.keep, ann_only=ann_only)
    else:
        with tempfile.TemporaryDirectory(prefix="talkbot-bench-") as tmp:
            results, meta = run(sizes, quick=args.quick, work=Path(tmp), ann_only=ann_only)
    table = markdown(results, meta)
    print(table)
    if args.out:
        write_markdown(args.out, table)
    if args.json:
        write_json(args.json, results, meta)


if __name__ == "__main__":
    main()
