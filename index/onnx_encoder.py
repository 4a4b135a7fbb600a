"""Question embeddings without torch: the model's ONNX export, run by onnxruntime.

A serving process embeds one short question at a time. Reaching the model through
sentence-transformers imports torch, transformers and their tails (about ten seconds on two
cores) before the first question can be answered. This module runs the same weights from
an ONNX export instead, tokenising with the model's own ``tokenizer.json`` (the
``tokenizers`` package), so a serving process never imports torch.

The export (``index.onnx_export``) traces the model's whole sentence-transformers pipeline
(transformer, pooling, normalisation, as ``modules.json`` lists them) into one graph and
records in a manifest beside it what this module needs: the digest of the model folder it
was made from, the tokenizer settings and one reference vector from sentence-transformers.
Loading checks all three; any mismatch is :class:`ExportUnusable`, and the caller falls
back to sentence-transformers.

This module neither makes exports nor embeds passages for an index: builds stay on
sentence-transformers.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from index.errors import ModelError

FORMAT = "talkbot-onnx-query v1"
EXPORT_SUBDIR = "models"
# One short question is too little work to split: on the two-core machine two threads
# measured slower than one (p50 18 vs 9 ms, and 33 vs 13 ms when busy), and a second
# spinning thread would take the core the event loop needs.
QUERY_THREADS = 1
# A query vector must match sentence-transformers' to this cosine, at export and at load.
MIN_COSINE = 0.9999
# Files of a model folder that do not change its vectors (left out of its digest).
_NOT_HASHED = {"README.md", ".gitattributes"}


class ExportUnusable(ModelError):
    """No ONNX export of this model that can be trusted is in the folder."""


@dataclass(frozen=True)
class ExportManifest:
    """What an export was made from and how to feed it, saved beside the ``.onnx`` file."""

    format: str
    model: str  # the configured model name
    digest: str  # sha256 of the model folder's files (model_digest)
    files: tuple[tuple[str, int, int], ...]  # (relative path, size, mtime_ns) when hashed
    dimension: int
    max_seq_length: int  # from sentence_bert_config.json
    do_lower_case: bool  # from sentence_bert_config.json
    inputs: tuple[str, ...]  # the graph's input names
    reference_text: str
    reference_vector: tuple[float, ...]  # sentence-transformers' vector of reference_text
    min_cosine: float  # the worst agreement measured at export
    versions: tuple[tuple[str, str], ...]  # torch, onnx, onnxruntime, ... that made it
    created: str

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> ExportManifest:
        raw = json.loads(text)
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} manifest")
        raw["files"] = tuple(tuple(f) for f in raw["files"])
        raw["versions"] = tuple(tuple(v) for v in raw["versions"])
        for key in ("inputs", "reference_vector"):
            raw[key] = tuple(raw[key])
        return cls(**raw)


def export_folder(data_dir: Path) -> Path:
    """Where exports live: a git-ignored folder of the data directory."""
    return Path(data_dir) / EXPORT_SUBDIR


def export_stem(model: str, digest: str) -> str:
    """File name (without suffix) of the export of ``model`` with these weights."""
    slug = re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-")[-60:] or "model"
    return f"{slug}-{digest[:16]}"


def model_files(model_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """(relative path, size, mtime_ns) of every file that shapes the model's vectors."""
    out = []
    for path in sorted(p for p in Path(model_dir).rglob("*") if p.is_file()):
        rel = path.relative_to(model_dir).as_posix()
        if path.name in _NOT_HASHED or rel.startswith(".") or "/." in rel:
            continue
        stat = path.stat()
        out.append((rel, stat.st_size, stat.st_mtime_ns))
    return tuple(out)


def model_digest(model_dir: Path) -> str:
    """sha256 over the weights, tokenizer and configs: the export is named by it."""
    digest = hashlib.sha256()
    for rel, _, _ in model_files(model_dir):
        digest.update(rel.encode() + b"\0")
        with (Path(model_dir) / rel).open("rb") as f:
            digest.update(hashlib.file_digest(f, "sha256").digest())
    return digest.hexdigest()


