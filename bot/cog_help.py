"""/help: what the bot can do and how it cites, built from the registered commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.render import help_embed
from bot.replies import NO_PINGS

if TYPE_CHECKING:
    from bot.client import TalkBotBase


class HelpCog(commands.Cog, name="Help"):
    def __init__(self, bot: TalkBotBase) -> None:
        self.bot = bot

    @app_commands.command(name="help", description="What talkbot can do and how it cites sources")
    async def help(self, interaction: discord.Interaction) -> None:
        # Listed from the tree so the help text cannot drift from the registered commands.
        # Commands that carry default_permissions are the moderators' (Discord hides them
        # from others by default): listed last and marked, so nobody mistakes them for theirs.
        commands_ = [
            c
            for c in self.bot.tree.get_commands()
            if isinstance(c, app_commands.Command | app_commands.Group)
        ]
        listed = sorted(
            (c.name, c.description) for c in commands_ if c.default_permissions is None
        ) + sorted(
            (c.name, f"(moderators) {c.description}")
            for c in commands_
            if c.default_permissions is not None
        )
        max_chars = self.bot.engine.settings.answer.max_question_chars
        await interaction.response.send_message(
            embed=help_embed(listed, max_chars), ephemeral=True, allowed_mentions=NO_PINGS
        )
