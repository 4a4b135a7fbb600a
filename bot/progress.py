"""Carry a worker thread's progress messages to the event loop, throttled.

A refresh runs in a thread (``asyncio.to_thread``) and reports stages through a plain
callback. :class:`ProgressRelay` is that callback: it hops to the loop with
``call_soon_threadsafe`` and an async task shows the latest stage, at most one edit per
``interval`` seconds (Discord rate-limits message edits). The callback never raises
into the worker: a closed loop or a failed edit must not fail the refresh.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger("talkbot.discord")


class ProgressRelay:
    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        show: Callable[[str], Awaitable[object]],
        interval: float,
    ) -> None:
        self._loop = loop
        self._show = show
        self._interval = interval
        self._latest: str | None = None
        self._changed = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.shown: list[str] = []  # what was displayed, for logs and tests

    def __call__(self, stage: str) -> None:
        """The progress callback: safe to call from any thread."""
        with contextlib.suppress(RuntimeError):  # the loop has closed: nobody to tell
            self._loop.call_soon_threadsafe(self._set, stage)

    def _set(self, stage: str) -> None:
        self._latest = stage
        self._changed.set()

    def start(self) -> None:
        self._task = self._loop.create_task(self._run())

    async def stop(self) -> None:
        """Stop showing progress; an edit under way finishes first, so none comes after."""
        self._stopping.set()
        if self._task is not None:
            await self._task

    async def _run(self) -> None:
        last = 0.0
        while True:
            changed = asyncio.ensure_future(self._changed.wait())
            stopping = asyncio.ensure_future(self._stopping.wait())
            await asyncio.wait({changed, stopping}, return_when=asyncio.FIRST_COMPLETED)
            changed.cancel()
            stopping.cancel()
            if self._stopping.is_set():
                return
            wait = last + self._interval - time.monotonic()
            if wait > 0:  # later stages replace earlier ones meanwhile
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), wait)
                if self._stopping.is_set():
                    return
            self._changed.clear()
            stage = self._latest
            if stage is None:
                continue
            last = time.monotonic()
            try:
                await self._show(stage)
                self.shown.append(stage)
            except Exception as exc:  # an expired interaction, a rate limit, ...
                log.warning("could not show refresh progress: %s", exc)
