"""What a build was made from, so a refresh can tell "nothing changed" without parsing it all.

A refresh with nothing to do is the common case (moderators refresh to be sure, a
scheduler refreshes every hour), and at 100k passages parsing sources.yaml and building
every article's record is most of its time. A build therefore keeps a stamp of its
inputs: the settings hash, the sha256 of sources.yaml and of every article file's bytes,
the corpus warnings it gave and sources.yaml as parsed. When the files on disk hash the
same, the build is current: no YAML parsing, no decoding. When only articles changed, the
next build takes the parsed sources from the stamp instead of parsing the YAML again.

The hashes are of what the build read: the sources file is hashed *before* it is parsed
and the articles' hashes come from the bytes that were indexed, so a file edited during a
build makes the stamp differ and the next refresh builds again; it can never make a stale
build look current.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from index.corpus import ARTICLE_SUFFIXES, Corpus

STAMP_FILE = "inputs.json"
# 2: with the parsed sources; 3: with the sizes of the build's files; 4: sources parsed
# refusing YAML booleans as metadata text (a 3 may hold outlet: "True" from outlet: yes).
STAMP_FORMAT = 4


@dataclass(frozen=True)
class InputStamp:
    settings_hash: str
    sources_sha256: str | None  # None: there was no sources file
    files: dict[str, str]  # article file name -> sha256 of its bytes
    warnings: tuple[str, ...]  # what reading the corpus warned about
    # sources.yaml as the build parsed it (file name -> metadata).
    sources: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # The build's own files (path in the build folder -> size in bytes) as written, so a
    # refresh never reports a build that lost or truncated a file as current.
    outputs: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, corpus: Corpus, sources_sha256: str | None, settings_hash: str) -> InputStamp:
        files = {a.filename: a.content_hash for a in corpus.articles}
        return cls(settings_hash, sources_sha256, files, corpus.warnings, corpus.sources)

    def with_outputs(self, folder: Path) -> InputStamp:
        """This stamp recording the files ``folder`` holds now (written before the stamp)."""
        return replace(self, outputs=output_sizes(folder))

    def outputs_intact(self, folder: Path) -> bool:
        """Whether every file the build wrote is still there at the size it was written."""
        try:
            return all((folder / n).stat().st_size == size for n, size in self.outputs.items())
        except OSError:
            return False

    def parsed_sources(self, sources_sha256: str | None) -> Mapping[str, Mapping[str, Any]] | None:
        """The parsed sources.yaml if its bytes are still the ones parsed, else None."""
        if sources_sha256 is None or sources_sha256 != self.sources_sha256:
            return None
        return self.sources

    def is_current(self, seeds_dir: Path, sources_file: Path, settings_hash: str) -> bool:
        """Whether the files on disk are, byte for byte, the ones this stamp records."""
        if settings_hash != self.settings_hash or file_sha256(sources_file) != self.sources_sha256:
            return False
        try:
            names = sorted(
                p.name
                for p in seeds_dir.iterdir()
                if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
            )
        except OSError:
            return False
        if names != sorted(self.files):
            return False
        return all(file_sha256(seeds_dir / n) == self.files[n] for n in names)


def output_sizes(folder: Path) -> dict[str, int]:
    """Every file under a build folder but the stamp, with its size."""
    return {
        p.relative_to(folder).as_posix(): p.stat().st_size
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != STAMP_FILE
    }


def file_sha256(path: Path) -> str | None:
    """The sha256 of a file's bytes; None when it cannot be read (absent, unreadable)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def write_stamp(folder: Path, stamp: InputStamp) -> None:
    payload = {
        "format": STAMP_FORMAT,
        "settings_hash": stamp.settings_hash,
        "sources_sha256": stamp.sources_sha256,
        "files": stamp.files,
        "warnings": list(stamp.warnings),
        "outputs": dict(stamp.outputs),
        "sources": {
            name: {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in e.items()}
            for name, e in stamp.sources.items()
        },
    }
    (folder / STAMP_FILE).write_text(json.dumps(payload), encoding="utf-8")


def read_stamp(folder: Path) -> InputStamp | None:
    """The build's stamp; None when it has none or it is unreadable (then parse as before)."""
    try:
        raw = json.loads((folder / STAMP_FILE).read_text(encoding="utf-8"))
        if raw.get("format") != STAMP_FORMAT:
            return None
        files = {str(k): str(v) for k, v in raw["files"].items()}
        sources = raw["sources_sha256"]
        return InputStamp(
            str(raw["settings_hash"]),
            None if sources is None else str(sources),
            files,
            tuple(str(w) for w in raw["warnings"]),
            {str(name): _entry(e) for name, e in raw["sources"].items()},
            {str(name): int(size) for name, size in raw["outputs"].items()},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _entry(raw: dict[str, Any]) -> dict[str, Any]:
    """One parsed sources entry back from JSON: ``published`` is a date again."""
    entry = {str(k): v for k, v in raw.items()}
    if entry.get("published") is not None:
        entry["published"] = datetime.date.fromisoformat(entry["published"])
    return entry
