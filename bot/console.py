"""The local console (``talkbot chat``, and ``make run`` without a Discord token).

It offers the bot's commands in a terminal, with the same engine behind them: a plain
line is a question; ``/ask``, ``/sources``, ``/timeline`` (topic, since, until and a
chart saved as a PNG), ``/refresh``, ``/add`` (a URL or a file) and ``/remove`` work as
they do in Discord. Whoever runs the console owns the seeds folder, so the moderators'
commands need no role here; each one is written to the audit log with ``via: console``.
"""

from __future__ import annotations

import argparse
import contextlib
import shlex
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TextIO

from bot import textfmt
from index.engine import Engine
from index.errors import TalkbotError
from index.wording import plural

HELP = """Ask a question about the Russia–Ukraine peace talks coverage, e.g.
  what did Putin propose in May?
Every answer is made of sentences quoted verbatim from the indexed articles; each
sentence ends with [n], and [n] below names the article, outlet, date and the exact
characters quoted. When the articles don't answer, the bot says so.

Commands:
  /ask QUESTION     the same as typing the question
  /sources          the indexed articles
  /timeline [TOPIC] [--since DATE] [--until DATE] [--chart FILE.png]
                    dated events in date order, or only those about TOPIC
                    (DATE is YYYY-MM-DD, YYYY-MM or YYYY)
Moderators' commands (they change the seeds folder, then refresh the index):
  /refresh          re-read the seeds folder and update the index
  /add URL|FILE [--title T] [--outlet O] [--published YYYY-MM-DD] [--author A]
                    add an article from a web page or a .txt/.md/.html file
  /remove DOC_ID    move an article to the archive (ids: /sources)
Other:
  /help             this text
  /quit             leave (or /exit, or Ctrl-D)
help, sources, quit and exit work without the slash too.
Quote values with spaces: /add story.txt --title "Talks resume in Istanbul\""""


QUIT = ("/quit", "/exit")
# Whole lines that read as a command rather than a question: someone at a prompt types
# "quit" or "help" without the slash, and "Not found: ..." would be a baffling reply.
BARE_WORDS = {"quit": "/quit", "exit": "/exit", "help": "/help", "sources": "/sources"}
NO_ARGUMENTS = ("sources", "refresh", "help")


def as_command(line: str) -> str:
    """``line`` with a bare command word (quit, Help, EXIT...) spelt as its /command."""
    return BARE_WORDS.get(line.strip().lower(), line)


def wants_quit(line: str) -> bool:
    """True for /quit or /exit, whatever follows them ("/quit now"), and bare quit/exit."""
    words = as_command(line).split(maxsplit=1)
    return bool(words) and words[0].lower() in QUIT


class UsageError(TalkbotError):
    """A console command was typed with missing, unknown or malformed arguments."""


