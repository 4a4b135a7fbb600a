"""``talkbot add URL|FILE`` and ``talkbot remove DOC_ID``: the moderators' commands in a shell.

Both change the seeds folder through :class:`index.library.Library` (checked, atomic,
undone if the refresh fails) and then refresh the index, exactly as the Discord
``/add`` and ``/remove`` do. Each run appends a line to the audit log with the local
user as "who". A running bot picks the new build up on its next ``/refresh``.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from bot import textfmt
from bot.audit import AuditLog
from bot.moderation_settings import moderation_settings
from index.errors import BusyError, TalkbotError
from index.fetch import FetchError, fetch_article
from index.library import (
    Added,
    Candidate,
    Library,
    LibraryError,
    Removed,
    candidate_from_file,
    candidate_from_page,
    is_text,
    parse_published,
)
from index.settings import Settings, load_settings
from index.wording import plural

REFUSALS = (LibraryError, FetchError, BusyError)


def register(sub: argparse._SubParsersAction) -> None:
    add = sub.add_parser(
        "add", help="add an article from a URL or a .txt/.md/.html file, then refresh"
    )
    add.add_argument("source", metavar="URL|FILE", help="http(s) URL of the article, or a file")
    add.add_argument("--title", help="headline (default: the page's title or first line)")
    add.add_argument("--outlet", help="publisher (default: the page's site name)")
    add.add_argument("--published", help="publication date as YYYY-MM-DD (default: the page's)")
    add.add_argument("--author", help="author (default: the page's byline)")
    add.add_argument("--json", action="store_true", help="print the result as JSON")
    add.set_defaults(func=cmd_add)

    remove = sub.add_parser(
        "remove", help="move an article to the archive (seeds/archive/), then refresh"
    )
    remove.add_argument("doc_id", help="the article's id, as `talkbot sources` lists it")
    remove.add_argument("--json", action="store_true", help="print the result as JSON")
    remove.set_defaults(func=cmd_remove)


def load_embedder(settings: Settings):
    from index.embed import Embedder

    return Embedder(settings.embedding)


def _who() -> tuple[str, str]:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "unknown"
    return f"uid:{os.getuid()}", name


def _progress(args: argparse.Namespace):
    if args.json:
        return lambda _m: None
    return lambda m: print(f"… {m}", file=sys.stderr)


def audited(settings: Settings, action: str, target: str, run, via: str = "cli"):
    """Run ``run()`` and record its outcome; errors still reach the caller to be shown.

    ``via`` says which front end acted: "cli" (``talkbot add``) or "console" (``/add`` in
    ``talkbot chat``); the user is the local account either way.
    """
    audit = AuditLog.for_settings(settings)
    user_id, user_name = _who()
    try:
        result = run()
    except TalkbotError as exc:
        outcome = "refused" if isinstance(exc, REFUSALS) else "failed"
        audit.record(
            via=via,
            user_id=user_id,
            user_name=user_name,
            action=action,
            target=target,
            outcome=outcome,
            detail=str(exc),
        )
        raise
    audit.record(
        via=via,
        user_id=user_id,
        user_name=user_name,
        action=action,
        target=target,
        outcome="ok",
        detail=describe(result),
    )
    return result


def describe(result: Added | Removed) -> str:
    """One line saying what changed (the audit detail and the first line printed)."""
    if isinstance(result, Added):
        when = result.published.isoformat() if result.published else "date unknown"
        passages = result.report.per_article.get(result.doc_id, 0)
        return (
            f'added {result.doc_id}: "{result.title}" ({result.outlet or "unknown outlet"}'
            f" · {when}), {plural(passages, 'passage')}"
        )
    title = f' "{result.title}"' if result.title else ""
    return f"removed {result.doc_id}{title}; archived as {result.archived_to.name}"


def read_candidate(args: argparse.Namespace, settings: Settings) -> Candidate:
    published = parse_published(args.published)
    limits = moderation_settings(settings).fetch_limits()
    source = args.source.strip()
    meta = {
        "title": _text_option(args.title, "--title"),
        "outlet": _text_option(args.outlet, "--outlet"),
        "published": published,
        "author": _text_option(args.author, "--author"),
    }
    if not source:
        raise LibraryError("the source is empty; give an http(s) URL or a file path")
    if "://" in source:
        return candidate_from_page(fetch_article(source, limits), **meta)
    path = Path(source)
    if path.is_dir():
        raise LibraryError(
            f"{source} is a directory; an article must be a file (.txt, .md, .html) or an "
            "http(s) URL"
        )
    if not path.is_file():
        raise LibraryError(f"{source}: no such file; give an http(s) URL or a file path")
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise LibraryError(
            f"{path.name} is {size:,} bytes, over the limit of {limits.max_bytes:,} "
            "(moderation.max_bytes)"
        )
    return candidate_from_file(path.name, path.read_bytes(), max_bytes=limits.max_bytes, **meta)


def _text_option(value: str | None, option: str) -> str | None:
    """An option's value, refused if the shell passed bytes that are not UTF-8.

    Python keeps such bytes as lone surrogates; left in, they would surface later as a
    broken sources.yaml rather than as the option they came from.
    """
    if value is not None and not is_text(value):
        raise LibraryError(
            f"the {option} value is not valid text (it holds bytes that are not UTF-8); "
            "retype it in UTF-8"
        )
    return value


def cmd_add(args: argparse.Namespace) -> int:
    from index.build import build_index

    settings = load_settings(args.config)

    def run() -> Added:
        candidate = read_candidate(args, settings)
        embedder = load_embedder(settings)
        library = Library(settings, embedder.count_tokens)
        return library.add(
            candidate,
            lambda: build_index(settings, embedder, incremental=True, progress=_progress(args)),
        )

    added = audited(settings, "add", args.source, run)
    _print(args, added)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from index.build import build_index

    settings = load_settings(args.config)

    def run() -> Removed:
        library = Library(settings)
        library.find(args.doc_id)  # an unknown id is refused before the model loads
        embedder = load_embedder(settings)
        return library.remove(
            args.doc_id,
            lambda: build_index(settings, embedder, incremental=True, progress=_progress(args)),
        )

    removed = audited(settings, "remove", args.doc_id, run)
    _print(args, removed)
    return 0


def _print(args: argparse.Namespace, result: Added | Removed) -> None:
    if args.json:
        from bot.cli import print_json

        print_json(result.to_dict())
        return
    print("\n".join(result_lines(result)))


def result_lines(result: Added | Removed) -> list[str]:
    """What a person reads after an add or a remove: the change, then the refresh."""
    report = result.report
    line = describe(result)
    return [
        line[0].upper() + line[1:] + ".",
        f"Refreshed index {report.build_id}: {plural(report.passages, 'passage')} "
        f"in {report.seconds:.2f} s",
        *textfmt.format_changes(report),
    ]
