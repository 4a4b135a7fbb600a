"""The benchmark runs (at the seeds' size only) and writes its table: a script check,
not a timed test. It reuses the session's model; cold start runs in a subprocess."""

from __future__ import annotations

import json

from bench.__main__ import run
from bench.report import MARK_END, MARK_START, markdown, write_json, write_markdown


def test_bench_runs_at_the_seeds_size_and_writes_its_table(tmp_path, embedder):
    results, meta = run(
        ["seeds"], quick=True, work=tmp_path / "work", embedder=embedder, progress=lambda _: None
    )
    (row,) = results
    assert row["build"]["passages"] > 0 and row["vectors"] == "model"
    assert row["latency"]["ask"]["p50"] > 0 and row["latency"]["bare_embed"]["p50"] > 0
    assert row["cold_start"]["ready_s"] > 0 and row["cold_start"]["rss_mb"] > 100
    assert row["refresh"]["one_changed_embedded_passages"] >= 1
    assert row["embed"]["ratio"] > 0
    table = markdown(results, meta)
    assert "ask p50 (ms)" in table and "| seeds |" in table
    out = tmp_path / "performance.md"
    stale = f"{MARK_START}\nSTALE-TABLE\n{MARK_END}"
    out.write_text(f"# Performance\n\nprose\n\n{stale}\n\nmore prose\n")
    write_markdown(out, table)
    text = out.read_text()
    assert "STALE-TABLE" not in text and "prose" in text and "more prose" in text and table in text
    write_json(tmp_path / "p.json", results, meta)
    assert json.loads((tmp_path / "p.json").read_text())["sizes"][0]["size"] == "seeds"


def test_ann_only_sizes_measure_the_approximate_index_without_a_build(tmp_path, embedder):
    results, meta = run(
        ["10k"],
        quick=True,
        work=tmp_path / "work",
        embedder=embedder,
        progress=lambda _: None,
        ann_only=frozenset({"10k"}),
    )
    (row,) = results
    assert row["size"] == "10k (ANN only)" and row["build"]["passages"] == 10_000
    assert not (tmp_path / "work" / "10k").exists()  # no corpus written, no pipeline run
    [ivf] = row["ann"]
    assert ivf["kind"] == "ivf" and 0.5 < ivf["recall_at_10"] <= 1.0
    assert "| 10k (ANN only) |" in markdown(results, meta)
