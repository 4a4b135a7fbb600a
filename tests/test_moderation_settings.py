"""The ``moderation:`` config section and the audit log."""

from __future__ import annotations

import json
import os
import threading
from dataclasses import replace

import pytest

from bot.audit import AuditLog
from bot.moderation_settings import ModerationSettings, moderation_settings
from index.errors import ConfigError


def with_section(settings, section):
    return replace(settings, raw={**settings.raw, "moderation": section})


def test_the_shipped_config_is_valid_and_allows_no_private_hosts(settings):
    mod = moderation_settings(settings)
    assert mod.allow_hosts == ()
    assert mod.fetch_limits().max_redirects == 3


def test_role_ids_may_be_numbers_and_names(settings):
    mod = moderation_settings(
        with_section(
            settings,
            {
                "moderator_roles": [1234567890123, "Peace desk"],
                "log_channel": "42",
                "guilds": [987654321098],
            },
        )
    )
    assert mod.moderator_roles == ("1234567890123", "Peace desk")
    assert mod.guilds == ("987654321098",)
    assert mod.log_channel == 42
    assert moderation_settings(with_section(settings, None)) == ModerationSettings()


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"max_byte": 1}, r"'moderation\.max_byte': unknown setting"),
        ({"max_bytes": "lots"}, r"'moderation\.max_bytes' must be a whole number"),
        ({"max_bytes": 10}, r"'moderation\.max_bytes' must be at least 1000"),
        ({"max_redirects": 50}, r"'moderation\.max_redirects' must be between 0 and 10"),
        ({"timeout_seconds": 0}, r"'moderation\.timeout_seconds' must be between 0 and 120"),
        ({"allow_hosts": ["10.0.0.0/33"]}, r"'moderation\.allow_hosts' item '10\.0\.0\.0/33'"),
        ({"moderator_roles": [" "]}, r"'moderation\.moderator_roles' item 1 is empty"),
        (
            {"moderator_roles": [["a", "b"]]},
            r"'moderation\.moderator_roles' item 1 must be a string, not \['a', 'b'\]",
        ),
        ({"log_channel": "general"}, r"'moderation\.log_channel' must be a whole number"),
        ({"guilds": ["my server"]}, r"'moderation\.guilds' item 1 must be a server ID"),
        (["x"], r"'moderation' must be a mapping"),
    ],
)
def test_bad_values_name_the_file_and_key(settings, section, message):
    with pytest.raises(ConfigError, match=message) as caught:
        moderation_settings(with_section(settings, section))
    assert str(caught.value).startswith(str(settings.config_path))


def test_audit_log_appends_whole_lines_from_many_threads(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")

    def write(n: int) -> None:
        for i in range(50):
            log.record(
                via="cli",
                user_id=n,
                user_name=f"u{n}",
                action="add",
                target=f"t{i}",
                outcome="refused",
                detail="x" * 500,
            )

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 200
    assert all(json.loads(line)["outcome"] == "refused" for line in lines)
    assert len(log.entries()) == 200
    with pytest.raises(ValueError, match="outcome must be one of"):
        log.record(
            via="cli", user_id=1, user_name="u", action="add", target="", outcome="maybe", detail=""
        )


def test_audit_log_keeps_a_shell_argument_that_is_not_utf8(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")
    target = os.fsdecode(b"/tmp/n\xff.txt")  # how Python hands over such an argv entry
    log.record(
        via="cli",
        user_id=0,
        user_name="root",
        action="add",
        target=target,
        outcome="refused",
        detail=f"{target}: no such file",
    )
    (entry,) = log.entries()
    assert entry.target == target and entry.outcome == "refused"
    (tmp_path / "audit.jsonl").read_bytes().decode("utf-8")  # the file stays valid UTF-8
