"""Load: 200 /ask interactions in about two seconds, twice, with an index refresh midway.

A real bot answers from a private engine (its own copy of the seeds, so the refreshes
cannot disturb other tests) through the fake Discord. Forty users ask five times each,
so the per-user cooldown lets three of each through and tells the rest to wait. The
first burst runs a full rebuild (every article re-embedded) alongside; the second an
incremental refresh (one file's bytes changed) whose swap lands while answers are still
going out. The test checks that every interaction gets exactly one acknowledgement and
either exactly one answer or the cooldown notice, that the answers are exactly what the
engine gave before (the swaps changed nothing), that heartbeats kept their rhythm, and
that memory is flat (no index outlives its swap; Python holds no more than the live
views and the fake's records). It prints the figures.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import logging
import os
import sys
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from bot.client import TalkBot
from bot.feedback import FeedbackStore
from bot.memory import freeze_loaded_state
from bot.render import answer_embed
from bot.settings import DiscordSettings
from index.build import build_index
from index.engine import Engine
from tests.fakediscord import FakeDiscord, stalls
from tests.fakediscord.harness import Outcome, running, wait_for

pytestmark = pytest.mark.asyncio(loop_scope="session")

HEARTBEAT_MS = 300
USERS, ASKS_PER_USER, COOLDOWN_USES = 40, 5, 3
SEND_GAP = 0.01  # seconds between interactions: 200 in about two seconds
QUESTIONS = [
    "What did Putin propose?",
    "Where would the direct talks be held?",
    "What did Zelenskyy demand before talks?",
    "Did Russia agree to a ceasefire?",
    "How do I bake banana bread?",  # not answered by the articles: a found=False embed
]
PAGE = os.sysconf("SC_PAGE_SIZE")
LIBC = ctypes.CDLL(ctypes.util.find_library("c"))


def collect() -> None:
    """Free what Python and glibc hold but nobody uses, so RSS shows live memory only.

    Without malloc_trim, glibc keeps freed memory in per-thread arenas: the first
    embedding run in each new worker thread leaves ~40-70 MB of RSS that is free, not
    leaked. The bot caps arenas when it starts (bot/memory.py), as MALLOC_ARENA_MAX=2 would.
    """
    gc.collect()
    LIBC.malloc_trim(0)


def rss_mb() -> float:
    """Resident memory of this process, from /proc/self/statm (no psutil needed)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE / 2**20


def embed_text(embed: dict[str, Any]) -> tuple[Any, ...]:
    fields = tuple((f["name"], f["value"]) for f in embed.get("fields", []))
    return embed.get("title"), embed.get("description"), fields


@dataclass
class Burst:
    """What one burst of interactions produced, and what it did to the process."""

    interactions: list[dict[str, Any]]
    outcomes: dict[str, Outcome]  # by interaction token
    questions: dict[str, str]  # by interaction token
    sent: float  # seconds to send them all
    settled: float  # seconds until every one was answered or told to wait
    swap: float  # seconds from the first interaction to the refresh's index swap
    gaps: list[float]  # between heartbeats, seconds
    unacked: int
    max_lag: float  # the longest the event loop was late waking a sleeper, seconds
    rss_before: float
    rss_after: float
    rss_gc: float
    start_time: float  # time.perf_counter() when the first interaction was sent
    blocks_grown: int  # Python objects' memory blocks still held after the burst
    old_index_alive: bool  # whether the swapped-out index survived garbage collection

    @property
    def answered(self) -> list[str]:
        return [t for t, o in self.outcomes.items() if o.answered]

    @property
    def waited(self) -> list[str]:
        return [t for t, o in self.outcomes.items() if o.notice and "please wait" in o.notice]

    @property
    def lost(self) -> int:
        return len(self.interactions) - len(self.answered) - len(self.waited)

    def report(self, name: str) -> str:
        after_swap = sum(
            o.delivered[0].time - self.start_time > self.swap
            for o in self.outcomes.values()
            if o.answered
        )
        return (
            f"{name}: {len(self.interactions)} /ask from {USERS} users sent in {self.sent:.2f} s; "
            f"answered {len(self.answered)}, told to wait {len(self.waited)}, lost {self.lost}; "
            f"all settled after {self.settled:.1f} s; index swapped at {self.swap:.1f} s "
            f"({after_swap} answers after the swap)\n"
            f"  heartbeats every {HEARTBEAT_MS} ms: largest gap {max(self.gaps) * 1000:.0f} ms, "
            f"unacked {self.unacked}, largest event-loop lag {self.max_lag * 1000:.1f} ms; "
            f"RSS {self.rss_before:.1f} MB before, {self.rss_after:.1f} after, "
            f"{self.rss_gc:.1f} after gc + malloc_trim ({self.rss_gc - self.rss_before:+.1f} MB); "
            f"Python blocks {self.blocks_grown:+d}; old index freed: {not self.old_index_alive}"
        )


