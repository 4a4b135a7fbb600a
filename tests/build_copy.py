"""A served build copied aside, so a test can damage or edit it without touching the original."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any


def copy_build(folder: Path, into: Path) -> Path:
    """A copy of the build ``folder`` at ``into / "build"``."""
    copy = into / "build"
    shutil.copytree(folder, copy)
    return copy


def edit_manifest(build: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Rewrite ``build``'s manifest.json after ``change`` edits its parsed contents."""
    path = build / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))
