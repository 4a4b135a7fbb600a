"""Add articles to the seeds folder and remove them, then refresh: all or nothing.

The seeds folder and ``sources.yaml`` are the corpus's source of truth, so every change
here is careful:

- A new article is checked before anything is written: text (UTF-8, not binary, within
  ``cleaning.max_file_bytes``, at least ``MIN_ARTICLE_CHARS``, story text left after
  cleaning, mostly Latin letters), metadata (one-line title/outlet/author, a real date),
  and duplicates (same bytes or same text up to whitespace as an indexed article, the
  same URL, or a near-copy whose story text is almost all an indexed article's: the
  error names the article it duplicates).
- Its file name is made here, never taken from the user: ``NNN_<sha256[:16]>.txt`` like
  the seeds, NNN one more than any number used so far (archived ones included). The file
  is created with a hard link, which fails rather than replace an existing file.
- ``sources.yaml`` is rewritten atomically (write beside, then ``os.replace``). Added
  entries are appended and removed ones cut out as text, so comments and formatting
  elsewhere survive; the result is parsed and compared with the intended mapping, and if
  they differ the file is dumped whole instead, keeping its leading comment block.
- Removing never deletes: the file moves to ``<seeds_dir>/archive/`` as
  ``<UTC time>_<file name>``, with ``<that name>.yaml`` beside it holding its metadata.
  The archive sits inside the seeds folder so the move is a rename on one file system;
  the corpus reader ignores subfolders.
- Changes are written under the index's writer lock, so they are refused (BusyError)
  while a refresh runs, then ``refresh`` is called. If it fails, the change is undone
  (file and ``sources.yaml`` restored) and the error re-raised: the serving index was
  never replaced, so the bot keeps answering from the old one.

This module knows nothing about Discord or the command line; it does not fetch pages
(see ``index.fetch``).
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from index.build import BuildReport, segment_article
from index.clean import clean_article, find_headline
from index.corpus import ARTICLE_SUFFIXES, read_sources
from index.english import common_english
from index.errors import CorpusError, TalkbotError
from index.fetch import (
    MIN_ARTICLE_CHARS,
    ExtractedArticle,
    FetchError,
    decode_text,
    extract_html,
)
from index.records import Article
from index.settings import Settings
from index.store import IndexStore
from index.wording import plural

ARCHIVE_DIR = "archive"
MAX_FIELD_CHARS = 300
FILE_SUFFIXES = (".txt", ".md", ".html", ".htm")
_NUMBERED = re.compile(r"(?:^|_)(\d{3,})_[0-9a-f]{16}\.")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")

# Near-copies. Two texts' word 5-grams ("shingles") are compared by containment,
# |A & B| / min(|A|, |B|): a copy with a line appended, or an old version wholly inside a
# newer one, scores 1.0. Different outlets' reports of the same events share names and
# quotes, not runs of five words: the seeds' pairwise figures on their cleaned text
# are 0.000-0.022 (000-001 0.000, 000-002 0.003, 000-003 0.004, 000-004 0.009,
# 001-002/001-003/001-004 0.000, 002-003 0.000, 002-004 0.022, 003-004 0.000), and even
# 3-grams stay under 0.06. 0.8 leaves room for a copy with a few words edited (each
# edit removes at most five shingles) while staying far above a shared quote.
SHINGLE_WORDS = 5
NEAR_COPY_SHARE = 0.8
_WORD = re.compile(r"\w+")

# Language. The bot answers from English articles; a page in another script gets past
# the length checks and then fails as "no title" or "only page furniture", which hides
# the reason. Judged on letters only (digits and punctuation say nothing), on a prefix
# so a 10 MB file stays cheap. Latin-script languages are told apart by their words: the
# share a general English word list knows (index.english). English pages, furniture and
# names included, read 0.93-0.96 (the seeds); a news paragraph in French, Spanish, Italian
# or Portuguese 0.26-0.37, Dutch 0.19, German 0.12, Polish and Turkish under 0.1.
MIN_LATIN_SHARE = 0.5
MIN_ENGLISH_SHARE = 0.6
_ENGLISH_SAMPLE_WORDS = 2000
_LETTERS_ONLY = re.compile(r"[^\W\d_]{2,}")
_SCRIPT_PREFIX = 100_000
_LETTER = re.compile(r"[^\W\d_]")
_NON_LATIN_LETTER = re.compile(r"[^\W\d_A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_SCRIPT_NAMES = {"CJK": "Chinese or Japanese (CJK)", "HANGUL": "Korean (Hangul)"}

Refresh = Callable[[], BuildReport]


class LibraryError(TalkbotError):
    """An article cannot be added or removed as asked."""


class DuplicateError(LibraryError):
    """The article is already in the corpus; ``doc_id`` names the copy."""

    def __init__(self, message: str, doc_id: str) -> None:
        super().__init__(message)
        self.doc_id = doc_id


@dataclass(frozen=True)
class Candidate:
    """An article to add, before any check: its text and the metadata to store."""

    text: str
    title: str | None = None
    outlet: str | None = None
    published: date | None = None
    url: str | None = None
    author: str | None = None
    origin: str = "the article"  # the URL or file name, for messages


@dataclass(frozen=True)
class Added:
    doc_id: str
    filename: str
    title: str
    outlet: str | None
    published: date | None
    url: str | None
    report: BuildReport

    def to_dict(self) -> dict:
        return {
            "action": "add",
            "doc_id": self.doc_id,
            "filename": self.filename,
            "title": self.title,
            "outlet": self.outlet,
            "published": self.published.isoformat() if self.published else None,
            "url": self.url,
            "passages": self.report.per_article.get(self.doc_id, 0),
            "report": self.report.to_dict(),
        }


@dataclass(frozen=True)
class Removed:
    doc_id: str
    filename: str
    title: str | None
    archived_to: Path
    report: BuildReport

    def to_dict(self) -> dict:
        return {
            "action": "remove",
            "doc_id": self.doc_id,
            "filename": self.filename,
            "title": self.title,
            "archived_to": str(self.archived_to),
            "report": self.report.to_dict(),
        }


# -- turning input into candidates ----------------------------------------------------


def parse_published(value: str | None, today: date | None = None) -> date | None:
    """A date given by a moderator: YYYY-MM-DD or nothing; LibraryError otherwise.

    A date more than a day after ``today`` (default: the local date) is refused: it is a
    typo, and left in it would sort the article after every real one in timelines. The
    day of slack is for a moderator whose "today" is already tomorrow in another zone.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not _DATE.fullmatch(text):
        raise LibraryError(f"published '{value}' is not a date as YYYY-MM-DD (e.g. 2025-06-04)")
    try:
        published = date.fromisoformat(text)
    except ValueError:  # the right shape, but no such day: 2025-02-30, 2025-13-01
        raise LibraryError(
            f"published '{text}' is not a real date; give the day the article was published "
            "as YYYY-MM-DD"
        ) from None
    today = today or date.today()
    if published > today + timedelta(days=1):
        raise LibraryError(
            f"published '{text}' is in the future (today is {today.isoformat()}); give the "
            "date the article was published"
        )
    return published


