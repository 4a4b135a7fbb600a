"""Validate the ``discord:`` section of config/talkbot.yaml.

The engine keeps sections it does not own raw in ``Settings.raw``; this module turns the
``discord`` one into a frozen :class:`DiscordSettings` or raises :class:`ConfigError`
naming the file, the key and the problem. Defaults live here and nowhere else. It does
not read the token: that comes only from the ``DISCORD_TOKEN`` environment variable.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

from index.errors import ConfigError
from index.settings import Settings

# Discord refuses string options longer than this, whatever the engine allows.
DISCORD_MAX_OPTION_CHARS = 6000
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
AUTO_SHARDS = "auto"
# Discord allows at most 2,500 servers per shard, so even very large bots need only a
# few hundred shards; a bigger number is a typo.
MAX_SHARDS = 1024


@dataclass(frozen=True)
class DiscordSettings:
    # /ask and mention answers a user may ask per window before being asked to wait.
    ask_cooldown_uses: int = 3
    ask_cooldown_seconds: float = 30.0
    # Channel (or thread parent) IDs the bot answers in; empty means every channel.
    channels: tuple[int, ...] = ()
    # Answer messages that mention the bot.
    answer_mentions: bool = True
    # Articles listed per /sources page.
    sources_per_page: int = 10
    # How long pager and feedback buttons stay live. Interaction tokens expire after
    # 15 minutes, after which a deferred reply can no longer be edited to disable them.
    buttons_timeout_seconds: float = 600.0
    # Guild that `talkbot sync` targets without --guild and `talkbot run` syncs to at start.
    sync_guild: int | None = None
    log_level: str = "INFO"
    # Seconds discord.py waits for GUILD_CREATE events before on_ready.
    guild_ready_timeout: float = 2.0
    # Gateway connections: None = one (no sharding); "auto" = AutoShardedBot with the
    # count Discord recommends; N = AutoShardedBot with exactly N shards.
    shards: int | Literal["auto"] | None = None
    # Seconds between checks for a new index published by another process (a refresher
    # or another bot on the same data folder); 0 = never look.
    index_check_seconds: float = 10.0

    @property
    def log_level_number(self) -> int:
        return logging.getLevelName(self.log_level)


def discord_settings(settings: Settings) -> DiscordSettings:
    """Return the validated ``discord:`` section of ``settings`` (defaults when absent)."""
    path = settings.config_path
    section = settings.raw.get("discord")
    if section is None:
        return DiscordSettings()
    if not isinstance(section, Mapping):
        raise ConfigError(f"{path}: 'discord' must be a mapping, not {type(section).__name__}")
    return discord_settings_from_mapping(section, str(path))


def discord_settings_from_mapping(section: Mapping[str, Any], where: str) -> DiscordSettings:
    allowed = {f.name for f in fields(DiscordSettings)}
    values: dict[str, Any] = {}
    for key, value in section.items():
        if key not in allowed:
            raise ConfigError(
                f"{where}: 'discord.{key}': unknown setting; expected one of "
                f"{', '.join(sorted(allowed))}"
            )
        values[key] = _coerce(key, value, f"{where}: 'discord.{key}'")
    result = DiscordSettings(**values)
    _check_ranges(result, where)
    return result


def _coerce(key: str, value: Any, where: str) -> Any:
    if key == "channels":
        if value is None:
            return ()
        if not isinstance(value, list):
            raise ConfigError(f"{where} must be a list of channel IDs, not {value!r}")
        return tuple(_snowflake(item, f"{where} item {i + 1}") for i, item in enumerate(value))
    if key == "sync_guild":
        return None if value is None else _snowflake(value, where)
    if key == "shards":
        return _shards(value, where)
    if key == "answer_mentions":
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, not {value!r}")
        return value
    if key == "log_level":
        if not isinstance(value, str) or value.upper() not in _LOG_LEVELS:
            raise ConfigError(f"{where} must be one of {', '.join(_LOG_LEVELS)}, not {value!r}")
        return value.upper()
    if key in ("ask_cooldown_uses", "sources_per_page"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be a whole number, not {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where} must be a number of seconds, not {value!r}")
    return float(value)


def _shards(value: Any, where: str) -> int | Literal["auto"] | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip().lower() == AUTO_SHARDS:
        return AUTO_SHARDS
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_SHARDS:
        return value
    raise ConfigError(
        f"{where} must be null (one gateway connection), auto (the shard count Discord "
        f"recommends; needed from 2,500 servers) or a number of shards from 1 to "
        f"{MAX_SHARDS}, not {value!r}"
    )


def _snowflake(value: Any, where: str) -> int:
    # IDs are often quoted in YAML because JavaScript tooling loses their precision.
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(
            f"{where} must be a Discord ID (a positive whole number; copy it with Developer "
            f"Mode on), not {value!r}"
        )
    return value


def _check_ranges(s: DiscordSettings, where: str) -> None:
    checks = [
        (s.ask_cooldown_uses >= 1, "ask_cooldown_uses", "must be at least 1"),
        (s.ask_cooldown_seconds >= 0, "ask_cooldown_seconds", "must be 0 (off) or more"),
        (1 <= s.sources_per_page <= 25, "sources_per_page", "must be between 1 and 25"),
        (
            10 <= s.buttons_timeout_seconds <= 900,
            "buttons_timeout_seconds",
            "must be between 10 and 900 (interaction tokens expire after 15 minutes)",
        ),
        (s.guild_ready_timeout >= 0, "guild_ready_timeout", "must be 0 or more"),
        (s.index_check_seconds >= 0, "index_check_seconds", "must be 0 (off) or more"),
    ]
    for ok, key, message in checks:
        if not ok:
            raise ConfigError(f"{where}: 'discord.{key}' {message}, not {getattr(s, key)!r}")
