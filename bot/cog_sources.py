"""/sources: the indexed articles, paged with buttons when they need more than one embed."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import in_allowed_channel
from bot.render import source_pages
from bot.replies import NO_PINGS, defer_thinking
from bot.views import PagerView

if TYPE_CHECKING:
    from bot.client import TalkBotBase


class SourcesCog(commands.Cog, name="Sources"):
    def __init__(self, bot: TalkBotBase) -> None:
        self.bot = bot

    @app_commands.command(
        name="sources", description="List the indexed articles: title, outlet, date, passages"
    )
    @in_allowed_channel()
    async def sources(self, interaction: discord.Interaction) -> None:
        await defer_thinking(interaction)
        infos = await self.bot.run_engine(self.bot.engine.sources)
        ds = self.bot.discord_settings
        # Off the event loop: a large library is hundreds of embeds to render.
        pages = await asyncio.to_thread(source_pages, infos, ds.sources_per_page)
        if len(pages) == 1:
            await interaction.followup.send(embed=pages[0].embed, allowed_mentions=NO_PINGS)
            return
        view = PagerView(pages, interaction.user, ds.buttons_timeout_seconds)
        view.message = await interaction.followup.send(
            embed=pages[0].embed, view=view, allowed_mentions=NO_PINGS, wait=True
        )