def find_export(model: str, model_dir: Path, folder: Path) -> tuple[Path, ExportManifest]:
    """The export of ``model`` made from the files now in ``model_dir``, or ExportUnusable.

    Hashing the weights takes a third of a second, so a manifest whose recorded file sizes
    and modification times all match is trusted without it; otherwise the folder is
    hashed and the export named by that digest is looked for.
    """
    folder = Path(folder)
    now = model_files(model_dir)
    stem_prefix = export_stem(model, "")
    if folder.is_dir():
        for path in sorted(folder.glob(f"{stem_prefix}*.json")):
            manifest = _read_manifest(path)
            if manifest is not None and manifest.model == model and manifest.files == now:
                return path.with_suffix(".onnx"), manifest
    stem = export_stem(model, model_digest(model_dir))
    path = folder / f"{stem}.json"
    if not path.exists():
        raise ExportUnusable(f"no ONNX export of '{model}' in {folder}")
    manifest = _read_manifest(path)
    if manifest is None:
        raise ExportUnusable(f"{path} is damaged or of another format")
    return path.with_suffix(".onnx"), manifest


def _read_manifest(path: Path) -> ExportManifest | None:
    try:
        return ExportManifest.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError):
        return None


class OnnxQueryEncoder:
    """Tokenizer plus ONNX session: normalised vectors equal to sentence-transformers'."""

    def __init__(
        self,
        onnx_path: Path,
        tokenizer_path: Path,
        manifest: ExportManifest,
        *,
        threads: int = QUERY_THREADS,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.path = Path(onnx_path)
        self.manifest = manifest
        self.dimension = manifest.dimension
        self.max_seq_length = manifest.max_seq_length
        # Two tokenizers, because count_tokens must see the whole text and a question is
        # cut at max_seq_length; each is configured once and never touched again, so
        # threads may share them.
        self._counting = Tokenizer.from_file(str(tokenizer_path))
        self._counting.no_padding()
        self._counting.no_truncation()
        self._queries = Tokenizer.from_file(str(tokenizer_path))
        self._queries.no_padding()
        self._queries.enable_truncation(max_length=manifest.max_seq_length)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # its warnings are about graph fusions, not results
        self._session = ort.InferenceSession(
            str(self.path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._inputs = tuple(i.name for i in self._session.get_inputs())
        self._output = self._session.get_outputs()[0].name

    def encode(self, texts: list[str]) -> np.ndarray:
        """Normalised float32 vectors, one row per text (batched with padding)."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.manifest.do_lower_case:
            texts = [t.lower() for t in texts]
        encodings = self._queries.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        feeds = {name: np.zeros((len(texts), width), dtype=np.int64) for name in self._inputs}
        for row, e in enumerate(encodings):
            n = len(e.ids)
            columns = {"input_ids": e.ids, "attention_mask": e.attention_mask}
            columns["token_type_ids"] = e.type_ids
            for name in self._inputs:
                feeds[name][row, :n] = columns[name]
        (vectors,) = self._session.run([self._output], feeds)
        vectors = np.asarray(vectors, dtype=np.float32)
        # The pipeline normalises already when modules.json says so; again is harmless and
        # keeps inner product equal to cosine whatever the model's modules.
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12))

    def encode_query(self, text: str) -> np.ndarray:
        """One normalised vector (shape ``(dimension,)``)."""
        return self.encode([text])[0]

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for ``text`` (without the special tokens)."""
        return len(self._counting.encode(text, add_special_tokens=False).ids)

    def check_reference(self) -> float:
        """Cosine between this session's vector of the reference text and the saved one."""
        expected = np.asarray(self.manifest.reference_vector, dtype=np.float32)
        return float(self.encode_query(self.manifest.reference_text) @ expected)


def load_query_encoder(model: str, model_dir: Path, folder: Path) -> OnnxQueryEncoder:
    """The checked export of ``model`` in ``folder``; ExportUnusable says why there is none."""
    onnx_path, manifest = find_export(model, model_dir, folder)
    if not onnx_path.exists():
        raise ExportUnusable(f"{onnx_path} is missing (its manifest is there)")
    try:
        encoder = OnnxQueryEncoder(onnx_path, Path(model_dir) / "tokenizer.json", manifest)
        agreement = encoder.check_reference()
    except ImportError as exc:
        raise ExportUnusable(f"cannot run the ONNX export: {exc.name} is not installed") from None
    except Exception as exc:  # onnxruntime raises its own types for a damaged file
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise ExportUnusable(f"{onnx_path} cannot be loaded: {first}") from None
    if not agreement >= MIN_COSINE:  # also catches NaN
        raise ExportUnusable(
            f"{onnx_path} gives vectors unlike sentence-transformers' "
            f"(cosine {agreement:.6f} < {MIN_COSINE})"
        )
    return encoder
