"""Security on the Discord side: the token stays secret; hostile text cannot ping or reformat.

The token tests run the real bot and the real ``talkbot run`` against the fake with a
distinctive token and read every log record (discord.py's at DEBUG included) and
everything printed to stderr. The injection tests put @everyone, role and user mentions,
backticks, masked links and spoilers into a question and into an indexed article, and
read what the bot sends Discord.
"""

from __future__ import annotations

import logging
import re
import shutil
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot import cli
from bot.client import TalkBot
from bot.feedback import FeedbackStore
from bot.render import escape
from bot.settings import DiscordSettings
from index.build import build_index
from index.engine import Engine
from index.settings import DATA_DIR_ENV
from tests.conftest import CONFIG
from tests.fakediscord import FakeDiscord
from tests.fakediscord.harness import Outcome, fake_in_thread, running, wait_for

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gsecret.distinctive-token-9f3a7c"
HOSTILE = (
    "@everyone @here <@&123456789012345678> <@123456789012345678> "
    "`odd backtick [click me](http://evil.example) ||spoiler|| *star _under ~~strike"
)
MARKDOWN = "*_`~|"


def unescaped(text: str) -> list[str]:
    """Markdown characters in ``text`` that Discord would act on (not backslash-escaped)."""
    live = []
    for m in re.finditer(rf"[{re.escape(MARKDOWN)}]", text):
        backslashes = len(text[: m.start()]) - len(text[: m.start()].rstrip("\\"))
        if backslashes % 2 == 0:
            live.append(m.group())
    return live


def assert_neutralised(text: str) -> None:
    assert unescaped(text) == [], text
    assert "](" not in text  # no masked link
    assert not re.search(r"@(everyone|here)|<@[!&]?\d", text), text


def embed_texts(embed: dict[str, Any]) -> list[str]:
    texts = [embed.get("title") or "", embed.get("description") or ""]
    for f in embed.get("fields", []):
        texts += [f["name"], f["value"]]
    return texts


# -- the token ---------------------------------------------------------------------


@pytest.mark.asyncio(loop_scope="session")
async def test_token_never_appears_in_logs(engine, tmp_path, caplog) -> None:
    caplog.set_level(logging.DEBUG)  # discord.py's gateway and HTTP debug logs included
    fake = FakeDiscord(heartbeat_interval_ms=250, token=TOKEN)
    await fake.start()

    # A wrong token: login refused, and the error does not echo what was tried.
    wrong = TOKEN.replace("secret", "wrong00")
    bot = TalkBot(engine, DiscordSettings(guild_ready_timeout=0))
    with pytest.raises(Exception) as refused:  # noqa: PT011 - the type is discord.py's
        async with running(fake, bot, token=wrong):
            pass
    assert wrong not in str(refused.value) and wrong not in repr(refused.value)

    bot = TalkBot(
        engine,
        DiscordSettings(guild_ready_timeout=0, ask_cooldown_seconds=0),
        feedback=FeedbackStore(tmp_path / "feedback.jsonl"),
        heartbeat_timeout=6,
    )
    async with running(fake, bot, token=TOKEN):
        asker = fake.user("asker")
        fake.rate_limit_next("POST", r"/webhooks/\d+/[^/]+$", 0.05)
        fake.fail_next("POST", r"/callback$", 404, {"message": "Unknown interaction"})
        for _ in range(3):
            interaction = fake.slash("ask", {"question": "What did Putin propose?"}, invoker=asker)
            await fake.interact(interaction)
        await wait_for(lambda: Outcome.of(fake, interaction).answered, 20)
        count = len(fake.sessions)
        await fake.drop_connection()  # RESUME carries the token too
        await fake.wait_for_new_session(count)
    await fake.stop()

    records = caplog.records
    assert any(r.name.startswith("discord.gateway") and r.levelno == logging.DEBUG for r in records)
    assert any("RESUME" in r.getMessage() for r in records)
    for record in records:
        assert TOKEN not in record.getMessage(), record.name
        assert wrong not in record.getMessage(), record.name
    assert TOKEN not in caplog.text and wrong not in caplog.text


@pytest.mark.parametrize(
    ("refusal", "expected"),
    [
        ("login", "Discord rejected DISCORD_TOKEN (401)"),
        (4004, "Discord rejected DISCORD_TOKEN (gateway close 4004)"),
        (
            4011,
            "Discord requires sharding for this many servers (gateway close 4011): "
            "set discord.shards: auto",
        ),
    ],
    ids=["401-at-login", "4004-at-identify", "4011-sharding-required"],
)
def test_talkbot_run_failures_keep_the_token_out_of_stderr(
    build_report, session_data_dir, tmp_path, monkeypatch, capfd, refusal, expected
) -> None:
    # `talkbot run` itself, in this process (the model is already loaded, so this is
    # quick), against a fake served from another thread; discord.py logs at DEBUG.
    raw = yaml.safe_load(CONFIG.read_text())
    raw["discord"]["log_level"] = "DEBUG"
    config = tmp_path / "talkbot.yaml"
    config.write_text(yaml.safe_dump(raw))
    monkeypatch.setenv(DATA_DIR_ENV, str(session_data_dir))
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    fake = FakeDiscord(heartbeat_interval_ms=250)
    if refusal == "login":
        fake.token = "some-other-token"
    else:
        fake.close_on_identify = refusal
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        with fake_in_thread(fake):
            code = cli.main(["--config", str(config), "run"])
    finally:  # discord.utils.setup_logging added a stderr handler to the root logger
        for handler in set(root.handlers) - set(handlers):
            root.removeHandler(handler)
        root.setLevel(level)
    out, err = capfd.readouterr()
    assert code == 2
    assert f"talkbot: {expected}" in err
    assert "DEBUG" in err  # discord.py's debug log really went to stderr
    assert "Traceback" not in err
    assert TOKEN not in err and TOKEN not in out


