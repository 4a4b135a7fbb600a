"""One exception family for the engine.

Every error a user can cause is a :class:`TalkbotError` whose message is one line that
names the file, key or value at fault and how to fix it. Front ends (CLI, Discord) print
the message; they never show a traceback for these.
"""

from __future__ import annotations


class TalkbotError(Exception):
    """Base class: a problem the user can understand and fix from the message alone."""


class ConfigError(TalkbotError):
    """The configuration file is missing, malformed or has an invalid value."""


class CorpusError(TalkbotError):
    """The seeds folder or sources.yaml cannot be used as it is."""


class ModelError(TalkbotError):
    """The embedding model cannot be loaded."""


class IndexMissingError(TalkbotError):
    """No index has been built yet."""


class IndexInvalidError(TalkbotError):
    """The stored index is damaged or was built with another model or format."""


class QuestionError(TalkbotError):
    """The question cannot be answered as asked (empty, too long, ...)."""


class BusyError(TalkbotError):
    """Another refresh or build is already running."""


class StorageError(TalkbotError):
    """The data folder cannot be written (full disk, permissions)."""
