"""End-to-end: the real bot and the real engine, talking to a fake Discord over sockets.

One fake server and one logged-in bot serve the whole module (the model loads once per
session through the ``engine`` fixture). Each test uses fresh users and interaction
tokens, so tests read only the requests that belong to them.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import pytest
import pytest_asyncio

from bot.client import TalkBot, run_until_signal
from bot.engine_port import EngineNotLoaded
from bot.feedback import FeedbackStore
from bot.memory import freeze_loaded_state
from bot.render import answer_embed
from bot.replies import APOLOGY
from bot.settings import DiscordSettings
from tests.fakediscord import FakeDiscord, RecordedRequest, find_custom_ids, snowflake, stalls

pytestmark = pytest.mark.asyncio(loop_scope="session")

HEARTBEAT_MS = 300
BUTTONS_TIMEOUT = 4.0
EPHEMERAL = 64
QUESTION = "What did Putin propose?"
OFF_TOPIC = "How do I bake banana bread?"


@dataclass
class Harness:
    fake: FakeDiscord
    bot: TalkBot
    feedback_path: Path

    @property
    def allowed(self) -> dict[str, Any]:
        return self.fake.channels[0]

    @property
    def other(self) -> dict[str, Any]:
        return self.fake.channels[1]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def harness(engine, tmp_path_factory) -> AsyncIterator[Harness]:
    fake = FakeDiscord(heartbeat_interval_ms=HEARTBEAT_MS)
    await fake.start()
    feedback_path = tmp_path_factory.mktemp("feedback") / "feedback.jsonl"
    ds = DiscordSettings(
        ask_cooldown_uses=3,
        ask_cooldown_seconds=60,
        channels=(int(fake.channels[0]["id"]),),
        sources_per_page=2,
        buttons_timeout_seconds=BUTTONS_TIMEOUT,
        guild_ready_timeout=0,
    )
    bot = TalkBot(engine, ds, feedback=FeedbackStore(feedback_path))
    # As `talkbot run` does once loaded: a full collection over a long test session's
    # objects paused the loop (and the heartbeat the tests measure) for 300 ms.
    freeze_loaded_state()
    with fake.patched():
        task = asyncio.create_task(bot.start("fake-token"))
        await fake.wait_until_ready()
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        yield Harness(fake, bot, feedback_path)
        await bot.close()
        await task
    await fake.stop()


# -- helpers -----------------------------------------------------------------------


async def slash(
    h: Harness,
    name: str,
    options: dict[str, Any] | None = None,
    *,
    user: dict[str, Any] | None = None,
    channel: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], float]:
    interaction = h.fake.slash(
        name, options, invoker=user or h.fake.user("alice"), channel=channel or h.allowed
    )
    sent = await h.fake.interact(interaction)
    return interaction, sent


async def callback_of(h: Harness, interaction: dict[str, Any]) -> RecordedRequest:
    token = interaction["token"]
    return await h.fake.wait_for_request(lambda r: r.path.endswith(f"/{token}/callback"))


async def followup_of(
    h: Harness, interaction: dict[str, Any], timeout: float = 20
) -> RecordedRequest:
    prefix = f"/webhooks/{h.fake.application_id}/{interaction['token']}"
    return await h.fake.wait_for_request(
        lambda r: r.method == "POST" and r.path == prefix, timeout=timeout
    )


def message_for(h: Harness, request: RecordedRequest) -> dict[str, Any]:
    """The message the fake created for a follow-up or channel send."""
    token_or_channel = request.path.rsplit("/", 1)[-1]
    matches = [
        m
        for m in h.fake.messages.values()
        if m.get("interaction_token") == token_or_channel and m["embeds"] == request.json["embeds"]
    ]
    return matches[-1]


async def answered(h: Harness, question: str, **options: Any) -> tuple[dict, RecordedRequest]:
    interaction, _ = await slash(h, "ask", {"question": question, **options})
    return interaction, await followup_of(h, interaction)


async def settle(seconds: float = 0.3) -> None:
    await asyncio.sleep(seconds)


# -- /ask --------------------------------------------------------------------------


async def test_ask_defers_then_follows_up_with_cited_embed(harness: Harness, engine) -> None:
    interaction, followup = await answered(harness, QUESTION)
    callback = await callback_of(harness, interaction)
    assert callback.json == {"type": 5}  # deferred "thinking", public
    assert callback.time <= followup.time
    body = followup.json
    assert body["allowed_mentions"] == {"parse": []}
    [embed] = body["embeds"]
    expected = answer_embed(engine.ask(QUESTION)).to_dict()
    assert embed["description"] == expected["description"]
    assert [f["name"] for f in embed["fields"]] == [f["name"] for f in expected["fields"]]
    assert embed["fields"][0]["name"].startswith("[1] ")
    assert "[1]" in embed["description"]
    assert find_custom_ids(body) == ["feedback:up", "feedback:down"]
    assert not body.get("flags")


async def test_private_ask_is_ephemeral_throughout(harness: Harness) -> None:
    interaction, followup = await answered(harness, QUESTION, private=True)
    callback = await callback_of(harness, interaction)
    assert callback.json == {"type": 5, "data": {"flags": EPHEMERAL}}
    assert followup.json["flags"] & EPHEMERAL


async def test_unanswerable_question_shows_reason_without_citations(
    harness: Harness, engine
) -> None:
    answer = engine.ask(OFF_TOPIC)
    assert not answer.found
    _, followup = await answered(harness, OFF_TOPIC)
    [embed] = followup.json["embeds"]
    assert embed["description"] == answer.reason
    assert "fields" not in embed or embed["fields"] == []


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("   ", "type a question"),
        ("🙂🕊️ !!", "no words"),
        ("<@123456789012345678> <#123456789012345678>", "no words"),
        ("why " * 300, "limit is 1000"),
    ],
    ids=["blank", "emoji", "mentions-only", "too-long"],
)
async def test_bad_questions_get_an_ephemeral_explanation(
    harness: Harness, question: str, expected: str
) -> None:
    interaction, _ = await slash(harness, "ask", {"question": question})
    callback = await callback_of(harness, interaction)
    assert callback.json["type"] == 4  # answered at once: no "thinking" was shown
    assert callback.json["data"]["flags"] == EPHEMERAL
    assert expected in callback.json["data"]["content"]
    assert callback.json["data"]["allowed_mentions"] == {"parse": []}


async def test_cooldown_answers_with_the_wait(harness: Harness) -> None:
    user = harness.fake.user("hasty")
    for _ in range(3):  # the configured budget
        interaction, _ = await slash(harness, "ask", {"question": QUESTION}, user=user)
        await followup_of(harness, interaction)
    interaction, _ = await slash(harness, "ask", {"question": QUESTION}, user=user)
    callback = await callback_of(harness, interaction)
    assert callback.json["type"] == 4
    assert callback.json["data"]["flags"] == EPHEMERAL
    assert "please wait" in callback.json["data"]["content"]
    assert "seconds" in callback.json["data"]["content"]


async def test_ask_outside_allowed_channels_is_refused(harness: Harness) -> None:
    interaction, _ = await slash(harness, "ask", {"question": QUESTION}, channel=harness.other)
    callback = await callback_of(harness, interaction)
    assert callback.json["data"]["flags"] == EPHEMERAL
    assert f"<#{harness.allowed['id']}>" in callback.json["data"]["content"]


async def test_expired_interaction_is_logged_and_the_bot_stays_up(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    fake = harness.fake
    unknown = {"message": "Unknown interaction", "code": 10062}
    fake.fail_next("POST", r"/interactions/\d+/[^/]+/callback$", 404, unknown)
    interaction, _ = await slash(harness, "ask", {"question": QUESTION})
    await callback_of(harness, interaction)
    await settle()
    assert not [r for r in fake.requests_for(interaction["token"]) if "/webhooks/" in r.path]
    assert "expired" in caplog.text

    fake.fail_next(
        "POST", r"/webhooks/\d+/[^/]+$", 404, {"message": "Unknown Webhook", "code": 10015}
    )
    interaction, _ = await slash(harness, "ask", {"question": QUESTION})
    await followup_of(harness, interaction)
    _, followup = await answered(harness, QUESTION)  # still answering
    assert followup.status == 200


async def test_rate_limited_followup_is_retried(harness: Harness) -> None:
    harness.fake.rate_limit_next("POST", r"/webhooks/\d+/[^/]+$", retry_after=0.05)
    interaction, _ = await slash(harness, "ask", {"question": QUESTION})
    prefix = f"/webhooks/{harness.fake.application_id}/{interaction['token']}"
    ok = await harness.fake.wait_for_request(
        lambda r: r.path == prefix and r.status == 200, timeout=20
    )
    statuses = [
        r.status for r in harness.fake.requests_for(interaction["token"]) if r.path == prefix
    ]
    assert statuses == [429, 200]
    assert ok.json["embeds"]


# -- feedback buttons --------------------------------------------------------------


@pytest.mark.parametrize("custom_id", ["feedback:up", "pager:next"])
async def test_buttons_no_view_answers_any_more_say_they_expired(
    harness: Harness, custom_id: str
) -> None:
    # After a restart (or a failed disabling edit at timeout) the buttons still show, but
    # no view in this process holds them: the click is told so, privately.
    fake = harness.fake
    _, followup = await answered(harness, QUESTION)
    stale = message_for(harness, followup) | {"id": snowflake()}  # a message of a past run
    click = fake.click(custom_id, stale, invoker=fake.user("late"))
    await fake.interact(click)
    reply = await callback_of(harness, click)
    assert reply.json["type"] == 4 and reply.json["data"]["flags"] == EPHEMERAL
    assert reply.json["data"]["content"].startswith("These buttons have expired")


async def test_a_vote_that_cannot_be_recorded_says_so_without_server_paths(
    harness: Harness, tmp_path: Path
) -> None:
    fake = harness.fake
    _, followup = await answered(harness, QUESTION)
    store = harness.bot.feedback
    working = store.path
    store.path = tmp_path  # a folder: every append fails
    try:
        click = fake.click("feedback:up", message_for(harness, followup), invoker=fake.user("v"))
        await fake.interact(click)
        ack = await callback_of(harness, click)
        reply = await followup_of(harness, click)
    finally:
        store.path = working
    assert ack.json["type"] == 6  # acknowledged, the answer left as it is
    assert reply.json["flags"] == EPHEMERAL
    assert reply.json["content"] == "Sorry, your vote couldn't be recorded just now."


async def test_feedback_buttons_record_votes(harness: Harness) -> None:
    fake = harness.fake
    interaction, followup = await answered(harness, QUESTION)
    message = message_for(harness, followup)
    voter = fake.user("voter")
    acks, replies = [], []
    for custom_id in ("feedback:down", "feedback:up"):
        click = fake.click(custom_id, message, invoker=voter)
        await fake.interact(click)
        acks.append(await callback_of(harness, click))
        replies.append(await followup_of(harness, click))
    # The click is acknowledged before the vote is written (a stuck disk must not make
    # Discord say the interaction failed); "recorded" follows once it is.
    assert [a.json["type"] for a in acks] == [6, 6]
    assert all(a.time <= r.time for a, r in zip(acks, replies, strict=True))
    assert [r.json["flags"] for r in replies] == [EPHEMERAL, EPHEMERAL]
    assert "👍 is recorded" in replies[1].json["content"]
    rows = [json.loads(line) for line in harness.feedback_path.read_text().splitlines()]
    mine = [r for r in rows if r["user_id"] == int(voter["id"])]
    assert [r["vote"] for r in mine] == ["down", "up"]
    assert mine[0]["question"] == QUESTION
    assert mine[0]["message_id"] == int(message["id"])
    assert mine[0]["citations"] and mine[0]["citations"][0]["n"] == 1
    assert mine[0]["answer"] == mine[1]["answer"] != ""
    summary = FeedbackStore(harness.feedback_path).summary()
    assert summary.up >= 1  # the voter's last vote counts once


# -- /sources ----------------------------------------------------------------------


async def test_sources_pages_only_for_the_invoker_and_disable_on_timeout(
    harness: Harness, engine
) -> None:
    fake = harness.fake
    owner, stranger = fake.user("owner"), fake.user("stranger")
    interaction, _ = await slash(harness, "sources", user=owner)
    followup = await followup_of(harness, interaction)
    count = len(engine.sources())
    [embed] = followup.json["embeds"]
    assert embed["title"] == f"Indexed articles ({count})"
    assert embed["footer"]["text"] == f"Page 1/{(count + 1) // 2}"
    assert embed["description"].count("passages") == 2
    assert find_custom_ids(followup.json) == ["pager:prev", "pager:next"]
    message = message_for(harness, followup)

    click = fake.click("pager:next", message, invoker=stranger)
    await fake.interact(click)
    refused = await callback_of(harness, click)
    assert refused.json["type"] == 4 and refused.json["data"]["flags"] == EPHEMERAL
    assert "Only owner can page" in refused.json["data"]["content"]

    click = fake.click("pager:next", message, invoker=owner)
    await fake.interact(click)
    turned = await callback_of(harness, click)
    assert turned.json["type"] == 7  # the list message itself is updated
    assert turned.json["data"]["embeds"][0]["footer"]["text"].startswith("Page 2/")
    buttons = turned.json["data"]["components"][0]["components"]
    assert [b["disabled"] for b in buttons] == [False, count <= 4]

    edit_path = f"/webhooks/{fake.application_id}/{interaction['token']}/messages/{message['id']}"
    edit = await fake.wait_for_request(
        lambda r: r.method == "PATCH" and r.path == edit_path, timeout=BUTTONS_TIMEOUT + 5
    )
    assert all(b["disabled"] for b in edit.json["components"][0]["components"])


async def test_help_lists_commands_and_explains_citations(harness: Harness) -> None:
    interaction, _ = await slash(harness, "help", channel=harness.other)  # allowed anywhere
    callback = await callback_of(harness, interaction)
    assert callback.json["type"] == 4
    data = callback.json["data"]
    assert data["flags"] == EPHEMERAL
    [embed] = data["embeds"]
    commands = embed["fields"][0]["value"]
    assert "`/ask`" in commands and "`/sources`" in commands and "`/help`" in commands
    assert "verbatim" in embed["description"] and "[1]" in embed["description"]


# -- mentions ----------------------------------------------------------------------


async def reply_to(h: Harness, message: dict[str, Any], timeout: float = 20) -> RecordedRequest:
    return await h.fake.wait_for_request(
        lambda r: (
            r.method == "POST"
            and r.path == f"/channels/{message['channel_id']}/messages"
            and str((r.json.get("message_reference") or {}).get("message_id")) == message["id"]
        ),
        timeout=timeout,
    )


@pytest.mark.parametrize("form", ["<@{id}>", "<@!{id}>"])
async def test_mention_is_answered_as_a_reply(harness: Harness, engine, form: str) -> None:
    fake = harness.fake
    mention = form.format(id=fake.bot_user["id"])
    message = fake.user_message(
        f"{mention} what did Putin propose?", author=fake.user("asker"), mentions=[fake.bot_user]
    )
    await fake.say(message)
    reply = await reply_to(harness, message)
    assert reply.json["allowed_mentions"] == {"parse": [], "replied_user": False}
    expected = answer_embed(engine.ask("what did Putin propose?")).to_dict()
    assert reply.json["embeds"][0]["description"] == expected["description"]
    assert find_custom_ids(reply.json) == ["feedback:up", "feedback:down"]
    assert any(r.path == f"/channels/{message['channel_id']}/typing" for r in fake.requests)


async def test_mention_with_no_words_gets_a_short_reply(harness: Harness) -> None:
    fake = harness.fake
    message = fake.user_message(
        f"<@{fake.bot_user['id']}> 👋", author=fake.user("waver"), mentions=[fake.bot_user]
    )
    await fake.say(message)
    reply = await reply_to(harness, message)
    assert "no words" in reply.json["content"]
    assert reply.json["allowed_mentions"]["parse"] == []


async def test_messages_not_for_the_bot_are_ignored(harness: Harness) -> None:
    fake = harness.fake
    ignored = [
        # @everyone is not a mention of the bot.
        fake.user_message(
            "@everyone what did Putin propose?", author=fake.user("a"), mention_everyone=True
        ),
        # Another bot (or this one) mentioning us: never answer bots.
        fake.user_message(
            f"<@{fake.bot_user['id']}> what did Putin propose?",
            author=fake.user("otherbot") | {"bot": True},
            mentions=[fake.bot_user],
        ),
        # A reply to one of the bot's answers pings it without mentioning it in the text.
        fake.user_message("thanks!", author=fake.user("c"), mentions=[fake.bot_user]),
        # A mention in a channel the config does not allow.
        fake.user_message(
            f"<@{fake.bot_user['id']}> what did Putin propose?",
            author=fake.user("b"),
            mentions=[fake.bot_user],
            channel=harness.other,
        ),
    ]
    before = len(fake.requests)
    for message in ignored:
        await fake.say(message)
    await settle(0.5)
    assert fake.requests[before:] == []


# -- performance and gateway health --------------------------------------------------


async def test_latency_concurrency_and_heartbeats(harness: Harness) -> None:
    fake = harness.fake
    session = fake.session
    first_beat = len(session.heartbeats)
    started = time.perf_counter()

    acks, answers = [], []
    for i in range(20):
        interaction, sent = await slash(
            harness, "ask", {"question": QUESTION}, user=fake.user(f"seq{i}")
        )
        acks.append((await callback_of(harness, interaction)).time - sent)
        answers.append((await followup_of(harness, interaction)).time - sent)
    ack_ms, answer_ms = statistics.median(acks) * 1000, statistics.median(answers) * 1000

    burst = [
        fake.slash("ask", {"question": q}, invoker=fake.user(f"burst{i}"), channel=harness.allowed)
        for i, q in enumerate([QUESTION, OFF_TOPIC] * 10)
    ]
    burst_started = time.perf_counter()
    await asyncio.gather(*(fake.interact(i) for i in burst))
    followups = await asyncio.gather(*(followup_of(harness, i, timeout=60) for i in burst))
    burst_seconds = max(f.time for f in followups) - burst_started
    await asyncio.sleep(2 * HEARTBEAT_MS / 1000)  # let heartbeats continue past the burst

    beats = session.heartbeats[first_beat:]
    gaps = session.heartbeat_gaps()[first_beat:]
    elapsed = time.perf_counter() - started
    print(
        f"\n/ask over 20 sequential interactions: median ack {ack_ms:.1f} ms, "
        f"median follow-up {answer_ms:.1f} ms (max {max(answers) * 1000:.1f} ms)\n"
        f"20 concurrent /ask: all {len(followups)} answered in {burst_seconds:.2f} s; "
        f"{len(beats)} heartbeats over {elapsed:.1f} s at {HEARTBEAT_MS} ms, all acked: "
        f"{all(b.acked for b in beats)}, largest gap {max(gaps) * 1000:.0f} ms"
    )
    assert ack_ms < 500 and answer_ms < 3000
    assert all(f.status == 200 and f.json["embeds"] for f in followups)
    assert len(beats) >= int(elapsed / (HEARTBEAT_MS / 1000)) - 1
    assert all(b.acked is not None for b in beats)
    # Late means the event loop was blocked: Discord drops a bot that misses beats.
    # Answering on the loop (20 x ~50 ms in the burst) would show as a gap of a second.
    assert not stalls(gaps, HEARTBEAT_MS), gaps


# -- lifecycle ---------------------------------------------------------------------


async def test_sigterm_closes_the_bot_cleanly(harness: Harness, engine) -> None:
    fake = harness.fake
    sessions_before = len(fake.sessions)
    bot = TalkBot(engine, DiscordSettings(guild_ready_timeout=0))
    with fake.patched():
        task = asyncio.create_task(run_until_signal(bot, "fake-token"))
        while len(fake.sessions) == sessions_before or not fake.session.ready.is_set():
            await asyncio.sleep(0.02)
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        own = fake.session
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.wait_for(task, 10)
    assert bot.is_closed()
    await asyncio.wait_for(own.closed.wait(), 5)
    # The module's bot is unaffected and still answers.
    assert not harness.bot.is_closed()
    assert fake.api_base == discord.http.Route.BASE


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("frobnicate", None),  # a command this bot no longer has
        ("ask", {"query": "What did Putin propose?"}),  # an option renamed since
    ],
)
async def test_commands_discord_holds_an_older_copy_of_say_to_sync(
    harness: Harness, name: str, options: dict[str, Any] | None, caplog
) -> None:
    interaction, _ = await slash(harness, name, options)
    reply = await callback_of(harness, interaction)
    assert reply.json["type"] == 4 and reply.json["data"]["flags"] & EPHEMERAL
    assert "talkbot sync" in reply.json["data"]["content"]
    assert "does not match this bot's" in caplog.text
    assert "unexpected error" not in caplog.text


async def test_unexpected_errors_get_an_apology_and_a_logged_traceback(
    harness: Harness, settings, caplog: pytest.LogCaptureFixture
) -> None:
    # The placeholder `talkbot commands` uses raises when asked: a real unexpected error.
    fake = harness.fake
    sessions_before = len(fake.sessions)
    bot = TalkBot(EngineNotLoaded(settings), DiscordSettings(guild_ready_timeout=0))
    with fake.patched():
        task = asyncio.create_task(bot.start("fake-token"))
        while len(fake.sessions) == sessions_before or not fake.session.ready.is_set():
            await asyncio.sleep(0.02)
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        interaction, _ = await slash(harness, "ask", {"question": QUESTION})
        followup = await followup_of(harness, interaction)
        await bot.close()
        await task
    assert (await callback_of(harness, interaction)).json == {"type": 5}
    assert followup.json["content"] == APOLOGY
    assert followup.json["flags"] & EPHEMERAL
    # The public "thinking…" goes first: Discord would otherwise show the apology in its
    # place, to the whole channel, whatever the ephemeral flag says.
    calls = [(r.method, r.path.rsplit("/", 1)[-1]) for r in fake.requests_for(interaction["token"])]
    assert calls.index(("DELETE", "@original")) < calls.index(("POST", interaction["token"]))
    assert "unexpected error in /ask" in caplog.text
    assert "RuntimeError: EngineNotLoaded cannot answer" in caplog.text
