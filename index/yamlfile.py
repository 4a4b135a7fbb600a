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
        raise error(
            f"{path}: malformed YAML{where}: {problem}; fix it there (a value holding ': ' "
            "or ' #', or starting with a quote or a bracket, needs quotes around it)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read {what}: {exc}") from None
    except (ValueError, OverflowError) as exc:
        # A plain scalar YAML reads as a date (published: 2025-02-30) but is no real date.
        raise error(
            f"{path}: a value that YAML reads as a date is not a real date ({exc}); "
            "fix it, or quote it to keep it as text"
        ) from None
    except RecursionError:
        raise error(f"{path}: malformed YAML: nested too deeply to read") from None
