"""Validate the ``moderation:`` section of config/talkbot.yaml.

Who may add, remove and refresh from Discord, where their actions are logged, and the
limits on fetching a page for ``/add`` (also used by ``talkbot add``). Defaults live in
:class:`ModerationSettings` and nowhere else; a bad value raises ConfigError naming the
file and key.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from index.errors import ConfigError
from index.fetch import FetchLimits
from index.settings import Settings, build_section, raw_section


@dataclass(frozen=True)
class ModerationSettings:
    # Role IDs (as text) or exact role names whose members are moderators. Members with
    # the Manage Server permission are moderators whatever this says.
    moderator_roles: tuple[str, ...] = ()
    # Server IDs whose moderators may change the articles, which every server the bot is
    # in shares; empty: any server (fine for a bot in one server).
    guilds: tuple[str, ...] = ()
    # Channel ID that receives a copy of every audit line; 0 means none.
    log_channel: int = 0
    max_bytes: int = 5_000_000
    timeout_seconds: float = 15.0
    max_redirects: int = 3
    allow_hosts: tuple[str, ...] = ()
    # Least seconds between two edits of a /refresh progress message.
    progress_interval_seconds: float = 1.0

    def fetch_limits(self) -> FetchLimits:
        return FetchLimits(
            max_bytes=self.max_bytes,
            timeout_seconds=self.timeout_seconds,
            max_redirects=self.max_redirects,
            allow_hosts=self.allow_hosts,
        )


def moderation_settings(settings: Settings) -> ModerationSettings:
    """The validated ``moderation:`` section of ``settings`` (defaults when absent)."""
    path = settings.config_path
    section = raw_section(settings, "moderation")
    where = f"{path}: 'moderation"
    # YAML reads role and server IDs as numbers; they are compared as text.
    for key in ("moderator_roles", "guilds"):
        ids = section.get(key)
        if isinstance(ids, list):
            section[key] = [
                str(r) if isinstance(r, int) and not isinstance(r, bool) else r for r in ids
            ]
    channel = section.get("log_channel")
    if channel is None or (isinstance(channel, str) and channel.strip().isdigit()):
        section["log_channel"] = int(channel) if channel else 0
    result = build_section(ModerationSettings, section, where, path)
    _check(result, where)
    return result


def _check(s: ModerationSettings, where: str) -> None:
    checks: list[tuple[bool, str, str, Any]] = [
        (s.log_channel >= 0, "log_channel", "must be a channel ID or empty", s.log_channel),
        (s.max_bytes >= 1000, "max_bytes", "must be at least 1000", s.max_bytes),
        (
            0 < s.timeout_seconds <= 120,
            "timeout_seconds",
            "must be between 0 and 120",
            s.timeout_seconds,
        ),
        (
            0 <= s.max_redirects <= 10,
            "max_redirects",
            "must be between 0 and 10",
            s.max_redirects,
        ),
        (
            s.progress_interval_seconds >= 0,
            "progress_interval_seconds",
            "must be 0 or more",
            s.progress_interval_seconds,
        ),
    ]
    for ok, key, message, value in checks:
        if not ok:
            raise ConfigError(f"{where}.{key}' {message}, not {value!r}")
    for i, role in enumerate(s.moderator_roles):
        if not role.strip():
            raise ConfigError(f"{where}.moderator_roles' item {i + 1} is empty")
    for i, guild in enumerate(s.guilds):
        if not guild.strip().isdigit():
            raise ConfigError(
                f"{where}.guilds' item {i + 1} must be a server ID (a number), not {guild!r}; "
                "copy it with Developer Mode on (right-click the server > Copy Server ID)"
            )
    for host in s.allow_hosts:
        if "/" in host:
            try:
                ipaddress.ip_network(host, strict=False)
            except ValueError:
                raise ConfigError(
                    f"{where}.allow_hosts' item '{host}' is not a network like 127.0.0.0/8"
                ) from None
