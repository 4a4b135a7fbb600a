"""The Discord subcommands of the talkbot CLI: run, sync, commands, feedback.

``bot/cli.py`` calls :func:`register` with its argparse subparsers. Handlers return an
exit code; a :class:`TalkbotError` becomes its one-line message on stderr and exit 2.
The token comes only from ``DISCORD_TOKEN`` and is never printed or logged.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Callable

import discord

from bot.client import TalkBot, make_bot, run_until_signal, sync_commands
from bot.engine_port import EngineNotLoaded
from bot.feedback import FEEDBACK_FILE, FeedbackStore, format_summary
from bot.memory import freeze_loaded_state
from bot.settings import DiscordSettings, discord_settings
from index.errors import TalkbotError
from index.settings import Settings, load_settings
from index.wording import plural

TOKEN_ENV = "DISCORD_TOKEN"
# Where a person reads how to create, invite and register the bot (a heading of README.md).
SETUP_DOC = "README.md, “Running on Discord”"
log = logging.getLogger("talkbot.discord")

Handler = Callable[[argparse.Namespace], int]


def register(subparsers: argparse._SubParsersAction) -> None:  # argparse private type name
    """Add ``run``, ``sync``, ``commands`` and ``feedback`` to the talkbot CLI."""
    p = subparsers.add_parser("run", help=f"start the Discord bot (token from ${TOKEN_ENV})")
    p.set_defaults(func=_guarded(cmd_run))

    p = subparsers.add_parser("sync", help="upload the slash commands to Discord")
    p.add_argument(
        "--guild",
        type=int,
        metavar="ID",
        help="sync to this server only (immediate); default: discord.sync_guild, else global",
    )
    p.set_defaults(func=_guarded(cmd_sync))

    p = subparsers.add_parser(
        "commands", help="print the slash-command payloads without connecting"
    )
    p.add_argument("--json", action="store_true", help="print the exact JSON sent to Discord")
    p.set_defaults(func=_guarded(cmd_commands))

    p = subparsers.add_parser("feedback", help="summarise 👍/👎 votes on answers")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=_guarded(cmd_feedback))


def _guarded(handler: Handler) -> Handler:
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except TalkbotError as exc:
            print(f"talkbot: {exc}", file=sys.stderr)
            return 2

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run


def _settings(args: argparse.Namespace) -> tuple[Settings, DiscordSettings]:
    settings = load_settings(getattr(args, "config", None))
    return settings, discord_settings(settings)


def _token() -> str:
    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise TalkbotError(
            f"{TOKEN_ENV} is not set: copy the bot token from the Discord developer portal "
            f"(see {SETUP_DOC}) and run with {TOKEN_ENV}=... in the environment"
        )
    return token


def cmd_run(args: argparse.Namespace) -> int:
    """Load the engine and serve Discord until SIGINT/SIGTERM."""
    token = _token()  # before loading the model: fail in a second, not after it
    settings, ds = _settings(args)
    discord.utils.setup_logging(level=ds.log_level_number)
    from index.engine import Engine  # the model and index load only for `run`

    engine = Engine.open(settings)
    # The model and the index stay loaded for good (62 ms a full collection after loading
    # the seeds' index, measured; about 0 frozen).
    freeze_loaded_state()
    bot = make_bot(engine, ds, sync_guild=ds.sync_guild)
    try:
        asyncio.run(run_until_signal(bot, token))
    except discord.LoginFailure:
        raise TalkbotError(
            f"Discord rejected {TOKEN_ENV} (401): reset the token in the developer portal "
            "and set the new one"
        ) from None
    except discord.PrivilegedIntentsRequired:
        raise TalkbotError("Discord refused the requested intents") from None
    except discord.ConnectionClosed as exc:
        raise TalkbotError(gateway_refusal(exc.code)) from None
    return 0


# Gateway close codes after which discord.py gives up instead of reconnecting.
_CLOSE_REASONS = {
    4004: f"Discord rejected {TOKEN_ENV} (gateway close 4004): reset the token in the "
    "developer portal and set the new one",
    4010: "Discord refused the shard settings (gateway close 4010): set discord.shards to "
    "auto, or to a count Discord accepts",
    4011: "Discord requires sharding for this many servers (gateway close 4011): set "
    "discord.shards: auto in the config (docs/scaling-discord.md)",
    4012: "Discord refused the gateway API version (close 4012): upgrade discord.py",
    4013: "Discord refused the requested intents as invalid (gateway close 4013)",
    4014: "Discord refused the requested intents (gateway close 4014)",
}


def gateway_refusal(code: int | None) -> str:
    """The user's words for a gateway close that ends the bot (never includes the token)."""
    return _CLOSE_REASONS.get(
        code or 0,
        f"Discord closed the gateway connection with code {code}; the log above says why",
    )


def cmd_sync(args: argparse.Namespace) -> int:
    """Upload the command tree to one guild or globally, without loading the model."""
    token = _token()
    settings, ds = _settings(args)
    discord.utils.setup_logging(level=ds.log_level_number)
    guild = args.guild if args.guild is not None else ds.sync_guild

    async def sync() -> int:
        async with TalkBot(EngineNotLoaded(settings), ds) as bot:
            await bot.login(token)
            synced = await sync_commands(bot, guild)
        where = f"guild {guild} (available now)" if guild else "all guilds (may take up to an hour)"
        names = ", ".join(c.name for c in synced)
        print(f"Synced {plural(len(synced), 'command')} to {where}: {names}")
        return 0

    try:
        return asyncio.run(sync())
    except discord.LoginFailure:
        raise TalkbotError(f"Discord rejected {TOKEN_ENV} (401): set a valid bot token") from None
    except discord.Forbidden as exc:
        raise TalkbotError(
            f"Discord refused the sync ({exc.status}): invite the bot to "
            f"{f'guild {guild}' if guild else 'your server'} with the applications.commands "
            f"scope (see {SETUP_DOC} → “2. Invite it to your server”)"
        ) from None
    except discord.HTTPException as exc:
        raise TalkbotError(f"Discord refused the sync ({exc.status}): {exc.text}") from None


def command_payloads(settings: Settings, ds: DiscordSettings) -> list[dict]:
    """The exact application-command objects the bot registers (no network, no model)."""

    async def build() -> list[dict]:
        bot = TalkBot(EngineNotLoaded(settings), ds)
        await bot.add_cogs()
        return bot.command_payloads()

    return asyncio.run(build())


def cmd_commands(args: argparse.Namespace) -> int:
    """Print the slash-command payloads (or a short list) without connecting."""
    payloads = command_payloads(*_settings(args))
    if args.json:
        print(json.dumps(payloads, indent=2, ensure_ascii=False))
        return 0
    for p in payloads:
        options = " ".join(
            f"{o['name']}" if o.get("required") else f"[{o['name']}]" for o in p["options"]
        )
        print(f"/{p['name']} {options}".rstrip().ljust(30) + f" {p['description']}")
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    """Summarise the votes recorded in data_dir/feedback.jsonl."""
    settings, _ = _settings(args)
    path = settings.data_dir / FEEDBACK_FILE
    summary = FeedbackStore(path).summary()
    if args.json:
        print(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_summary(summary, path))
    return 0
