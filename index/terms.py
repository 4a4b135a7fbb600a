"""Each sentence's BM25 terms, stored with the build as ids into one sorted vocabulary.

Sentences are tokenised once, when their article is first indexed: the terms are kept as
CSR rows (int32 ids, int64 offsets) saved with numpy and memory-mapped on load, and a
refresh carries the rows of unchanged articles over. BM25 over passages and over
sentences is computed from these rows (``index.bm25``, ``index.sentence_table``), so no
text is tokenised again at load or when a question asks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.lexical import Tokenizer


@dataclass(frozen=True)
class TermRows:
    """The BM25 terms of consecutive texts (a build's sentences), as ids into a vocabulary.

    Row ``i`` is ``vocab[ids[offsets[i]:offsets[i + 1]]]``: the tokenizer's output for text
    ``i``, in order, repeats kept. The vocabulary is sorted and holds only terms some row
    uses, so rows cut the same way give the same arrays however they were assembled.
    """

    key: tuple[tuple[str, ...], ...]  # the Tokenizer.key the terms were made with
    vocab: tuple[str, ...]
    ids: np.ndarray  # (T,) int32
    offsets: np.ndarray  # (n + 1,) int64
    df: np.ndarray  # (V,) int32: how many rows hold each term

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def row(self, i: int) -> np.ndarray:
        return self.ids[int(self.offsets[i]) : int(self.offsets[i + 1])]

    def terms(self, i: int) -> list[str]:
        return [self.vocab[t] for t in self.row(i).tolist()]

    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def slice(self, lo: int, hi: int) -> TermRows:
        """Rows ``lo:hi`` over the same vocabulary (``df`` is not theirs: join them)."""
        offsets = self.offsets[lo : hi + 1]
        ids = self.ids[int(offsets[0]) : int(offsets[-1])]
        return TermRows(self.key, self.vocab, ids, offsets - offsets[0], self.df)

    @classmethod
    def tokenize(cls, texts: Iterable[str], tokenizer: Tokenizer) -> TermRows:
        rows = [tokenizer.terms(t) for t in texts]
        vocab = sorted({t for r in rows for t in r})
        index = {t: i for i, t in enumerate(vocab)}
        ids = np.fromiter((index[t] for r in rows for t in r), dtype=np.int32)
        return cls._make(tokenizer.key, tuple(vocab), ids, offsets_of([len(r) for r in rows]))

    @classmethod
    def join(cls, parts: Sequence[TermRows], key: tuple[tuple[str, ...], ...]) -> TermRows:
        """The rows of ``parts`` one after another, over one vocabulary of the terms used."""
        if any(p.key != key for p in parts):
            raise ValueError("term rows made with different aliases cannot be joined")
        vocabs = {id(p.vocab): p.vocab for p in parts}
        merged = sorted(set().union(*vocabs.values()))
        index = {t: i for i, t in enumerate(merged)}
        maps = {
            k: np.fromiter((index[t] for t in v), dtype=np.int32, count=len(v))
            for k, v in vocabs.items()
        }
        ids = np.concatenate(
            [maps[id(p.vocab)][p.ids] for p in parts] or [np.zeros(0, np.int32)]
        ).astype(np.int32, copy=False)
        lengths = [p.lengths() for p in parts] or [np.zeros(0, np.int64)]
        offsets = offsets_of(np.concatenate(lengths))
        # Terms only removed articles used leave the vocabulary.
        used = np.bincount(ids, minlength=len(merged)) > 0
        if not used.all():
            ids = (np.cumsum(used) - 1).astype(np.int32)[ids]
            merged = [t for t, u in zip(merged, used.tolist(), strict=True) if u]
        return cls._make(key, tuple(merged), ids, offsets)

    @classmethod
    def _make(
        cls,
        key: tuple[tuple[str, ...], ...],
        vocab: tuple[str, ...],
        ids: np.ndarray,
        offsets: np.ndarray,
    ) -> TermRows:
        owner = np.repeat(np.arange(len(offsets) - 1, dtype=np.int64), np.diff(offsets))
        pairs, _ = distinct_counts((owner << 32) | ids.astype(np.int64))
        df = np.bincount(pairs & 0xFFFFFFFF, minlength=len(vocab)).astype(np.int32)
        return cls(key, vocab, ids, offsets, df)

    ARRAYS = ("term_ids.npy", "term_offsets.npy", "term_df.npy")

    def arrays(self) -> dict[str, np.ndarray]:
        return dict(zip(self.ARRAYS, (self.ids, self.offsets, self.df), strict=True))

    def save(self, folder: Path) -> None:
        """The vocabulary and aliases as JSON; the arrays go with the build's other arrays."""
        payload = {"aliases": [list(g) for g in self.key], "vocab": list(self.vocab)}
        with open(folder / "terms.json", "w", encoding="utf-8") as handle:
            handle.write(json.dumps(payload, ensure_ascii=False))  # dumps: C encoder, dump: not

    @classmethod
    def load(cls, folder: Path, arrays: Mapping[str, np.ndarray]) -> TermRows:
        with open(folder / "terms.json", encoding="utf-8") as handle:
            raw = json.load(handle)
        ids, offsets, df = (arrays[name] for name in cls.ARRAYS)
        rows = cls(tuple(tuple(g) for g in raw["aliases"]), tuple(raw["vocab"]), ids, offsets, df)
        if len(rows.df) != len(rows.vocab) or int(offsets[-1]) != len(ids):
            raise ValueError(f"term arrays disagree with the {len(rows.vocab)}-term vocabulary")
        return rows


def offsets_of(lengths: Sequence[int] | np.ndarray) -> np.ndarray:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


def distinct_counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``keys``, ascending, and how often each occurs.

    ``np.unique`` gives the same, but its hash-based path is several times slower here.
    """
    keys = np.sort(keys)
    starts = np.flatnonzero(np.concatenate([[len(keys) > 0], keys[1:] != keys[:-1]]))
    return keys[starts], np.diff(np.append(starts, len(keys)))


def index_ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The indices ``starts[0]:ends[0]``, then ``starts[1]:ends[1]``, ... in one array."""
    lengths = ends - starts
    total = int(lengths.sum())
    shift = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return shift + np.arange(total, dtype=np.int64)