def candidate_from_page(
    page: ExtractedArticle,
    *,
    title: str | None = None,
    outlet: str | None = None,
    published: date | None = None,
    author: str | None = None,
) -> Candidate:
    """A fetched page as a candidate; given metadata wins over what was extracted."""
    title = title or page.title
    text = page.text
    if title and not text.lstrip().startswith(title):
        text = f"{title}\n\n{text}"  # the headline heads the file, as in the seeds
    return Candidate(
        text=text,
        title=title,
        outlet=outlet or page.sitename,
        published=published or page.published,
        url=page.url,
        author=author or page.author,
        origin=page.url or "the page",
    )


def candidate_from_file(
    name: str,
    data: bytes,
    *,
    max_bytes: int,
    title: str | None = None,
    outlet: str | None = None,
    published: date | None = None,
    author: str | None = None,
    url: str | None = None,
) -> Candidate:
    """An uploaded or local file (.txt, .md, .html) as a candidate; LibraryError if unusable."""
    shown = Path(name).name or "the file"
    suffix = Path(name).suffix.lower()
    if suffix not in FILE_SUFFIXES:
        raise LibraryError(
            f"{shown}: only {', '.join(FILE_SUFFIXES)} files can be added; "
            "save the article as text or HTML"
        )
    if not data:
        raise LibraryError(f"{shown} is empty; attach the article's text")
    if len(data) > max_bytes:
        raise LibraryError(
            f"{shown} is {len(data):,} bytes, over the limit of {max_bytes:,}; "
            "shorten it or raise the limit in the config"
        )
    try:
        text = decode_text(data, None, shown)
    except FetchError as exc:
        raise LibraryError(str(exc)) from None
    text = text.removeprefix("\ufeff")
    if suffix in (".html", ".htm"):
        try:
            page = extract_html(text, url, shown)
        except FetchError as exc:
            raise LibraryError(str(exc)) from None
        found = candidate_from_page(
            page, title=title, outlet=outlet, published=published, author=author
        )
        return replace(found, url=url, origin=shown)
    return Candidate(text, title, outlet, published, url, author, shown)


