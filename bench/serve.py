"""Cold start, in a fresh process: imports, model, index, first answer, peak memory.

Run by :func:`bench.measure.measure_cold_start` with ``TALKBOT_CONFIG`` and
``TALKBOT_DATA_DIR`` set; the questions come as arguments. Prints ``READY`` when the engine
can answer, ``ANSWERED`` after the first answer, then one JSON line of its own timings.
"""

from __future__ import annotations

import json
import resource
import sys
import time

# Modules a question never needs; seeing one here means an import to make lazy. torch and
# sentence-transformers appear only when the ONNX export is missing (see index.embed).
HEAVY = (
    "matplotlib",
    "discord",
    "trafilatura",
    "dateparser",
    "httpx",
    "aiohttp",
    "PIL",
    "torch",
    "transformers",
    "sentence_transformers",
)


def main(qs: list[str]) -> None:
    t0 = time.perf_counter()
    from index.embed import Embedder
    from index.engine import Engine
    from index.settings import load_settings

    t1 = time.perf_counter()
    settings = load_settings()
    embedder = Embedder.serving(settings)
    t2 = time.perf_counter()
    engine = Engine.open(settings, embedder)
    t3 = time.perf_counter()
    print("READY", flush=True)
    engine.ask(qs[0])
    t4 = time.perf_counter()
    print("ANSWERED", flush=True)
    for q in qs[1:]:
        engine.ask(q)
    engine.timeline()
    heavy = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
    result = {
        "imports": t1 - t0,
        "model": t2 - t1,
        "index": t3 - t2,
        "first_ask": t4 - t3,
        "rss_mb": peak_rss_mb(),
        # Private memory vs pages of the build's memory-mapped files (page cache, shared
        # by every process serving the build), at the end.
        "rss_anon_mb": _status_mb("RssAnon:"),
        "rss_file_mb": _status_mb("RssFile:"),
        "heavy_modules": sorted({m.split(".")[0] for m in heavy}),
        "query_encoder": "onnx" if embedder.query_encoder is not None else "sentence-transformers",
    }
    print(json.dumps(result), flush=True)


def peak_rss_mb() -> float:
    """This process's peak RSS. Not getrusage: Linux carries ru_maxrss over exec, so a
    process spawned by a big benchmark would report the benchmark's peak."""
    peak = _status_mb("VmHWM:")
    return peak if peak == peak else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _status_mb(key: str) -> float:
    """A kB line of /proc/self/status in MB; NaN where there is none."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(key):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


if __name__ == "__main__":
    main(sys.argv[1:] or ["What did Putin propose?"])
