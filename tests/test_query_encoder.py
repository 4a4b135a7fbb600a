"""Questions through the ONNX export: same vectors as sentence-transformers, no torch.

The real model throughout: the export is traced once per session from the installed
weights (or copied from the developer's ``var/models`` when a valid one is there, which
``make test`` makes first; the agreement tests below check it either way).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import yaml

from index.embed import Embedder
from index.onnx_encoder import MIN_COSINE, ExportManifest, export_folder
from index.onnx_export import ensure_query_export

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "tests" / "eval" / "questions.yaml"
HEAVY = {"torch", "transformers", "sentence_transformers"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def exports(tmp_path_factory, settings, embedder) -> Path:
    folder = tmp_path_factory.mktemp("exports") / "models"
    report = ensure_query_export(
        settings.embedding,
        folder,
        copy_from=export_folder(ROOT / "var"),
        sentence_model=embedder.model,
    )
    assert report.path.parent == folder and report.min_cosine >= MIN_COSINE
    return folder


@pytest.fixture(scope="module")
def onnx_embedder(settings, exports) -> Embedder:
    encoder = Embedder(settings.embedding, onnx_dir=exports)
    assert encoder.query_encoder is not None
    return encoder


def eval_questions() -> list[str]:
    items = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    return [str(item["question"]) for item in items]


def test_question_vectors_equal_sentence_transformers_on_every_eval_question(
    onnx_embedder, embedder
) -> None:
    questions = eval_questions()
    assert len(questions) >= 90
    served = np.vstack([onnx_embedder.encode_query(q) for q in questions])
    reference = embedder.encode(questions)  # sentence-transformers, batched as builds do
    cosines = (served * reference).sum(axis=1)
    worst = int(np.argmin(cosines))
    assert cosines.min() >= MIN_COSINE, (questions[worst], float(cosines[worst]))
    assert served.dtype == np.float32 and served.shape == (len(questions), embedder.dimension)
    assert np.allclose(np.linalg.norm(served, axis=1), 1.0, atol=1e-5)
    assert onnx_embedder.dimension == embedder.dimension
    assert onnx_embedder.max_seq_length == embedder.max_seq_length


def test_token_counts_equal_sentence_transformers_on_seed_lines_and_articles(
    onnx_embedder, embedder
) -> None:
    # count_tokens decides passage boundaries in builds and /add: it must not drift.
    lines = [
        line
        for path in sorted((ROOT / "seeds").glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    lines += eval_questions()
    lines += [path.read_text(encoding="utf-8") for path in sorted((ROOT / "seeds").glob("*.txt"))]
    counted = [onnx_embedder.count_tokens(line) for line in lines]
    assert counted == [embedder.count_tokens(line) for line in lines]
    assert max(counted) > embedder.max_seq_length  # whole articles: nothing truncated


def test_passages_still_embed_with_sentence_transformers(onnx_embedder, embedder) -> None:
    texts = ["Talks resumed in Istanbul.", "Kyiv and Moscow swapped prisoners on Friday."]
    assert np.allclose(onnx_embedder.encode(texts), embedder.encode(texts), atol=1e-6)


def test_the_export_is_kept_when_valid_and_named_by_the_weights(settings, exports) -> None:
    again = ensure_query_export(settings.embedding, exports)
    assert again.reused and again.path.parent == exports
    assert again.path.stem.endswith(again.digest[:16])
    manifest = ExportManifest.from_json(again.path.with_suffix(".json").read_text())
    assert manifest.max_seq_length == 256 and manifest.dimension == 384
    assert sorted(p.name for p in exports.iterdir()) == sorted(
        [again.path.name, again.path.with_suffix(".json").name]
    )  # no temporary files left behind


def _copy(exports: Path, dest: Path) -> Path:
    shutil.copytree(exports, dest)
    (onnx,) = dest.glob("*.onnx")
    return onnx


def _fallback(settings, folder: Path, caplog) -> tuple[Embedder, list[logging.LogRecord]]:
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="index.embed"):
        fallen = Embedder(settings.embedding, onnx_dir=folder)
    records = [r for r in caplog.records if r.name == "index.embed"]
    return fallen, records


def test_a_missing_export_falls_back_with_one_line(settings, embedder, tmp_path, caplog) -> None:
    fallen, records = _fallback(settings, tmp_path / "nothing-here", caplog)
    assert fallen.query_encoder is None
    (record,) = records
    message = record.getMessage()
    assert "no ONNX export" in message and "talkbot model export" in message
    assert record.exc_info is None and "\n" not in message
    q = "Who proposed a ceasefire?"
    assert np.allclose(fallen.encode_query(q), embedder.encode_query(q), atol=1e-6)


def test_a_corrupt_export_falls_back_with_one_line(settings, exports, tmp_path, caplog) -> None:
    onnx = _copy(exports, tmp_path / "corrupt")
    onnx.write_bytes(onnx.read_bytes()[: 1 << 20])  # a truncated copy
    fallen, records = _fallback(settings, onnx.parent, caplog)
    assert fallen.query_encoder is None
    (record,) = records
    assert "cannot be loaded" in record.getMessage() and record.exc_info is None


def test_an_export_giving_other_vectors_is_refused(settings, exports, tmp_path, caplog) -> None:
    onnx = _copy(exports, tmp_path / "other")
    manifest_path = onnx.with_suffix(".json")
    manifest = ExportManifest.from_json(manifest_path.read_text())
    flipped = tuple(-x for x in manifest.reference_vector)
    manifest_path.write_text(replace(manifest, reference_vector=flipped).to_json())
    fallen, records = _fallback(settings, onnx.parent, caplog)
    assert fallen.query_encoder is None
    assert "unlike sentence-transformers" in records[0].getMessage()


def test_an_export_of_other_weights_is_not_used(settings, exports, tmp_path, caplog) -> None:
    onnx = _copy(exports, tmp_path / "stale")
    manifest_path = onnx.with_suffix(".json")
    manifest = ExportManifest.from_json(manifest_path.read_text())
    other = tuple((name, size + 1, mtime) for name, size, mtime in manifest.files)
    stale = replace(manifest, digest="0" * 64, files=other)
    manifest_path.write_text(stale.to_json())
    stem = onnx.stem.rsplit("-", 1)[0] + "-" + "0" * 16
    onnx.rename(onnx.with_name(stem + ".onnx"))
    manifest_path.rename(manifest_path.with_name(stem + ".json"))
    fallen, records = _fallback(settings, onnx.parent, caplog)
    assert fallen.query_encoder is None and "no ONNX export" in records[0].getMessage()


SERVE = """
import json, sys
from bot.cli import main
code = main(["ask", sys.argv[1], "--json"])
heavy = sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[2].split(",")))
print(json.dumps({"exit": code, "heavy": heavy}))
"""


def _ask_in_a_fresh_process(data_dir: Path) -> tuple[dict, dict, str]:
    env = dict(
        os.environ,
        TALKBOT_DATA_DIR=str(data_dir),
        TALKBOT_CONFIG=str(ROOT / "config" / "talkbot.yaml"),
    )
    done = subprocess.run(
        [sys.executable, "-c", SERVE, "What did Zelenskyy propose to Putin?", ",".join(HEAVY)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    answer_line, status_line = done.stdout.strip().splitlines()[-2:]
    return json.loads(answer_line), json.loads(status_line), done.stderr


@pytest.fixture(scope="module")
def served_data(tmp_path_factory, settings, build_report, exports) -> Path:
    """A data folder as a deployment has it: the seeds' index and the export."""
    data = tmp_path_factory.mktemp("served")
    shutil.copytree(settings.index_dir, data / "index", symlinks=True)
    shutil.copytree(exports, export_folder(data))
    return data


def test_a_serving_process_answers_without_importing_torch(served_data) -> None:
    answer, status, stderr = _ask_in_a_fresh_process(served_data)
    assert status == {"exit": 0, "heavy": []}
    assert answer["found"] and answer["citations"]
    assert stderr == ""


def test_a_serving_process_without_the_export_still_answers(served_data, tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(served_data / "index", data / "index", symlinks=True)
    answer, status, stderr = _ask_in_a_fresh_process(data)
    assert status["exit"] == 0 and "torch" in status["heavy"]
    assert answer["found"]
    (line,) = stderr.strip().splitlines()  # one line, no traceback
    assert "no ONNX export" in line and "sentence-transformers" in line
