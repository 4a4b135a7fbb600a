"""Make the ONNX export that serving processes embed questions with (``talkbot model export``).

The export is the model's whole sentence-transformers pipeline (transformer, pooling,
normalisation, as the model folder's ``modules.json`` lists them) traced by
``torch.onnx.export`` into one graph, so pooling is exactly what ``1_Pooling/config.json``
says because sentence-transformers' own modules are what is traced. It is checked against
sentence-transformers on sample texts (one at a time, as questions are served, and padded
in a batch), written beside its manifest with atomic renames, and named by the model and
the digest of the model folder, so new weights never meet an old export.

This runs once at setup (``make run`` / ``make test``) or after a model change, never while
answering: it needs torch, the weights come from the installed model package, and nothing
is downloaded.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import shutil
import time
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import numpy as np

from index.embed import Embedder, resolve_model
from index.errors import ModelError, StorageError
from index.onnx_encoder import (
    FORMAT,
    MIN_COSINE,
    ExportManifest,
    ExportUnusable,
    OnnxQueryEncoder,
    export_stem,
    load_query_encoder,
    model_digest,
    model_files,
)
from index.settings import EmbeddingSettings

# sentence-transformers modules the export handles: a transformer fed by the tokenizer,
# then modules that only transform its output (traced into the same graph).
_FIRST_MODULE = "Transformer"
_LATER_MODULES = {"Pooling", "Normalize", "Dense"}
_HEX16 = re.compile(r"[0-9a-f]{16}")  # the digest part of an export's name
# The reference text's vector is checked every time a serving process loads the export.
REFERENCE_TEXT = "What did the delegations agree on at the talks in Istanbul?"
SAMPLE_TEXTS = (
    REFERENCE_TEXT,
    "Who proposed a ceasefire?",
    "Putin",
    "When did Zelenskyy meet Erdoğan in Ankara, and what was said about the prisoners?",
    "Kyiv says 1,000 POWs were exchanged on 23 May 2025 — the largest swap so far.",
    "¿Dónde se celebraron las conversaciones? Переговоры прошли в Стамбуле.",
    "   spaces, CAPITALS and (brackets) [1] “quotes” !!!  ",
    "The Kremlin spokesman said no date had been set for a meeting between the two leaders.",
)
# Longer than any model's max_seq_length in word pieces: checks truncation as served.
LONG_TEXT = " ".join(["Negotiators met in Istanbul on Monday for a second round of talks."] * 60)


@dataclass(frozen=True)
class ModelLayout:
    """What the model folder's sentence-transformers files say about its pipeline."""

    modules: tuple[str, ...]  # class names, in order (modules.json)
    pooling: tuple[str, ...]  # pooling modes switched on (1_Pooling/config.json)
    max_seq_length: int  # sentence_bert_config.json
    do_lower_case: bool  # sentence_bert_config.json


@dataclass(frozen=True)
class ExportReport:
    path: Path
    digest: str
    reused: bool  # a valid export was already there; nothing was traced
    seconds: float
    min_cosine: float  # worst agreement with sentence-transformers over the samples
    texts: int


def read_layout(model_dir: Path) -> ModelLayout:
    """Read modules.json, the pooling config and sentence_bert_config.json; refuse others."""
    model_dir = Path(model_dir)
    try:
        modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
        names = tuple(str(m["type"]).rsplit(".", 1)[-1] for m in modules)
        pooling_dir = next(m["path"] for m in modules if str(m["type"]).endswith(".Pooling"))
        pooling = json.loads((model_dir / pooling_dir / "config.json").read_text("utf-8"))
        sbert = json.loads((model_dir / "sentence_bert_config.json").read_text("utf-8"))
    except (OSError, ValueError, KeyError, TypeError, StopIteration) as exc:
        raise ModelError(
            f"{model_dir} is not a sentence-transformers model folder with a pooling module "
            f"({type(exc).__name__}: {exc}); question embeddings stay on sentence-transformers"
        ) from None
    if not names or names[0] != _FIRST_MODULE or not set(names[1:]) <= _LATER_MODULES:
        raise ModelError(
            f"{model_dir}: modules {', '.join(names)} cannot be exported (expected "
            f"{_FIRST_MODULE} then {', '.join(sorted(_LATER_MODULES))})"
        )
    modes = tuple(k.removeprefix("pooling_mode_") for k, v in pooling.items() if v is True)
    return ModelLayout(
        modules=names,
        pooling=modes,
        max_seq_length=int(sbert.get("max_seq_length") or 512),
        do_lower_case=bool(sbert.get("do_lower_case", False)),
    )


