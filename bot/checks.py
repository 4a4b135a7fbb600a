"""Runtime checks shared by the cogs (permission hints sent to Discord are not checks).

A failing check raises ``app_commands.CheckFailure`` with the user's explanation; the
tree's error handler shows it ephemerally.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import discord
from discord import app_commands


def channel_allowed(channel: Any, allowed: Sequence[int]) -> bool:
    """Whether the bot answers in ``channel``: listed itself, or a thread of a listed one."""
    if not allowed:
        return True
    if channel is None:
        return False
    if channel.id in allowed:
        return True
    parent_id = getattr(channel, "parent_id", None)
    return parent_id is not None and parent_id in allowed


def channels_text(allowed: Sequence[int]) -> str:
    return ", ".join(f"<#{c}>" for c in allowed)


def in_allowed_channel() -> Callable[[Any], Any]:
    """App-command check: the invoking channel is one of ``discord.channels`` (if set)."""

    async def predicate(interaction: discord.Interaction) -> bool:
        allowed = interaction.client.discord_settings.channels  # type: ignore[attr-defined]
        if channel_allowed(interaction.channel, allowed):
            return True
        raise app_commands.CheckFailure(f"I only answer in {channels_text(allowed)}.")

    return app_commands.check(predicate)
