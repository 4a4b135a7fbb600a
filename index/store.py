"""The index on disk: complete builds in their own folders and an atomic pointer to one.

Layout under the data folder::

    index/
      CURRENT            # the name of the build that serves, replaced atomically
      builds/<build_id>/ # manifest.json, articles.json, events.json, terms.json, *.npy,
                         # dense.faiss, bm25/
      .lock              # held while a build or refresh writes

A build is written into ``builds/<id>.partial``, renamed to ``builds/<id>`` when complete,
and only then does ``CURRENT`` switch to it (write beside, then ``os.replace``). A process
killed at any step leaves ``CURRENT`` naming a complete build. The manifest records the
format version, model, dimension, build time, each article's content hash and every
array's shape; loading checks them and refuses a mismatch rather than use it silently.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from index.bm25 import LexicalIndex
from index.dense import load_dense, save_dense
from index.errors import BusyError, IndexInvalidError, IndexMissingError
from index.events import EventRecord, events_from_json, events_to_json
from index.records import Article, Passage, Sentence
from index.rowfile import RowFile
from index.terms import TermRows

# 2: each sentence's BM25 terms stored (terms.json, term_*.npy), not re-tokenised on load.
FORMAT_VERSION = 2
REBUILD_HINT = "run: talkbot index build"
KEEP_BUILDS = 2  # the serving build and the one before it
VECTOR_FILES = ("passage_vectors.npy", "sentence_vectors.npy")


@dataclass(frozen=True)
class Manifest:
    format_version: int
    build_id: str
    built_at: str
    model: str
    dimension: int
    chunking: dict[str, Any]
    contextualize: bool
    index_type: str
    passages: int
    sentences: int
    articles: dict[str, dict[str, Any]]  # doc_id -> filename, hashes, counts
    arrays: dict[str, list[int]] = field(default_factory=dict)  # file -> shape
    # Hash of the settings the contents depend on besides the files (index.build); a
    # refresh that finds the same files and this same hash has nothing to do.
    settings_hash: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Manifest:
        """The manifest of ``raw``; TypeError when a field has the wrong shape (damaged)."""
        manifest = cls(**{k: raw[k] for k in cls.__dataclass_fields__ if k in raw})
        m = manifest
        counts = (m.format_version, m.dimension, m.passages, m.sentences)
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in counts):
            raise TypeError("format_version, dimension, passages and sentences must be numbers")
        if not isinstance(manifest.articles, dict) or not all(
            isinstance(info, dict) for info in manifest.articles.values()
        ):
            raise TypeError("articles must map each doc_id to its record")
        return manifest


@dataclass(frozen=True)
class IndexData:
    """A loaded build: everything a question needs, read-only."""

    manifest: Manifest
    folder: Path
    articles: tuple[Article, ...]
    passages: np.ndarray  # (N, 5) int64: doc_idx, start, end, first_sentence, last_sentence
    sentences: np.ndarray  # (M, 3) int64: doc_idx, start, end
    # (N, D) and (M, D) float32, normalised: arrays while building, RowFiles when loaded.
    passage_vectors: np.ndarray | RowFile
    sentence_vectors: np.ndarray | RowFile
    dense: Any  # faiss.Index over passage_vectors
    lexical: LexicalIndex
    terms: TermRows  # each sentence's BM25 terms (memory-mapped when loaded)
    doc_index: dict[str, int] = field(default_factory=dict)
    # Dated events for the timeline (events.json); None for a build made before them.
    events: tuple[EventRecord, ...] | None = None
    # Tables derived from this build on first use (the answerer's sentence table). They
    # live and die with the build: a swapped-out index takes its caches with it.
    derived: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)
    derived_lock: threading.RLock = field(
        default_factory=threading.RLock, compare=False, repr=False
    )

    def passage(self, pid: int) -> Passage:
        d, s, e, fs, ls = (int(x) for x in self.passages[pid])
        article = self.articles[d]
        return Passage(pid, article.doc_id, s, e, article.text[s:e], fs, ls)

    def sentence(self, sid: int) -> Sentence:
        d, s, e = (int(x) for x in self.sentences[sid])
        article = self.articles[d]
        return Sentence(article.doc_id, s, e, article.text[s:e])

    def article_of_sentence(self, sid: int) -> Article:
        return self.articles[int(self.sentences[sid, 0])]

    def passage_counts(self) -> dict[str, int]:
        return {doc_id: info["passages"] for doc_id, info in self.manifest.articles.items()}


class IndexStore:
    """Owns the ``index/`` folder: which build serves, new builds, the writer's lock."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.builds = root / "builds"
        self.pointer = root / "CURRENT"

    def current_build(self) -> Path | None:
        self.refuse_pointer_folder()
        try:
            name = self.pointer.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise IndexInvalidError(f"{self.pointer}: cannot read: {exc}; {REBUILD_HINT}") from None
        if not name or "/" in name or name.startswith("."):
            raise IndexInvalidError(f"{self.pointer}: damaged (names '{name}'); {REBUILD_HINT}")
        return self.builds / name

    def current_build_id(self) -> str | None:
        build = self.current_build()
        return build.name if build is not None else None

    def refuse_pointer_folder(self) -> None:
        """IndexInvalidError if ``CURRENT`` is a folder: no build could ever replace it."""
        if self.pointer.is_dir():
            # "Rebuild" would not help: the build runs, then fails to publish, every time.
            raise IndexInvalidError(
                f"{self.pointer} is a directory, not the file naming the serving build; "
                f"remove it (rm -r '{self.pointer}'), then {REBUILD_HINT}"
            )

    @contextlib.contextmanager
    def writer_lock(self) -> Iterator[None]:
        """One build or refresh at a time, across processes; a second is told so."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.refuse_pointer_folder()  # before the work, not at the swap after it
        with open(self.root / ".lock", "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise BusyError(
                    "a refresh is already running; try again when it has finished"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def new_build_folder(self) -> tuple[str, Path]:
        self.builds.mkdir(parents=True, exist_ok=True)
        build_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)
        folder = self.builds / f"{build_id}.partial"
        folder.mkdir()
        return build_id, folder

    def publish(self, build_id: str, partial: Path) -> Path:
        """Make a complete build the one that serves (atomic), then drop old builds."""
        final = self.builds / build_id
        _fsync_tree(partial)
        os.replace(partial, final)
        tmp = self.root / f"CURRENT.{secrets.token_hex(4)}.tmp"
        tmp.write_text(build_id + "\n", encoding="utf-8")
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, self.pointer)
        _fsync_dir(self.root)
        self.collect_garbage()
        return final

    def collect_garbage(self) -> None:
        """Remove abandoned partial builds and all but the newest complete ones."""
        if not self.builds.exists():
            return
        current = self.current_build_id()
        complete = sorted(
            (p for p in self.builds.iterdir() if p.is_dir() and not p.name.endswith(".partial")),
            key=lambda p: p.name,
        )
        keep = {p.name for p in complete[-KEEP_BUILDS:]} | ({current} if current else set())
        for path in self.builds.iterdir():
            if path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)
        for tmp in self.root.glob("CURRENT.*.tmp"):
            tmp.unlink(missing_ok=True)


def save_build(folder: Path, data: IndexData) -> Manifest:
    """Write every part of a build into ``folder``; returns the manifest written."""
    arrays = {
        "passages.npy": data.passages,
        "sentences.npy": data.sentences,
        "passage_vectors.npy": data.passage_vectors,
        "sentence_vectors.npy": data.sentence_vectors,
        **data.terms.arrays(),
    }
    for name, array in arrays.items():
        np.save(folder / name, array, allow_pickle=False)
    save_dense(data.dense, folder / "dense.faiss")
    data.lexical.save(folder / "bm25")
    data.terms.save(folder)
    _write_json(folder / "articles.json", [article_to_json(a) for a in data.articles])
    if data.events is not None:
        _write_json(folder / "events.json", events_to_json(data.events))
    manifest = Manifest(
        **{
            **data.manifest.to_dict(),
            "arrays": {name: list(array.shape) for name, array in arrays.items()},
        }
    )
    # The manifest goes last: a folder with a manifest is a complete build.
    _write_json(folder / "manifest.json", manifest.to_dict())
    return manifest


def load_build(folder: Path, *, model: str, dimension: int | None = None) -> IndexData:
    """Load a build and check it against the model that will query it."""
    manifest = read_manifest(folder)
    if manifest.format_version != FORMAT_VERSION:
        raise IndexInvalidError(
            f"{folder}: index format {manifest.format_version}, this talkbot reads format "
            f"{FORMAT_VERSION}; {REBUILD_HINT}"
        )
    if manifest.model != model:
        raise IndexInvalidError(
            f"{folder}: index built with model '{manifest.model}' but the config uses "
            f"'{model}'; {REBUILD_HINT}"
        )
    if dimension is not None and manifest.dimension != dimension:
        raise IndexInvalidError(
            f"{folder}: index vectors have dimension {manifest.dimension}, the model gives "
            f"{dimension}; {REBUILD_HINT}"
        )
    try:
        # Vectors are read on demand, never mapped (index.rowfile); the rest is mapped.
        arrays = {
            name: RowFile(folder / name)
            if name in VECTOR_FILES
            else np.load(folder / name, mmap_mode="r", allow_pickle=False)
            for name in manifest.arrays
        }
        for name, shape in manifest.arrays.items():
            if list(arrays[name].shape) != shape:
                raise IndexInvalidError(
                    f"{folder / name}: shape {list(arrays[name].shape)}, manifest says {shape}; "
                    f"the index is damaged; {REBUILD_HINT}"
                )
        dense = load_dense(folder / "dense.faiss")
        # Memory-mapped: each process serving this build shares its pages.
        lexical = LexicalIndex.load(folder / "bm25", mmap=True)
        terms = TermRows.load(folder, arrays)
        articles = tuple(article_from_json(a) for a in _read_json(folder / "articles.json"))
        events_file = folder / "events.json"
        events = (
            events_from_json(_read_json(events_file), manifest.sentences)
            if events_file.exists()
            else None
        )
    except IndexInvalidError:
        raise
    except Exception as exc:  # numpy, faiss and json each raise their own types
        raise IndexInvalidError(
            f"{folder}: the index is damaged ({type(exc).__name__}: {_first_line(exc)}); "
            f"{REBUILD_HINT}"
        ) from None
    if dense.ntotal != manifest.passages or lexical.size != manifest.passages:
        raise IndexInvalidError(
            f"{folder}: {dense.ntotal} vectors and {lexical.size} BM25 rows for "
            f"{manifest.passages} passages; the index is damaged; {REBUILD_HINT}"
        )
    # A set, not a sort: this runs at every cold start, over every article.
    if len(articles) != len(manifest.articles) or manifest.articles.keys() != {
        a.doc_id for a in articles
    }:
        raise IndexInvalidError(
            f"{folder}: articles.json holds {len(articles)} articles, which are not the "
            f"{len(manifest.articles)} the manifest lists; the index is damaged; {REBUILD_HINT}"
        )
    if len(terms) != manifest.sentences:
        raise IndexInvalidError(
            f"{folder}: term rows for {len(terms)} sentences, the manifest says "
            f"{manifest.sentences}; the index is damaged; {REBUILD_HINT}"
        )
    return IndexData(
        manifest=manifest,
        folder=folder,
        articles=articles,
        passages=np.asarray(arrays["passages.npy"]),
        sentences=np.asarray(arrays["sentences.npy"]),
        passage_vectors=arrays["passage_vectors.npy"],
        sentence_vectors=arrays["sentence_vectors.npy"],
        dense=dense,
        lexical=lexical,
        terms=terms,
        doc_index={a.doc_id: i for i, a in enumerate(articles)},
        events=events,
    )


def load_current(store: IndexStore, *, model: str, dimension: int | None = None) -> IndexData:
    folder = store.current_build()
    if folder is None:
        raise IndexMissingError(f"no index in {store.root} yet; {REBUILD_HINT}")
    if not folder.is_dir():
        raise IndexInvalidError(
            f"{store.pointer} names build {folder.name}, which is missing; {REBUILD_HINT}"
        )
    return load_build(folder, model=model, dimension=dimension)


def read_manifest(folder: Path) -> Manifest:
    path = folder / "manifest.json"
    try:
        raw = _read_json(path)
        manifest = Manifest.from_dict(raw)
    except FileNotFoundError:
        raise IndexInvalidError(
            f"{path}: missing; the build is incomplete; {REBUILD_HINT}"
        ) from None
    except (ValueError, TypeError, KeyError) as exc:
        raise IndexInvalidError(f"{path}: damaged ({_first_line(exc)}); {REBUILD_HINT}") from None
    return manifest


def article_to_json(article: Article) -> dict[str, Any]:
    return {
        "doc_id": article.doc_id,
        "filename": article.filename,
        "title": article.title,
        "outlet": article.outlet,
        "published": article.published.isoformat() if article.published else None,
        "url": article.url,
        "author": article.author,
        "content_hash": article.content_hash,
        "metadata_hash": article.metadata_hash,
        "text": article.text,
    }


def article_from_json(raw: dict[str, Any]) -> Article:
    published = raw.get("published")
    return Article(
        doc_id=raw["doc_id"],
        filename=raw["filename"],
        text=raw["text"],
        title=raw["title"],
        outlet=raw.get("outlet"),
        published=date.fromisoformat(published) if published else None,
        url=raw.get("url"),
        author=raw.get("author"),
        content_hash=raw.get("content_hash", ""),
        metadata_hash=raw.get("metadata_hash", ""),
    )


def _write_json(path: Path, payload: Any) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())


def _read_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
