"""Run a real bot against the fake, and read back what happened to each interaction.

``running`` logs a bot in and closes it afterwards; ``fake_in_thread`` serves the fake
from its own event loop so synchronous code that calls ``asyncio.run`` (the ``talkbot
run`` command) can talk to it; ``Outcome`` sorts the REST calls about one interaction
into its callback and follow-ups.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import discord

from .server import CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, FakeDiscord, RecordedRequest


@contextlib.asynccontextmanager
async def running(
    fake: FakeDiscord, bot: discord.Client, token: str = "fake-token", timeout: float = 20.0
) -> AsyncIterator[asyncio.Task[None]]:
    """Start ``bot`` against ``fake`` and wait until it is ready; close it on exit."""
    with fake.patched():
        task = asyncio.create_task(bot.start(token))
        try:
            waiter = asyncio.create_task(bot.wait_until_ready())
            done, _ = await asyncio.wait(
                {task, waiter}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            if task in done:  # the bot stopped before it was ready: show why
                waiter.cancel()
                task.result()
            if waiter not in done:
                waiter.cancel()
                raise TimeoutError("the bot did not become ready")
            yield task
        finally:
            await bot.close()
            with contextlib.suppress(Exception):
                await task


@contextlib.contextmanager
def fake_in_thread(fake: FakeDiscord) -> Iterator[FakeDiscord]:
    """Serve ``fake`` from a background thread, patched in, for synchronous callers."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fake-discord", daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(fake.start(), loop).result(10)
        with fake.patched():
            yield fake
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@dataclass(frozen=True)
class Outcome:
    """What the bot sent about one interaction."""

    callbacks: list[RecordedRequest]
    followups: list[RecordedRequest]  # POSTs to the interaction's webhook, any status

    @classmethod
    def of(cls, fake: FakeDiscord, interaction: dict[str, Any]) -> Outcome:
        token = interaction["token"]
        webhook = f"/webhooks/{fake.application_id}/{token}"
        mine = fake.requests_for(token)
        return cls(
            [r for r in mine if r.path.endswith("/callback") and r.status < 300],
            [r for r in mine if r.method == "POST" and r.path == webhook],
        )

    @property
    def delivered(self) -> list[RecordedRequest]:
        return [r for r in self.followups if r.status < 300]

    @property
    def answered(self) -> bool:
        """Deferred ("thinking…"), then exactly one follow-up with the answer embed."""
        return (
            len(self.callbacks) == 1
            and self.callbacks[0].json["type"] == DEFERRED_CHANNEL_MESSAGE
            and len(self.delivered) == 1
            and bool(self.delivered[0].json.get("embeds"))
        )

    @property
    def notice(self) -> str | None:
        """The text of an immediate ephemeral reply (e.g. the cooldown's), if that was all."""
        if len(self.callbacks) != 1 or self.followups:
            return None
        body = self.callbacks[0].json
        if body["type"] != CHANNEL_MESSAGE or not body["data"].get("flags", 0) & 64:
            return None
        return body["data"].get("content")


async def wait_for(predicate: Any, timeout: float, interval: float = 0.05) -> None:
    """Poll ``predicate()`` until it is true; TimeoutError after ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise TimeoutError(f"condition not met within {timeout} s")
        await asyncio.sleep(interval)
