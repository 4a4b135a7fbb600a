"""The Discord bot: composes the engine, the cogs and the settings into a discord.py bot.

The behaviour lives in :class:`TalkBotBase`, mixed into ``commands.Bot`` (one gateway
connection: :class:`TalkBot`) or ``commands.AutoShardedBot`` (one connection per shard,
Discord assigning servers to shards: :class:`ShardedTalkBot`). :func:`make_bot` picks
one from ``discord.shards``; everything else is the same either way.

Everything comes in through the constructor (no module globals), so tests and the CLI
build their own bots. The bot asks for the minimum: the ``guilds`` and
``guild_messages`` intents, not the privileged ``message_content`` one (Discord still
delivers the content of messages that mention the bot). It never pings anyone.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord.ext import commands

from bot.cog_ask import AskCog
from bot.cog_help import HelpCog
from bot.cog_moderation import ModerationCog
from bot.cog_sources import SourcesCog
from bot.cog_timeline import TimelineCog
from bot.engine_port import AnswerEngine
from bot.feedback import FEEDBACK_FILE, FeedbackStore
from bot.memory import limit_malloc_arenas
from bot.replies import NO_PINGS, TalkTree
from bot.settings import DiscordSettings
from bot.views import answer_expired_buttons

log = logging.getLogger("talkbot.discord")

T = TypeVar("T")
CogFactory = Callable[["TalkBotBase"], commands.Cog]
# Engine calls run in worker threads; more than two at once on a small machine only adds
# GIL contention, which delays the event loop (and with it the gateway heartbeat).
ENGINE_CONCURRENCY = 2
# One line per cog. /timeline and the moderators' /refresh /add /remove join here in
# their own modules (cog_timeline.py, cog_moderation.py).
DEFAULT_COGS: tuple[CogFactory, ...] = (AskCog, SourcesCog, TimelineCog, HelpCog, ModerationCog)


def bot_intents() -> discord.Intents:
    intents = discord.Intents.none()
    intents.guilds = True  # channels and threads, for replies and channel limits
    intents.guild_messages = True  # MESSAGE_CREATE, for mentions
    return intents


if TYPE_CHECKING:
    # What the mixin may assume of the class it is mixed into (both are BotBase + Client).
    _MixedInto = commands.Bot
else:
    _MixedInto = object


class TalkBotBase(_MixedInto):
    """The bot's behaviour; mixed in before ``commands.Bot`` or ``commands.AutoShardedBot``."""

    def __init__(
        self,
        engine: AnswerEngine,
        discord_settings: DiscordSettings,
        *,
        feedback: FeedbackStore | None = None,
        cogs: Sequence[CogFactory] = DEFAULT_COGS,
        sync_guild: int | None = None,
        **options: Any,
    ) -> None:
        limit_malloc_arenas()  # answers run in worker threads: keep their memory flat
        options.setdefault("guild_ready_timeout", discord_settings.guild_ready_timeout)
        super().__init__(  # the discord.py bot class this is mixed into
            # Prefix commands are unused (on_message below never runs them); Bot needs one.
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=bot_intents(),
            allowed_mentions=NO_PINGS,
            tree_cls=TalkTree,
            **options,
        )
        self.engine = engine
        self.discord_settings = discord_settings
        self.feedback = feedback or FeedbackStore(engine.settings.data_dir / FEEDBACK_FILE)
        self._cog_factories = tuple(cogs)
        self._sync_guild = sync_guild
        self._engine_slots = asyncio.Semaphore(ENGINE_CONCURRENCY)

    async def run_engine(self, func: Callable[..., T], *args: Any) -> T:
        """Run a blocking engine call off the event loop, a bounded number at a time."""
        async with self._engine_slots:
            return await asyncio.to_thread(func, *args)

    async def setup_hook(self) -> None:
        await self.add_cogs()
        self.add_listener(answer_expired_buttons, "on_interaction")
        if self.discord_settings.index_check_seconds > 0 and hasattr(
            self.engine, "reload_if_changed"
        ):
            self._index_follower = asyncio.create_task(self._follow_index())
        if self._sync_guild is not None:
            synced = await sync_commands(self, self._sync_guild)
            log.info("synced %d commands to guild %s", len(synced), self._sync_guild)

    async def _follow_index(self) -> None:
        """Pick up builds another process published (a refresher, a second bot)."""
        interval = self.discord_settings.index_check_seconds
        while not self.is_closed():
            await asyncio.sleep(interval)
            try:
                swapped = await asyncio.to_thread(self.engine.reload_if_changed)
            except Exception:  # one bad check must not end the checks that follow
                log.exception("checking for a new index failed")
                continue
            if swapped:
                log.info("now serving index %s", self.engine.data.manifest.build_id)
            elif getattr(self.engine, "reload_error", None):
                log.warning("new index not loaded: %s", self.engine.reload_error)

    async def close(self) -> None:
        follower = getattr(self, "_index_follower", None)
        if follower is not None:
            follower.cancel()
        await super().close()

    async def add_cogs(self) -> None:
        """Add every cog; idempotent so payload generation can call it without logging in."""
        for factory in self._cog_factories:
            cog = factory(self)
            if self.get_cog(cog.qualified_name) is None:
                await self.add_cog(cog)

    async def on_message(self, message: discord.Message) -> None:
        # Replaces Bot.on_message so no prefix command ever runs; the Ask cog's own
        # listener answers mentions.
        return

    async def on_ready(self) -> None:
        log.info(
            "connected as %s (id %s) to %d guilds over %d shard(s)",
            self.user,
            self.user and self.user.id,
            len(self.guilds),
            self.shard_count or 1,
        )

    def command_payloads(self) -> list[dict[str, Any]]:
        """The application-command objects this bot registers, as Discord receives them."""
        return [command.to_dict(self.tree) for command in self.tree.get_commands()]


