"""The ``talkbot`` command line: build the index, ask, search, list sources, chat.

Readable output by default, ``--json`` for machines. Given no question, ``ask`` and
``search`` read one per line from standard input (loading the model once) and with
``--json`` write one JSON object per line. Errors a user can cause are one line on
stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from bot import textfmt
from index.errors import IndexMissingError, QuestionError, TalkbotError
from index.settings import Settings, load_settings
from index.wording import plural

EXIT_ERROR = 2
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what `yes | head` leaves in PIPESTATUS


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_ERROR
    try:
        code = int(args.func(args) or 0)
        # Output to a pipe is buffered: flush here so a reader that went away shows up in
        # the handler below, not as "Exception ignored ... BrokenPipeError" at exit.
        sys.stdout.flush()
        return code
    except TalkbotError as exc:
        print(f"talkbot: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (talkbot timeline | head): not an error worth a word.
        # Caught before OSError, its base class. Point stdout at devnull so the flush at
        # interpreter exit does not raise again, and exit as a process killed by SIGPIPE
        # would (128 + 13), like the 130 for Ctrl-C below.
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as exc:
        # A path the settings name is not usable (a file where a folder should be, a
        # lock file that is a folder...): say which and why, not a traceback.
        where = f"{exc.filename}: " if exc.filename else ""
        print(
            f"talkbot: {where}{exc.strerror or exc}; check data_dir and seeds_dir in the config",
            file=sys.stderr,
        )
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("", file=sys.stderr)
        return 130


def _silence_stdout() -> None:
    """Send whatever stdout still holds to devnull: the pipe it was writing to is closed."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a real file (a test's capture buffer)
        pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="talkbot",
        description="Answers questions about coverage of the Russia–Ukraine peace talks, "
        "quoting the articles it indexed.",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="config file (default: $TALKBOT_CONFIG or config/talkbot.yaml)",
    )
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    index = sub.add_parser("index", help="build or refresh the index")
    index_sub = index.add_subparsers(title="index commands", metavar="ACTION")
    build = index_sub.add_parser("build", help="build the index from scratch from the seeds folder")
    build.add_argument("--if-missing", action="store_true", help="do nothing if an index exists")
    build.add_argument("--json", action="store_true", help="print the report as JSON")
    build.set_defaults(func=cmd_build, incremental=False)
    refresh = index_sub.add_parser(
        "refresh", help="re-embed only changed articles, drop removed ones, swap atomically"
    )
    refresh.add_argument("--json", action="store_true", help="print the report as JSON")
    refresh.set_defaults(func=cmd_build, incremental=True, if_missing=False)
    index.set_defaults(func=lambda _args: (index.print_help(), EXIT_ERROR)[1])

    ask = sub.add_parser("ask", help="answer a question with verbatim, cited excerpts")
    ask.add_argument(
        "question", nargs="?", help="the question (omit to read one per line from stdin)"
    )
    ask.add_argument("--json", action="store_true", help="JSON output (JSON Lines in batch mode)")
    ask.set_defaults(func=cmd_ask)

    search = sub.add_parser("search", help="ranked passages for a query, with scores")
    search.add_argument("query", nargs="?", help="the query (omit to read one per line from stdin)")
    search.add_argument(
        "-k", type=int, default=None, help="how many passages (default from config)"
    )
    search.add_argument(
        "--json", action="store_true", help="JSON output (JSON Lines in batch mode)"
    )
    search.set_defaults(func=cmd_search)

    sources = sub.add_parser("sources", help="the indexed articles with their metadata")
    sources.add_argument("--json", action="store_true", help="JSON output")
    sources.set_defaults(func=cmd_sources)

    chat = sub.add_parser("chat", help="interactive console with the bot's commands")
    chat.set_defaults(func=cmd_chat)

    for register in _extensions():
        register(sub)
    return parser


def _extensions() -> Iterator[Callable[[argparse._SubParsersAction], None]]:
    """Subcommands contributed by other front-end modules (Discord, evaluation, ...)."""
    import importlib

    for name in (
        "bot.cli_discord",
        "bot.cli_eval",
        "bot.cli_timeline",
        "bot.cli_moderation",
        "bot.cli_model",
    ):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        yield module.register


# -- helpers shared by the commands ---------------------------------------------------


def settings_of(args: argparse.Namespace) -> Settings:
    return load_settings(args.config)


def open_engine(settings: Settings):
    from index.engine import Engine

    return Engine.open(settings)


def print_json(payload: object) -> None:
    print(json.dumps(payload, ensure_ascii=False))


def stdin_lines() -> Iterator[str]:
    for line in sys.stdin:
        line = line.rstrip("\n")
        if line.strip():
            yield line


# -- commands -------------------------------------------------------------------------