# -- the library ----------------------------------------------------------------------


class Library:
    """The seeds folder and sources.yaml, changed one checked article at a time."""

    def __init__(
        self, settings: Settings, count_tokens: Callable[[str], int] | None = None
    ) -> None:
        # count_tokens (the embedder's) is needed to check new articles, not to remove.
        self.settings = settings
        self.seeds = settings.seeds_dir
        self.sources_file = settings.sources_file
        self.archive = settings.seeds_dir / ARCHIVE_DIR
        self.count_tokens = count_tokens
        self.store = IndexStore(settings.index_dir)
        # The shingles of each indexed file's story text, by the file's sha256: an add
        # compares against every article twice (checked, then again under the lock),
        # and the Discord cog keeps one Library for all its adds.
        self._shingles: dict[str, frozenset[int]] = {}

    # -- reading

    def article_files(self) -> list[Path]:
        if not self.seeds.is_dir():
            raise LibraryError(
                f"{self.seeds}: seeds folder not found; check seeds_dir in the config"
            )
        return sorted(
            p for p in self.seeds.iterdir() if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
        )

    def find(self, doc_id: str) -> Path:
        """The file of article ``doc_id``; LibraryError naming the fix if there is none."""
        for path in self.article_files():
            if path.stem == doc_id:
                return path
        # Said in Discord, the console and the CLI alike: no server path, both commands.
        raise LibraryError(
            f"no article '{doc_id}' among the seeds; their ids are listed by /sources "
            "(or: talkbot sources)"
        )

    # -- checking

    def check(self, candidate: Candidate) -> tuple[Article, bytes]:
        """The article that ``candidate`` would become, and its file's bytes; or LibraryError."""
        origin = candidate.origin
        text = candidate.text.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
        if "\x00" in text:
            raise LibraryError(f"{origin} is binary data, not text")
        stripped = text.strip()
        if not stripped:
            raise LibraryError(f"{origin} has no text; give an article with its text")
        if len(stripped) < MIN_ARTICLE_CHARS:
            chars = plural(len(stripped), "character")
            raise LibraryError(
                f"{origin} has only {chars} of text; an article needs at least "
                f"{MIN_ARTICLE_CHARS} (is it the article's own page?)"
            )
        text = stripped + "\n"
        data = text.encode("utf-8")
        limit = self.settings.cleaning.max_file_bytes
        if len(data) > limit:
            raise LibraryError(
                f"{origin} is {len(data):,} bytes of text, over the limit of {limit:,} "
                "(cleaning.max_file_bytes)"
            )
        _refuse_foreign_script(text, origin)
        _refuse_other_language(text, origin)
        title = _one_line(candidate.title, "title", origin)
        title = title or find_headline(text, self.settings.cleaning.patterns)
        if not title:
            raise LibraryError(f"{origin}: no title found; give one (title / --title)")
        title = title[:MAX_FIELD_CHARS]
        url = candidate.url.strip() if candidate.url else None
        if url and not re.match(r"https?://", url, re.IGNORECASE):
            raise LibraryError(f"url '{url}' must start with http:// or https://")
        meta = {
            "title": title,
            "outlet": _one_line(candidate.outlet, "outlet", origin),
            "published": candidate.published,
            "url": url,
            "author": _one_line(candidate.author, "author", origin),
        }
        self._refuse_duplicate(data, text, url, origin)
        article = Article(
            doc_id="(new)",
            filename="(new).txt",
            text=text,
            content_hash=hashlib.sha256(data).hexdigest(),
            **meta,
        )
        if self.count_tokens is None:
            raise TypeError("Library needs count_tokens to check new articles")
        parts = segment_article(article, self.settings, self.count_tokens)
        if not parts.passages:
            raise LibraryError(
                f"{origin}: no story text left after cleaning (only page furniture); "
                "give the article's own text"
            )
        return article, data

    def _refuse_duplicate(self, data: bytes, text: str, url: str | None, origin: str) -> None:
        digest = hashlib.sha256(data).hexdigest()
        words = _words_hash(text)
        mine = self._story_shingles(text)
        near: tuple[float, float, Path, str] | None = None  # best overlap, of mine, file, text
        seen: dict[str, frozenset[int]] = {}
        for path in self.article_files():
            other = path.read_bytes()
            other_digest = hashlib.sha256(other).hexdigest()
            other_text = other.decode("utf-8", "replace")
            if other_digest == digest or _words_hash(other_text) == words:
                raise DuplicateError(
                    f"{origin} duplicates article {path.stem} (the same text)",
                    path.stem,
                )
            theirs = self._shingles.get(other_digest)
            if theirs is None:
                theirs = self._story_shingles(other_text)
            seen[other_digest] = theirs
            share = containment(mine, theirs)
            if share >= NEAR_COPY_SHARE and (near is None or share > near[0]):
                near = (share, len(mine & theirs) / len(mine), path, other_text)
        self._shingles = seen  # drops removed articles' entries
        if url:
            for name, entry in read_sources(self.sources_file).items():
                if entry.get("url") == url and (self.seeds / name).exists():
                    doc_id = Path(name).stem
                    raise DuplicateError(
                        f"{url} is already indexed as article {doc_id}; remove it first to "
                        "replace it",
                        doc_id,
                    )
        if near is not None:
            share, of_mine, path, other_text = near
            named = self._named(path, other_text)
            # Said of the new text when it is mostly the old one (a copy with a line
            # added); else of the old (a newer version with paragraphs added holds it).
            of = (
                f"{_percent(of_mine)} of its text is article {named}"
                if of_mine >= NEAR_COPY_SHARE
                else f"it holds {_percent(share)} of article {named}"
            )
            raise DuplicateError(
                f"{origin} is a near-copy of an indexed article: {of}; if it is a newer "
                f"version, /remove that article first (or: talkbot remove {path.stem})",
                path.stem,
            )

    def _story_shingles(self, text: str) -> frozenset[int]:
        return story_shingles(text, self.settings.cleaning.patterns)

    def _named(self, path: Path, text: str) -> str:
        """``001_… "Title"``: the id, and the title a moderator knows the article by."""
        entry = read_sources(self.sources_file).get(path.name) or {}
        title = entry.get("title") or find_headline(text, self.settings.cleaning.patterns)
        return f'{path.stem} "{title}"' if title else path.stem

    # -- changing

    def add(self, candidate: Candidate, refresh: Refresh) -> Added:
        """Check, write the file and its sources.yaml entry, refresh; undo on failure."""
        article, data = self.check(candidate)
        with self.store.writer_lock():  # BusyError while a refresh runs: nothing written
            self._refuse_duplicate(data, article.text, article.url, candidate.origin)
            path = self._create_file(data, article.content_hash)
            old_sources = _read_bytes(self.sources_file)
            try:
                entries = _raw_sources(self.sources_file)
                entry = {
                    k: v
                    for k, v in (
                        ("title", article.title),
                        ("outlet", article.outlet),
                        ("author", article.author),
                        ("published", article.published),
                        ("url", article.url),
                    )
                    if v is not None
                }
                self._write_sources(
                    old_sources, {**entries, path.name: entry}, append=(path.name, entry)
                )
            except BaseException:
                path.unlink(missing_ok=True)
                raise
        try:
            report = refresh()
        except BaseException:
            path.unlink(missing_ok=True)
            _restore(self.sources_file, old_sources)
            raise
        return Added(
            path.stem,
            path.name,
            article.title,
            article.outlet,
            article.published,
            article.url,
            report,
        )

    def remove(self, doc_id: str, refresh: Refresh) -> Removed:
        """Move the article's file to the archive, drop its entry, refresh; undo on failure."""
        with self.store.writer_lock():
            path = self.find(doc_id)
            if len(self.article_files()) == 1:
                raise LibraryError(f"{doc_id} is the only article; add another before removing it")
            old_sources = _read_bytes(self.sources_file)
            entries = _raw_sources(self.sources_file)
            entry = entries.get(path.name)
            self.archive.mkdir(exist_ok=True)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            archived = self.archive / f"{stamp}_{path.name}"
            sidecar = archived.with_name(archived.name + ".yaml")
            _write_atomic(
                sidecar,
                yaml.safe_dump(
                    {"filename": path.name, "removed_at": stamp, "metadata": entry},
                    sort_keys=False,
                    allow_unicode=True,
                ).encode("utf-8"),
            )
            os.link(path, archived)  # fails rather than replace; then drop the seeds copy
            path.unlink()
            try:
                if entry is not None or path.name in entries:
                    rest = {k: v for k, v in entries.items() if k != path.name}
                    self._write_sources(old_sources, rest, cut=path.name)
            except BaseException:
                _unarchive(archived, path, sidecar)
                raise
        try:
            report = refresh()
        except BaseException:
            _unarchive(archived, path, sidecar)
            _restore(self.sources_file, old_sources)
            raise
        title = entry.get("title") if isinstance(entry, dict) else None
        return Removed(doc_id, path.name, title, archived, report)

    # -- helpers

    def next_number(self) -> int:
        used = [0]
        for folder in (self.seeds, self.archive):
            if folder.is_dir():
                for p in folder.iterdir():
                    m = _NUMBERED.search(p.name)
                    if m:
                        used.append(int(m.group(1)))
        return max(used) + 1 if len(used) > 1 else 0

    def _create_file(self, data: bytes, content_hash: str) -> Path:
        name = f"{self.next_number():03d}_{content_hash[:16]}.txt"
        path = self.seeds / name
        tmp = self.seeds / f".{name}.{secrets.token_hex(4)}.tmp"
        _write_atomic(tmp, data, replace=False)
        try:
            os.link(tmp, path)  # refuses to replace an existing file
        except FileExistsError:
            raise LibraryError(f"{path} already exists; not overwriting it") from None
        finally:
            tmp.unlink(missing_ok=True)
        return path

    def _write_sources(
        self,
        old: bytes | None,
        wanted: Mapping[str, Any],
        *,
        append: tuple[str, dict] | None = None,
        cut: str | None = None,
    ) -> None:
        """Write sources.yaml so it parses to ``wanted``, editing the text when possible."""
        old_text = old.decode("utf-8") if old else ""
        text = None
        if append is not None:
            block = yaml.safe_dump(
                {append[0]: append[1]}, sort_keys=False, allow_unicode=True, width=1000
            )
            text = (
                old_text if not old_text or old_text.endswith("\n") else old_text + "\n"
            ) + block
        elif cut is not None:
            text = _cut_entry(old_text, cut)
        if text is None or not _parses_to(text, wanted):
            text = _leading_comments(old_text) + (
                yaml.safe_dump(dict(wanted), sort_keys=False, allow_unicode=True, width=1000)
                if wanted
                else ""
            )
        _write_atomic(self.sources_file, text.encode("utf-8"))
        try:
            read_sources(self.sources_file)
        except CorpusError:
            _restore(self.sources_file, old)
            raise


