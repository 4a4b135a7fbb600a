"""The moderators' audit log: one JSON object per line, appended, never rewritten.

Every moderator action through Discord or the CLI adds a line: who (user id and name),
what (action and its target), when (UTC), through which front end, and the outcome:
``ok``, ``refused`` (not a moderator, bad input: nothing changed) or ``failed`` (the
change was attempted and undone). The file is ``<data_dir>/audit.jsonl``. Each line is
written with one ``write`` on a file opened for appending, so concurrent writers never
interleave within a line. Posting a copy to a Discord channel is the cog's job.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from index.settings import Settings

AUDIT_FILE = "audit.jsonl"
OUTCOMES = ("ok", "refused", "failed")


@dataclass(frozen=True)
class AuditEntry:
    at: str  # ISO 8601, UTC
    via: str  # "discord", "cli" (talkbot add/remove) or "console" (talkbot chat)
    user_id: str
    user_name: str
    action: str  # "add", "remove", "refresh"
    target: str  # the URL, file name or doc_id acted on ("" for refresh)
    outcome: str  # one of OUTCOMES
    detail: str  # what changed, or why not

    def to_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        """One line for people: the log channel and the console."""
        target = f" {self.target}" if self.target else ""
        return (
            f"{self.at} {self.user_name} ({self.user_id}) {self.action}{target}: "
            f"{self.outcome} — {self.detail}"
        )


class AuditLog:
    """Appends :class:`AuditEntry` lines to one file; safe across threads and processes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    @classmethod
    def for_settings(cls, settings: Settings) -> AuditLog:
        return cls(settings.data_dir / AUDIT_FILE)

    def record(
        self,
        *,
        via: str,
        user_id: str | int,
        user_name: str,
        action: str,
        target: str,
        outcome: str,
        detail: str,
    ) -> AuditEntry:
        if outcome not in OUTCOMES:
            raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
        entry = AuditEntry(
            at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            via=via,
            user_id=str(user_id),
            user_name=user_name,
            action=action,
            target=target,
            outcome=outcome,
            detail=" ".join(detail.split())[:2000],
        )
        # A shell argument that is not UTF-8 (os.fsencode surrogates) is kept, escaped.
        line = (json.dumps(entry.to_dict(), ensure_ascii=False) + "\n").encode(
            "utf-8", "backslashreplace"
        )
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
        return entry

    def entries(self) -> list[AuditEntry]:
        """Every entry so far, oldest first (a damaged line is skipped, not fatal)."""
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                out.append(AuditEntry(**json.loads(line)))
            except (ValueError, TypeError):
                continue
        return out
