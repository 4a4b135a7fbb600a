"""End to end: /refresh, /add, /remove through the fake Discord, on the real engine.

The bot is the real ``TalkBot`` with its default cogs; the engine is the real one over a
private copy of the seeds and their index (module scope), so adding and removing
articles here never touches the session engine other tests use. Article pages and
attachments come from the local test site on 127.0.0.1, which the test config allow-lists.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import yaml

from bot.audit import AuditLog
from bot.client import TalkBot
from bot.memory import freeze_loaded_state
from bot.settings import DiscordSettings
from index.engine import Engine
from index.store import IndexStore
from tests.articlesite import ARTICLE_TITLE, UNIQUE_QUESTION, UNIQUE_WORD, article_site
from tests.conftest import copy_corpus
from tests.fakediscord import FakeDiscord, RecordedRequest, snowflake
from tests.fakediscord import payloads as p
from tests.fakediscord.harness import wait_for
from tests.folder_snapshot import snapshot

pytestmark = pytest.mark.asyncio(loop_scope="session")

EPHEMERAL = 64
MANAGE_GUILD = 1 << 5
# Send messages + use application commands: what a member sees the command with when an
# admin has overridden the default permissions, without being a moderator.
MEMBER_PERMISSIONS = str((1 << 11) | (1 << 31))
ROLE_NAME = "Peace desk"


@dataclass
class Harness:
    fake: FakeDiscord
    bot: TalkBot
    engine: Engine
    site: str
    role_id: str
    seeds: Path
    audit_seen: int = 0  # audit entries before the last run()

    @property
    def log_channel(self) -> dict[str, Any]:
        return self.fake.channels[1]

    def audit(self) -> list:
        return AuditLog.for_settings(self.engine.settings).entries()

    async def last_audit(self, timeout: float = 10) -> Any:
        """The entry the last run() wrote: the bot audits after the user has the reply."""
        await wait_for(lambda: len(self.audit()) > self.audit_seen, timeout)
        return self.audit()[-1]


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def harness(settings, embedder, build_report, tmp_path_factory) -> AsyncIterator[Harness]:
    root = tmp_path_factory.mktemp("moderation-e2e")
    seeds, sources = copy_corpus(root)
    shutil.copytree(settings.index_dir, root / "data" / "index")
    fake = FakeDiscord(heartbeat_interval_ms=300)
    await fake.start()
    moderation = {
        "moderator_roles": [ROLE_NAME],
        "log_channel": int(fake.channels[1]["id"]),
        "allow_hosts": ["127.0.0.1"],
        "timeout_seconds": 2,
        "max_bytes": 100_000,
        "progress_interval_seconds": 0.2,
    }
    private = replace(
        settings,
        seeds_dir=seeds,
        sources_file=sources,
        data_dir=root / "data",
        raw={**settings.raw, "moderation": moderation},
    )
    engine = Engine.open(private, embedder)
    ds = DiscordSettings(ask_cooldown_seconds=0, guild_ready_timeout=0)
    bot = TalkBot(engine, ds)  # the default cogs, moderation included
    # As `talkbot run` does once loaded: a full collection over a long test session's
    # objects paused the loop (and the heartbeat the tests measure) for 300 ms.
    freeze_loaded_state()
    with article_site() as site, fake.patched():
        task = asyncio.create_task(bot.start("fake-token"))
        await fake.wait_until_ready()
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        role_id = snowflake()
        await fake.dispatch(
            "GUILD_ROLE_CREATE",
            {
                "guild_id": fake.guild_id,
                "role": {
                    "id": role_id,
                    "name": ROLE_NAME,
                    "permissions": "0",
                    "position": 1,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                },
            },
        )
        await asyncio.sleep(0.05)
        yield Harness(fake, bot, engine, site, role_id, seeds)
        await bot.close()
        await task
    await fake.stop()


# -- helpers -----------------------------------------------------------------------


def invoker(h: Harness, kind: str) -> dict[str, Any]:
    """A member: 'admin' (Manage Server), 'role' (the moderator role) or 'member'."""
    user = h.fake.user(kind)
    member = p.member(user, permissions=MEMBER_PERMISSIONS)
    if kind == "admin":
        member["permissions"] = str(int(MEMBER_PERMISSIONS) | MANAGE_GUILD)
    elif kind == "role":
        member["roles"] = [h.role_id]
    return member


async def run(
    h: Harness,
    name: str,
    options: dict[str, Any] | None = None,
    *,
    who: str = "admin",
    attachment: dict[str, Any] | None = None,
) -> dict[str, Any]:
    h.audit_seen = len(h.audit())
    member = invoker(h, who)
    interaction = h.fake.slash(name, options, invoker=member["user"])
    interaction["member"] = member
    if attachment is not None:
        interaction["data"]["options"].append(
            {"name": "file", "type": 11, "value": attachment["id"]}
        )
        interaction["data"]["resolved"] = {"attachments": {attachment["id"]: attachment}}
    await h.fake.interact(interaction)
    return interaction


def attachment(h: Harness, filename: str, path: str, size: int) -> dict[str, Any]:
    aid = snowflake()
    url = f"{h.site}{path}"
    return {
        "id": aid,
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
        "content_type": "text/plain; charset=utf-8",
    }


def edits(h: Harness, interaction: dict[str, Any]) -> list[RecordedRequest]:
    return [r for r in h.fake.requests_for(interaction["token"]) if r.method == "PATCH"]


async def final_text(h: Harness, interaction: dict[str, Any], timeout: float = 30) -> str:
    """The last edit of the deferred reply, once it is no longer a progress line."""
    token = interaction["token"]
    done = await h.fake.wait_for_request(
        lambda r: (
            r.method == "PATCH"
            and f"/{token}/" in r.path
            and not r.json.get("content", "").startswith("⏳")
        ),
        timeout=timeout,
    )
    return done.json["content"]


async def immediate_reply(h: Harness, interaction: dict[str, Any]) -> dict[str, Any]:
    token = interaction["token"]
    callback = await h.fake.wait_for_request(lambda r: r.path.endswith(f"/{token}/callback"))
    return callback.json


async def remove_choices(h: Harness, typed: str) -> list[dict[str, Any]]:
    """The choices /remove's autocomplete offers an admin who has typed ``typed``."""
    member = invoker(h, "admin")
    complete = h.fake.slash("remove", {"article": typed}, invoker=member["user"])
    complete["type"] = 4  # APPLICATION_COMMAND_AUTOCOMPLETE
    complete["data"]["options"][0]["focused"] = True
    await h.fake.interact(complete)
    return (await immediate_reply(h, complete))["data"]["choices"]