def ensure_query_export(
    settings: EmbeddingSettings,
    folder: Path,
    *,
    force: bool = False,
    copy_from: Path | None = None,
    sentence_model=None,
) -> ExportReport:
    """An export of the configured model in ``folder``, made only when none there is valid.

    ``copy_from`` is another export folder (say the default data folder's) whose valid
    export is copied rather than traced again; ``sentence_model`` is an already loaded
    SentenceTransformer of the model, to save loading it.
    """
    started = time.perf_counter()
    model_dir = _model_dir(settings)
    if not force:
        for source in (folder, copy_from):
            if source is None:
                continue
            with contextlib.suppress(ExportUnusable):
                found = load_query_encoder(settings.model, model_dir, source)
                path = found.path if source == folder else _copy_export(found.path, folder)
                seconds = time.perf_counter() - started
                return ExportReport(
                    path, found.manifest.digest, True, seconds, found.manifest.min_cosine, 0
                )
    if sentence_model is None:
        sentence_model = Embedder(settings).model
    return export_query_model(sentence_model, settings.model, model_dir, folder)


def copy_query_export(settings: EmbeddingSettings, source: Path, folder: Path) -> Path | None:
    """Copy the valid export in ``source`` into ``folder``; None when there is none to copy."""
    try:
        found = load_query_encoder(settings.model, _model_dir(settings), source)
    except ModelError:  # ExportUnusable, or a model that is not a local folder
        return None
    return _copy_export(found.path, folder)


def _model_dir(settings: EmbeddingSettings) -> Path:
    model_dir = Path(resolve_model(settings.model))
    if not model_dir.is_dir():
        raise ModelError(
            f"'{settings.model}' is not a local model folder; only those can be exported"
        )
    return model_dir


