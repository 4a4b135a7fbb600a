"""The local console (``talkbot chat``, and ``make run`` without a Discord token).

It offers the bot's commands in a terminal: a plain line is a question, ``/ask``,
``/sources``, ``/timeline``, ``/help``, ``/refresh`` (and the other commands as they are
added) work as they do in Discord, with the same engine behind them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from bot import textfmt
from index.engine import Engine
from index.errors import TalkbotError

HELP = """Ask a question about the Russia–Ukraine peace talks coverage, e.g.
  what did Putin propose in May?
Every answer is made of sentences quoted verbatim from the indexed articles; each
sentence ends with [n], and [n] below names the article, outlet, date and the exact
characters quoted. When the articles don't answer, the bot says so.

Commands:
  /ask QUESTION     the same as typing the question
  /sources          the indexed articles
  /timeline [TOPIC] dated events in date order, or only those about TOPIC
  /refresh          re-read the seeds folder and update the index
  /help             this text
  /quit             leave (or Ctrl-D)"""


class Console:
    def __init__(
        self, engine: Engine, stdin: TextIO | None = None, stdout: TextIO | None = None
    ) -> None:
        self.engine = engine
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.commands: dict[str, Callable[[str], str | None]] = {
            "ask": self.ask,
            "sources": lambda _arg: textfmt.format_sources(self.engine.sources()),
            "timeline": self.timeline,
            "refresh": self.refresh,
            "help": lambda _arg: HELP,
        }

    def say(self, text: str) -> None:
        print(text, file=self.stdout, flush=True)

    def run(self) -> int:
        interactive = self.stdin.isatty()
        self.say(
            f"talkbot console — {len(self.engine.data.articles)} articles indexed. "
            "/help for commands."
        )
        while True:
            if interactive:
                self.stdout.write("> ")
                self.stdout.flush()
            line = self.stdin.readline()
            if not line:
                return 0
            line = line.strip()
            if not line:
                continue
            if line in ("/quit", "/exit"):
                return 0
            reply = self.handle(line)
            if reply:
                self.say(reply + "\n")

    def handle(self, line: str) -> str | None:
        """The reply to one console line (a question or a /command)."""
        name, arg = "ask", line
        if line.startswith("/"):
            name, _, arg = line[1:].partition(" ")
            if name not in self.commands:
                return f"Unknown command /{name}. Type /help for the list."
        try:
            return self.commands[name](arg.strip())
        except TalkbotError as exc:
            return f"Sorry: {exc}"

    def ask(self, question: str) -> str:
        return textfmt.format_answer(self.engine.ask(question))

    def timeline(self, topic: str) -> str:
        from bot.cli_timeline import format_timeline

        return format_timeline(self.engine.timeline(topic or None))

    def refresh(self, _arg: str) -> str:
        report = self.engine.refresh(progress=lambda m: self.say(f"… {m}"))
        return "\n".join(
            [
                f"Index refreshed: {report.passages} passages in {report.seconds:.1f} s",
                *textfmt.format_changes(report),
            ]
        )