def _unusable_build(store) -> str | None:
    """None if the serving build is usable; why not otherwise ("" when there is none).

    ``make run`` builds "if missing": an index written by an older version of the store
    (another format) or a damaged manifest is as good as missing, so rebuild it rather
    than start a bot that cannot load it.
    """
    from index.errors import IndexInvalidError
    from index.inputs import read_stamp
    from index.store import FORMAT_VERSION, read_manifest

    folder = store.current_build()
    if folder is None:
        return ""
    try:
        manifest = read_manifest(folder)
    except IndexInvalidError as exc:
        return str(exc)
    if manifest.format_version != FORMAT_VERSION:
        return f"{folder} is format {manifest.format_version}, this version reads {FORMAT_VERSION}"
    stamp = read_stamp(folder)
    if stamp is not None and not stamp.outputs_intact(folder):
        return f"{folder} has lost or truncated files since it was written"
    return None


def cmd_build(args: argparse.Namespace) -> int:
    from index.build import build_index
    from index.embed import Embedder
    from index.store import IndexStore

    settings = settings_of(args)
    if args.if_missing:
        stale = _unusable_build(IndexStore(settings.index_dir))
        if stale is None:
            if not args.json:
                print(
                    f"Index already built in {settings.index_dir} (talkbot index build to rebuild)."
                )
            return 0
        if stale and not args.json:
            print(f"Rebuilding the index: {stale}", file=sys.stderr)
    progress = (lambda _m: None) if args.json else (lambda m: print(f"… {m}", file=sys.stderr))
    embedder = Embedder(settings.embedding)
    report = build_index(settings, embedder, incremental=args.incremental, progress=progress)
    if args.json:
        print_json(report.to_dict())
    elif args.incremental:
        print(
            f"Refreshed index {report.build_id}: "
            f"{plural(report.passages, 'passage')} in {report.seconds:.2f} s"
        )
        print("\n".join(textfmt.format_changes(report)))
    else:
        print(textfmt.format_build(report))
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from index.engine import normalize_question

    settings = settings_of(args)
    if args.question is not None:  # refuse a bad question before the slow model load
        normalize_question(args.question, settings.answer.max_question_chars)
    engine = open_engine(settings)
    if args.question is not None:
        answer = engine.ask(args.question)
        print_json(answer.to_dict()) if args.json else print(textfmt.format_answer(answer))
        return 0
    failures = 0
    for line in stdin_lines():
        try:
            answer = engine.ask(line)
        except QuestionError as exc:
            failures += 1
            _batch_error(args.json, line, exc)
            continue
        if args.json:
            print_json(answer.to_dict())
        else:
            print(f"Q: {line}\n{textfmt.format_answer(answer)}\n")
        sys.stdout.flush()
    return 1 if failures else 0


def cmd_search(args: argparse.Namespace) -> int:
    from index.engine import normalize_question

    settings = settings_of(args)
    if args.query is not None:
        normalize_question(args.query, settings.answer.max_question_chars)
    if args.k is not None and args.k < 1:
        raise QuestionError(f"-k must be at least 1, not {args.k}")
    engine = open_engine(settings)

    def run(query: str) -> None:
        hits = engine.search(query, args.k)
        if args.json:
            print_json(
                {
                    "query": query,
                    "results": [
                        {
                            "rank": h.rank,
                            "score": round(h.score, 6),
                            "dense_score": round(h.dense_score, 6),
                            "bm25_score": round(h.lexical_score, 6),
                            "doc_id": h.passage.doc_id,
                            "title": engine.data.articles[
                                engine.data.doc_index[h.passage.doc_id]
                            ].title,
                            "text": h.passage.text,
                            "start": h.passage.start,
                            "end": h.passage.end,
                        }
                        for h in hits
                    ],
                }
            )
        else:
            print(textfmt.format_hits(query, hits))

    if args.query is not None:
        run(args.query)
        return 0
    failures = 0
    for line in stdin_lines():
        try:
            run(line)
        except QuestionError as exc:
            failures += 1
            _batch_error(args.json, line, exc)
        sys.stdout.flush()
    return 1 if failures else 0


def _batch_error(as_json: bool, line: str, exc: Exception) -> None:
    if as_json:
        print_json({"question": line[:200], "error": str(exc)})
    else:
        print(f"talkbot: {exc}", file=sys.stderr)


def cmd_sources(args: argparse.Namespace) -> int:
    from index.records import SourceInfo
    from index.store import IndexStore, load_current

    settings = settings_of(args)
    # Listing sources needs the index, not the model: skip the slow model load.
    data = load_current(IndexStore(settings.index_dir), model=settings.embedding.model)
    counts = data.passage_counts()
    sources = [
        SourceInfo(
            a.doc_id, a.title, a.outlet, a.published, a.url, counts.get(a.doc_id, 0), a.author
        )
        for a in data.articles
    ]
    if args.json:
        print_json({"sources": [s.to_dict() for s in sources]})
    else:
        print(textfmt.format_sources(sources))
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.console import Console

    settings = settings_of(args)
    try:
        engine = open_engine(settings)
    except IndexMissingError:
        raise IndexMissingError(
            f"no index in {settings.index_dir} yet; run: talkbot index build (make run does it)"
        ) from None
    return Console(engine).run()


if __name__ == "__main__":
    sys.exit(main())
