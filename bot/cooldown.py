"""Per-user rate limit shared by /ask and mention questions.

One budget per user for both paths, so switching from /ask to mentions does not double
the rate. discord.py's ``app_commands.Cooldown`` does the token arithmetic; this class
only keeps one per user and forgets idle ones so the map does not grow without bound.
"""

from __future__ import annotations

import time

from discord import app_commands


class UserCooldown:
    def __init__(self, uses: int, per_seconds: float) -> None:
        self.uses = uses
        self.per_seconds = per_seconds
        self._buckets: dict[int, app_commands.Cooldown] = {}

    def hit(self, user_id: int) -> float | None:
        """Spend one use for ``user_id``; return the seconds to wait if none is left."""
        if self.per_seconds <= 0:
            return None
        now = time.time()
        if len(self._buckets) > 1000:
            self._forget_idle(now)
        bucket = self._buckets.setdefault(
            user_id, app_commands.Cooldown(self.uses, self.per_seconds)
        )
        return bucket.update_rate_limit(now)

    def _forget_idle(self, now: float) -> None:
        for user_id, bucket in list(self._buckets.items()):
            if bucket.get_tokens(now) == self.uses:
                del self._buckets[user_id]
