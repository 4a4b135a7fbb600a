"""/timeline [topic] [since] [until]: dated events as an embed list with a chart attached.

Each event is a line ``date — start of its sentence [n]``; fields under the list name the
articles ``[n]`` points to. Long timelines are paged with ◀ ▶ (only the person who asked
turns the pages); every page shows the same chart, a PNG drawn by :mod:`bot.chart`. The
engine call and the chart both run off the event loop, through the bot's bounded worker
slots. Dates that are not ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` are refused at once,
ephemerally, before anything runs; so are a topic with no events and an empty range.
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import in_allowed_channel
from bot.cooldown import UserCooldown
from bot.render import (
    ANSWER_COLOUR,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FIELDS_LIMIT,
    TITLE_LIMIT,
    SourcePage,
    date_label,
    fit,
    link,
    one_line,
)
from bot.replies import NO_PINGS, refuse_after_defer, send_ephemeral, start_slow_reply
from bot.views import PagerView
from index.errors import QuestionError
from index.timeline import Event, Timeline, parse_bounds
from index.wording import plural

if TYPE_CHECKING:
    from bot.client import TalkBotBase

log = logging.getLogger("talkbot.discord")

EVENTS_PER_PAGE = 8
CHART_FILE = "timeline.png"
TOPIC_MAX_CHARS = 200
LINE_CHARS = 160  # of each event's sentence on its line
# Floors when a page must shrink to fit Discord's 6,000 characters: an event's sentence,
# and each source's outlet and (linked) title.
MIN_LINE_CHARS = 40
MIN_SOURCE_CHARS = 60
FOOTER = "Dates: YYYY-MM-DD, or YYYY-MM / YYYY when the article is no more precise. "


class TimelineCog(commands.Cog, name="Timeline"):
    def __init__(self, bot: TalkBotBase) -> None:
        self.bot = bot
        ds = bot.discord_settings
        # Its own budget, as expensive as a question: one engine call and a chart.
        self.cooldown = UserCooldown(ds.ask_cooldown_uses, ds.ask_cooldown_seconds)

    @app_commands.command(
        name="timeline", description="Dated events in the coverage, oldest first, with a chart"
    )
    @app_commands.describe(
        topic="Only events about this, e.g. Istanbul talks (default: every event)",
        since="From this date: YYYY-MM-DD, YYYY-MM or YYYY",
        until="Up to this date: YYYY-MM-DD, YYYY-MM or YYYY",
        chart="Attach the chart (default: yes)",
    )
    @in_allowed_channel()
    async def timeline(
        self,
        interaction: discord.Interaction,
        topic: app_commands.Range[str, 1, TOPIC_MAX_CHARS] | None = None,
        since: app_commands.Range[str, 1, 40] | None = None,
        until: app_commands.Range[str, 1, 40] | None = None,
        chart: bool = True,
    ) -> None:
        started = time.perf_counter()
        try:
            parse_bounds(since, until)  # refuse bad dates before "thinking…"
        except QuestionError as exc:
            await send_ephemeral(interaction, str(exc))
            return
        if not await start_slow_reply(interaction, self.cooldown):
            return
        try:
            result = await self.bot.run_engine(self.bot.engine.timeline, topic, since, until)
        except QuestionError as exc:
            await refuse_after_defer(interaction, str(exc))
            return
        png = await self._chart(result) if chart else None
        # Every page is rendered up front for the pager: at 100k passages (~700 events,
        # ~28k citations) that is 0.3 s of CPU, which must not stall the gateway.
        pages = await asyncio.to_thread(
            timeline_pages, result, EVENTS_PER_PAGE, image=png is not None
        )
        extra = {"file": discord.File(io.BytesIO(png), filename=CHART_FILE)} if png else {}
        if len(pages) == 1:
            await interaction.followup.send(
                embed=pages[0].embed, allowed_mentions=NO_PINGS, **extra
            )
        else:
            view = TimelinePager(
                pages, interaction.user, self.bot.discord_settings.buttons_timeout_seconds
            )
            view.message = await interaction.followup.send(
                embed=pages[0].embed, view=view, allowed_mentions=NO_PINGS, wait=True, **extra
            )
        log.info(
            "timeline user=%s guild=%s events=%d chart=%s latency=%.3fs",
            interaction.user.id,
            interaction.guild_id,
            len(result.events),
            png is not None,
            time.perf_counter() - started,
        )

    async def _chart(self, result: Timeline) -> bytes | None:
        # The list is the answer; a chart that fails to draw must not cost the user it.
        try:
            return await self.bot.run_engine(_render_chart, result)
        except Exception:
            log.exception("could not draw the timeline chart")
            return None


def _render_chart(result: Timeline) -> bytes:
    # Imported here, in the worker thread: matplotlib takes about a second to import,
    # which neither `talkbot commands` nor the event loop should pay.
    from bot.chart import render_chart

    return render_chart(result)


class TimelinePager(PagerView):
    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.owner_id:
            return True
        await send_ephemeral(
            interaction,
            f"Only {self.owner_name} can page through this timeline; "
            "use /timeline to get your own.",
        )
        return False


# -- rendering (pure) ------------------------------------------------------------------


def timeline_pages(timeline: Timeline, per_page: int, *, image: bool) -> list[SourcePage]:
    """The events as embeds of ``per_page`` lines, each with the articles its lines cite."""
    chunks = _pages_of(timeline.events, per_page)
    count = len(chunks)
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        embed = _page_embed(timeline, chunk, f"Page {number}/{count} · ", image)
        pages.append(SourcePage(embed, number, count))
    return pages


def _pages_of(events: Sequence[Event], per_page: int) -> list[list[Event]]:
    """Runs of at most ``per_page`` events, each citing at most 25 articles.

    A page lists the articles its lines cite as fields, and an embed holds 25 fields:
    past that, a line's [n] would point to a source the page does not show.
    """
    pages: list[list[Event]] = []
    page: list[Event] = []
    cited: set[int] = set()
    for event in events:
        numbers = {c.n for c in event.citations}
        if page and (len(page) == per_page or len(cited | numbers) > FIELDS_LIMIT):
            pages.append(page)
            page, cited = [], set()
        page.append(event)
        cited |= numbers
    if page:
        pages.append(page)
    return pages


def _page_embed(
    timeline: Timeline, events: Sequence[Event], page: str, image: bool
) -> discord.Embed:
    about = f" — {one_line(timeline.topic)}" if timeline.topic else ""
    n = len(timeline.events)
    title = fit(f"Timeline{about} ({plural(n, 'event')})", TITLE_LIMIT)
    cited = {c.n: c for e in events for c in e.citations}
    sources = [cited[n] for n in sorted(cited)][:FIELDS_LIMIT]
    line_chars, source_chars = LINE_CHARS, FIELD_VALUE_LIMIT
    while True:
        # Each line is escaped and cut on its own: cutting the joined text could split a
        # line's date from its markers.
        description = "\n".join(_event_line(e, line_chars) for e in events)
        embed = discord.Embed(title=title, description=description, colour=ANSWER_COLOUR)
        for c in sources:
            name = fit(
                f"[{c.n}] {one_line(c.outlet or 'unknown outlet')} · {date_label(c.published)}",
                min(FIELD_NAME_LIMIT, source_chars),
            )
            embed.add_field(name=name, value=link(c.title, c.url, source_chars), inline=False)
        embed.set_footer(text=page + FOOTER + "Sentences are quoted verbatim.")
        if image:
            embed.set_image(url=f"attachment://{CHART_FILE}")
        if len(embed) <= EMBED_TOTAL_LIMIT and len(description) <= DESCRIPTION_LIMIT:
            return embed
        # Each step shrinks something, so the loop ends: shorter lines before fewer facts,
        # then shorter outlets, titles and URLs (many sources with long ones overflowed).
        if line_chars > MIN_LINE_CHARS:
            line_chars -= 20
        elif source_chars > MIN_SOURCE_CHARS:
            source_chars = max(MIN_SOURCE_CHARS, source_chars // 2)
        else:
            sources = sources[:-1]  # unreachable at the floors above; a last resort


def _event_line(event: Event, chars: int) -> str:
    marks = "".join(f"[{n}]" for n in dict.fromkeys(c.n for c in event.citations))
    return f"`{event.label}` — {fit(one_line(event.text), chars)} {marks}"
