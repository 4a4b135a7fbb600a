"""Config loading: defaults, overrides and errors that name the file, key and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.errors import ConfigError
from index.settings import CONFIG_ENV, load_settings
from tests.conftest import CONFIG


def test_project_config_is_valid():
    settings = load_settings(CONFIG)
    assert settings.embedding.model == "all-MiniLM-L6-v2"
    assert settings.search.aliases  # spelling variants are configured


def test_env_names_another_file(tmp_path, monkeypatch):
    path = tmp_path / "other.yaml"
    path.write_text("answer:\n  max_sentences: 2\n")
    monkeypatch.setenv(CONFIG_ENV, str(path))
    assert load_settings().answer.max_sentences == 2


def test_data_dir_env_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("TALKBOT_DATA_DIR", str(tmp_path / "elsewhere"))
    assert load_settings(CONFIG).data_dir == tmp_path / "elsewhere"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("search: [1, 2\n", "malformed YAML at line"),
        ("- a\n", "top level must be a mapping"),
        ("serch:\n  top_k: 3\n", "unknown key 'serch'"),
        ("search:\n  top_k: many\n", "'search.top_k' must be a whole number"),
        ("search:\n  top_kk: 3\n", "'search.top_kk': unknown setting"),
        ("search:\n  fusion: max\n", "'search.fusion' must be 'rrf' or 'weighted'"),
        ("chunking:\n  max_tokens: 512\n", "'chunking.max_tokens' must be between 8 and 256"),
        ("answer:\n  lead_context_chars: -1\n", "'answer.lead_context_chars' must be between 0"),
        ("embedding:\n  allow_download: sometimes\n", "must be true or false"),
        ("answer:\n  nf_threshold: .nan\n", "'answer.nf_threshold' must be a finite number"),
        ("answer:\n  w_similarity: -.inf\n", "'answer.w_similarity' must be a finite number"),
        ("data_dir: 3\n", "'data_dir' must be a path"),
        ("cleaning:\n  patterns: ['(unclosed']\n", "not a valid regular expression"),
        ("discord:\n  sync_guild: 2025-02-30\n", "YAML reads as a date is not a real date"),
        ("search: " + "[" * 20_000 + "\n", "malformed YAML"),
    ],
)
def test_config_errors_name_file_key_and_problem(tmp_path, text, message):
    path = tmp_path / "talkbot.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as info:
        load_settings(path)
    assert str(path) in str(info.value)


def test_missing_config_file():
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(Path("/nonexistent/talkbot.yaml"))
