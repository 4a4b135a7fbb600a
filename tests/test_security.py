"""Security cases not covered elsewhere: upload names, YAML tags, the audit log.

(SSRF refusals are in test_fetch.py, moderator refusals in test_moderation_discord.py,
token hygiene and mention injection in test_discord_security.py.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.audit import AuditLog
from index.corpus import read_sources
from index.errors import ConfigError, CorpusError
from index.library import Library, candidate_from_file
from index.settings import load_settings
from tests.articlesite import PLAIN_ARTICLE
from tests.conftest import ROOT
from tests.folder_snapshot import snapshot

pytest_plugins = ("tests.moderation_fixtures",)


@pytest.mark.parametrize(
    "name",
    ["../../evil.txt", "..\\..\\evil.txt", "/etc/evil.txt", "a/../../b.md", "seeds/../x.txt"],
)
def test_uploaded_file_names_never_choose_where_the_file_goes(built_copy, embedder, tmp_path, name):
    from index.build import build_index

    library = Library(built_copy, embedder.count_tokens)
    outside = snapshot(built_copy.seeds_dir.parent)
    candidate = candidate_from_file(name, PLAIN_ARTICLE.encode(), max_bytes=100_000)
    added = library.add(candidate, lambda: build_index(built_copy, embedder, incremental=True))
    # The stored name is generated: a number and a content hash, inside the seeds folder.
    assert re.fullmatch(r"\d{3}_[0-9a-f]{16}\.txt", added.filename)
    assert (
        built_copy.seeds_dir / added.filename
    ).resolve().parent == built_copy.seeds_dir.resolve()
    changed = set(snapshot(built_copy.seeds_dir.parent)) ^ set(outside)
    assert all(Path(p).parts[0] in ("seeds", "data") for p in changed), changed


def test_no_unsafe_yaml_loading_anywhere():
    offenders = []
    for path in list((ROOT / "bot").rglob("*.py")) + list((ROOT / "index").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            if re.search(r"yaml\.(unsafe_load|full_load)\(", line):
                offenders.append(path.name)
            # yaml.load is acceptable only with a safe loader (libyaml's CSafeLoader).
            if "yaml.load(" in line and not re.search(r"Loader=\w*SafeLoader\b", line):
                offenders.append(path.name)
    assert offenders == []


def test_python_tags_in_yaml_are_refused(tmp_path):
    evil = "!!python/object/apply:os.system ['touch pwned']\n"
    config = tmp_path / "talkbot.yaml"
    config.write_text(f"answer: {evil}")
    with pytest.raises(ConfigError, match="malformed YAML"):
        load_settings(config)
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"a.txt: {evil}")
    with pytest.raises(CorpusError, match="malformed YAML"):
        read_sources(sources)
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_audit_log_only_ever_appends(tmp_path):
    path = tmp_path / "audit.jsonl"
    log = AuditLog(path)
    log.record(
        via="cli",
        user_id=1,
        user_name="a",
        action="refresh",
        target="",
        outcome="ok",
        detail="first",
    )
    before = path.read_bytes()
    for i in range(5):
        log.record(
            via="discord",
            user_id=2,
            user_name="b",
            action="add",
            target=f"https://example.com/{i}",
            outcome="refused",
            detail="private address",
        )
    after = path.read_bytes()
    assert after.startswith(before)
    assert after.count(b"\n") == 6
