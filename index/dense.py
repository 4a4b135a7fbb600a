"""Dense retrieval over passage vectors with FAISS (inner product = cosine on unit vectors)."""

from __future__ import annotations

import faiss
import numpy as np


def build_dense(vectors: np.ndarray) -> faiss.Index:
    """An exact inner-product index over ``vectors`` (rows normalised)."""
    index = faiss.IndexFlatIP(int(vectors.shape[1]))
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def search_dense(index: faiss.Index, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` (scores, row ids) for one normalised query vector; ids of -1 removed."""
    k = min(k, index.ntotal)
    if k <= 0:
        return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
    scores, ids = index.search(np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32), k)
    keep = ids[0] >= 0
    return scores[0][keep], ids[0][keep]
