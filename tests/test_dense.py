"""Approximate dense indexes against brute force, and through save/load."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from index.dense import (
    DenseSettings,
    build_dense,
    dense_settings,
    exact_top_k,
    index_kind,
    load_dense,
    recall_at_k,
    save_dense,
    search_dense,
)
from index.errors import ConfigError


def _clustered(n: int, seed: int) -> np.ndarray:
    """Unit vectors around 40 centres: structured like text embeddings, unlike pure noise."""
    rng = np.random.default_rng(seed)
    centres = np.random.default_rng(99).standard_normal((40, 64)).astype(np.float32)
    rows = centres[rng.integers(0, 40, n)] + rng.normal(0, 0.35, (n, 64)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


VECTORS = _clustered(6000, 1)
QUERIES = _clustered(100, 2)


def test_exact_top_k_matches_argsort():
    scores = QUERIES @ VECTORS.T
    expect = -np.sort(-scores, axis=1)[:, :10]
    got = np.take_along_axis(scores, exact_top_k(VECTORS, QUERIES, 10), axis=1)
    np.testing.assert_allclose(got, expect, atol=1e-5)  # ties may come in either order


def test_flat_below_the_threshold_is_exact():
    index = build_dense(VECTORS, DenseSettings(approximate_above=len(VECTORS)))
    assert index_kind(index) == "flat"
    assert recall_at_k(index, VECTORS, QUERIES) == 1.0


@pytest.mark.parametrize("kind", ["ivf", "hnsw"])
def test_approximate_recall_and_round_trip(tmp_path, kind):
    settings = DenseSettings(approximate_above=1000, kind=kind, ivf_nprobe=16)
    index = build_dense(VECTORS, settings)
    assert index_kind(index) == kind
    recall = recall_at_k(index, VECTORS, QUERIES)
    assert recall >= 0.9, f"{kind} recall@10 {recall:.3f}"
    save_dense(index, tmp_path / "dense.faiss")
    loaded = load_dense(tmp_path / "dense.faiss")
    assert index_kind(loaded) == kind and loaded.ntotal == len(VECTORS)
    # The search-time knob travels with the file: same answers after loading.
    for q in QUERIES[:10]:
        assert (search_dense(loaded, q, 10)[1] == search_dense(index, q, 10)[1]).all()


def test_flat_round_trip_is_memory_mapped_and_equal(tmp_path):
    index = build_dense(VECTORS)
    save_dense(index, tmp_path / "dense.faiss")
    loaded = load_dense(tmp_path / "dense.faiss")
    assert (search_dense(loaded, QUERIES[0], 10)[1] == search_dense(index, QUERIES[0], 10)[1]).all()


def test_index_section_is_validated(settings):
    assert dense_settings(settings).approximate_above >= 1
    bad = replace(settings, raw={**settings.raw, "index": {"kind": "lsh"}})
    with pytest.raises(ConfigError, match="index.kind"):
        dense_settings(bad)
    with pytest.raises(ConfigError, match="unknown setting"):
        dense_settings(replace(settings, raw={**settings.raw, "index": {"nprobe": 3}}))


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("hnsw_m", 2**31, "'index.hnsw_m' must be between 1 and 512, not 2147483648"),
        ("hnsw_ef_search", 2**31, "'index.hnsw_ef_search' must be between 1 and 10,000"),
        ("hnsw_ef_construction", 2**31, "'index.hnsw_ef_construction' must be between"),
        ("ivf_train_per_list", 2**31, "'index.ivf_train_per_list' must be between 1 and"),
        ("ivf_nprobe", 2**31, "'index.ivf_nprobe' must be between 1 and 1,000,000"),
        ("ivf_nlist", int("9" * 400), r"'index.ivf_nlist' .* \(0: automatic\), not a 400-digit"),
        ("ivf_nlist", -1, "'index.ivf_nlist' must be between 0 and 1,000,000"),
    ],
)
def test_index_knobs_past_faiss_ints_are_refused_naming_the_range(settings, key, value, message):
    # Found by fuzzing: FAISS overflowed mid-build and left a .partial folder behind.
    bad = replace(settings, raw={**settings.raw, "index": {key: value}})
    with pytest.raises(ConfigError, match=message):
        dense_settings(bad)


def test_a_refused_index_section_leaves_no_build_folder(corpus_copy, embedder):
    from index.build import build_index

    bad = replace(
        corpus_copy,
        raw={**corpus_copy.raw, "index": {"approximate_above": 1, "kind": "hnsw", "hnsw_m": 2**31}},
    )
    with pytest.raises(ConfigError, match="index.hnsw_m"):
        build_index(bad, embedder)
    assert not (bad.index_dir / "builds").exists()


def test_ivf_lists_are_memory_mapped_not_read_into_ram(tmp_path):
    import shutil

    import faiss

    def mapped_files() -> str:
        with open("/proc/self/maps") as f:  # a file the process maps appears here
            return f.read()

    settings = DenseSettings(approximate_above=1000, kind="ivf", ivf_nlist=32, ivf_nprobe=4)
    save_dense(build_dense(VECTORS, settings), tmp_path / "dense.faiss")
    shutil.copy(tmp_path / "dense.faiss", tmp_path / "copy.faiss")
    mapped = load_dense(tmp_path / "dense.faiss")
    copied = faiss.read_index(str(tmp_path / "copy.faiss"))  # read whole, for contrast
    maps = mapped_files()
    assert str(tmp_path / "dense.faiss") in maps
    assert str(tmp_path / "copy.faiss") not in maps
    for q in QUERIES[:10]:
        assert (search_dense(mapped, q, 10)[1] == search_dense(copied, q, 10)[1]).all()