async def log_post(h: Harness, needle: str) -> RecordedRequest:
    channel = h.log_channel["id"]
    return await h.fake.wait_for_request(
        lambda r: (
            r.method == "POST"
            and r.path == f"/channels/{channel}/messages"
            and needle in r.json.get("content", "")
        )
    )


# -- who may use the commands ---------------------------------------------------------


async def test_commands_are_hidden_by_default_and_server_only(harness: Harness) -> None:
    payloads = {c["name"]: c for c in harness.bot.command_payloads()}
    for name in ("refresh", "add", "remove"):
        assert str(payloads[name]["default_member_permissions"]) == str(MANAGE_GUILD)
        assert payloads[name].get("contexts") in ([0], None)
        assert payloads[name].get("dm_permission") in (False, None)
    assert payloads["ask"].get("default_member_permissions") is None


@pytest.mark.parametrize(
    ("name", "options"),
    [("refresh", None), ("add", {"url": "https://example.com/a"}), ("remove", {"article": "x"})],
)
async def test_a_member_without_the_role_is_refused_and_audited(
    harness: Harness, name: str, options: dict | None
) -> None:
    before = snapshot(harness.seeds)
    interaction = await run(harness, name, options, who="member")
    reply = await immediate_reply(harness, interaction)
    assert reply["type"] == 4 and reply["data"]["flags"] == EPHEMERAL
    assert reply["data"]["content"].startswith(f"Only moderators can use /{name}")
    post = await log_post(harness, f"{name}: refused — not a moderator")
    assert post.json["allowed_mentions"] == {"parse": []}
    assert snapshot(harness.seeds) == before
    entry = harness.audit()[-1]
    assert (entry.action, entry.outcome, entry.user_id) == (
        name,
        "refused",
        interaction["member"]["user"]["id"],
    )


async def test_commands_are_refused_in_direct_messages(harness: Harness) -> None:
    user = harness.fake.user("dm-user")
    interaction = harness.fake.slash("refresh", invoker=user)
    for key in ("guild_id", "member"):
        interaction.pop(key)
    interaction["user"] = user
    interaction["context"] = 1
    interaction["channel"] = {"id": snowflake(), "type": 1, "recipients": [user]}
    interaction["channel_id"] = interaction["channel"]["id"]
    await harness.fake.interact(interaction)
    reply = await immediate_reply(harness, interaction)
    assert reply["data"]["content"] == "This command only works in a server channel."
    await log_post(harness, "refresh: refused — used outside a server")  # audited after
    assert harness.audit()[-1].detail == "used outside a server"


