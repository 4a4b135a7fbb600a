"""Fixtures for the moderation tests: a private seeds folder with a ready index.

Building the seeds' index embeds every passage, which is slow; the session fixture has
done it once. ``built_copy`` copies the seeds *and* that index into a temporary folder,
so a test can add, remove and refresh there while reusing the stored vectors.
A test module uses them with ``pytest_plugins = ("tests.moderation_fixtures",)``.
"""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest

from index.settings import DATA_DIR_ENV, Settings
from tests.articlesite import article_site
from tests.conftest import copy_corpus


@pytest.fixture
def built_copy(tmp_path, settings, build_report, monkeypatch) -> Settings:
    """Settings over private copies of the seeds and of the session's built index."""
    seeds, sources = copy_corpus(tmp_path)
    data = tmp_path / "data"
    shutil.copytree(settings.index_dir, data / "index", ignore=shutil.ignore_patterns(".lock"))
    monkeypatch.setenv(DATA_DIR_ENV, str(data))
    return replace(settings, seeds_dir=seeds, sources_file=sources, data_dir=data)


@pytest.fixture
def private_engine(built_copy, embedder):
    from index.engine import Engine

    return Engine.open(built_copy, embedder)


@pytest.fixture(scope="module")
def site():
    with article_site() as base:
        yield base
