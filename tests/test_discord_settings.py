"""bot/settings.py, bot/question.py and bot/feedback.py: validation, cleaning, vote log."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bot.feedback import FeedbackEntry, FeedbackStore, format_summary
from bot.question import clean_question, strip_bot_mention
from bot.settings import DiscordSettings, discord_settings, discord_settings_from_mapping
from index.errors import ConfigError, QuestionError
from index.records import Answer, Citation


def test_project_config_has_a_valid_discord_section(settings) -> None:
    ds = discord_settings(settings)
    assert ds.channels == ()
    assert ds.ask_cooldown_uses >= 1


def test_missing_section_means_defaults(settings) -> None:
    raw = {k: v for k, v in settings.raw.items() if k != "discord"}
    assert discord_settings(replace(settings, raw=raw)) == DiscordSettings()


def test_ids_may_be_quoted_and_levels_any_case() -> None:
    ds = discord_settings_from_mapping(
        {"channels": ["123456789012345678", 42], "sync_guild": "7", "log_level": "debug"}, "f.yaml"
    )
    assert ds.channels == (123456789012345678, 42)
    assert ds.sync_guild == 7
    assert ds.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"chanels": []}, "'discord.chanels': unknown setting"),
        ({"channels": "general"}, "'discord.channels' must be a list"),
        ({"channels": [-1]}, "'discord.channels' item 1 must be a Discord ID"),
        ({"ask_cooldown_uses": 0}, "'discord.ask_cooldown_uses' must be at least 1"),
        ({"ask_cooldown_seconds": "30s"}, "must be a number of seconds"),
        ({"buttons_timeout_seconds": 3600}, "interaction tokens expire"),
        ({"log_level": "LOUD"}, "must be one of DEBUG"),
        ({"answer_mentions": "yes"}, "must be true or false"),
    ],
)
def test_bad_values_name_file_key_and_problem(section: dict, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        discord_settings_from_mapping(section, "config/talkbot.yaml")
    assert str(err.value).startswith("config/talkbot.yaml: ")
    assert message in str(err.value)


def test_strip_bot_mention_handles_both_forms() -> None:
    assert strip_bot_mention("<@42> hi <@!42> <@43>", 42).split() == ["hi", "<@43>"]


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "<@1> <#2> <:blob:3>", "🙂 !!", "@everyone"])
def test_questions_without_words_are_refused(text: str) -> None:
    with pytest.raises(QuestionError):
        clean_question(text, 100)


def test_question_is_collapsed_and_length_checked() -> None:
    assert clean_question("  what   did\nPutin say? ", 100) == "what did Putin say?"
    with pytest.raises(QuestionError, match="limit is 10"):
        clean_question("a" * 11, 10)


def answer() -> Answer:
    c = Citation(1, "d", "T", "RFE/RL", None, None, "He said so.", 0, 11)
    return Answer("Q1?", True, "He said so. [1]", (c,))


def test_feedback_summary_counts_last_vote_per_user_and_message(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "sub" / "feedback.jsonl")
    a = answer()
    not_found = Answer("Q2?", False, "", (), "nothing")
    for entry in [
        FeedbackEntry.from_answer(a, "down", 1, 100),
        FeedbackEntry.from_answer(a, "up", 1, 100),  # changed their mind: only this counts
        FeedbackEntry.from_answer(a, "down", 2, 100),
        FeedbackEntry.from_answer(not_found, "down", 1, 200),
        FeedbackEntry.from_answer(not_found, "down", 3, 200),
    ]:
        store.record(entry)
    with store.path.open("a") as f:
        f.write('{"vote": "up", "quest')  # a torn line after a crash
    summary = store.summary()
    assert (summary.up, summary.down, summary.skipped_lines) == (1, 3, 1)
    assert [(q.question, q.down) for q in summary.most_down_voted] == [("Q2?", 2), ("Q1?", 1)]
    first = json.loads(store.path.read_text().splitlines()[0])
    assert first["citations"][0]["excerpt"] == "He said so."
    assert first["user_id"] == 1 and first["vote"] == "down" and first["time"].endswith("+00:00")
    assert "👎 2" in format_summary(summary, store.path)


def test_feedback_lines_the_bot_did_not_write_are_skipped_not_fatal(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.jsonl")
    store.record(FeedbackEntry.from_answer(answer(), "up", 1, 100))
    with store.path.open("a") as f:
        f.write('{"vote": "down", "question": "Q?", "message_id": [1], "user_id": 2}\n')
        f.write('{"vote": "down", "question": "Q?", "message_id": 3, "user_id": {"a": 1}}\n')
        f.write("[" * 100_000 + "\n")  # nesting deeper than the JSON parser's recursion
        f.write('["vote", "up"]\n')
    summary = store.summary()
    assert (summary.up, summary.down, summary.skipped_lines) == (1, 0, 4)


def test_feedback_of_only_unreadable_lines_says_so(tmp_path: Path) -> None:
    # Found by fuzzing: "No feedback recorded yet" hid a file whose every line was unreadable.
    store = FeedbackStore(tmp_path / "feedback.jsonl")
    store.path.write_text('not json\n{"vote": "up"\n', encoding="utf-8")
    text = format_summary(store.summary(), store.path)
    assert text.startswith(f"No readable votes in {store.path}: 2 lines skipped as unreadable")
    assert "No feedback recorded" not in text and "\n" not in text


def test_feedback_summary_of_nothing(tmp_path: Path) -> None:
    summary = FeedbackStore(tmp_path / "none.jsonl").summary()
    assert summary.total == 0
    assert "No feedback" in format_summary(summary, tmp_path / "none.jsonl")
