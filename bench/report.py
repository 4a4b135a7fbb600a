"""The benchmark's table, as Markdown (docs/performance.md) and JSON."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

MARK_START = "<!-- bench:table:start -->"
MARK_END = "<!-- bench:table:end -->"


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
    except (OSError, IndexError, ValueError):
        kb = 0
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "load_before": os.getloadavg(),
    }


def _get(row: dict, path: str) -> Any:
    value: Any = row
    for key in path.split("."):
        if isinstance(value, list):
            value = value[int(key)] if int(key) < len(value) else None
        elif isinstance(value, dict):
            value = value.get(key)
        if value is None:
            return None
    return value


def _fmt(value: Any, spec: str) -> str:
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value != value:
        return "–"
    return format(value, spec)


ROWS: tuple[tuple[str, str, str], ...] = (
    ("articles", "build.articles", ",d"),
    ("passages", "build.passages", ",d"),
    ("sentences", "build.sentences", ",d"),
    ("passage/sentence vectors", "vectors", ""),
    ("dense index served", "index_type", ""),
    ("ask p50 (ms)", "latency.ask.p50", ".1f"),
    ("ask p95 (ms)", "latency.ask.p95", ".1f"),
    ("– query embedding p50 (ms)", "latency.ask_embed.p50", ".1f"),
    ("– retrieval p50 (ms)", "latency.ask_retrieve.p50", ".1f"),
    ("– answer composition p50 (ms)", "latency.ask_compose.p50", ".1f"),
    ("bare query embedding p50 (ms)", "latency.bare_embed.p50", ".1f"),
    ("ask p50 / bare embedding", "latency.ask_ratio", ".2f"),
    ("first ask after load (ms)", "latency.first_ask_ms", ",.0f"),
    ("timeline p50 / p95 (ms)", "timeline", ""),
    ("timeline with topic p50 / p95 (ms)", "timeline_topic", ""),
    ("cold start to ready (s)", "cold_start.ready_s", ".2f"),
    ("– imports / model / index (s)", "cold_parts", ""),
    ("cold start to first answer (s)", "cold_start.first_answer_s", ".2f"),
    ("serving RSS peak (MB)", "cold_start.rss_mb", ",.0f"),
    ("– private / mapped build files at the end (MB)", "rss_split", ""),
    ("heavy modules on the ask path", "heavy", ""),
    ("question encoder of the serving process", "cold_start.query_encoder", ""),
    ("build wall time (s)", "build.seconds", ",.1f"),
    ("build throughput, all steps (passages/s)", "build.passages_per_s", ",.0f"),
    ("embedding step vs bare encode (×)", "embed.ratio", ".2f"),
    ("bare encode passages only (passages/s)", "bare_pps", ",.0f"),
    ("build peak RSS, bench process (MB)", "build.peak_rss_mb", ",.0f"),
    ("refresh, nothing changed (s)", "refresh.unchanged_s", ".3f"),
    ("refresh, one article changed (s)", "refresh.one_changed_s", ".2f"),
    ("ANN IVF recall@10 / search p50 (ms)", "ivf", ""),
    ("ANN IVF build (s) / params", "ivf_build", ""),
    ("ANN HNSW recall@10 / search p50 (ms)", "hnsw", ""),
    ("ANN HNSW build (s) / params", "hnsw_build", ""),
    ("exact (flat) search p50 (ms)", "exact_ms", ""),
)


def _derived(row: dict) -> dict:
    row = dict(row)
    lat = row.get("latency") or {}
    for key in ("timeline", "timeline_topic"):
        p = lat.get(key)
        row[key] = f"{p['p50']:.1f} / {p['p95']:.1f}" if p else None
    cold = row.get("cold_start")
    if cold:
        row["cold_parts"] = (
            f"{cold['imports_s']:.2f} / {cold['model_s']:.2f} / {cold['index_s']:.2f}"
        )
        row["heavy"] = ", ".join(cold["heavy_modules"]) or "none"
        anon, mapped = cold.get("rss_anon_mb"), cold.get("rss_file_mb")
        if anon is not None and anon == anon:
            row["rss_split"] = f"{anon:,.0f} / {mapped:,.0f}"
    embed = row.get("embed")
    if embed:
        row["bare_pps"] = embed["passages"] / embed["bare_passages_s"]
    for ann in row.get("ann") or []:
        kind = ann["kind"]
        row[kind] = f"{ann['recall_at_10']:.3f} / {ann['search_ms']['p50']:.2f}"
        params = ", ".join(f"{k}={v}" for k, v in ann["params"].items())
        row[f"{kind}_build"] = f"{ann['build_s']:.1f} / {params}"
        row["exact_ms"] = f"{ann['exact_search_ms']['p50']:.2f}"
    return row


def markdown(results: list[dict], meta: dict) -> str:
    rows = [_derived(r) for r in results]
    head = "| | " + " | ".join(r["size"] for r in rows) + " |"
    lines = [head, "|---|" + "---:|" * len(rows)]
    for label, path, spec in ROWS:
        cells = [_fmt(_get(r, path), spec) for r in rows]
        if all(c == "–" for c in cells):
            continue
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    m = meta["machine"]
    lines += [
        "",
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']}; "
        f"load average before {_load(m['load_before'])}, after {_load(meta['load_after'])}.",
        f"Command: `{meta['command']}` ({meta['seconds'] / 60:.1f} min).",
    ]
    return "\n".join(lines) + "\n"


def _load(values) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def write_markdown(path: Path, table: str) -> None:
    """Replace the table between the markers in ``path``; the prose around it stays."""
    block = f"{MARK_START}\n{table}{MARK_END}\n"
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if MARK_START in text and MARK_END in text:
            before, rest = text.split(MARK_START, 1)
            after = rest.split(MARK_END, 1)[1].lstrip("\n")
            path.write_text(before + block + ("\n" + after if after else ""), encoding="utf-8")
            return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Performance\n\n" + block, encoding="utf-8")


def write_json(path: Path, results: list[dict], meta: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"meta": meta, "sizes": results}, indent=2, default=str) + "\n")
