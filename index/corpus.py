"""Read the article files and their metadata from the seeds folder.

An article is any ``*.txt`` or ``*.md`` file in the seeds folder; ``sources.yaml`` maps a
file name to its title, outlet, publication date, URL and author. A file without an entry
still indexes, with its headline as title and unknown outlet and date, and a warning.
Problems that make the corpus unusable raise :class:`CorpusError` naming the file and the
fix; problems that only lose metadata are returned as warnings.

This module reads; it never writes to the seeds folder (see ``index.library`` for that).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from index.clean import find_headline
from index.errors import CorpusError
from index.records import Article
from index.yamlfile import read_yaml

ARTICLE_SUFFIXES = (".txt", ".md")
METADATA_KEYS = ("title", "outlet", "published", "url", "author")
_ISO_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Corpus:
    articles: tuple[Article, ...]
    warnings: tuple[str, ...]
    # sources.yaml as parsed and validated (file name -> metadata), for the build's stamp.
    sources: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def load_corpus(
    seeds_dir: Path,
    sources_file: Path,
    *,
    patterns: tuple[str, ...] = (),
    max_file_bytes: int = 10_000_000,
    sources: Mapping[str, Mapping[str, Any]] | None = None,
) -> Corpus:
    """Read every article file and its metadata; raise CorpusError if none is usable.

    ``sources`` is ``sources_file`` already parsed (by an earlier build, of the same
    bytes): given, the YAML is not parsed again.
    """
    if not seeds_dir.is_dir():
        raise CorpusError(f"{seeds_dir}: seeds folder not found; create it and add article files")
    files = sorted(
        p for p in seeds_dir.iterdir() if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
    )
    for p in files:
        try:
            p.name.encode("utf-8")
        except UnicodeEncodeError:
            raise CorpusError(
                f"{seeds_dir}: the file name {p.name!r} is not UTF-8; rename it"
            ) from None
    if not files:
        raise CorpusError(
            f"{seeds_dir}: no article files (*.txt, *.md); add articles before building the index"
        )
    if sources is None:
        sources = read_sources(sources_file)
    warnings: list[str] = []
    names = {p.name for p in files}
    for name in sorted(set(sources) - names):
        warnings.append(
            f"{sources_file}: entry '{name}' names a file that is not in {seeds_dir}; "
            "it is ignored (remove the entry or restore the file)"
        )
    seen: dict[str, str] = {}
    articles = []
    for path in files:
        doc_id = path.stem
        if doc_id in seen:
            raise CorpusError(
                f"{path}: same name as {seen[doc_id]} with another extension; rename one of them"
            )
        seen[doc_id] = path.name
        text, content_hash = read_article_text(path, max_file_bytes)
        entry = sources.get(path.name)
        if entry is None:
            warnings.append(
                f"{path}: no entry in {sources_file}; title taken from its headline, "
                "outlet and date unknown"
            )
            entry = {}
        title = entry.get("title") or find_headline(text, patterns) or doc_id
        meta = {
            "title": title,
            "outlet": entry.get("outlet"),
            "published": entry.get("published"),
            "url": entry.get("url"),
            "author": entry.get("author"),
        }
        articles.append(
            Article(
                doc_id=doc_id,
                filename=path.name,
                text=text,
                content_hash=content_hash,
                metadata_hash=metadata_hash(meta),
                **meta,
            )
        )
    return Corpus(articles=tuple(articles), warnings=tuple(warnings), sources=sources)


def read_article_text(path: Path, max_file_bytes: int) -> tuple[str, str]:
    """The file decoded as UTF-8 (no newline translation) and the sha256 of its bytes."""
    try:
        size = path.stat().st_size
        if size > max_file_bytes:
            raise CorpusError(
                f"{path}: {size:,} bytes is over the limit of {max_file_bytes:,} "
                "(cleaning.max_file_bytes); shorten the file or raise the limit"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{path}: not UTF-8 text (byte 0x{data[exc.start]:02x} at position {exc.start}); "
            "save it as UTF-8 or remove it"
        ) from None
    if "\x00" in text:
        raise CorpusError(f"{path}: looks like a binary file (NUL bytes); remove it")
    if not text.strip():
        raise CorpusError(f"{path}: the file has no text; remove it or add the article's text")
    return text, hashlib.sha256(data).hexdigest()


def read_sources(sources_file: Path) -> dict[str, dict[str, Any]]:
    """Parse and validate sources.yaml; a missing file means no metadata."""
    if not sources_file.exists():
        return {}
    raw = read_yaml(sources_file, CorpusError)
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise CorpusError(f"{sources_file}: must map file names to their metadata")
    sources: dict[str, dict[str, Any]] = {}
    for name, entry in raw.items():
        where = f"{sources_file}: entry '{name}'"
        if entry is None:
            entry = {}
        if not isinstance(entry, dict):
            raise CorpusError(f"{where} must be a mapping of {', '.join(METADATA_KEYS)}")
        clean: dict[str, Any] = {}
        for key, value in entry.items():
            if key not in METADATA_KEYS:
                raise CorpusError(
                    f"{where}: unknown key '{key}'; expected {', '.join(METADATA_KEYS)}"
                )
            if key == "published":
                clean[key] = parse_published(value, f"{where}: 'published'")
            elif value is None:
                clean[key] = None
            elif isinstance(value, str | int | float) and not isinstance(value, bool):
                # A number is kept as written (title: 1984); YAML read it before we could.
                text = str(value).strip()
                clean[key] = None if key == "outlet" and text.lower() == "unknown" else text or None
            else:
                # yes/no/on/off read as true/false, 2025-06-04 as a date: neither is text.
                raise CorpusError(
                    f"{where}: '{key}' must be text, but YAML reads it as {_as_read(value)}; "
                    f'quote it: {key}: "..."'
                )
        sources[str(name)] = clean
    return sources


def parse_published(value: Any, where: str = "published", today: date | None = None) -> date | None:
    """A publication date from YAML: a date, an ISO string, or empty/unknown.

    A date more than a day after ``today`` is refused, as /add refuses it: a typo that
    would sort the article after every real one in timelines.
    """
    published = _published(value, where)
    today = today or date.today()
    if published is not None and published > today + timedelta(days=1):
        raise CorpusError(
            f"{where} is {published.isoformat()}, in the future (today is {today.isoformat()}); "
            "give the date the article was published"
        )
    return published


def _published(value: Any, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in ("", "unknown", "null", "none"):
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            if _ISO_SHAPE.fullmatch(text):
                raise CorpusError(
                    f"{where} {text!r} is not a real date; give the day the article was "
                    "published as YYYY-MM-DD"
                ) from None
    raise CorpusError(f"{where} must be a date as YYYY-MM-DD, not {value!r}")


def _as_read(value: Any) -> str:
    """What YAML made of an unquoted value, in a user's words."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, date):
        return f"the date {value.isoformat()}"
    kind = {list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)
    return f"{kind} {value!r}"


def metadata_hash(meta: Mapping[str, Any]) -> str:
    payload = json.dumps({k: meta.get(k) for k in METADATA_KEYS}, default=str, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()
