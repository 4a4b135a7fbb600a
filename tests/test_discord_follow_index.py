"""A bot process follows builds another process publishes on the same data folder.

The refresher here is a second engine over the same folder (what a separate
``talkbot index refresh`` process does); the bot, logged in to the fake Discord, must
pick up the new build by itself and answer from it.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.client import TalkBot
from bot.feedback import FeedbackStore
from bot.settings import DiscordSettings
from index.build import build_index
from index.engine import Engine
from tests.fakediscord import FakeDiscord
from tests.fakediscord.harness import Outcome, running, wait_for

pytestmark = pytest.mark.asyncio(loop_scope="session")

NEW_FACT = (
    "Negotiators met in the lakeside town of Quorvale on Friday and agreed to swap "
    "three hundred prisoners before the end of the month."
)


async def test_bot_picks_up_a_build_published_by_another_process(corpus_copy, embedder, tmp_path):
    await asyncio.to_thread(build_index, corpus_copy, embedder)
    serving = Engine.open(corpus_copy, embedder)
    refresher = Engine.open(corpus_copy, embedder)
    fake = FakeDiscord(heartbeat_interval_ms=300)
    await fake.start()
    settings = DiscordSettings(
        ask_cooldown_seconds=0, guild_ready_timeout=0, index_check_seconds=0.2
    )
    bot = TalkBot(serving, settings, feedback=FeedbackStore(tmp_path / "feedback.jsonl"))
    try:
        async with running(fake, bot):
            before = serving.data.manifest.build_id
            article = corpus_copy.seeds_dir / "005_quorvale.txt"
            article.write_text(f"Talks In Quorvale\n\n{NEW_FACT}\n", encoding="utf-8")
            await asyncio.to_thread(refresher.refresh)
            await wait_for(lambda: serving.data.manifest.build_id != before, 10)
            assert serving.data.manifest.build_id == refresher.data.manifest.build_id

            interaction = fake.slash(
                "ask",
                {"question": "Where did negotiators agree to swap prisoners?"},
                invoker=fake.user("asker"),
            )
            await fake.interact(interaction)
            await wait_for(lambda: Outcome.of(fake, interaction).answered, 20)
            text = str(Outcome.of(fake, interaction).delivered[0].json["embeds"])
            assert "Quorvale" in text
    finally:
        await fake.stop()
