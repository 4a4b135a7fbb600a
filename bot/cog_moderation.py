"""/refresh, /add and /remove: moderators keep the corpus current from Discord.

Who may use them: members with a role listed in ``moderation.moderator_roles`` (by ID or
name) or with the Manage Server permission. ``default_permissions(manage_guild=True)``
only asks Discord to hide the commands from others; a server's admins can override that,
so every invocation is also checked here, and refused in DMs. Every action and every
refusal is appended to the audit log (``bot.audit``) and, if configured, posted to the
log channel without pings.

The work runs in a thread (``asyncio.to_thread``), never on the event loop: the gateway
heartbeat and other users' questions carry on, answered from the old index until the
new one has loaded (``Engine.refresh`` swaps in one assignment). Replies are ephemeral:
the deferred "thinking…" message is edited with progress, at most once per
``moderation.progress_interval_seconds``, and then with the outcome.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.audit import AuditEntry, AuditLog
from bot.moderation_settings import ModerationSettings, moderation_settings
from bot.progress import ProgressRelay
from bot.render import MESSAGE_LIMIT, date_label, fit, one_line, shorten
from bot.replies import NO_PINGS
from index.build import BuildReport
from index.errors import BusyError, TalkbotError
from index.fetch import FetchError, check_url, fetch_article
from index.library import (
    FILE_SUFFIXES,
    Added,
    Candidate,
    Library,
    LibraryError,
    Removed,
    candidate_from_file,
    candidate_from_page,
    parse_published,
)
from index.wording import plural

if TYPE_CHECKING:
    from bot.client import TalkBotBase

log = logging.getLogger("talkbot.discord")

T = TypeVar("T")
REFUSALS = (LibraryError, FetchError, BusyError)  # nothing was changed: the input was refused
AUTOCOMPLETE_CHOICES = 25  # Discord's maximum
NOT_A_MODERATOR = (
    "Only moderators can use /{command}: it needs a moderator role or the Manage Server permission."
)
OUTSIDE_A_SERVER = "This command only works in a server channel."
NOT_A_MANAGING_SERVER = (
    "/{command} isn't available in this server: the articles are shared by every server "
    "the bot is in, and only the servers listed in its moderation.guilds setting manage them."
)


def moderator_reason(
    user: discord.abc.User, permissions: discord.Permissions, roles: tuple[str, ...]
) -> str | None:
    """Why ``user`` is a moderator here (``permissions`` as resolved by Discord), or None."""
    if permissions.manage_guild or permissions.administrator:
        return "Manage Server permission"
    wanted = {r.strip().casefold() for r in roles}
    for role in getattr(user, "roles", ()):
        if str(role.id) in wanted or role.name.casefold() in wanted:
            return f"role {role.name}"
    return None


class ModeratorRefusal(app_commands.CheckFailure):
    """A moderator command refused before it ran.

    The check raises it without writing anything: the tree's error handler answers the
    user first (within Discord's 3 seconds, whatever the disk or the log channel do),
    then calls :meth:`after_reply`, which audits the refusal.
    """

    def __init__(self, message: str, command: str, reason: str) -> None:
        super().__init__(message)
        self.command, self.reason = command, reason

    async def after_reply(self, interaction: discord.Interaction) -> None:
        cog = interaction.client.get_cog("Moderation")  # type: ignore[union-attr]
        if isinstance(cog, ModerationCog):
            await cog.audit(interaction, self.command, "", "refused", self.reason)


def moderators_only() -> Callable[[T], T]:
    """App-command check: in a managing server, by a moderator; refusals are audited."""

    async def predicate(interaction: discord.Interaction) -> bool:
        cog: ModerationCog = interaction.client.get_cog("Moderation")  # type: ignore[assignment]
        name = interaction.command.name if interaction.command else "?"
        if interaction.guild is None:
            raise ModeratorRefusal(OUTSIDE_A_SERVER, name, "used outside a server")
        managing = cog.settings.guilds
        if managing and str(interaction.guild.id) not in managing:
            raise ModeratorRefusal(
                NOT_A_MANAGING_SERVER.format(command=name), name, "server not in moderation.guilds"
            )
        if moderator_reason(
            interaction.user, interaction.permissions, cog.settings.moderator_roles
        ):
            return True
        raise ModeratorRefusal(NOT_A_MODERATOR.format(command=name), name, "not a moderator")

    return app_commands.check(predicate)


class ModerationCog(commands.Cog, name="Moderation"):
    def __init__(self, bot: TalkBotBase) -> None:
        self.bot = bot
        settings = bot.engine.settings
        self.settings: ModerationSettings = moderation_settings(settings)
        self.audit_log = AuditLog.for_settings(settings)
        self._library: Library | None = None

    @property
    def library(self) -> Library:
        # Built on first use: the payload-only bot (`talkbot commands`) has no embedder.
        if self._library is None:
            engine: Any = self.bot.engine
            self._library = Library(engine.settings, engine.embedder.count_tokens)
        return self._library

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        names = [r for r in self.settings.moderator_roles if not r.strip().isdigit()]
        if names:
            log.warning(
                "moderation.moderator_roles names roles (%s): any member allowed to create "
                "roles can make one with that name; role IDs cannot be copied",
                ", ".join(names),
            )
        servers = len(self.bot.guilds)
        if servers > 1 and not self.settings.guilds:
            log.warning(
                "the bot is in %d servers and moderation.guilds is empty: moderators of any "
                "of them can add and remove the articles all of them share; list the "
                "managing servers' IDs in moderation.guilds",
                servers,
            )

    # -- commands ----------------------------------------------------------------------

    @app_commands.command(
        name="refresh", description="Moderators: re-index changed articles, then swap it in"
    )
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @moderators_only()
    async def refresh(self, interaction: discord.Interaction) -> None:
        async def job(relay: ProgressRelay) -> BuildReport:
            return await asyncio.to_thread(self._engine_refresh, relay)

        await self._run(interaction, "refresh", "", job)

    @app_commands.command(
        name="add",
        description="Moderators: add an article from a URL or an attached file, then refresh",
    )
    @app_commands.describe(
        url="The article's http(s) address",
        file="Or the article as a .txt, .md or .html file",
        title="Headline (default: the page's title or the file's first line)",
        outlet="Publisher (default: the page's site name)",
        published="Publication date as YYYY-MM-DD (default: the page's date)",
        author="Author (default: the page's byline)",
    )
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @moderators_only()
    async def add(
        self,
        interaction: discord.Interaction,
        url: app_commands.Range[str, 1, 2000] | None = None,
        file: discord.Attachment | None = None,
        title: app_commands.Range[str, 1, 300] | None = None,
        outlet: app_commands.Range[str, 1, 300] | None = None,
        published: app_commands.Range[str, 1, 40] | None = None,
        author: app_commands.Range[str, 1, 300] | None = None,
    ) -> None:
        target = url or (file.filename if file else "")
        try:
            when = parse_published(published)
            if (url is None) == (file is None):
                raise LibraryError("give either a url or a file (.txt, .md or .html), not both")
            if file is not None:
                self._check_attachment(file)
            if url is not None:
                check_url(url)  # an ftp:// or host-less URL is refused at once, unfetched
        except (LibraryError, FetchError) as exc:
            await self._reply(interaction, f"Nothing added: {exc}")
            await self.audit(interaction, "add", target, "refused", str(exc))
            return
        # As `talkbot add` passes them: the library checks each field (one line, UTF-8,
        # under MAX_FIELD_CHARS) and names the one at fault.
        meta = {"title": title, "outlet": outlet, "published": when, "author": author}

        async def job(relay: ProgressRelay) -> Added:
            candidate = await self._candidate(url, file, meta, relay)
            return await asyncio.to_thread(
                self.library.add, candidate, lambda: self._engine_refresh(relay)
            )

        await self._run(interaction, "add", target, job)

    @app_commands.command(
        name="remove", description="Moderators: archive an indexed article, then refresh"
    )
    @app_commands.describe(article="The article to remove (start typing its title)")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @moderators_only()
    async def remove(
        self, interaction: discord.Interaction, article: app_commands.Range[str, 1, 200]
    ) -> None:
        async def job(relay: ProgressRelay) -> Removed:
            return await asyncio.to_thread(
                self.library.remove, article, lambda: self._engine_refresh(relay)
            )

        await self._run(interaction, "remove", article, job)

    @remove.autocomplete("article")
    async def article_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        needle = " ".join(current.casefold().split())
        choices = []
        # Off the loop like every engine call: it walks every article (a refresh may be
        # swapping the index in beside it), and Discord sends one per keystroke.
        for s in await asyncio.to_thread(self.bot.engine.sources):
            label = one_line(
                f"{s.title} · {s.outlet or 'unknown outlet'} · {date_label(s.published)}"
            )
            if needle in label.casefold() or needle in s.doc_id.casefold():
                choices.append(app_commands.Choice(name=shorten(label, 100), value=s.doc_id))
            if len(choices) == AUTOCOMPLETE_CHOICES:
                break
        return choices

    # -- running a change ------------------------------------------------------------

    def _engine_refresh(self, relay: ProgressRelay) -> BuildReport:
        return self.bot.engine.refresh(progress=relay)  # type: ignore[attr-defined]

    async def _run(
        self,
        interaction: discord.Interaction,
        action: str,
        target: str,
        job: Callable[[ProgressRelay], Awaitable[Added | Removed | BuildReport]],
    ) -> None:
        """Defer, run ``job`` with progress edits, then show and audit the outcome."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        relay = ProgressRelay(
            asyncio.get_running_loop(),
            lambda stage: interaction.edit_original_response(content=f"⏳ {fit(stage, 1900)}…"),
            self.settings.progress_interval_seconds,
        )
        relay.start()
        try:
            result = await job(relay)
        except TalkbotError as exc:
            await relay.stop()
            outcome = "refused" if isinstance(exc, REFUSALS) else "failed"
            verb = {"add": "Nothing added", "remove": "Nothing removed"}.get(action)
            text = (
                f"{verb}: {exc}"
                if verb
                else f"Refresh failed ({exc}); still serving the previous index."
            )
            await self._edit(interaction, text)
            await self.audit(interaction, action, target, outcome, str(exc))
            return
        except BaseException as exc:
            await relay.stop()
            await self.audit(interaction, action, target, "failed", f"unexpected error: {exc!r}")
            raise
        await relay.stop()
        await self._edit(interaction, summary(result))
        await self.audit(interaction, action, target, "ok", describe(result))

    async def _candidate(
        self,
        url: str | None,
        file: discord.Attachment | None,
        meta: dict[str, Any],
        relay: ProgressRelay,
    ) -> Candidate:
        if url is not None:
            relay(f"fetching {url}")
            page = await asyncio.to_thread(fetch_article, url, self.settings.fetch_limits())
            return candidate_from_page(page, **meta)
        assert file is not None
        relay(f"reading {file.filename}")
        try:
            data = await file.read()
        except discord.HTTPException as exc:
            # An attachment's link expires, and Discord's CDN can fail: the moderator's
            # input could not be read, which is a refusal, not a bug.
            raise LibraryError(
                f"couldn't download {file.filename} from Discord ({exc.status}); attach it again"
            ) from None
        return await asyncio.to_thread(
            candidate_from_file, file.filename, data, max_bytes=self.settings.max_bytes, **meta
        )

    def _check_attachment(self, file: discord.Attachment) -> None:
        suffix = Path(file.filename).suffix.lower()
        if suffix not in FILE_SUFFIXES:
            raise LibraryError(
                f"{file.filename}: only {', '.join(FILE_SUFFIXES)} files can be added; "
                "save the article as text or HTML"
            )
        if file.size == 0:
            raise LibraryError(f"{file.filename} is empty; attach the article's text")
        if file.size > self.settings.max_bytes:
            raise LibraryError(
                f"{file.filename} is {file.size:,} bytes, over the limit of "
                f"{self.settings.max_bytes:,} (moderation.max_bytes)"
            )

    # -- replies and the audit trail -------------------------------------------------

    async def _reply(self, interaction: discord.Interaction, text: str) -> None:
        try:
            if interaction.response.is_done():
                await interaction.edit_original_response(content=shorten(text, MESSAGE_LIMIT))
            else:
                await interaction.response.send_message(
                    shorten(text, MESSAGE_LIMIT), ephemeral=True, allowed_mentions=NO_PINGS
                )
        except discord.HTTPException as exc:
            log.warning("could not reply to interaction %s: %s", interaction.id, exc)

    async def _edit(self, interaction: discord.Interaction, text: str) -> None:
        try:
            await interaction.edit_original_response(
                content=shorten(text, MESSAGE_LIMIT), allowed_mentions=NO_PINGS
            )
        except discord.HTTPException as exc:
            log.warning("could not edit the reply to interaction %s: %s", interaction.id, exc)

    async def audit(
        self, interaction: discord.Interaction, action: str, target: str, outcome: str, detail: str
    ) -> AuditEntry | None:
        """Append the action to the audit log, then copy it to the log channel (if any).

        Called after the user has their reply. A log that cannot be written (disk full, a
        read-only data folder) is reported in the bot's log, not to the user: their
        article was added or refused all the same, and saying otherwise would mislead.
        """
        user = interaction.user
        try:
            entry = await asyncio.to_thread(
                self.audit_log.record,
                via="discord",
                user_id=user.id,
                user_name=str(user),
                action=action,
                target=target,
                outcome=outcome,
                detail=detail,
            )
        except (OSError, TalkbotError) as exc:
            log.error(
                "could not write the audit log (%s %s by %s, %s): %s",
                action,
                target or "-",
                user,
                outcome,
                exc,
            )
            return None
        await self._post(entry)
        return entry

    async def _post(self, entry: AuditEntry) -> None:
        channel_id = self.settings.log_channel
        if not channel_id:
            return
        channel = self.bot.get_channel(channel_id)
        try:
            if channel is None:
                channel = await self.bot.fetch_channel(channel_id)
            await channel.send(fit(entry.summary(), MESSAGE_LIMIT), allowed_mentions=NO_PINGS)  # type: ignore[union-attr]
        except (discord.HTTPException, AttributeError) as exc:
            log.warning("could not post to the moderation log channel %s: %s", channel_id, exc)