# -- small file helpers ---------------------------------------------------------------


def is_text(value: str) -> bool:
    """Whether ``value`` can be written as UTF-8 (no lone surrogates from undecodable bytes)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _one_line(value: str | None, key: str, origin: str) -> str | None:
    if value is None:
        return None
    if not is_text(value):
        raise LibraryError(
            f"{origin}: the {key} is not valid text (it holds bytes that are not UTF-8); "
            "retype it in UTF-8"
        )
    text = " ".join(_CONTROL.sub(" ", value).split())
    if len(text) > MAX_FIELD_CHARS:
        raise LibraryError(
            f"{origin}: {key} is {len(text)} characters; keep it under {MAX_FIELD_CHARS}"
        )
    return text or None


def story_shingles(text: str, patterns: Sequence[str] = ()) -> frozenset[int]:
    """Hashed word 5-grams of the story text left after cleaning (furniture aside).

    Hashed with ``hash``: compact, and only ever compared within one process.
    """
    story = " ".join(text[span.start : span.end] for span in clean_article(text, patterns))
    words = _WORD.findall(story.casefold())
    k = SHINGLE_WORDS
    return frozenset(hash(tuple(words[i : i + k])) for i in range(len(words) - k + 1))


def containment(a: frozenset[int], b: frozenset[int]) -> float:
    """The share of the smaller shingle set found in the other (0 if either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _percent(share: float) -> str:
    # Rounded down: a near-copy at 99.6% is not "100%", which reads as the same text.
    return f"{int(share * 100)}%"


def _refuse_foreign_script(text: str, origin: str) -> None:
    """LibraryError if most letters are outside the Latin alphabet, naming their script."""
    sample = text[:_SCRIPT_PREFIX]
    letters = len(_LETTER.findall(sample))
    foreign = _NON_LATIN_LETTER.findall(sample)
    if not letters or (letters - len(foreign)) / letters >= MIN_LATIN_SHARE:
        return
    # "CYRILLIC SMALL LETTER A" -> CYRILLIC; a few thousand letters name the script.
    scripts = Counter(unicodedata.name(c, "OTHER").split()[0] for c in foreign[:5000])
    script = scripts.most_common(1)[0][0]
    name = _SCRIPT_NAMES.get(script, script.capitalize())
    raise LibraryError(
        f"{origin} is not in English: it is mostly {name} letters "
        f"({len(foreign) * 100 // letters}% of them); the bot answers from English articles, "
        "so add an English version of the story"
    )


def _refuse_other_language(text: str, origin: str) -> None:
    """LibraryError if the text is in the Latin alphabet but not in English ("Les
    délégations se sont retrouvées ..."), which would be indexed and quoted to readers
    asking in English."""
    words = _LETTERS_ONLY.findall(text[:_SCRIPT_PREFIX].lower())[:_ENGLISH_SAMPLE_WORDS]
    if not words:
        return
    share = sum(common_english(w) for w in words) / len(words)
    if share >= MIN_ENGLISH_SHARE:
        return
    raise LibraryError(
        f"{origin} does not read as English: {int(share * 100)}% of its words are English "
        "words, where an English article has over 90%; the bot answers from English "
        "articles, so add an English version of the story"
    )


def _words_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _raw_sources(path: Path) -> dict[str, Any]:
    read_sources(path)  # validates; raises CorpusError naming the problem
    if not path.exists():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): v for k, v in raw.items()}


