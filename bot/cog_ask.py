"""/ask and answering messages that mention the bot.

Both paths share one per-user cooldown and one rendering, and both run the engine off
the event loop (``asyncio.to_thread``) so the gateway heartbeat never stalls. /ask
acknowledges at once ("thinking…") because answering can take longer than the three
seconds Discord allows before the first response.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import channel_allowed, in_allowed_channel
from bot.cooldown import UserCooldown
from bot.question import clean_question, mentions_bot, strip_bot_mention
from bot.render import answer_embed, notice
from bot.replies import (
    APOLOGY,
    NO_PINGS,
    refuse_after_defer,
    send_ephemeral,
    start_slow_reply,
    wait_message,
)
from bot.settings import DISCORD_MAX_OPTION_CHARS
from bot.views import FeedbackView
from index.errors import QuestionError
from index.records import Answer

if TYPE_CHECKING:
    from bot.client import TalkBotBase

log = logging.getLogger("talkbot.discord")


class AskCog(commands.Cog, name="Ask"):
    def __init__(self, bot: TalkBotBase) -> None:
        self.bot = bot
        ds = bot.discord_settings
        self.cooldown = UserCooldown(ds.ask_cooldown_uses, ds.ask_cooldown_seconds)
        self.max_chars = min(
            bot.engine.settings.answer.max_question_chars, DISCORD_MAX_OPTION_CHARS
        )
        # The option's max_length comes from config, which decorators cannot see. The cog
        # holds its own copy of the command and of its parameter dict, so replacing the
        # parameter here changes only this bot's payload.
        params = self.ask._params  # no public setter in discord.py 2.7
        params["question"] = dataclasses.replace(params["question"], max_value=self.max_chars)

    @app_commands.command(
        name="ask",
        description="Ask about news coverage of the Russia–Ukraine peace talks (cited quotes)",
    )
    @app_commands.describe(
        question="Your question, e.g. What did Putin propose in Istanbul?",
        private="Show the answer only to you (default: visible to the channel)",
    )
    @in_allowed_channel()
    async def ask(
        self,
        interaction: discord.Interaction,
        question: app_commands.Range[str, 1, DISCORD_MAX_OPTION_CHARS],
        private: bool = False,
    ) -> None:
        started = time.perf_counter()
        try:
            text = clean_question(question, self.max_chars)
        except QuestionError as exc:
            await send_ephemeral(interaction, str(exc))
            return
        if not await start_slow_reply(interaction, self.cooldown, ephemeral=private):
            return
        try:
            answer = await self.bot.run_engine(self.bot.engine.ask, text)
        except QuestionError as exc:
            await refuse_after_defer(interaction, str(exc), private=private)
            return
        view = FeedbackView(
            answer, self.bot.feedback, self.bot.discord_settings.buttons_timeout_seconds
        )
        try:
            view.message = await interaction.followup.send(
                embed=answer_embed(answer),
                view=view,
                ephemeral=private,
                allowed_mentions=NO_PINGS,
                wait=True,
            )
        except discord.NotFound:
            view.stop()
            log.warning("interaction %s expired before the answer was sent", interaction.id)
            return
        except discord.HTTPException as exc:
            view.stop()
            log.warning("could not send the answer to interaction %s: %s", interaction.id, exc)
            # Left alone, the asker would watch "thinking…" for ever.
            await refuse_after_defer(interaction, APOLOGY, private=private)
            return
        log_answer("slash", interaction.user.id, interaction.guild_id, answer, started)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if me is None or not self._is_question_for_me(message, me.id):
            return
        try:
            await self._answer_message(message, me.id)
        except discord.HTTPException as exc:
            log.warning("could not answer message %s: %s", message.id, exc)
        except Exception:
            log.exception("unexpected error answering message %s", message.id)
            await self._reply_notice(message, APOLOGY)

    def _is_question_for_me(self, message: discord.Message, my_id: int) -> bool:
        if message.author.bot or message.webhook_id is not None:
            return False  # never answer bots, ourselves included: no reply loops
        if not self.bot.discord_settings.answer_mentions:
            return False
        # @everyone/@here set mention_everyone but do not put us in mentions: ignore them.
        if not any(user.id == my_id for user in message.mentions):
            return False
        # A reply to one of our answers puts us in mentions too ("thanks!"); only a
        # mention written in the text asks a question.
        if not mentions_bot(message.content, my_id):
            return False
        return channel_allowed(message.channel, self.bot.discord_settings.channels)

    async def _answer_message(self, message: discord.Message, my_id: int) -> None:
        started = time.perf_counter()
        try:
            text = clean_question(strip_bot_mention(message.content, my_id), self.max_chars)
        except QuestionError as exc:
            await self._reply_notice(message, str(exc))
            return
        wait = self.cooldown.hit(message.author.id)
        if wait is not None:
            await self._reply_notice(message, wait_message(wait))
            return
        try:
            # One indicator (it lasts ten seconds; answers take well under one). A channel
            # that refuses it must not cost the answer.
            await message.channel.typing()
        except discord.HTTPException as exc:
            log.debug("no typing indicator in channel %s: %s", message.channel.id, exc)
        try:
            answer = await self.bot.run_engine(self.bot.engine.ask, text)
        except QuestionError as exc:
            await self._reply_notice(message, str(exc))
            return
        view = FeedbackView(
            answer, self.bot.feedback, self.bot.discord_settings.buttons_timeout_seconds
        )
        view.message = await message.reply(
            embed=answer_embed(answer), view=view, allowed_mentions=NO_PINGS, mention_author=False
        )
        log_answer(
            "mention", message.author.id, message.guild and message.guild.id, answer, started
        )

    async def _reply_notice(self, message: discord.Message, text: str) -> None:
        try:
            await message.reply(notice(text), allowed_mentions=NO_PINGS, mention_author=False)
        except discord.HTTPException as exc:
            log.warning("could not reply to message %s: %s", message.id, exc)


def log_answer(
    via: str, user_id: int, guild_id: int | None, answer: Answer, started: float
) -> None:
    """One line per answered question, with its latency (the question text is not logged)."""
    log.info(
        "answered via=%s user=%s guild=%s found=%s citations=%d engine=%.3fs latency=%.3fs",
        via,
        user_id,
        guild_id,
        answer.found,
        len(answer.citations),
        answer.timings.get("total", 0.0),
        time.perf_counter() - started,
    )
