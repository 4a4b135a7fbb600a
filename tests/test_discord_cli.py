"""The Discord subcommands: run, sync, commands, feedback (bot/cli_discord.py)."""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot import cli_discord
from bot.feedback import FeedbackEntry, FeedbackStore
from index.records import Answer
from tests.conftest import CONFIG, ROOT
from tests.fakediscord import FakeDiscord


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="talkbot")
    parser.add_argument("--config", type=Path)
    cli_discord.register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(list(argv))


def call(*argv: str) -> int:
    args = parse(*argv)
    return args.func(args)


def test_commands_json_prints_payloads_without_model_or_network() -> None:
    # A fresh interpreter proves the model, torch and the index are never imported.
    script = (
        "import sys, argparse; from pathlib import Path; from bot import cli_discord\n"
        "p = argparse.ArgumentParser(); p.add_argument('--config', type=Path)\n"
        "cli_discord.register(p.add_subparsers())\n"
        f"a = p.parse_args(['--config', {str(CONFIG)!r}, 'commands', '--json'])\n"
        "code = a.func(a)\n"
        "assert 'torch' not in sys.modules and 'index.engine' not in sys.modules, 'model loaded'\n"
        "sys.exit(code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    payloads = json.loads(done.stdout)
    by_name = {p["name"]: p for p in payloads}
    assert set(by_name) == {"ask", "sources", "timeline", "help", "refresh", "add", "remove"}
    for p in payloads:
        assert p["description"] and "default_member_permissions" in p and p["type"] == 1
        assert all(o["description"] for o in p["options"])
    question, private = by_name["ask"]["options"]
    assert question == {
        "type": 3,
        "name": "question",
        "description": question["description"],
        "required": True,
        "min_length": 1,
        "max_length": 1000,  # answer.max_question_chars in config/talkbot.yaml
    }
    assert private["type"] == 5 and private["required"] is False


def test_commands_listing(capsys: pytest.CaptureFixture[str]) -> None:
    assert call("--config", str(CONFIG), "commands") == 0
    assert "/ask question [private]" in capsys.readouterr().out


def test_run_without_token_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert call("--config", str(CONFIG), "run") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "DISCORD_TOKEN is not set" in err


def test_setup_pointer_names_a_readme_section_that_exists(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The message used to send people to docs/discord.md, which does not exist.
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert call("--config", str(CONFIG), "sync", "--guild", "123") == 2
    err = capsys.readouterr().err
    assert f"(see {cli_discord.SETUP_DOC})" in err
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert cli_discord.SETUP_DOC == "README.md, “Running on Discord”"
    assert "## Running on Discord" in readme and "### 2. Invite it to your server" in readme


def test_bad_discord_config_names_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "talkbot.yaml"
    config.write_text("discord:\n  channels: general\n", encoding="utf-8")
    assert call("--config", str(config), "commands") == 2
    assert f"{config}: 'discord.channels' must be a list" in capsys.readouterr().err


def test_feedback_summary_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TALKBOT_DATA_DIR", str(tmp_path))
    store = FeedbackStore(tmp_path / "feedback.jsonl")
    store.record(FeedbackEntry.from_answer(Answer("Why?", False, "", (), "no"), "down", 5, 9))
    assert call("--config", str(CONFIG), "feedback", "--json") == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["down"] == 1 and summary["most_down_voted"][0]["question"] == "Why?"
    assert call("--config", str(CONFIG), "feedback") == 0
    assert "Most down-voted questions:" in capsys.readouterr().out


@pytest.mark.asyncio(loop_scope="session")
@pytest.mark.parametrize("guild", [None, "guild"])
async def test_sync_uploads_the_tree(
    guild: str | None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeDiscord()
    await fake.start()
    monkeypatch.setenv("DISCORD_TOKEN", "fake-token")
    argv = ["--config", str(CONFIG), "sync"] + (["--guild", fake.guild_id] if guild else [])
    try:
        with fake.patched():
            # The CLI runs its own event loop, so it gets a thread of its own.
            assert await asyncio.to_thread(call, *argv) == 0
    finally:
        await fake.stop()
    key = fake.guild_id if guild else None
    assert sorted(c["name"] for c in fake.commands[key]) == [
        "add",
        "ask",
        "help",
        "refresh",
        "remove",
        "sources",
        "timeline",
    ]
    put = [r for r in fake.requests if r.method == "PUT"]
    assert len(put) == 1 and put[0].path.endswith(
        f"/guilds/{fake.guild_id}/commands" if guild else "/commands"
    )
    assert "Synced 7 commands" in capsys.readouterr().out


@pytest.mark.asyncio(loop_scope="session")
async def test_sync_refused_by_discord_says_how_to_invite(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeDiscord()
    await fake.start()
    monkeypatch.setenv("DISCORD_TOKEN", "fake-token")
    fake.fail_next("PUT", r"/commands$", 403, {"message": "Missing Access", "code": 50001})
    try:
        with fake.patched():
            code = await asyncio.to_thread(call, "--config", str(CONFIG), "sync")
    finally:
        await fake.stop()
    assert code == 2
    *_log, last = capsys.readouterr().err.splitlines(keepends=True)  # discord.py logs first
    assert last == (
        "talkbot: Discord refused the sync (403): invite the bot to your server with the "
        "applications.commands scope (see README.md, “Running on Discord” → “2. Invite it to "
        "your server”)\n"
    )
