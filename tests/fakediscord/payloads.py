"""Builders for the JSON objects Discord sends: users, guilds, channels, messages, interactions.

Only the fields discord.py 2.7 reads are filled in; everything else is left out so the
builders stay readable. IDs are snowflakes made from a counter, unique per process.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

# Permissions a member of the fake guild has (Administrator): slash commands always pass.
ALL_PERMISSIONS = str((1 << 3) | (1 << 31) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16))
TEXT_CHANNEL = 0
GUILD_PUBLIC_THREAD = 11

# Interaction and component types (Discord API).
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT = 1, 2, 3
CHAT_INPUT = 1
OPTION_TYPES = {str: 3, int: 4, bool: 5, float: 10}

_ids = itertools.count(1_300_000_000_000_000_000)


def snowflake() -> str:
    """A fresh ID, as Discord sends them (a string)."""
    return str(next(_ids))


def snowflake_on_shard(shard_id: int, shard_count: int) -> str:
    """A fresh ID that Discord's formula ``(id >> 22) % shard_count`` puts on ``shard_id``."""
    value = int(snowflake())
    current = (value >> 22) % shard_count
    return str(value + (((shard_id - current) % shard_count) << 22))


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def user(user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
    }


def member(user_obj: dict[str, Any], *, permissions: str = ALL_PERMISSIONS) -> dict[str, Any]:
    return {
        "user": user_obj,
        "nick": None,
        "roles": [],
        "joined_at": "2025-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": permissions,
    }


def text_channel(channel_id: str, guild_id: str, name: str, position: int = 0) -> dict[str, Any]:
    return {
        "id": channel_id,
        "guild_id": guild_id,
        "type": TEXT_CHANNEL,
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
    }


def guild(
    guild_id: str, name: str, channels: list[dict[str, Any]], owner_id: str
) -> dict[str, Any]:
    """A GUILD_CREATE payload: the guild with its @everyone role and channels."""
    return {
        "id": guild_id,
        "name": name,
        "icon": None,
        "owner_id": owner_id,
        "unavailable": False,
        "member_count": 2,
        "large": False,
        "features": [],
        "roles": [
            {
                "id": guild_id,  # @everyone has the guild's ID
                "name": "@everyone",
                "permissions": ALL_PERMISSIONS,
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
            }
        ],
        "emojis": [],
        "stickers": [],
        "channels": channels,
        "threads": [],
        "members": [],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "joined_at": "2025-01-01T00:00:00+00:00",
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "system_channel_flags": 0,
    }


def message(
    *,
    message_id: str,
    channel_id: str,
    author: dict[str, Any],
    content: str = "",
    guild_id: str | None = None,
    mentions: list[dict[str, Any]] | None = None,
    mention_everyone: bool = False,
    embeds: list[dict[str, Any]] | None = None,
    components: list[dict[str, Any]] | None = None,
    flags: int = 0,
    webhook_id: str | None = None,
    message_reference: dict[str, Any] | None = None,
    author_member: dict[str, Any] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": message_id,
        "channel_id": channel_id,
        "type": 0 if message_reference is None else 19,
        "content": content,
        "author": author,
        "embeds": embeds or [],
        "attachments": [],
        "mentions": mentions or [],
        "mention_roles": [],
        "mention_everyone": mention_everyone,
        "pinned": False,
        "tts": False,
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "flags": flags,
        "components": components or [],
    }
    if guild_id is not None:
        data["guild_id"] = guild_id
        if author_member is not None:
            data["member"] = author_member
    if webhook_id is not None:
        data["webhook_id"] = webhook_id
    if message_reference is not None:
        data["message_reference"] = message_reference
    return data


def option(name: str, value: Any) -> dict[str, Any]:
    return {"name": name, "type": OPTION_TYPES[type(value)], "value": value}


def _interaction_base(
    *,
    interaction_type: int,
    application_id: str,
    guild_id: str,
    channel: dict[str, Any],
    invoker: dict[str, Any],
) -> dict[str, Any]:
    return {
        "id": snowflake(),
        "type": interaction_type,
        "token": f"tok-{snowflake()}",
        "version": 1,
        "application_id": application_id,
        "guild_id": guild_id,
        "channel_id": channel["id"],
        "channel": channel,
        "member": member(invoker),
        "app_permissions": ALL_PERMISSIONS,
        "attachment_size_limit": 8 * 1024 * 1024,
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": guild_id},
        "context": 0,
    }


def slash_command(
    name: str,
    options: dict[str, Any] | None = None,
    *,
    application_id: str,
    guild_id: str,
    channel: dict[str, Any],
    invoker: dict[str, Any],
    command_id: str | None = None,
) -> dict[str, Any]:
    """An INTERACTION_CREATE for ``/name`` with the given option values."""
    data = _interaction_base(
        interaction_type=APPLICATION_COMMAND,
        application_id=application_id,
        guild_id=guild_id,
        channel=channel,
        invoker=invoker,
    )
    data["data"] = {
        "id": command_id or snowflake(),
        "name": name,
        "type": CHAT_INPUT,
        "options": [option(k, v) for k, v in (options or {}).items()],
        "guild_id": guild_id,
    }
    return data


def component_click(
    custom_id: str,
    clicked_message: dict[str, Any],
    *,
    application_id: str,
    guild_id: str,
    channel: dict[str, Any],
    invoker: dict[str, Any],
    component_type: int = 2,
) -> dict[str, Any]:
    """An INTERACTION_CREATE for a click on a button of ``clicked_message``."""
    data = _interaction_base(
        interaction_type=MESSAGE_COMPONENT,
        application_id=application_id,
        guild_id=guild_id,
        channel=channel,
        invoker=invoker,
    )
    data["message"] = clicked_message
    data["data"] = {"custom_id": custom_id, "component_type": component_type}
    return data


def find_custom_ids(message_payload: dict[str, Any]) -> list[str]:
    """Every component custom_id in a message, in display order."""
    found: list[str] = []

    def walk(components: list[dict[str, Any]]) -> None:
        for c in components:
            if "custom_id" in c:
                found.append(c["custom_id"])
            walk(c.get("components", []))

    walk(message_payload.get("components", []))
    return found
