"""Small pieces of wording shared by the CLI, the console and the Discord replies."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """``count`` and ``noun``, with an s unless there is exactly one: "1 article", "3 articles"."""
    return f"{count} {noun}{'s' if count != 1 else ''}"