async def burst(
    fake: FakeDiscord, engine: Engine, name: str, refresh: Callable[[], object]
) -> Burst:
    """Send USERS x ASKS_PER_USER /ask, running ``refresh`` in a thread a quarter in."""
    session = fake.session
    users = [fake.user(f"{name}{i}") for i in range(USERS)]
    # Users take turns, so each one's questions are spread over the burst.
    plan = [(users[i % USERS], QUESTIONS[i % len(QUESTIONS)]) for i in range(USERS * ASKS_PER_USER)]
    interactions = [fake.slash("ask", {"question": q}, invoker=u) for u, q in plan]
    questions = {i["token"]: q for i, (_, q) in zip(interactions, plan, strict=True)}
    collect()
    rss_before = rss_mb()
    blocks_before = sys.getallocatedblocks()
    old_index = weakref.ref(engine.data)
    beats_before = len(session.heartbeats)
    lags: list[float] = []

    async def sample_lag() -> None:
        # discord.py's own bot.latency races its keep-alive thread at these intervals;
        # how late the loop wakes a 20 ms sleeper is what delays the heartbeat.
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.02)
            lags.append(time.perf_counter() - before - 0.02)

    sampler = asyncio.create_task(sample_lag())
    swapped: list[float] = []

    def refresh_and_note() -> None:
        refresh()
        swapped.append(time.perf_counter())

    started = time.perf_counter()
    refreshing = None
    for n, interaction in enumerate(interactions):
        if n == len(interactions) // 4:
            refreshing = asyncio.create_task(asyncio.to_thread(refresh_and_note))
        await fake.interact(interaction)
        await asyncio.sleep(SEND_GAP)
    sent = time.perf_counter() - started

    def settled() -> bool:
        outcomes = (Outcome.of(fake, i) for i in interactions)
        return all(o.answered or o.notice for o in outcomes)

    await wait_for(settled, 40, interval=0.2)
    settled_after = time.perf_counter() - started
    assert refreshing is not None
    await refreshing
    await asyncio.sleep(2 * HEARTBEAT_MS / 1000)  # heartbeats go on after the burst
    sampler.cancel()
    rss_after = rss_mb()
    collect()
    beats = session.heartbeats[beats_before:]
    return Burst(
        interactions,
        {i["token"]: Outcome.of(fake, i) for i in interactions},
        questions,
        sent,
        settled_after,
        swapped[0] - started,
        session.heartbeat_gaps()[beats_before:],
        sum(b.acked is None for b in beats),
        max(lags),
        rss_before,
        rss_after,
        rss_mb(),
        started,
        sys.getallocatedblocks() - blocks_before,
        old_index() is not None,
    )


async def test_200_interactions_twice_with_refreshes_midway(
    corpus_copy, embedder, tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    await asyncio.to_thread(build_index, corpus_copy, embedder)
    engine = Engine.open(corpus_copy, embedder)
    # One full rebuild before measuring: its first run sizes native buffers (torch's
    # batch encoding, FAISS, the dateparser tables) that stay for the life of the
    # process. "Flat" means the bursts leave nothing behind, not that libraries never warm up.
    await asyncio.to_thread(engine.refresh, incremental=False)
    expected = {q: embed_text(answer_embed(engine.ask(q)).to_dict()) for q in QUESTIONS}
    folders = [engine.data.folder]

    fake = FakeDiscord(heartbeat_interval_ms=HEARTBEAT_MS)
    await fake.start()
    ds = DiscordSettings(
        ask_cooldown_uses=COOLDOWN_USES, ask_cooldown_seconds=300, guild_ready_timeout=0
    )
    bot = TalkBot(engine, ds, feedback=FeedbackStore(tmp_path / "feedback.jsonl"))
    # As `talkbot run` does once loaded: a full collection over a long test session's
    # objects paused the loop (and the heartbeat the tests measure) for 300 ms.
    freeze_loaded_state()
    async with running(fake, bot):
        # First the heaviest refresh, re-embedding every article while the askers wait;
        # then a quick incremental one whose swap lands mid-burst.
        heavy = await burst(fake, engine, "heavy", lambda: engine.refresh(incremental=False))
        folders.append(engine.data.folder)
        # An unchanged corpus makes refresh a no-op; trailing blank lines change one
        # file's bytes (so it is re-read, re-embedded and swapped) but not its text.
        touched = sorted(corpus_copy.seeds_dir.glob("*.txt"))[0]
        touched.write_bytes(touched.read_bytes() + b"\n\n")
        quick = await burst(fake, engine, "quick", lambda: engine.refresh(incremental=True))
        folders.append(engine.data.folder)
    await fake.stop()
    print(
        "\n"
        + heavy.report("load, full rebuild midway")
        + "\n"
        + quick.report("load, quick refresh midway")
    )

    gateway_warnings = [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("discord")
        and any(s in r.msg for s in ("heartbeat blocked", "Can't keep up", "stopped responding"))
    ]
    assert gateway_warnings == []
    assert len(set(folders)) == 3  # each refresh swapped in a new index
    for b in (heavy, quick):
        # None lost: one acknowledgement each, then one answer or one cooldown notice.
        assert b.lost == 0
        assert all(len(o.callbacks) == 1 for o in b.outcomes.values())
        assert len(b.answered) == USERS * COOLDOWN_USES
        assert len(b.waited) == USERS * (ASKS_PER_USER - COOLDOWN_USES)
        # The swap changed nothing the askers saw.
        for token in b.answered:
            [embed] = b.outcomes[token].delivered[0].json["embeds"]
            assert embed_text(embed) == expected[b.questions[token]]
        # The event loop never stalled: Discord drops a bot that misses heartbeats.
        assert b.unacked == 0
        assert not stalls(b.gaps, HEARTBEAT_MS), b.gaps
    # Memory: flat once freed memory is returned (see collect()). The exact measures
    # are Python's: each swapped-out index is garbage-collected, and what a burst leaves
    # held is the fake Discord's own records and the live feedback views (~35k blocks,
    # about 2 MB). Resident memory after malloc_trim wanders by +/-40 MB from run to run
    # (native buffers of torch's worker threads), so its bound only catches real growth.
    for b in (heavy, quick):
        assert not b.old_index_alive
        assert b.blocks_grown < 60_000, b.blocks_grown
        assert b.rss_gc - b.rss_before < 100
    # Both bursts together wander twice as far: +103 MB was seen once in a fresh-clone run
    # (the same test alone: +26 to +80). Growth per burst keeps its 100 MB bound, and the
    # Python block count and the freed old index above are the exact leak checks.
    assert quick.rss_gc - heavy.rss_before < 150