class _Arguments(argparse.ArgumentParser):
    """An argument parser that reports mistakes as UsageError instead of exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}; usage: {self.usage}")


def _parsers() -> dict[str, _Arguments]:
    timeline = _Arguments(
        prog="/timeline",
        usage="/timeline [TOPIC] [--since DATE] [--until DATE] [--chart FILE.png]",
        add_help=False,
    )
    timeline.add_argument("topic", nargs="*")
    timeline.add_argument("--since", metavar="DATE")
    timeline.add_argument("--until", metavar="DATE")
    timeline.add_argument("--chart", metavar="FILE.png", type=Path)

    add = _Arguments(
        prog="/add",
        usage="/add URL|FILE [--title T] [--outlet O] [--published YYYY-MM-DD] [--author A]",
        add_help=False,
    )
    add.add_argument("source", metavar="URL|FILE")
    for option in ("title", "outlet", "published", "author"):
        add.add_argument(f"--{option}")

    remove = _Arguments(prog="/remove", usage="/remove DOC_ID", add_help=False)
    remove.add_argument("doc_id", metavar="DOC_ID")
    return {"timeline": timeline, "add": add, "remove": remove}


def split_words(command: str, arg: str) -> list[str]:
    """Words of a command line; "double quotes" group words with spaces.

    Only double quotes quote, and backslashes are plain characters, so an apostrophe
    (/timeline Putin's offer) or a Windows path stays as typed.
    """
    lexer = shlex.shlex(arg, posix=True)
    lexer.whitespace_split = True
    lexer.quotes = '"'
    lexer.escape = ""
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:  # an unclosed double quote
        raise UsageError(f"/{command}: a double quote is not closed; close it") from None


HISTORY_FILE = "console_history"
HISTORY_LINES = 1000


def _forget_last_history_line() -> None:
    """Drop the blank line readline just remembered: Up should bring back words."""
    import readline

    length = readline.get_current_history_length()
    if length:
        readline.remove_history_item(length - 1)


def _save_history(path: Path) -> None:
    import readline

    # A read-only data folder loses the history, not the session's clean exit.
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        readline.write_history_file(path)


class Console:
    def __init__(
        self, engine: Engine, stdin: TextIO | None = None, stdout: TextIO | None = None
    ) -> None:
        self.engine = engine
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.parsers = _parsers()
        self.commands: dict[str, Callable[[str], str | None]] = {
            "ask": self.ask,
            "sources": lambda _arg: textfmt.format_sources(self.engine.sources()),
            "timeline": self.timeline,
            "refresh": self.refresh,
            "add": self.add,
            "remove": self.remove,
            "help": lambda _arg: HELP,
        }

    def say(self, text: str) -> None:
        print(text, file=self.stdout, flush=True)

    def run(self) -> int:
        interactive = self.stdin.isatty()
        self.say(
            f"talkbot console — {plural(len(self.engine.data.articles), 'article')} "
            "indexed. "
            "/help for commands."
        )
        if interactive and signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
            # Started with Ctrl-C ignored (inherited from a shell's background job):
            # Python then never raises KeyboardInterrupt, and at a terminal Ctrl-C must
            # still drop the line being typed.
            signal.signal(signal.SIGINT, signal.default_int_handler)
        history = self._line_editing() if interactive else None
        try:
            return self._loop(interactive, history is not None)
        finally:
            if history is not None:
                _save_history(history)

    def _loop(self, interactive: bool, edited: bool) -> int:
        while True:
            line = self._read_line(interactive, edited)
            if line is None:
                if interactive:  # Ctrl-D: end the "> " line, or the shell prompt lands on it
                    self.stdout.write("\n")
                    self.stdout.flush()
                return 0
            line = line.strip()
            if not line:
                continue
            if wants_quit(line):
                return 0
            reply = self.handle(line)
            if reply:
                self.say(reply + "\n")

    def _read_line(self, interactive: bool, edited: bool) -> str | None:
        """The next line typed or piped in; None at the end of input.

        At a terminal's prompt Ctrl-C drops the line being typed, as shells do; Ctrl-D
        or /quit ends the console.
        """
        try:
            if edited:
                line = input("> ")  # through readline: arrow keys, editing, history
                if not line.strip():
                    _forget_last_history_line()
                return line
            if interactive:
                self.stdout.write("> ")
                self.stdout.flush()
            return self.stdin.readline() or None
        except EOFError:
            return None
        except KeyboardInterrupt:
            if not interactive:
                raise
            self.stdout.write("\n")
            return ""

    def _line_editing(self) -> Path | None:
        """Turn on line editing and history for a terminal; the history file, or None.

        Only when the console reads the process's own terminal: readline edits what
        ``input()`` reads, and a test's or caller's stream is not it. History is kept
        across sessions in the data folder, like a shell's.
        """
        if self.stdin is not sys.stdin or self.stdout is not sys.stdout:
            return None
        try:
            import readline
        except ImportError:  # Python built without it (Windows): plain lines still work
            return None
        path = self.engine.settings.data_dir / HISTORY_FILE
        readline.set_history_length(HISTORY_LINES)
        with contextlib.suppress(OSError):  # no history yet, or unreadable: start afresh
            readline.read_history_file(path)
        return path

    def handle(self, line: str) -> str | None:
        """The reply to one console line (a question or a /command)."""
        line = as_command(line)
        name, arg = "ask", line
        if line.startswith("/"):
            name, _, arg = line[1:].partition(" ")
            name = name.lower()  # "/Ask" from a phone's auto-capitalisation is /ask
            if name not in self.commands:
                return f"Unknown command /{name}. Type /help for the list."
            if name in NO_ARGUMENTS and arg.strip():
                # Ignoring "/refresh now" would let a typo pass for what was meant.
                return f"Sorry: /{name} takes no arguments; type /{name} alone"
        try:
            return self.commands[name](arg.strip())
        except TalkbotError as exc:
            return f"Sorry: {exc}"

    def ask(self, question: str) -> str:
        return textfmt.format_answer(self.engine.ask(question))

    def timeline(self, arg: str) -> str:
        from bot.cli_timeline import check_chart_file, format_timeline, save_chart
        from index.timeline import parse_bounds

        args = self._parse("timeline", arg)
        # Bad dates and chart paths are refused before any work.
        parse_bounds(args.since, args.until)
        if args.chart is not None:
            check_chart_file(args.chart)
        timeline = self.engine.timeline(" ".join(args.topic) or None, args.since, args.until)
        text = format_timeline(timeline)
        if args.chart is not None:
            save_chart(timeline, args.chart)
            text += f"\n\nChart saved to {args.chart}"
        return text

    def refresh(self, _arg: str) -> str:
        report = self.engine.refresh(progress=self._progress)
        return "\n".join(
            [
                f"Index refreshed: {plural(report.passages, 'passage')} in {report.seconds:.1f} s",
                *textfmt.format_changes(report),
            ]
        )

    def add(self, arg: str) -> str:
        from bot.cli_moderation import read_candidate
        from index.fetch import check_url

        args = self._parse("add", arg)

        def run():
            source = args.source.strip()
            if "://" in source:
                check_url(source)  # "fetching ftp://..." before the refusal misleads
                self._progress(f"fetching {source}")
            else:
                self._progress(f"reading {source}")
            candidate = read_candidate(args, self.engine.settings)
            return self._library().add(candidate, self._refresh_for_library)

        return self._change("add", args.source, run, refused="Nothing added")

    def remove(self, arg: str) -> str:
        args = self._parse("remove", arg)

        def run():
            return self._library().remove(args.doc_id, self._refresh_for_library)

        return self._change("remove", args.doc_id, run, refused="Nothing removed")

    def _change(self, action: str, target: str, run: Callable, refused: str) -> str:
        """Run a library change on the record (audit log, via console); say what happened."""
        from bot.cli_moderation import audited, result_lines

        try:
            result = audited(self.engine.settings, action, target, run, via="console")
        except TalkbotError as exc:
            return f"{refused}: {exc}"
        return "\n".join(result_lines(result))

    def _library(self):
        from index.library import Library

        return Library(self.engine.settings, self.engine.embedder.count_tokens)

    def _refresh_for_library(self):
        # The library refreshes inside its own lock; the engine then serves the new build.
        return self.engine.refresh(progress=self._progress)

    def _parse(self, command: str, arg: str) -> argparse.Namespace:
        return self.parsers[command].parse_args(split_words(command, arg))

    def _progress(self, message: str) -> None:
        self.say(f"… {message}")
