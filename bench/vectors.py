"""Stand-in vectors for corpora too large to embed on a small CPU.

Embedding a million passages with the real model takes hours on two cores, and what the
benchmark measures at that size is the index, not the model. The stand-in embedder keeps
the real model's name, dimension and tokenizer (token counting while splitting is real
work and stays real) but gives a text the normalised mean of the *real* vectors of the
seed sentences it is made of, plus a little Gaussian noise. The vectors are structured
like real ones (questions embedded by the real model find the passages made of relevant
sentences, and neighbours cluster), so approximate-search recall measured on them means
something; pure random vectors in 384 dimensions would make it meaningless.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from index.embed import Embedder

# Where the synthetic articles join sentences: after end punctuation and a space.
_BOUNDARY = re.compile(r"(?<=[.!?\"'”’)])\s+")
NOISE = 0.02  # per dimension; about 0.4 in norm against a mean of norm ~0.6-1


class StandInEmbedder:
    """Quacks like :class:`index.embed.Embedder` for building; never runs the model."""

    def __init__(self, real: Embedder, sentences: tuple[str, ...], *, noise: float = NOISE) -> None:
        self.name = real.name
        self.dimension = real.dimension
        self.batch_size = real.batch_size
        self.count_tokens = real.count_tokens
        self.encode_query = real.encode_query  # questions get real vectors
        vectors = real.encode(list(sentences))
        self._known = {s: vectors[i] for i, s in enumerate(sentences)}
        self._noise = noise

    def vector_of(self, sentence: str) -> np.ndarray:
        """The real model's vector of one seed sentence (no noise)."""
        return self._known[sentence]

    def encode(self, texts: list[str], *, batch_size: int | None = None) -> np.ndarray:
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        rng = np.random.default_rng(len(texts))
        noise = rng.normal(0.0, self._noise, (len(texts), self.dimension)).astype(np.float32)
        for i, text in enumerate(texts):
            out[i] = self._mean(text)
        out += noise
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out

    def _mean(self, text: str) -> np.ndarray:
        hit = self._known.get(text)
        if hit is not None:
            return hit
        found = [v for piece in _BOUNDARY.split(text) if (v := self._known.get(piece)) is not None]
        if found:
            return np.mean(found, axis=0)
        # A text not made of seed sentences (an edited article): a fixed pseudo-random vector.
        seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
        v = np.random.default_rng(seed).standard_normal(self.dimension).astype(np.float32)
        return v / np.linalg.norm(v)