class TalkBot(TalkBotBase, commands.Bot):
    """One gateway connection: fine until Discord requires sharding (2,500 servers)."""


class ShardedTalkBot(TalkBotBase, commands.AutoShardedBot):
    """One gateway connection per shard, in one process; Discord assigns servers to shards.

    With ``shard_count=None`` the count is Discord's recommendation (GET /gateway/bot).
    """


def make_bot(
    engine: AnswerEngine, discord_settings: DiscordSettings, **kwargs: Any
) -> TalkBot | ShardedTalkBot:
    """The bot ``discord.shards`` asks for: unsharded (null), Discord's count (auto) or N."""
    shards = discord_settings.shards
    if shards is None:
        return TalkBot(engine, discord_settings, **kwargs)
    shard_count = None if shards == "auto" else shards
    return ShardedTalkBot(engine, discord_settings, shard_count=shard_count, **kwargs)


async def sync_commands(
    bot: TalkBotBase, guild_id: int | None
) -> list[discord.app_commands.AppCommand]:
    """Upload the command tree: to one guild (immediate) or globally (may take a while)."""
    if guild_id is None:
        return await bot.tree.sync()
    guild = discord.Object(id=guild_id)
    bot.tree.copy_global_to(guild=guild)
    return await bot.tree.sync(guild=guild)


async def run_until_signal(bot: TalkBot | ShardedTalkBot, token: str) -> None:
    """Log in, connect and serve until SIGINT/SIGTERM, then close cleanly."""
    loop = asyncio.get_running_loop()
    stop_signals = (signal.SIGINT, signal.SIGTERM)

    def request_stop(sig: signal.Signals) -> None:
        log.info("received %s: shutting down", sig.name)
        loop.create_task(bot.close())

    for sig in stop_signals:
        loop.add_signal_handler(sig, request_stop, sig)
    try:
        async with bot:
            await bot.start(token)
    finally:
        for sig in stop_signals:
            loop.remove_signal_handler(sig)
