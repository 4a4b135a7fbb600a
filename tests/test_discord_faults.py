"""Discord misbehaving: dropped and zombied gateway connections, 429s and unknown interactions.

Each test logs a fresh real bot (real engine) in to its own fake Discord over sockets,
breaks something on Discord's side, and then checks that the bot is still answering.
discord.py does the reconnecting and retrying; these tests prove it works with our bot
and that nothing the user asked for is lost or answered twice on the way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio

from bot.client import TalkBot
from bot.feedback import FeedbackStore
from bot.replies import APOLOGY
from bot.settings import DiscordSettings
from tests.fakediscord import FakeDiscord, GatewaySession
from tests.fakediscord.harness import Outcome, running, wait_for

pytestmark = pytest.mark.asyncio(loop_scope="session")

HEARTBEAT_MS = 250
# Seconds of gateway silence after which discord.py gives a connection up as dead and
# resumes (default 60). Short here so the zombie test takes seconds, not a minute, but
# longer than the 5 s discord.py waits before a new IDENTIFY: nobody reads the socket
# meanwhile, and a shorter timeout would declare every new connection dead.
SILENCE_TIMEOUT = 6.0
QUESTION = "What did Putin propose?"
FOLLOWUP = r"/webhooks/\d+/[^/]+$"
CALLBACK = r"/interactions/\d+/[^/]+/callback$"
EPHEMERAL = 64


@dataclass
class Live:
    fake: FakeDiscord
    bot: TalkBot

    async def ask(self, question: str = QUESTION, user: str = "asker") -> dict[str, Any]:
        interaction = self.fake.slash("ask", {"question": question}, invoker=self.fake.user(user))
        await self.fake.interact(interaction)
        return interaction

    async def answered(self, interaction: dict[str, Any], timeout: float = 20) -> Outcome:
        await wait_for(lambda: Outcome.of(self.fake, interaction).answered, timeout)
        return Outcome.of(self.fake, interaction)


@pytest_asyncio.fixture(loop_scope="session")
async def live(engine, tmp_path) -> AsyncIterator[Live]:
    fake = FakeDiscord(heartbeat_interval_ms=HEARTBEAT_MS)
    await fake.start()
    bot = TalkBot(
        engine,
        DiscordSettings(ask_cooldown_seconds=0, guild_ready_timeout=0),
        feedback=FeedbackStore(tmp_path / "feedback.jsonl"),
        heartbeat_timeout=SILENCE_TIMEOUT,
    )
    async with running(fake, bot):
        yield Live(fake, bot)
    await fake.stop()


async def assert_heartbeats_acked(session: GatewaySession, beats: int = 2) -> None:
    await wait_for(lambda: len(session.heartbeats) >= beats, 5)
    assert all(b.acked is not None for b in session.heartbeats[:beats])


# -- the gateway goes away ---------------------------------------------------------


@pytest.mark.parametrize("abrupt", [False, True], ids=["close-4000", "tcp-reset"])
async def test_dropped_connection_is_resumed_and_the_bot_answers_again(
    live: Live, abrupt: bool
) -> None:
    fake = live.fake
    before = await live.answered(await live.ask())
    first = fake.session
    count = len(fake.sessions)

    await fake.drop_connection(abrupt=abrupt)
    resumed = await fake.wait_for_new_session(count)

    # RESUME, not a fresh IDENTIFY: the same session continues where it stopped.
    assert resumed.identify is None and resumed.resume is not None
    assert resumed.resume["session_id"] == first.session_id
    assert resumed.resume["seq"] == first.sequence
    await assert_heartbeats_acked(resumed)
    after = await live.answered(await live.ask())
    assert (
        after.delivered[0].json["embeds"][0]["description"]
        == (before.delivered[0].json["embeds"][0]["description"])
    )
    assert not live.bot.is_closed()


async def test_unresumable_session_identifies_afresh(live: Live) -> None:
    fake = live.fake
    fake.accept_resumes = False  # as after a long outage: Discord forgot the session
    first = fake.session
    count = len(fake.sessions)

    await fake.drop_connection()
    # discord.py waits 5 s before a new IDENTIFY (Discord's identify rate limit).
    fresh = await fake.wait_for_new_session(count, timeout=20)

    refused = fake.sessions[count]
    assert refused.resume is not None and refused.resume["session_id"] == first.session_id
    assert not refused.ready.is_set()  # answered with INVALID_SESSION
    assert fresh.identify is not None and fresh.session_id != first.session_id
    await assert_heartbeats_acked(fresh)
    await live.answered(await live.ask())


async def test_zombied_connection_without_heartbeat_acks_is_replaced(live: Live) -> None:
    fake = live.fake
    count = len(fake.sessions)
    zombie = fake.stop_acking()
    beats_before = len(zombie.heartbeats)

    resumed = await fake.wait_for_new_session(count, timeout=SILENCE_TIMEOUT + 10)

    unacked = zombie.heartbeats[beats_before:]
    assert unacked and all(b.acked is None for b in unacked)
    await asyncio.wait_for(zombie.closed.wait(), 5)  # the bot hung up on the zombie
    assert resumed.resume is not None and resumed.resume["session_id"] == zombie.session_id
    await assert_heartbeats_acked(resumed)
    await live.answered(await live.ask())


# -- REST failures -----------------------------------------------------------------


async def test_rate_limited_followups_are_retried_and_delivered_once(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    fake = live.fake
    retry_after = 0.2
    fake.rate_limit_next("POST", CALLBACK, retry_after)
    fake.rate_limit_next("POST", FOLLOWUP, retry_after, times=4)
    interactions = [await live.ask(user=f"limited{i}") for i in range(3)]

    outcomes = [await live.answered(i) for i in interactions]

    limited = [r for o in outcomes for r in o.followups if r.status == 429]
    assert len(limited) == 4  # every injected 429 was hit, and then retried
    for outcome in outcomes:
        assert len(outcome.delivered) == 1  # delivered, exactly once
        first_try = outcome.followups[0]
        assert outcome.delivered[0].time - first_try.time >= retry_after * 0.9 * (
            len(outcome.followups) - 1
        )
    all_callbacks = [r for i in interactions for r in fake.requests_for(i["token"])]
    assert [r.status for r in all_callbacks if r.path.endswith("/callback")].count(429) == 1
    assert "rate limited. Retrying" in caplog.text


async def test_persistent_rate_limit_is_logged_and_the_bot_carries_on(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    fake = live.fake
    # discord.py tries a webhook call 5 times; 429 on all of them makes it give up.
    fake.rate_limit_next("POST", FOLLOWUP, 0.02, times=5)
    interaction = await live.ask()
    await wait_for(lambda: "could not send the answer" in caplog.text, 10)
    # The answer never went; the asker is told privately rather than left on "thinking…".
    await wait_for(lambda: Outcome.of(fake, interaction).delivered, 5)
    (apology,) = Outcome.of(fake, interaction).delivered
    assert apology.json["content"] == APOLOGY and apology.json["flags"] & EPHEMERAL
    assert "embeds" not in apology.json or not apology.json["embeds"]
    assert "unexpected error" not in caplog.text
    await live.answered(await live.ask())


async def test_an_answer_discord_rejects_gets_a_private_apology(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    fake = live.fake
    fake.fail_next("POST", FOLLOWUP, 400, {"message": "Invalid Form Body", "code": 50035})
    interaction = await live.ask()
    await wait_for(lambda: Outcome.of(fake, interaction).delivered, 20)
    (apology,) = Outcome.of(fake, interaction).delivered
    assert apology.json["content"] == APOLOGY and apology.json["flags"] & EPHEMERAL
    calls = [(r.method, r.path.rsplit("/", 1)[-1]) for r in fake.requests_for(interaction["token"])]
    assert ("DELETE", "@original") in calls  # the public "thinking…" went first
    assert "could not send the answer" in caplog.text


async def test_a_mention_is_answered_when_the_typing_indicator_is_refused(live: Live) -> None:
    fake = live.fake
    fake.fail_next("POST", r"/channels/\d+/typing$", 403, {"message": "Missing Access"})
    message = fake.user_message(
        f"<@{fake.bot_user['id']}> what did Putin propose?",
        author=fake.user("typist"),
        mentions=[fake.bot_user],
    )
    await fake.say(message)
    await wait_for(
        lambda: any(
            r.method == "POST"
            and r.path == f"/channels/{message['channel_id']}/messages"
            and r.json.get("embeds")
            for r in fake.requests
        ),
        20,
    )
    assert any(r.path.endswith("/typing") and r.status == 403 for r in fake.requests)


async def test_unknown_interaction_is_logged_and_the_next_one_answered(
    live: Live, caplog: pytest.LogCaptureFixture
) -> None:
    fake = live.fake
    caplog.set_level(logging.WARNING, logger="talkbot.discord")

    # The acknowledgement comes too late: Discord no longer knows the interaction.
    fake.fail_next("POST", CALLBACK, 404, {"message": "Unknown interaction", "code": 10062})
    expired = await live.ask()
    await wait_for(lambda: "expired before it could be acknowledged" in caplog.text, 10)
    assert not Outcome.of(fake, expired).followups  # nothing more was attempted

    # Acknowledged, but the token expired before the answer was ready.
    fake.fail_next("POST", FOLLOWUP, 404, {"message": "Unknown Webhook", "code": 10015})
    lost = await live.ask()
    await wait_for(lambda: "expired before the answer was sent" in caplog.text, 20)
    assert [r.status for r in Outcome.of(fake, lost).followups] == [404]

    warnings = [r for r in caplog.records if r.name == "talkbot.discord"]
    assert all(r.levelno == logging.WARNING and r.exc_info is None for r in warnings)
    assert {str(expired["id"]), str(lost["id"])} <= {
        str(arg) for r in warnings for arg in (r.args or ())
    }
    outcome = await live.answered(await live.ask())
    assert outcome.delivered[0].status == 200
    assert not live.bot.is_closed()
