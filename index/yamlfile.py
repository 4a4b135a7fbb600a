"""Read a YAML file safely, turning every failure into a one-line TalkbotError.

Only safe loaders are used (libyaml's CSafeLoader when present, which is much faster on
the thousands of entries a large sources.yaml holds): tags that would build Python
objects are refused as malformed YAML.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from index.errors import TalkbotError

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, error: type[TalkbotError], what: str = "the file") -> Any:
    """The parsed document (None when empty); ``error`` names the path, line and problem."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise error(f"{path}: malformed YAML{where}: {problem}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read {what}: {exc}") from None