def export_query_model(sentence_model, model: str, model_dir: Path, folder: Path) -> ExportReport:
    """Trace ``sentence_model`` (a loaded SentenceTransformer of ``model_dir``) into ``folder``."""
    started = time.perf_counter()
    folder = Path(folder)
    layout = read_layout(model_dir)
    if int(sentence_model.max_seq_length) != layout.max_seq_length:
        raise ModelError(
            f"{model_dir}: sentence_bert_config.json says max_seq_length "
            f"{layout.max_seq_length} but the loaded model uses {sentence_model.max_seq_length}"
        )
    digest = model_digest(model_dir)
    files = model_files(model_dir)
    stem = export_stem(model, digest)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create {folder}: {exc.strerror}") from None
    tmp = folder / f".{stem}.tmp{os.getpid()}.onnx"
    try:
        inputs = _trace(sentence_model, tmp)
        texts = [*SAMPLE_TEXTS, LONG_TEXT]
        expected = sentence_model.encode(
            texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        ).astype(np.float32)
        draft = ExportManifest(
            format=FORMAT,
            model=model,
            digest=digest,
            files=files,
            dimension=int(expected.shape[1]),
            max_seq_length=layout.max_seq_length,
            do_lower_case=layout.do_lower_case,
            inputs=inputs,
            reference_text=REFERENCE_TEXT,
            reference_vector=tuple(float(x) for x in expected[0]),
            min_cosine=0.0,
            versions=_versions(),
            created=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        encoder = OnnxQueryEncoder(tmp, Path(model_dir) / "tokenizer.json", draft)
        agreement = _agreement(encoder, sentence_model, texts, expected)
        manifest = ExportManifest(**{**draft.__dict__, "min_cosine": agreement})
        target = folder / f"{stem}.onnx"
        manifest_tmp = folder / f".{stem}.tmp{os.getpid()}.json"
        manifest_tmp.write_text(manifest.to_json(), encoding="utf-8")
        # The model first, then the manifest: a manifest is only ever beside its model.
        os.replace(tmp, target)
        os.replace(manifest_tmp, folder / f"{stem}.json")
    except OSError as exc:
        raise StorageError(f"cannot write the ONNX export in {folder}: {exc}") from None
    finally:
        for leftover in folder.glob(f".{stem}.tmp{os.getpid()}.*"):
            leftover.unlink(missing_ok=True)
    _remove_stale(folder, model, keep=stem)
    return ExportReport(target, digest, False, time.perf_counter() - started, agreement, len(texts))


def _trace(sentence_model, path: Path) -> tuple[str, ...]:
    """torch.onnx.export of the whole pipeline, batch and sequence length dynamic."""
    import torch

    class Pipeline(torch.nn.Module):
        def __init__(self, inner, names: tuple[str, ...]) -> None:
            super().__init__()
            self.inner = inner
            self.names = names

        def forward(self, *tensors):
            return self.inner(dict(zip(self.names, tensors, strict=True)))["sentence_embedding"]

    # Two texts of different lengths, so neither axis is traced as a constant.
    example = sentence_model.tokenizer(
        ["a sample question", "a longer sample sentence to pad the other"],
        padding=True,
        return_tensors="pt",
    )
    names = tuple(k for k in ("input_ids", "attention_mask", "token_type_ids") if k in example)
    batch = torch.export.Dim("batch")
    sequence = torch.export.Dim("sequence", max=max(sentence_model.max_seq_length, 2))
    # forward takes *tensors: one entry, a tuple of their shapes.
    shapes = (tuple({0: batch, 1: sequence} for _ in names),)
    pipeline = Pipeline(sentence_model, names).eval()
    # The exporter narrates its steps on stdout and logs and warns about its own internals
    # (torchvision missing, deprecations); none of it tells the user what the agreement
    # check does not.
    exporter_log = logging.getLogger("torch.onnx")
    level = exporter_log.level
    exporter_log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            with torch.no_grad():
                torch.onnx.export(
                    pipeline,
                    tuple(example[k] for k in names),
                    str(path),
                    input_names=list(names),
                    output_names=["sentence_embedding"],
                    dynamic_shapes=shapes,
                    dynamo=True,
                    external_data=False,
                    verbose=False,
                )
    except Exception as exc:  # the exporter raises many types; the first line says enough
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
        raise ModelError(f"torch.onnx.export failed: {first}") from None
    finally:
        exporter_log.setLevel(level)
    return names


def _agreement(
    encoder: OnnxQueryEncoder, sentence_model, texts: list[str], expected: np.ndarray
) -> float:
    """Worst cosine to sentence-transformers, served one at a time and batched; raises below."""
    single = np.vstack([encoder.encode_query(t) for t in texts])
    batched = encoder.encode(texts)
    worst = float(min((single * expected).sum(1).min(), (batched * expected).sum(1).min()))
    if not worst >= MIN_COSINE:
        raise ModelError(
            f"the ONNX export disagrees with sentence-transformers (worst cosine {worst:.6f} "
            f"< {MIN_COSINE}); questions stay on sentence-transformers"
        )
    for text in texts:
        want = len(sentence_model.tokenizer.tokenize(text))
        if encoder.count_tokens(text) != want:
            raise ModelError(
                f"the tokenizers package counts {encoder.count_tokens(text)} word pieces "
                f"where sentence-transformers counts {want} in {text[:40]!r}"
            )
    return worst


def _versions() -> tuple[tuple[str, str], ...]:
    names = ("torch", "onnx", "onnxscript", "onnxruntime", "sentence-transformers", "tokenizers")
    out = []
    for name in names:
        try:
            out.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            out.append((name, "missing"))
    return tuple(out)


def _copy_export(onnx_path: Path, folder: Path) -> Path:
    """Copy a checked export (model, then manifest) into ``folder`` with atomic renames."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for source in (onnx_path, onnx_path.with_suffix(".json")):
            tmp = folder / f".{source.stem}.tmp{os.getpid()}{source.suffix}"
            shutil.copyfile(source, tmp)
            os.replace(tmp, folder / source.name)
    except OSError as exc:
        raise StorageError(f"cannot copy the ONNX export into {folder}: {exc}") from None
    return folder / onnx_path.name


def _remove_stale(folder: Path, model: str, keep: str) -> None:
    """Drop exports of older weights of the same model (a process using one has it loaded)."""
    prefix = export_stem(model, "")
    for path in folder.glob(f"{prefix}*"):
        digest = path.stem.removeprefix(prefix)
        if path.stem != keep and path.suffix in (".onnx", ".json") and _HEX16.fullmatch(digest):
            with contextlib.suppress(OSError):
                path.unlink()
