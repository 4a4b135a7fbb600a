"""``talkbot index refresh``, ``talkbot add`` and ``talkbot remove`` through ``main()``.

The commands run for real on a private copy of the seeds and index; the only thing
swapped is where the CLI gets its embedder: the session's, instead of loading the same
model again.
"""

from __future__ import annotations

import json

import pytest
import yaml

from bot.audit import AuditLog
from bot.cli import main
from tests.articlesite import PLAIN_ARTICLE, SHARED_LINE, UNIQUE_WORD
from tests.conftest import CONFIG
from tests.folder_snapshot import snapshot

pytest_plugins = ("tests.moderation_fixtures",)

SEED = "000_086fd48e31ce2218"


@pytest.fixture
def cli(built_copy, embedder, tmp_path, monkeypatch, capsys):
    """Run ``talkbot ...`` against the private copy; returns (exit code, stdout, stderr)."""
    raw = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    raw.update(
        data_dir=str(built_copy.data_dir),
        seeds_dir=str(built_copy.seeds_dir),
        sources_file=str(built_copy.sources_file),
    )
    raw.setdefault("moderation", {})["allow_hosts"] = ["127.0.0.1"]
    config = tmp_path / "talkbot.yaml"
    config.write_text(yaml.safe_dump(raw), encoding="utf-8")
    monkeypatch.setattr("bot.cli_moderation.load_embedder", lambda _settings: embedder)
    monkeypatch.setattr("index.embed.Embedder", lambda _settings: embedder)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--config", str(config), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def audit_of(settings) -> list:
    return AuditLog.for_settings(settings).entries()


def test_index_refresh_json_reports_the_changes(cli, built_copy):
    (built_copy.seeds_dir / f"{SEED}.txt").unlink()
    code, out, _ = cli("index", "refresh", "--json")
    assert code == 0
    report = json.loads(out)
    assert {"added", "updated", "removed", "unchanged", "passages", "seconds"} <= set(report)
    assert report["removed"] == [SEED]
    assert len(report["unchanged"]) == 4 and report["added"] == report["updated"] == []
    assert report["embedded_passages"] == 0


def test_add_url_then_remove_it(cli, built_copy, site):
    code, out, err = cli("add", f"{site}/article.html", "--outlet", "Courier", "--json")
    assert code == 0, err
    added = json.loads(out)
    assert added["outlet"] == "Courier" and added["published"] == "2025-07-14"
    assert added["report"]["added"] == [added["doc_id"]]
    assert UNIQUE_WORD in (built_copy.seeds_dir / added["filename"]).read_text(encoding="utf-8")

    code, out, err = cli("remove", added["doc_id"])
    assert code == 0, err
    assert out.startswith(f"Removed {added['doc_id']}")
    assert f"removed: {added['doc_id']}" in out
    assert not (built_copy.seeds_dir / added["filename"]).exists()

    entries = audit_of(built_copy)
    assert [(e.action, e.outcome, e.via) for e in entries] == [
        ("add", "ok", "cli"),
        ("remove", "ok", "cli"),
    ]
    assert entries[0].target == f"{site}/article.html" and entries[0].user_name
    assert entries[1].target == added["doc_id"]


