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


def test_a_key_left_out_falls_back_to_the_value_the_shipped_config_shows(tmp_path):
    """config/talkbot.yaml says every key falls back to "the default shown here"."""
    from dataclasses import fields

    from bot.moderation_settings import moderation_settings
    from bot.settings import discord_settings
    from index.dense import dense_settings
    from index.timeline import timeline_settings

    empty = tmp_path / "empty.yaml"
    empty.write_text("{}\n")
    shipped, bare = load_settings(CONFIG), load_settings(empty)
    sections = [lambda s, f=f.name: getattr(s, f) for f in fields(shipped)]
    sections += [dense_settings, discord_settings, moderation_settings, timeline_settings]
    differ = []
    for section in sections:
        ours, default = section(shipped), section(bare)
        if not hasattr(ours, "__dataclass_fields__"):
            continue  # paths and the raw mapping
        for f in fields(ours):
            if getattr(ours, f.name) != getattr(default, f.name):
                differ.append(f"{type(ours).__name__}.{f.name}")
    assert differ == [], "set these defaults to the shipped config's values"


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
        ("answer:\n  answer_type_rarity: 1.5\n", "'answer.answer_type_rarity' must be between 0"),
        ("embedding:\n  allow_download: sometimes\n", "must be true or false"),
        ("answer:\n  nf_threshold: .nan\n", "'answer.nf_threshold' must be a finite number"),
        ("answer:\n  w_similarity: -.inf\n", "'answer.w_similarity' must be a finite number"),
        ("data_dir: 3\n", "'data_dir' must be a path"),
        ("cleaning:\n  patterns: ['(unclosed']\n", "not a valid regular expression"),
        ("discord:\n  sync_guild: 2025-02-30\n", "YAML reads as a date is not a real date"),
        ("search: " + "[" * 20_000 + "\n", "malformed YAML"),
        # Found by fuzzing: each was a traceback or silently accepted.
        ("cleaning:\n  patterns: [[a, b]]\n", "'cleaning.patterns' item 1 must be a string"),
        (
            "search:\n  fusion: rrf\n  rrf_k: " + "9" * 400 + "\n",
            "'search.rrf_k' must be between 1 and 10000, not a 400-digit number",
        ),
        ('data_dir: "var\\0x"\n', r"'data_dir' contains a NUL byte \(\\0\); remove it"),
        ('seeds_dir: "seeds\\0"\n', "'seeds_dir' contains a NUL byte"),
        ('sources_file: "\\0s.yaml"\n', "'sources_file' contains a NUL byte"),
        ('embedding:\n  model: "all\\0"\n', "'embedding.model' contains a NUL byte"),
        (
            "search:\n  aliases: [kyiv, kiev]\n",
            r"'search.aliases' item 1 must be a list of strings, not 'kyiv'; .* - \[kyiv, kiev\]",
        ),
        ("search:\n  aliases: [[kyiv, 3]]\n", "'search.aliases' item 1 must be a list of"),
        ("search:\n  aliases: [[kyiv]]\n", r"'search.aliases' item 1 is \['kyiv'\]; a group"),
        (
            "search:\n  synonyms: [kids, children]\n",
            r"'search.synonyms' item 1 must be a list of strings, not 'kids'; "
            r".* - \[children, kids\]",
        ),
        ("search:\n  synonyms: [[kids]]\n", r"'search.synonyms' item 1 is \['kids'\]; a group"),
        # A word folded two ways: the later group would silently win over the earlier.
        (
            "search:\n  synonyms: [[truce, ceasefire]]\n",
            "'search.synonyms' item 1 lists 'ceasefire', which 'search.aliases' item 3 already "
            "folds into 'ceasefire'; a word may be in one group only",
        ),
        (
            "search:\n  synonyms: [[kids, children], [youngsters, Kids]]\n",
            "'search.synonyms' item 2 lists 'Kids', which 'search.synonyms' item 1",
        ),
        ("answer:\n  capitals: [[kyiv]]\n", r"'answer.capitals' item 1 is \['kyiv'\]; a group"),
        (
            "answer:\n  capitals: [kyiv, ukraine]\n",
            r"'answer.capitals' item 1 must be a list of strings, not 'kyiv'; "
            r".* - \[kyiv, ukraine, ukrainian\]",
        ),
        # A two-word capital would be matched by either word alone ("new").
        (
            "answer:\n  capitals: [[new delhi, india]]\n",
            "'answer.capitals' item 1 starts with 'new delhi'; the capital must be one word",
        ),
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
