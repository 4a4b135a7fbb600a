"""Dense retrieval over passage vectors with FAISS (inner product = cosine on unit vectors).

Which FAISS index serves depends on the number of passages (the ``index:`` section of the
config): exact search (``IndexFlatIP``) while it stays fast, and past
``index.approximate_above`` passages an approximate one, IVF (trains in about a minute at
a million passages on two cores) or HNSW (better recall per query, but building it at a
million passages on two cores takes far longer; docs/performance.md has the numbers).
The search-time knobs (``ivf_nprobe``, ``hnsw_ef_search``) are stored in the index file,
so a change needs ``talkbot index build``.

This module does not decide what a passage is or which rows to search; it only builds,
saves, loads and searches the vector index.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import faiss
import numpy as np

from index.errors import ConfigError
from index.settings import load_section, shown

if TYPE_CHECKING:
    from index.settings import Settings

KINDS = ("hnsw", "ivf")
# Allowed values of the ``index:`` knobs. FAISS stores them as 32-bit ints (a larger one
# overflows mid-build); the upper bounds sit far above any useful value.
RANGES = {
    "hnsw_m": (1, 512),
    "hnsw_ef_construction": (1, 10_000),
    "hnsw_ef_search": (1, 10_000),
    "ivf_nlist": (0, 1_000_000),  # 0: automatic
    "ivf_nprobe": (1, 1_000_000),
    "ivf_train_per_list": (1, 10_000),
}


@dataclass(frozen=True)
class DenseSettings:
    """The ``index:`` section of the config."""

    # Exact search up to this many passages; an approximate index above it.
    approximate_above: int = 50_000
    kind: str = "ivf"  # "ivf" or "hnsw"
    hnsw_m: int = 32
    hnsw_ef_construction: int = 64
    hnsw_ef_search: int = 128
    # Inverted lists; 0 picks about 2*sqrt(passages).
    ivf_nlist: int = 0
    ivf_nprobe: int = 48
    # Training points per list: more trains slower, barely better.
    ivf_train_per_list: int = 40


def dense_settings(settings: Settings) -> DenseSettings:
    """The validated ``index:`` section of the config (defaults when absent)."""
    path = settings.config_path
    result = load_section(settings, "index", DenseSettings)
    if result.kind not in KINDS:
        raise ConfigError(f"{path}: 'index.kind' must be 'ivf' or 'hnsw', not {result.kind!r}")
    if result.approximate_above < 1:
        raise ConfigError(
            f"{path}: 'index.approximate_above' must be at least 1, "
            f"not {shown(result.approximate_above)}"
        )
    for key, (low, high) in RANGES.items():
        value = getattr(result, key)
        if not low <= value <= high:
            automatic = " (0: automatic)" if key == "ivf_nlist" else ""
            raise ConfigError(
                f"{path}: 'index.{key}' must be between {low} and {high:,}{automatic}, "
                f"not {shown(value)}"
            )
    return result


def build_dense(vectors: np.ndarray, settings: DenseSettings | None = None) -> faiss.Index:
    """The index for ``vectors`` (rows normalised): exact, or approximate past the threshold."""
    settings = settings or DenseSettings()
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = vectors.shape
    if n <= settings.approximate_above:
        return build_flat(vectors)
    if settings.kind == "hnsw":
        return build_hnsw(vectors, settings)
    return build_ivf(vectors, settings)


def build_flat(vectors: np.ndarray) -> faiss.Index:
    index = faiss.IndexFlatIP(int(vectors.shape[1]))
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def build_ivf(vectors: np.ndarray, settings: DenseSettings) -> faiss.Index:
    n, dim = vectors.shape
    nlist = settings.ivf_nlist or max(1, int(2 * math.sqrt(n)))
    nlist = min(nlist, n)  # k-means needs at least one point per list
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    # Train on an even sample: k-means on every row costs minutes and buys nothing.
    sample = min(n, nlist * settings.ivf_train_per_list)
    rows = np.random.default_rng(0).choice(n, size=sample, replace=False) if sample < n else None
    train = vectors if rows is None else vectors[np.sort(rows)]
    index.cp.max_points_per_centroid = settings.ivf_train_per_list + 1  # no second subsample
    index.train(train)
    _add_in_chunks(index, vectors)
    index.nprobe = min(settings.ivf_nprobe, nlist)
    return index


def build_hnsw(vectors: np.ndarray, settings: DenseSettings) -> faiss.Index:
    index = faiss.IndexHNSWFlat(int(vectors.shape[1]), settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = settings.hnsw_ef_construction
    _add_in_chunks(index, vectors)
    index.hnsw.efSearch = settings.hnsw_ef_search
    return index


def _add_in_chunks(index: faiss.Index, vectors: np.ndarray, chunk: int = 65_536) -> None:
    # Chunks keep a float32 copy of a memory-mapped array from landing in RAM at once.
    for start in range(0, len(vectors), chunk):
        index.add(np.ascontiguousarray(vectors[start : start + chunk], dtype=np.float32))


def index_kind(index: faiss.Index) -> str:
    """ "flat", "ivf" or "hnsw": what the manifest records as ``index_type``."""
    real = faiss.downcast_index(index)
    if isinstance(real, faiss.IndexHNSW):
        return "hnsw"
    if isinstance(real, faiss.IndexIVF):
        return "ivf"
    return "flat"


def save_dense(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def load_dense(path: Path) -> faiss.Index:
    """Read an index file memory-mapped (flat, IVF and HNSW alike), not copied into RAM.

    Mapped, the page cache holds the vectors once for every process serving the same
    build, and an IVF search touches only the lists it probes.
    """
    try:
        return faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC)
    except RuntimeError:
        return faiss.read_index(str(path))


def search_dense(index: faiss.Index, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` (scores, row ids) for one normalised query vector; ids of -1 removed."""
    k = min(k, index.ntotal)
    if k <= 0:
        return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
    scores, ids = index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
    keep = ids[0] >= 0
    return scores[0][keep], ids[0][keep]


def exact_top_k(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Row ids of the exact top-``k`` by inner product, brute force in bounded blocks."""
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    best_scores = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_ids = np.zeros((len(queries), 0), dtype=np.int64)
    block = 262_144  # a float32 copy of one block at a time, never the whole memmap
    for start in range(0, len(vectors), block):
        part = np.ascontiguousarray(vectors[start : start + block], dtype=np.float32)
        scores, ids = faiss.knn(queries, part, min(k, len(part)), metric=faiss.METRIC_INNER_PRODUCT)
        all_scores = np.concatenate([best_scores, scores], axis=1)
        all_ids = np.concatenate([best_ids, ids + start], axis=1)
        keep = np.argsort(-all_scores, axis=1, kind="stable")[:, :k]
        best_scores = np.take_along_axis(all_scores, keep, axis=1)
        best_ids = np.take_along_axis(all_ids, keep, axis=1)
    return best_ids


def recall_at_k(
    approximate: faiss.Index, vectors: np.ndarray, queries: np.ndarray, k: int = 10
) -> float:
    """Share of the exact top-``k`` (brute force over ``vectors``) the index also returns."""
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    exact = exact_top_k(vectors, queries, k)
    _, found = approximate.search(queries, k)
    hits = sum(len(set(a.tolist()) & set(e.tolist())) for a, e in zip(found, exact, strict=True))
    return hits / float(len(queries) * k)
