"""Keep the bot's memory flat across bursts of questions.

Answers are computed in worker threads. glibc gives each new thread its own malloc
arena, and the model's first call in a thread leaves tens of megabytes there that are
free but never returned. Capping the number of arenas (what ``MALLOC_ARENA_MAX=2`` does
in the environment) keeps resident memory flat after a burst; the load test measures it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging

log = logging.getLogger("talkbot.discord")

M_ARENA_MAX = -8  # from glibc's malloc.h
ARENAS = 2


def limit_malloc_arenas(arenas: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas for this process; False where that isn't possible."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        return bool(libc.mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to cap
        log.debug("mallopt is not available; malloc arenas are not capped")
        return False


def freeze_loaded_state() -> None:
    """Move everything alive now (the model, the index) out of the collector's full passes.

    A full pass walks every tracked object while holding the GIL: with the model and the
    index loaded that pauses the event loop, and the gateway heartbeat, for 60 ms in a
    fresh process and 300 ms in a long test session. Loaded state lives as long as the
    process, so it need not be walked again; what is made afterwards still is.
    """
    gc.collect()
    gc.freeze()
