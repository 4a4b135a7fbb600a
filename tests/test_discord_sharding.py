"""Sharding: ``discord.shards`` picks the bot class; a sharded bot serves every shard's guilds.

The fake recommends two shards (GET /gateway/bot) and spreads two guilds over them with
Discord's formula, so each connection gets its own guild and the interactions of that
guild, as on Discord.
"""

from __future__ import annotations

import pytest

from bot.client import ShardedTalkBot, TalkBot, make_bot
from bot.feedback import FeedbackStore
from bot.settings import DiscordSettings, discord_settings_from_mapping
from index.errors import ConfigError
from tests.fakediscord import FakeDiscord, shard_of
from tests.fakediscord.harness import Outcome, running, wait_for


@pytest.mark.parametrize(
    ("value", "expected"), [(None, None), ("auto", "auto"), ("AUTO", "auto"), (4, 4)]
)
def test_shards_setting_accepts_null_auto_or_a_count(value, expected) -> None:
    assert discord_settings_from_mapping({"shards": value}, "f.yaml").shards == expected


@pytest.mark.parametrize("value", [0, -1, 2.5, True, False, "lots", "2", 5000])
def test_shards_setting_refuses_anything_else(value) -> None:
    with pytest.raises(ConfigError) as refused:
        discord_settings_from_mapping({"shards": value}, "f.yaml")
    message = str(refused.value)
    assert message.startswith("f.yaml: 'discord.shards' must be null")
    assert "auto" in message and repr(value) in message


def test_make_bot_picks_the_class_from_the_setting(engine, tmp_path) -> None:
    feedback = FeedbackStore(tmp_path / "feedback.jsonl")
    plain = make_bot(engine, DiscordSettings(), feedback=feedback)
    auto = make_bot(engine, DiscordSettings(shards="auto"), feedback=feedback)
    fixed = make_bot(engine, DiscordSettings(shards=3), feedback=feedback)
    assert type(plain) is TalkBot and plain.shard_count is None
    assert type(auto) is ShardedTalkBot and auto.shard_count is None  # asks Discord
    assert type(fixed) is ShardedTalkBot and fixed.shard_count == 3
    assert plain.command_payloads() == auto.command_payloads() == []  # cogs load at login


@pytest.mark.asyncio(loop_scope="session")
async def test_auto_sharded_bot_connects_every_shard_and_answers_on_each(engine, tmp_path) -> None:
    fake = FakeDiscord(heartbeat_interval_ms=500, shard_count=2, guild_count=2)
    await fake.start()
    ds = DiscordSettings(shards="auto", guild_ready_timeout=0, ask_cooldown_seconds=0)
    bot = make_bot(engine, ds, feedback=FeedbackStore(tmp_path / "feedback.jsonl"))
    # The second shard waits 5 s before its IDENTIFY (discord.py keeps Discord's rate).
    async with running(fake, bot, timeout=30):
        shards = await fake.wait_for_shards(2)
        assert any(r.path == "/gateway/bot" for r in fake.requests)
        assert bot.shard_count == 2 and sorted(bot.shards) == [0, 1]
        for shard_id, session in shards.items():
            assert session.identify is not None and session.identify["shard"] == [shard_id, 2]
            assert session.shard == (shard_id, 2)  # READY echoed it back
        # Each shard received its own guild, and the bot knows which shard serves which.
        assert {g.id: g.shard_id for g in bot.guilds} == {
            int(g["id"]): shard_of(g["id"], 2) for g in fake.guilds
        }
        assert sorted(shard_of(g["id"], 2) for g in fake.guilds) == [0, 1]

        interactions = []
        for guild in fake.guilds:
            interaction = fake.slash(
                "ask",
                {"question": "What did Putin propose?"},
                invoker=fake.user(f"asker-{guild['name']}"),
                channel=guild["channels"][0],
            )
            await fake.interact(interaction)  # on the connection of the guild's shard
            interactions.append(interaction)
        await wait_for(lambda: all(Outcome.of(fake, i).answered for i in interactions), 20)
        assert all(
            session.heartbeats and all(b.acked for b in session.heartbeats)
            for session in shards.values()
        )
    await fake.stop()
    assert len(fake.sessions) == 2  # one connection per shard, no reconnects