async def test_only_the_servers_in_moderation_guilds_manage_the_shared_articles(
    harness: Harness,
) -> None:
    # Every server the bot is in shares one set of articles: an admin of another server
    # (Manage Server there) must not change them once moderation.guilds names managers.
    cog = harness.bot.get_cog("Moderation")
    configured = cog.settings
    before = snapshot(harness.seeds)
    try:
        cog.settings = replace(configured, guilds=(snowflake(),))
        interaction = await run(harness, "remove", {"article": "000"}, who="admin")
        reply = await immediate_reply(harness, interaction)
        assert reply["data"]["flags"] == EPHEMERAL
        assert reply["data"]["content"].startswith("/remove isn't available in this server")
        await log_post(harness, "remove: refused — server not in moderation.guilds")
        assert snapshot(harness.seeds) == before

        cog.settings = replace(configured, guilds=(harness.fake.guild_id,))
        interaction = await run(harness, "refresh", who="admin")
        assert (await immediate_reply(harness, interaction))["type"] == 5  # deferred: runs
        assert (await final_text(harness, interaction)).startswith("Index")
    finally:
        cog.settings = configured


async def test_a_refusal_is_answered_even_when_the_audit_log_cannot_be_written(
    harness: Harness, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The reply comes first and an audit failure (here: the log's path is a folder) is
    # the bot's log's business; it used to leave the user with "did not respond".
    cog = harness.bot.get_cog("Moderation")
    working = cog.audit_log
    cog.audit_log = AuditLog(tmp_path)
    try:
        interaction = await run(harness, "refresh", who="member")
        reply = await immediate_reply(harness, interaction)
        assert reply["data"]["content"].startswith("Only moderators can use /refresh")

        interaction = await run(harness, "add", {"title": "No source"}, who="admin")
        reply = await immediate_reply(harness, interaction)
        assert reply["data"]["content"].startswith("Nothing added: give either a url or a file")
        await wait_for(lambda: "could not write the audit log (add" in caplog.text, 5)
    finally:
        cog.audit_log = working
    assert any("could not write the audit log (refresh" in r.getMessage() for r in caplog.records)


async def test_a_bot_in_several_servers_warns_when_any_of_them_may_moderate(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    cog = harness.bot.get_cog("Moderation")
    other = p.guild(snowflake(), "Another server", [], harness.fake.user("owner2")["id"])
    await harness.fake.dispatch("GUILD_CREATE", other)
    try:
        await wait_for(lambda: len(harness.bot.guilds) == 2, 5)
        await cog.on_ready()
        assert any("moderation.guilds is empty" in r.getMessage() for r in caplog.records)
        # The harness names its moderator role: a name anyone who may create roles can copy.
        assert any("names roles (Peace desk)" in r.getMessage() for r in caplog.records)
        caplog.clear()
        configured = cog.settings
        cog.settings = replace(configured, guilds=(harness.fake.guild_id,))
        await cog.on_ready()
        cog.settings = configured
        assert not any("moderation.guilds" in r.getMessage() for r in caplog.records)
    finally:
        await harness.fake.dispatch("GUILD_DELETE", {"id": other["id"], "unavailable": False})
        await wait_for(lambda: len(harness.bot.guilds) == 1, 5)


# -- /refresh ---------------------------------------------------------------------------


async def test_refresh_by_role_shows_progress_then_the_summary(harness: Harness) -> None:
    # One changed article is re-embedded: long enough for progress edits. (A refresh with
    # nothing changed returns in about a millisecond, before its first edit is due, and
    # shows only the summary: see the next test.)
    article = sorted(harness.seeds.glob("*.txt"))[0]
    original = article.read_text(encoding="utf-8")
    article.write_text(original + "\nNegotiators met again in Geneva on Friday.\n", "utf-8")
    try:
        interaction = await run(harness, "refresh", who="role")
        reply = await immediate_reply(harness, interaction)
        assert reply == {"type": 5, "data": {"flags": EPHEMERAL}}
        text = await final_text(harness, interaction)
        assert text.startswith(f"Index refreshed.\nIndex now serving: updated {article.stem}; 4 ")
        contents = [r.json["content"] for r in edits(harness, interaction)]
        assert contents[0].startswith("⏳") and contents[-1] == text
        assert (await harness.last_audit()).outcome == "ok"
    finally:
        article.write_text(original, encoding="utf-8")
        await asyncio.to_thread(harness.engine.refresh)


async def test_a_refresh_with_nothing_changed_shows_the_summary(harness: Harness) -> None:
    interaction = await run(harness, "refresh", who="role")
    text = await final_text(harness, interaction)
    assert text.startswith("Index refreshed.\nIndex now serving: 5 unchanged;")
    contents = [r.json["content"] for r in edits(harness, interaction)]
    assert contents[-1] == text and all(c.startswith("⏳") for c in contents[:-1])
    assert (await harness.last_audit()).outcome == "ok"


async def test_a_refresh_that_cannot_run_says_so_and_keeps_serving(harness: Harness) -> None:
    serving = harness.engine.data
    with IndexStore(harness.engine.settings.index_dir).writer_lock():  # e.g. `talkbot add`
        interaction = await run(harness, "refresh")
        text = await final_text(harness, interaction)
    assert text.startswith("Refresh failed (a refresh is already running")
    assert text.endswith("still serving the previous index.")
    assert harness.engine.data is serving
    assert (await harness.last_audit()).outcome == "refused"


# -- /add and /remove -------------------------------------------------------------------


async def test_add_a_page_answer_from_it_then_remove_it(harness: Harness) -> None:
    # Near the seeds' topic (delegations, strikes), the question may draw a loosely related
    # seed quote; what matters here is that none comes from the page, as in the console's.
    assert UNIQUE_WORD not in harness.engine.ask(UNIQUE_QUESTION).answer
    interaction = await run(harness, "add", {"url": f"{harness.site}/article.html"})
    text = await final_text(harness, interaction)
    assert text.startswith(f"Added **{ARTICLE_TITLE}** (The Borderland Courier · 2025-07-14) as `")
    doc_id = text.split("`")[1]
    answer = harness.engine.ask(UNIQUE_QUESTION)
    assert answer.found and UNIQUE_WORD in answer.answer
    await log_post(harness, f"add {harness.site}/article.html: ok")

    # /remove offers the indexed titles; the value is the doc_id.
    choices = await remove_choices(harness, "quill")
    assert choices == [
        {"name": f"{ARTICLE_TITLE} · The Borderland Courier · 2025-07-14", "value": doc_id}
    ]

    interaction = await run(harness, "remove", {"article": doc_id}, who="role")
    text = await final_text(harness, interaction)
    assert text.startswith(f"Removed **{ARTICLE_TITLE}** (`{doc_id}`)")
    assert UNIQUE_WORD not in harness.engine.ask(UNIQUE_QUESTION).answer
    assert list((harness.seeds / "archive").glob(f"*_{doc_id}.txt"))


async def test_add_takes_an_author_as_talkbot_add_does(harness: Harness) -> None:
    # The page's byline is Mara Ellison; the moderator's author wins, as with --author.
    interaction = await run(
        harness, "add", {"url": f"{harness.site}/article.html", "author": "  Jane\nRoe "}
    )
    text = await final_text(harness, interaction)
    assert text.startswith(f"Added **{ARTICLE_TITLE}**"), text
    doc_id = text.split("`")[1]
    entries = yaml.safe_load((harness.seeds / "sources.yaml").read_text(encoding="utf-8"))
    assert entries[f"{doc_id}.txt"]["author"] == "Jane Roe"  # made one line, as the CLI's
    await final_text(harness, await run(harness, "remove", {"article": doc_id}))

    # Refused by the same check as `talkbot add --author`, naming the field.
    before = snapshot(harness.seeds)
    interaction = await run(
        harness, "add", {"url": f"{harness.site}/article.html", "author": "A\udcff"}
    )
    text = await final_text(harness, interaction)
    assert text.startswith("Nothing added: ") and "the author is not valid text" in text
    assert snapshot(harness.seeds) == before
    assert (await harness.last_audit()).outcome == "refused"


async def test_remove_autocomplete_reads_the_sources_off_the_event_loop(
    harness: Harness, monkeypatch
) -> None:
    import threading

    on_loop: list[bool] = []
    real = harness.bot.engine.sources

    def noting():
        on_loop.append(threading.current_thread() is threading.main_thread())
        return real()

    monkeypatch.setattr(harness.bot.engine, "sources", noting)
    choices = await remove_choices(harness, "zelensk")
    assert choices and all("Zelensk" in c["name"] for c in choices)
    assert on_loop == [False]


async def test_questions_are_answered_while_an_add_refreshes(harness: Harness) -> None:
    add = await run(harness, "add", attachment=attachment(harness, "talks.txt", "/plain.txt", 800))
    await asyncio.sleep(0.05)
    ask = harness.fake.slash(
        "ask", {"question": "What did Zelenskyy propose?"}, invoker=harness.fake.user("reader")
    )
    await harness.fake.interact(ask)
    prefix = f"/webhooks/{harness.fake.application_id}/{ask['token']}"
    answered = await harness.fake.wait_for_request(
        lambda r: r.method == "POST" and r.path == prefix, timeout=30
    )
    text = await final_text(harness, add)
    added = next(r for r in edits(harness, add) if r.json["content"] == text)
    assert text.startswith("Added **Talks resume in Quillmere**")
    assert answered.time < added.time, "the question waited for the refresh"
    beats = harness.fake.session.heartbeat_gaps()
    assert max(beats[-10:]) < 1.0  # the gateway heartbeat never stalled
    doc_id = text.split("`")[1]
    await final_text(harness, await run(harness, "remove", {"article": doc_id}))


@pytest.mark.parametrize(
    ("options", "file", "message"),
    [
        (
            {"url": "{site}/article.html", "published": "14/07/2025"},
            None,
            "published '14/07/2025' is not a date as YYYY-MM-DD",
        ),
        ({}, None, "give either a url or a file"),
        # Refused before "fetching ftp://..." was shown.
        ({"url": "ftp://example.com/story"}, None, "only http:// and https:// pages"),
        ({"url": "https:///story"}, None, "has no host name"),
        ({}, ("story.pdf", "/doc.pdf", 100), "only .txt, .md, .html, .htm files"),
        ({}, ("story.txt", "/plain.txt", 0), "story.txt is empty"),
        ({}, ("story.txt", "/huge", 10**7), "over the limit of 100,000"),
    ],
)
async def test_bad_input_is_refused_at_once(harness, options, file, message) -> None:
    before = snapshot(harness.seeds)
    options = {k: v.format(site=harness.site) for k, v in options.items()}
    extra = attachment(harness, *file) if file else None
    interaction = await run(harness, "add", options, attachment=extra)
    reply = await immediate_reply(harness, interaction)
    assert reply["data"]["flags"] == EPHEMERAL
    assert reply["data"]["content"].startswith("Nothing added: ")
    assert message in reply["data"]["content"]
    assert snapshot(harness.seeds) == before
    assert (await harness.last_audit()).outcome == "refused"


@pytest.mark.parametrize(
    ("url", "file", "message"),
    [
        ("http://10.0.0.1/story", None, "resolves to 10.0.0.1, a private address"),
        ("http://169.254.169.254/latest/meta-data/", None, "a link-local address"),
        ("{site}/to-private", None, "resolves to 10.0.0.1"),
        ("{site}/missing", None, "returned HTTP 404"),
        ("{site}/doc.pdf", None, "is a PDF"),
        ("{site}/photo.jpg", None, "is an image"),
        ("{site}/slow", None, "did not answer within 2 s"),
        ("{site}/empty.html", None, "no article text could be extracted"),
        (None, ("story.txt", "/photo.jpg", 68), "binary data"),
        (None, ("copy.txt", "/seed.txt", 5880), "duplicates article 000_086fd48e31ce2218"),
        # The same article with a share line appended was indexed as a second outlet.
        (
            None,
            ("shared.txt", "/seed-shared.txt", 5899),
            "shared.txt is a near-copy of an indexed article: 100% of its text is article "
            "000_086fd48e31ce2218",
        ),
        # An attachment Discord can no longer serve (an expired link, a CDN error).
        (None, ("gone.txt", "/missing", 120), "couldn't download gone.txt from Discord (404)"),
    ],
)
async def test_bad_pages_and_files_change_nothing(harness, url, file, message) -> None:
    before = snapshot(harness.seeds)
    serving = harness.engine.data
    options = {"url": url.format(site=harness.site)} if url else {}
    extra = attachment(harness, *file) if file else None
    interaction = await run(harness, "add", options, attachment=extra)
    text = await final_text(harness, interaction)
    assert text.startswith("Nothing added: ") and message in text
    assert snapshot(harness.seeds) == before
    assert harness.engine.data is serving
    entry = await harness.last_audit()
    assert entry.outcome == "refused" and message in entry.detail