# -- what the moderator reads ----------------------------------------------------------


def describe(result: Added | Removed | BuildReport) -> str:
    """One line for the audit log."""
    if isinstance(result, Added):
        return (
            f'added {result.doc_id} "{one_line(result.title)}" '
            f"({result.outlet or 'unknown outlet'} · {date_label(result.published)})"
        )
    if isinstance(result, Removed):
        return f"removed {result.doc_id}; archived as {result.archived_to.name}"
    return f"refreshed: {changes(result)}"


def changes(report: BuildReport) -> str:
    parts = []
    for label, ids in (
        ("added", report.added),
        ("updated", report.updated),
        ("removed", report.removed),
    ):
        if ids:
            shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
            parts.append(f"{label} {shown}")
    parts.append(f"{len(report.unchanged)} unchanged")
    return (
        "; ".join(parts)
        + f"; {plural(report.passages, 'passage')}, {report.embedded_passages} embedded, "
        f"{report.seconds:.1f} s"
    )


def summary(result: Added | Removed | BuildReport) -> str:
    """The final reply: what changed, then the refresh."""
    if isinstance(result, Added):
        passages = result.report.per_article.get(result.doc_id, 0)
        head = (
            f"Added **{fit(one_line(result.title), 300)}** "
            f"({fit(result.outlet or 'unknown outlet', 100)} · {date_label(result.published)}) "
            f"as `{result.doc_id}`: {plural(passages, 'passage')}."
        )
        report = result.report
    elif isinstance(result, Removed):
        title = f" **{fit(one_line(result.title), 300)}**" if result.title else ""
        head = (
            f"Removed{title} (`{result.doc_id}`); the file is kept in the archive as "
            f"`{result.archived_to.name}`."
        )
        report = result.report
    else:
        head = "Index refreshed."
        report = result
    return f"{head}\nIndex now serving: {changes(report)}."