def _parses_to(text: str, wanted: Mapping[str, Any]) -> bool:
    try:
        parsed = yaml.safe_load(text) or {}
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError):
        return False
    return isinstance(parsed, dict) and {str(k): v for k, v in parsed.items()} == dict(wanted)


def _leading_comments(text: str) -> str:
    lines = []
    for line in text.splitlines(keepends=True):
        if line.strip() and not line.lstrip().startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


def _cut_entry(text: str, name: str) -> str | None:
    """``text`` without the top-level entry ``name`` (its key line and indented body)."""
    lines = text.splitlines(keepends=True)
    key = re.compile(rf"^(['\"]?){re.escape(name)}\1\s*:")
    for i, line in enumerate(lines):
        if key.match(line):
            end = i + 1
            while end < len(lines) and (not lines[end].strip() or lines[end][:1] in (" ", "\t")):
                end += 1
            return "".join(lines[:i] + lines[end:])
    return None


def _write_atomic(path: Path, data: bytes, *, replace: bool = True) -> None:
    tmp = path if not replace else path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if replace:
            os.replace(tmp, path)
    except BaseException:
        if replace:
            tmp.unlink(missing_ok=True)
        raise


def _restore(path: Path, old: bytes | None) -> None:
    if old is None:
        path.unlink(missing_ok=True)
    else:
        _write_atomic(path, old)


def _unarchive(archived: Path, original: Path, sidecar: Path) -> None:
    if not original.exists():
        os.link(archived, original)
    archived.unlink(missing_ok=True)
    sidecar.unlink(missing_ok=True)