# -- mentions and markdown -----------------------------------------------------------


@given(st.text(alphabet=st.sampled_from(list(MARKDOWN + "\\[]()<>@&!#:ta 1234567890eveyonhr"))))
def test_escape_leaves_no_live_markdown_links_or_mentions(text: str) -> None:
    assert_neutralised(escape(text))


def test_odd_backticks_in_title_and_excerpt_cannot_pair_up() -> None:
    # Two separately escaped strings meet in one field value: title, then excerpt.
    from datetime import date

    from bot.render import citation_field
    from index.records import Citation

    c = Citation(1, "d", "Talks `resume", "Outlet", date(2025, 5, 11), None, "He said` no.", 0, 11)
    _, value = citation_field(c, 1024)
    assert unescaped(value) == []


@pytest.fixture
def hostile_engine(corpus_copy, embedder) -> Engine:
    """A private index with one extra article full of mention and markdown tricks."""
    seeds = corpus_copy.seeds_dir
    article = seeds / "900_hostile.txt"
    article.write_text(
        "Veltrania mediators publish a ceasefire timetable\n\n"
        f"The Veltrania mediators said the ceasefire timetable would start on Monday {HOSTILE}.\n"
        "Officials from both delegations described the Veltrania timetable as a first step "
        "toward a wider agreement on prisoner exchanges.\n"
        f"A spokesman added that the Veltrania plan `could slip by a week, {HOSTILE}.\n",
        encoding="utf-8",
    )
    sources = yaml.safe_load(corpus_copy.sources_file.read_text())
    sources[article.name] = {
        "title": f"Veltrania ceasefire timetable {HOSTILE}",
        "outlet": "The *Hostile* `Gazette",
        "published": "2025-06-01",
    }
    corpus_copy.sources_file.write_text(yaml.safe_dump(sources, allow_unicode=True))
    build_index(corpus_copy, embedder)
    yield Engine.open(corpus_copy, embedder)
    shutil.rmtree(corpus_copy.data_dir, ignore_errors=True)


@pytest.mark.asyncio(loop_scope="session")
async def test_hostile_question_and_article_cannot_ping_or_break_formatting(
    hostile_engine: Engine, tmp_path
) -> None:
    # (The lines that give the start date are not indexed: cleaning drops them, so "When
    # does it start?" is rightly not found; the spokesman's line, hostile text and all, is.)
    question = f"What did a spokesman say about the Veltrania plan? {HOSTILE}"
    answer = hostile_engine.ask(question)
    assert answer.found and any("Veltrania" in c.excerpt for c in answer.citations)
    assert any("`" in c.excerpt for c in answer.citations)  # the hostile text is quoted

    fake = FakeDiscord(heartbeat_interval_ms=1000)
    await fake.start()
    bot = TalkBot(
        hostile_engine,
        DiscordSettings(guild_ready_timeout=0, ask_cooldown_seconds=0),
        feedback=FeedbackStore(tmp_path / "feedback.jsonl"),
    )
    async with running(fake, bot):
        interaction = fake.slash("ask", {"question": question}, invoker=fake.user("troll"))
        await fake.interact(interaction)
        message = fake.user_message(
            f"<@{fake.bot_user['id']}> {question}",
            author=fake.user("troll2"),
            mentions=[fake.bot_user],
            mention_everyone=True,
        )
        await fake.say(message)
        await wait_for(lambda: Outcome.of(fake, interaction).answered, 20)
        reply = await fake.wait_for_request(
            lambda r: (
                r.method == "POST" and r.path == f"/channels/{message['channel_id']}/messages"
            ),
            timeout=20,
        )
    await fake.stop()

    followup = Outcome.of(fake, interaction).delivered[0].json
    # Nobody can be pinged: no parse, and no users or roles lists to allow anyone.
    assert followup["allowed_mentions"] == {"parse": []}
    assert reply.json["allowed_mentions"] == {"parse": [], "replied_user": False}
    for body in (followup, reply.json):
        assert not body.get("content")  # everything is inside the embed
        [embed] = body["embeds"]
        assert "Veltrania" in embed["title"]
        assert any("Gazette" in f["name"] for f in embed["fields"])
        for text in embed_texts(embed):
            assert_neutralised(text)
        # The hostile markers are shown, escaped, rather than dropped.
        assert "\\`" in embed["description"] and "\\|\\|spoiler\\|\\|" in embed["description"]
