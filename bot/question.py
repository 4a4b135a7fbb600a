"""Turn what a Discord user typed into a question for the engine, or refuse it.

Only the checks that need Discord's syntax live here (mentions, custom emoji) plus the
cheap ones that let the bot refuse before it shows "thinking…". The engine still has the
last word: it raises :class:`QuestionError` for anything it cannot answer as asked.
"""

from __future__ import annotations

import re

from index.errors import QuestionError

# <@id>, <@!id> (users), <@&id> (roles), <#id> (channels), <:name:id>/<a:name:id> (emoji),
# </name:id> (command mentions) and <t:...> timestamps carry no words of a question.
_DISCORD_TOKENS = re.compile(r"<(?:@[!&]?\d+|#\d+|a?:\w+:\d+|/[\w -]+:\d+|t:\d+(?::\w)?)>")
_EVERYONE = re.compile(r"@(?:everyone|here)\b")


def _bot_mention(bot_id: int) -> str:
    """The bot's own mention as written in a message: ``<@id>`` or the legacy ``<@!id>``."""
    return rf"<@!?{bot_id}>"


def mentions_bot(content: str, bot_id: int) -> bool:
    """Whether the text itself mentions the bot (not merely a reply that pings it)."""
    return re.search(_bot_mention(bot_id), content) is not None


def strip_bot_mention(content: str, bot_id: int) -> str:
    """Remove the bot's own mentions from a message."""
    return re.sub(_bot_mention(bot_id), " ", content)


def clean_question(text: str, max_chars: int) -> str:
    """Return the question with whitespace collapsed; raise QuestionError if unusable."""
    question = " ".join(text.split())
    if not question:
        raise QuestionError("Please type a question, e.g. “What did Putin propose in Istanbul?”")
    words = _EVERYONE.sub(" ", _DISCORD_TOKENS.sub(" ", question))
    # Emoji and punctuation alone are not a question: require a letter or digit.
    if not any(ch.isalnum() for ch in words):
        raise QuestionError(
            "That has no words I can search for: ask in words, "
            "e.g. “What did Zelenskyy say about a ceasefire?”"
        )
    if len(question) > max_chars:
        raise QuestionError(
            f"Your question is {len(question)} characters long; the limit is {max_chars}. "
            "Please shorten it."
        )
    return question
