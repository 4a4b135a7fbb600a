"""Shared fixtures: the real model, loaded once per session, and a real index of the seeds.

Nothing of ours is mocked. Every test runs with ``TALKBOT_DATA_DIR`` pointing at a
temporary folder, so no test can touch a developer's ``var/``. Tests that change the
corpus copy the seeds into their own folder (``corpus_copy``) and build there.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from index.settings import DATA_DIR_ENV, Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CONFIG = ROOT / "config" / "talkbot.yaml"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path_factory.mktemp("data")))


@pytest.fixture(autouse=True)
def _restore_root_logging():
    """Undo handlers a test's bot or CLI installed (discord.utils.setup_logging).

    Left in place they write to that test's captured stream, closed by the next test.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture(scope="session")
def session_data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("session-data")


@pytest.fixture(scope="session")
def settings(session_data_dir) -> Settings:
    """The project's real config, with absolute paths and a session data folder."""
    base = load_settings(CONFIG)
    return replace(
        base,
        data_dir=session_data_dir,
        seeds_dir=SEEDS,
        sources_file=SEEDS / "sources.yaml",
    )


@pytest.fixture(scope="session")
def embedder(settings):
    from index.embed import Embedder

    return Embedder(settings.embedding)


@pytest.fixture(scope="session")
def build_report(settings, embedder):
    from index.build import build_index

    return build_index(settings, embedder)


@pytest.fixture(scope="session")
def engine(settings, embedder, build_report):
    from index.engine import Engine

    return Engine.open(settings, embedder)


def copy_corpus(dest: Path) -> tuple[Path, Path]:
    seeds = dest / "seeds"
    shutil.copytree(SEEDS, seeds)
    return seeds, seeds / "sources.yaml"


@pytest.fixture
def corpus_copy(tmp_path, settings) -> Settings:
    """Settings over a private copy of the seeds and a private data folder."""
    seeds, sources = copy_corpus(tmp_path)
    return replace(settings, seeds_dir=seeds, sources_file=sources, data_dir=tmp_path / "data")
