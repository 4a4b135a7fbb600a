"""Record 👍/👎 votes on answers in a JSON Lines file and summarise them.

One JSON object per line, appended under a lock, so a crash loses at most the line being
written and the file stays readable with ``jq``. Blocking file I/O: call :meth:`record`
and :meth:`summary` through ``asyncio.to_thread`` from async code. Nothing here knows
about Discord beyond plain IDs.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from index.errors import TalkbotError
from index.records import Answer
from index.wording import plural

Vote = Literal["up", "down"]
FEEDBACK_FILE = "feedback.jsonl"


@dataclass(frozen=True)
class FeedbackEntry:
    question: str
    answer: str
    citations: tuple[dict[str, Any], ...]
    found: bool
    vote: Vote
    user_id: int
    message_id: int | None
    time: str  # ISO 8601, UTC

    @classmethod
    def from_answer(
        cls, answer: Answer, vote: Vote, user_id: int, message_id: int | None
    ) -> FeedbackEntry:
        return cls(
            question=answer.question,
            answer=answer.answer if answer.found else (answer.reason or ""),
            citations=tuple(c.to_dict() for c in answer.citations),
            found=answer.found,
            vote=vote,
            user_id=user_id,
            message_id=message_id,
            time=datetime.now(UTC).isoformat(timespec="seconds"),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "time": self.time,
            "vote": self.vote,
            "user_id": self.user_id,
            "message_id": self.message_id,
            "question": self.question,
            "found": self.found,
            "answer": self.answer,
            "citations": list(self.citations),
        }


@dataclass(frozen=True)
class QuestionVotes:
    question: str
    up: int
    down: int


@dataclass(frozen=True)
class FeedbackSummary:
    up: int
    down: int
    skipped_lines: int
    most_down_voted: tuple[QuestionVotes, ...] = field(default=())

    @property
    def total(self) -> int:
        return self.up + self.down

    def to_dict(self) -> dict[str, Any]:
        return {
            "up": self.up,
            "down": self.down,
            "total": self.total,
            "skipped_lines": self.skipped_lines,
            "most_down_voted": [
                {"question": q.question, "up": q.up, "down": q.down} for q in self.most_down_voted
            ],
        }


class FeedbackStore:
    """Append-only vote log at ``path`` (normally ``settings.data_dir / "feedback.jsonl"``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(self, entry: FeedbackEntry) -> None:
        line = json.dumps(entry.to_dict(), ensure_ascii=False) + "\n"
        try:
            with self._lock:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with self.path.open("a", encoding="utf-8") as f:
                    f.write(line)
        except OSError as exc:
            raise TalkbotError(f"{self.path}: cannot record feedback: {exc.strerror}") from None

    def summary(self, top: int = 5) -> FeedbackSummary:
        """Counts up/down, keeping only each user's last vote on each answer message."""
        if not self.path.exists():
            return FeedbackSummary(up=0, down=0, skipped_lines=0)
        latest: dict[tuple[Any, ...], dict[str, Any]] = {}
        skipped = 0
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise TalkbotError(f"{self.path}: cannot read feedback: {exc}") from None
        for i, line in enumerate(text.splitlines()):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                vote, question = row["vote"], row["question"]
            except (ValueError, KeyError, TypeError, RecursionError):
                # A torn last line after a crash should not hide the rest of the votes.
                skipped += 1
                continue
            # Votes without a message id (none today) each count once.
            key = (row.get("message_id") or f"line{i}", row.get("user_id"))
            if (
                vote not in ("up", "down")
                or not isinstance(question, str)
                or not all(isinstance(k, str | int | None) for k in key)
            ):
                skipped += 1  # not a line this bot wrote: ids are numbers or text
                continue
            latest[key] = row
        per_question: dict[str, Counter[str]] = {}
        for row in latest.values():
            per_question.setdefault(row["question"], Counter())[row["vote"]] += 1
        up = sum(c["up"] for c in per_question.values())
        down = sum(c["down"] for c in per_question.values())
        worst = sorted(
            (QuestionVotes(q, c["up"], c["down"]) for q, c in per_question.items() if c["down"]),
            key=lambda q: (-q.down, q.up, q.question),
        )
        return FeedbackSummary(up, down, skipped, tuple(worst[:top]))


def format_summary(summary: FeedbackSummary, path: Path) -> str:
    """The human-readable report printed by ``talkbot feedback``."""
    skipped = summary.skipped_lines
    if summary.total == 0 and skipped:
        # "Nothing recorded" would hide that the file holds lines, just none readable.
        return (
            f"No readable votes in {path}: {skipped} {_lines(skipped)} skipped as unreadable "
            "(not JSON votes this bot wrote); fix or remove them"
        )
    if summary.total == 0:
        return f"No feedback recorded yet ({path})."
    votes = plural(summary.total, "vote")
    lines = [f"Feedback in {path}: {votes}, 👍 {summary.up}, 👎 {summary.down}"]
    if skipped:
        lines.append(f"({skipped} unreadable {_lines(skipped)} skipped)")
    if summary.most_down_voted:
        lines.append("Most down-voted questions:")
        for q in summary.most_down_voted:
            lines.append(f"  👎 {q.down}  👍 {q.up}  {q.question}")
    return "\n".join(lines)


def _lines(count: int) -> str:
    return "line" if count == 1 else "lines"