def test_add_file_prints_what_changed(cli, built_copy, tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(PLAIN_ARTICLE, encoding="utf-8")
    code, out, err = cli("add", str(story), "--published", "2025-07-15", "--title", "Talks")
    assert code == 0, err
    assert out.startswith("Added 005_")
    assert '"Talks" (unknown outlet · 2025-07-15)' in out
    assert "embedded" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("add", "{site}/article.html", "--published", "15/07/2025"), "not a date as YYYY-MM-DD"),
        (("add", "{story}", "--published", "2999-01-01"), "published '2999-01-01' is in the fu"),
        (("add", "{story}", "--published", "2025-02-30"), "'2025-02-30' is not a real date"),
        (("add", "http://10.0.0.1/story"), "resolves to 10.0.0.1, a private address"),
        (("add", "{site}/doc.pdf"), "is a PDF"),
        (("add", "{site}/missing"), "returned HTTP 404"),
        (("add", "{site}/to-private"), "a private address"),
        (("add", "{tmp}/nowhere.txt"), "no such file"),
        (("add", "{tmp}"), "is a directory; an article must be a file (.txt, .md, .html) or"),
        # Bytes that are not UTF-8 on the command line (Python keeps them as surrogates)
        # were blamed on sources.yaml, where they broke the new entry.
        (("add", "{story}", "--title", "T\udcff"), "the --title value is not valid text"),
        (("add", "{story}", "--outlet", "O\udcff"), "the --outlet value is not valid text"),
        (("add", "{story}", "--author", "A\udcff"), "the --author value is not valid text"),
        (("add", " "), "the source is empty; give an http(s) URL or a file path"),
        (("add", "{seed}"), f"duplicates article {SEED}"),
        # Also shown in Discord: no server path, and the command to list the ids there.
        (("remove", "nope"), "no article 'nope' among the seeds; their ids are listed by /sources"),
    ],
)
def test_refusals_change_nothing_and_are_audited(cli, built_copy, site, tmp_path, argv, message):
    before = snapshot(built_copy.seeds_dir)
    seed = built_copy.seeds_dir / f"{SEED}.txt"
    copy = tmp_path / "copy.txt"
    copy.write_bytes(seed.read_bytes())
    story = tmp_path / "story.txt"
    story.write_text(PLAIN_ARTICLE, encoding="utf-8")
    argv = [a.format(site=site, tmp=tmp_path, seed=copy, story=story) for a in argv]
    code, out, err = cli(*argv)
    assert code == 2 and out == ""
    assert message in err and err.startswith("talkbot: ") and "Traceback" not in err
    assert snapshot(built_copy.seeds_dir) == before
    (entry,) = audit_of(built_copy)
    assert entry.outcome == "refused" and entry.action == argv[0] and message in entry.detail


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        (
            "near-copy",
            f"shared.txt is a near-copy of an indexed article: 100% of its text is article {SEED} "
            "\"Zelenskyy Calls On Putin To Sign Cease-Fire, Meet Him 'Any Day'\"; if it is a "
            f"newer version, /remove that article first (or: talkbot remove {SEED})",
        ),
        (
            "cyrillic",
            "shared.txt is not in English: it is mostly Cyrillic letters (100% of them); the bot "
            "answers from English articles, so add an English version of the story",
        ),
    ],
)
def test_near_copies_and_articles_not_in_english_are_refused(
    cli, built_copy, tmp_path, kind, message
):
    # Both used to be added, or refused for the wrong reason ("no title found").
    seed = (built_copy.seeds_dir / f"{SEED}.txt").read_bytes()
    cyrillic = (
        "Президент України Володимир Зеленський заявив, що продовжувати дипломатичні "
        "зустрічі в Стамбулі на нинішньому рівні безглуздо. Він запропонував Росії "
        "припинення вогню до зустрічі лідерів. Путін фактично відкинув можливість "
        "перемир'я та саміту.\n"
    ).encode()
    shared = tmp_path / "shared.txt"
    shared.write_bytes(seed + SHARED_LINE if kind == "near-copy" else cyrillic)
    before = snapshot(built_copy.seeds_dir)
    # Given a title, the Cyrillic file was refused as "only page furniture".
    code, out, err = cli("add", str(shared), "--title", "Shared")
    assert (code, out, err) == (2, "", f"talkbot: {message}\n")
    assert snapshot(built_copy.seeds_dir) == before
    (entry,) = audit_of(built_copy)
    assert (entry.outcome, entry.detail) == ("refused", message)


def test_timeline_chart_is_confirmed_on_stderr(cli, tmp_path):
    chart = tmp_path / "june.png"
    code, out, err = cli(
        "timeline", "--since", "2025-06", "--until", "2025-06", "--chart", str(chart)
    )
    assert code == 0, err
    assert out.startswith("Timeline: ")  # stdout stays the timeline alone, for pipes
    assert err == f"Chart saved to {chart}\n"
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_timeline_chart_into_a_folder_names_a_file_inside_it(cli, tmp_path):
    code, out, err = cli("timeline", "--chart", str(tmp_path))
    assert (code, out) == (2, "")
    assert err == (
        f"talkbot: cannot write {tmp_path}: it is a folder; name a .png file in it, "
        f"e.g. {tmp_path}/timeline.png\n"
    )
