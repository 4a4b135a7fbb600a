"""What the Discord front end needs from the engine, and a stand-in for when it needs none.

The cogs receive an object with this shape through the bot's constructor. ``talkbot
commands`` and ``talkbot sync`` build the same bot to produce or upload the command
payloads; they answer nothing, so they pass :class:`EngineNotLoaded` instead of loading
the model and the index.
"""

from __future__ import annotations

from typing import Protocol

from index.records import Answer, SourceInfo
from index.settings import Settings
from index.timeline import Timeline


class AnswerEngine(Protocol):
    settings: Settings

    def ask(self, question: str) -> Answer: ...

    def sources(self) -> list[SourceInfo]: ...

    def timeline(
        self, topic: str | None = None, since: str | None = None, until: str | None = None
    ) -> Timeline: ...


class EngineNotLoaded:
    """Carries the settings; raises if asked to answer, since nothing was loaded."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def ask(self, question: str) -> Answer:
        raise RuntimeError("EngineNotLoaded cannot answer: this bot was built without an index")

    def sources(self) -> list[SourceInfo]:
        raise RuntimeError("EngineNotLoaded has no sources: this bot was built without an index")
