"""Deliver ephemeral notices and turn command errors into a user's words.

Every error a user can cause becomes a one-line ephemeral reply; anything unexpected gets
a short apology while the traceback goes to the log. Discord refusing a reply because the
interaction expired or is unknown is logged and otherwise ignored: the bot stays up.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bot.cooldown import UserCooldown
from bot.render import notice
from index.errors import TalkbotError

log = logging.getLogger("talkbot.discord")

NO_PINGS = discord.AllowedMentions.none()
APOLOGY = (
    "Sorry, something went wrong while answering. The error has been logged; please try again."
)


async def send_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """Reply privately, whether or not the interaction was already acknowledged."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(notice(text), ephemeral=True, allowed_mentions=NO_PINGS)
        else:
            await interaction.response.send_message(
                notice(text), ephemeral=True, allowed_mentions=NO_PINGS
            )
    except discord.NotFound:
        log.warning("interaction %s expired before the bot could reply", interaction.id)
    except discord.HTTPException as exc:
        log.warning("could not reply to interaction %s: %s", interaction.id, exc)


# What discord.py raises when Discord's copy of the commands is older than the bot's: a
# removed command, or options that no longer match.
OUT_OF_DATE = (app_commands.CommandNotFound, app_commands.CommandSignatureMismatch)
OUT_OF_DATE_TEXT = (
    "This command has changed since Discord last received the bot's commands. A server "
    "admin can update them with: talkbot sync (Discord may take a moment to catch up)."
)
# Interaction.extras key: set when the "thinking…" acknowledgement is visible to the
# channel, so an error explained afterwards first removes it (or the explanation would
# take its place, publicly: Discord ignores the ephemeral flag of that first followup).
PUBLIC_THINKING = "talkbot.public_thinking"


async def defer_thinking(interaction: discord.Interaction, *, ephemeral: bool = False) -> None:
    """Acknowledge with "thinking…", remembering whether the channel can see it."""
    await interaction.response.defer(ephemeral=ephemeral, thinking=True)
    interaction.extras[PUBLIC_THINKING] = not ephemeral


async def defer_update(interaction: discord.Interaction) -> None:
    """Acknowledge a button click without changing its message; replies follow up."""
    try:
        await interaction.response.defer()
    except discord.NotFound:
        log.warning("interaction %s expired before it could be acknowledged", interaction.id)
    except discord.HTTPException as exc:
        log.warning("could not acknowledge interaction %s: %s", interaction.id, exc)


async def start_slow_reply(
    interaction: discord.Interaction, cooldown: UserCooldown, *, ephemeral: bool = False
) -> bool:
    """Charge the user's cooldown, then acknowledge at once ("thinking…").

    Work that may take longer than Discord's three seconds goes after this. False means
    the interaction ends here: the user was told to wait, or Discord no longer accepts it.
    """
    wait = cooldown.hit(interaction.user.id)
    if wait is not None:
        await send_ephemeral(interaction, wait_message(wait))
        return False
    try:
        await defer_thinking(interaction, ephemeral=ephemeral)
    except discord.NotFound:
        log.warning("interaction %s expired before it could be acknowledged", interaction.id)
        return False
    except discord.HTTPException as exc:
        # discord.py already retried rate limits and server errors; give up on this one.
        log.warning("could not acknowledge interaction %s: %s", interaction.id, exc)
        return False
    return True


async def refuse_after_defer(
    interaction: discord.Interaction, message: str, *, private: bool = False
) -> None:
    """Explain a refusal privately after a "thinking…" acknowledgement."""
    # A public "thinking…" would turn the explanation public too: remove it first so the
    # explanation stays between the bot and the user.
    if not private:
        try:
            await interaction.delete_original_response()
        except discord.HTTPException as exc:
            log.debug("could not delete the thinking message: %s", exc)
    await send_ephemeral(interaction, message)


def user_message(error: BaseException) -> str | None:
    """The user-facing text for an error the user caused, or None if it is unexpected."""
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        error = error.__cause__ or getattr(error, "original", error)
    if isinstance(error, TalkbotError):
        return str(error)
    if isinstance(error, app_commands.CommandOnCooldown):
        return wait_message(error.retry_after)
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server channel."
    if isinstance(error, app_commands.MissingPermissions | app_commands.BotMissingPermissions):
        return str(error)
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or "You can't use this command here."
    if isinstance(error, OUT_OF_DATE):
        return OUT_OF_DATE_TEXT
    return None


def wait_message(retry_after: float) -> str:
    seconds = max(1, round(retry_after + 0.5))
    unit = "second" if seconds == 1 else "seconds"
    return f"You're asking quickly — please wait {seconds} {unit} before the next question."


async def handle_command_error(
    interaction: discord.Interaction, error: app_commands.AppCommandError
) -> None:
    """CommandTree.on_error: explain the user's errors, log and apologise for the rest."""
    message = user_message(error)
    if isinstance(error, OUT_OF_DATE):
        # Discord holds an older list of this bot's commands than the one it runs.
        log.warning("a command Discord sent does not match this bot's: %s", error)
    if message is None:
        command = interaction.command.qualified_name if interaction.command else "?"
        original = getattr(error, "original", error)
        log.error(
            "unexpected error in /%s (interaction %s)",
            command,
            interaction.id,
            exc_info=(type(original), original, original.__traceback__),
        )
        message = APOLOGY
    public = interaction.extras.get(PUBLIC_THINKING, False)
    await refuse_after_defer(interaction, message, private=not public)


class TalkTree(app_commands.CommandTree):
    """The command tree with the bot's error handling."""

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await handle_command_error(interaction, error)
        # Work a refusal owes once the user has their answer (the moderation audit).
        after_reply = getattr(error, "after_reply", None)
        if after_reply is not None:
            try:
                await after_reply(interaction)
            except Exception:
                log.exception("after replying to interaction %s", interaction.id)
