"""Button views shared by the cogs: a timed base, the feedback buttons and the pager.

Views live in memory: after ``buttons_timeout_seconds`` (or a restart) their buttons stop
working, so on timeout they are disabled on the message to say so. Blocking work (writing
a vote) runs off the event loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any, ClassVar

import discord

from bot.feedback import FeedbackEntry, FeedbackStore, Vote
from bot.render import SourcePage
from bot.replies import APOLOGY, NO_PINGS, defer_update, send_ephemeral
from index.errors import TalkbotError
from index.records import Answer

log = logging.getLogger("talkbot.discord")


EXPIRED_BUTTONS = "These buttons have expired: ask again (or run the command again) for new ones."
# The custom_id prefixes of this bot's buttons (feedback:up, pager:next, ...).
OUR_BUTTONS = ("feedback:", "pager:")


class TimedView(discord.ui.View):
    """Disables its buttons on timeout and apologises for unexpected errors."""

    # Messages whose buttons a view in this process still answers. A click on any other
    # message's buttons (after a restart, or when disabling them at timeout failed) would
    # otherwise get Discord's "This interaction failed".
    live_messages: ClassVar[set[int]] = set()

    def __init__(self, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self._message: discord.Message | discord.WebhookMessage | None = None

    @property
    def message(self) -> discord.Message | discord.WebhookMessage | None:
        """The message carrying this view; set by whoever sends it, used to disable it."""
        return self._message

    @message.setter
    def message(self, value: discord.Message | discord.WebhookMessage | None) -> None:
        self._message = value
        if value is not None:
            TimedView.live_messages.add(value.id)

    async def on_timeout(self) -> None:
        if self.message is not None:
            TimedView.live_messages.discard(self.message.id)
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self.message is None:
            return
        try:
            await self.message.edit(view=self)
        except discord.HTTPException as exc:
            # The message was deleted, or its interaction token expired: nothing to disable.
            log.debug("could not disable buttons on message %s: %s", self.message.id, exc)

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        if isinstance(error, TalkbotError):
            await send_ephemeral(interaction, str(error))
            return
        log.error("unexpected error in button %s", getattr(item, "custom_id", item), exc_info=error)
        await send_ephemeral(interaction, APOLOGY)


class FeedbackView(TimedView):
    """👍/👎 under an answer; anyone who sees the answer may vote, last vote counts."""

    def __init__(self, answer: Answer, store: FeedbackStore, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.answer = answer
        self.store = store

    @discord.ui.button(emoji="👍", style=discord.ButtonStyle.secondary, custom_id="feedback:up")
    async def up(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._vote(interaction, "up")

    @discord.ui.button(emoji="👎", style=discord.ButtonStyle.secondary, custom_id="feedback:down")
    async def down(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._vote(interaction, "down")

    async def _vote(self, interaction: discord.Interaction, vote: Vote) -> None:
        message_id = interaction.message.id if interaction.message else None
        entry = FeedbackEntry.from_answer(self.answer, vote, interaction.user.id, message_id)
        # Acknowledge the click before the disk is touched: a slow or stuck write must
        # not leave the voter with "This interaction failed". The answer is not edited;
        # "recorded" still follows only once the vote is.
        await defer_update(interaction)
        try:
            await asyncio.to_thread(self.store.record, entry)
        except TalkbotError as exc:
            # The detail (a server path) is for the bot's log, not for the voter.
            log.error("could not record a %s vote on message %s: %s", vote, message_id, exc)
            await send_ephemeral(interaction, "Sorry, your vote couldn't be recorded just now.")
            return
        emoji = "👍" if vote == "up" else "👎"
        await send_ephemeral(interaction, f"Thanks — your {emoji} is recorded.")


class PagerView(TimedView):
    """◀ ▶ through pre-rendered pages; only the person who asked can turn them."""

    def __init__(
        self, pages: Sequence[SourcePage], owner: discord.abc.User, timeout: float
    ) -> None:
        super().__init__(timeout=timeout)
        self.pages = list(pages)
        self.owner_id = owner.id
        self.owner_name = owner.display_name
        self.index = 0
        self._sync_buttons()

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await send_ephemeral(
            interaction,
            f"Only {self.owner_name} can page through this list; use /sources to get your own.",
        )
        return False

    @discord.ui.button(emoji="◀", style=discord.ButtonStyle.secondary, custom_id="pager:prev")
    async def prev(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._show(interaction, self.index - 1)

    @discord.ui.button(emoji="▶", style=discord.ButtonStyle.secondary, custom_id="pager:next")
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await self._show(interaction, self.index + 1)

    async def _show(self, interaction: discord.Interaction, index: int) -> None:
        self.index = max(0, min(index, len(self.pages) - 1))
        self._sync_buttons()
        await interaction.response.edit_message(
            embed=self.pages[self.index].embed, view=self, allowed_mentions=NO_PINGS
        )

    def _sync_buttons(self) -> None:
        self.prev.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1


async def answer_expired_buttons(interaction: discord.Interaction) -> None:
    """Listener: a click on this bot's buttons that no live view will answer is told why."""
    if interaction.type is not discord.InteractionType.component:
        return
    custom_id = str((interaction.data or {}).get("custom_id", ""))
    message = interaction.message
    if not custom_id.startswith(OUR_BUTTONS) or message is None:
        return
    if message.id not in TimedView.live_messages:
        await send_ephemeral(interaction, EXPIRED_BUTTONS)
