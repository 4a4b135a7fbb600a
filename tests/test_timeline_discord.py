"""/timeline end to end: the real bot and engine against the fake Discord, chart included.

The fake records a message sent with a file as an opaque multipart body; this module's
subclass also reads the multipart parts (``payload_json`` and the files), the way
Discord does, so the tests can check the embed and the PNG that reach Discord. Nothing
of ours is faked.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import json
import re
import struct
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web

from bot.client import DEFAULT_COGS, TalkBot
from bot.cog_timeline import EVENTS_PER_PAGE, TimelineCog, timeline_pages
from bot.feedback import FeedbackStore
from bot.memory import freeze_loaded_state
from bot.settings import DiscordSettings
from tests.fakediscord import FakeDiscord, RecordedRequest, find_custom_ids, stalls

on_the_session_loop = pytest.mark.asyncio(loop_scope="session")

HEARTBEAT_MS = 300
EPHEMERAL = 64


@dataclass(frozen=True)
class Upload:
    path: str
    payload: dict[str, Any]
    files: dict[str, bytes]  # file name -> bytes


class FakeDiscordWithFiles(FakeDiscord):
    """The fake, reading multipart bodies: ``payload_json`` becomes the body, files kept."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.uploads: list[Upload] = []
        self._pending: dict[str, dict[str, Any]] = {}

    async def _rest(self, request: web.Request) -> web.Response:
        if request.content_type.startswith("multipart/"):
            raw = await request.read()  # aiohttp caches it: the base class reads it again
            payload, files = parse_multipart(request.headers["Content-Type"], raw)
            path = "/" + request.match_info["tail"]
            self.uploads.append(Upload(path, payload, files))
            self._pending[path] = payload
        return await super()._rest(request)

    def _route(self, method: str, path: str, query: dict[str, str], body: Any):
        # The base class sees an opaque (or, once read, empty) body: give it the JSON part.
        if path in self._pending and body in (None, {"multipart": True}):
            body = self._pending.pop(path)
        return super()._route(method, path, query, body)


def parse_multipart(content_type: str, raw: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    message = email.parser.BytesParser(policy=email.policy.default).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw
    )
    payload: dict[str, Any] = {}
    files: dict[str, bytes] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name == "payload_json":
            payload = json.loads(part.get_content())
        elif part.get_filename():
            files[part.get_filename()] = part.get_payload(decode=True)
    return payload, files


@dataclass
class Harness:
    fake: FakeDiscordWithFiles
    bot: TalkBot


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def harness(engine, tmp_path_factory) -> AsyncIterator[Harness]:
    fake = FakeDiscordWithFiles(heartbeat_interval_ms=HEARTBEAT_MS)
    await fake.start()
    ds = DiscordSettings(
        ask_cooldown_uses=50,
        ask_cooldown_seconds=60,
        buttons_timeout_seconds=30,
        guild_ready_timeout=0,
    )
    feedback = FeedbackStore(tmp_path_factory.mktemp("feedback") / "feedback.jsonl")
    bot = TalkBot(engine, ds, feedback=feedback, cogs=(TimelineCog,))
    # As `talkbot run` does once loaded: a full collection over a long test session's
    # objects paused the loop (and the heartbeat the tests measure) for 300 ms.
    freeze_loaded_state()
    with fake.patched():
        task = asyncio.create_task(bot.start("fake-token"))
        await fake.wait_until_ready()
        await asyncio.wait_for(bot.wait_until_ready(), 10)
        yield Harness(fake, bot)
        await bot.close()
        await task
    await fake.stop()


async def timeline(
    h: Harness, options: dict[str, Any] | None = None, user: dict[str, Any] | None = None
) -> tuple[dict[str, Any], float]:
    interaction = h.fake.slash("timeline", options, invoker=user or h.fake.user("alice"))
    return interaction, await h.fake.interact(interaction)


async def callback_of(h: Harness, interaction: dict[str, Any]) -> RecordedRequest:
    token = interaction["token"]
    return await h.fake.wait_for_request(lambda r: r.path.endswith(f"/{token}/callback"))


async def followup_of(h: Harness, interaction: dict[str, Any]) -> RecordedRequest:
    path = f"/webhooks/{h.fake.application_id}/{interaction['token']}"
    return await h.fake.wait_for_request(
        lambda r: r.method == "POST" and r.path == path, timeout=60
    )


def upload_of(h: Harness, request: RecordedRequest) -> Upload:
    (upload,) = [u for u in h.fake.uploads if u.path == request.path]
    return upload


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


# -- the command ---------------------------------------------------------------------


def test_timeline_is_one_of_the_bots_commands() -> None:
    assert TimelineCog in DEFAULT_COGS


@on_the_session_loop
async def test_every_event_paged_with_the_chart_on_every_page(harness: Harness, engine) -> None:
    fake = harness.fake
    owner = fake.user("owner")  # each call makes a new user: keep this one
    interaction, _ = await timeline(harness, user=owner)
    assert (await callback_of(harness, interaction)).json == {"type": 5}  # "thinking…"
    followup = await followup_of(harness, interaction)
    upload = upload_of(harness, followup)
    width, height = png_size(upload.files["timeline.png"])
    assert 1000 <= width <= 1600 and len(upload.files["timeline.png"]) < 500_000
    [embed] = upload.payload["embeds"]
    count = len(engine.data.events)
    pages = -(-count // EVENTS_PER_PAGE)
    assert embed["title"] == f"Timeline ({count} events)"
    assert embed["description"].startswith("`2014` — Russia's proposal")
    assert embed["image"]["url"] == "attachment://timeline.png"
    assert embed["footer"]["text"].startswith(f"Page 1/{pages} · ")
    assert embed["fields"][0]["name"] == "[1] RFE/RL · 2025-06-04"
    assert find_custom_ids(upload.payload) == ["pager:prev", "pager:next"]

    token = interaction["token"]
    message = next(
        m for m in fake.messages.values() if m.get("interaction_token") == token and m["embeds"]
    )
    stranger = fake.click("pager:next", message, invoker=fake.user("stranger"))
    await fake.interact(stranger)
    refused = await callback_of(harness, stranger)
    assert refused.json["data"]["flags"] == EPHEMERAL
    assert "Only owner can page through this timeline" in refused.json["data"]["content"]
    click = fake.click("pager:next", message, invoker=owner)
    await fake.interact(click)
    turned = await callback_of(harness, click)
    assert turned.json["type"] == 7
    [page2] = turned.json["data"]["embeds"]
    assert page2["footer"]["text"].startswith(f"Page 2/{pages}")
    assert page2["image"]["url"] == "attachment://timeline.png"  # the chart stays


@on_the_session_loop
async def test_topic_keeps_the_istanbul_rounds_in_one_page(harness: Harness) -> None:
    interaction, _ = await timeline(harness, {"topic": "Istanbul talks"})
    upload = upload_of(harness, await followup_of(harness, interaction))
    [embed] = upload.payload["embeds"]
    assert embed["title"].startswith("Timeline — Istanbul talks (")
    lines = embed["description"].split("\n")
    # The June 2 round, reported by two outlets: two [n] markers.
    assert any(re.match(r"`2025-06-02` — .*\[\d+\]\[\d+\]$", line) for line in lines)
    assert any(line.startswith("`2025-05-15` — ") for line in lines)
    assert not any(line.startswith("`2025-09-01`") for line in lines)  # the SCO summit
    assert "components" not in upload.payload or not upload.payload["components"]
    assert png_size(upload.files["timeline.png"])[0] == 1400


@on_the_session_loop
async def test_without_the_chart_the_reply_is_plain_json(harness: Harness) -> None:
    interaction, _ = await timeline(harness, {"since": "2025-09-05", "chart": False})
    followup = await followup_of(harness, interaction)
    [embed] = followup.json["embeds"]
    assert "image" not in embed
    assert embed["description"].startswith("`2025-09` — ")  # "this week" overlaps the range
    assert not [u for u in harness.fake.uploads if u.path == followup.path]


@on_the_session_loop
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"since": "May 5"}, "since 'May 5' is not a date; use YYYY-MM-DD, YYYY-MM or YYYY"),
        ({"until": "2025-13"}, "until '2025-13' is not a date"),
        ({"since": "2025-09", "until": "2025-06"}, "since 2025-09 is after until 2025-06"),
    ],
)
async def test_bad_dates_are_refused_at_once_and_privately(harness, options, message) -> None:
    interaction, _ = await timeline(harness, options)
    callback = await callback_of(harness, interaction)
    assert callback.json["type"] == 4 and callback.json["data"]["flags"] == EPHEMERAL
    assert message in callback.json["data"]["content"]


@on_the_session_loop
async def test_a_topic_without_events_is_explained_privately(harness: Harness) -> None:
    interaction, _ = await timeline(harness, {"topic": "banana bread recipes"})
    assert (await callback_of(harness, interaction)).json == {"type": 5}
    followup = await followup_of(harness, interaction)
    assert followup.json["flags"] == EPHEMERAL
    assert followup.json["content"].startswith("no events about 'banana bread recipes'")
    deleted = [
        r
        for r in harness.fake.requests_for(interaction["token"])
        if r.method == "DELETE" and r.path.endswith("/messages/@original")
    ]
    assert deleted  # the public "thinking…" is gone before the private explanation


@on_the_session_loop
async def test_latency_with_and_without_the_chart_and_heartbeats(harness: Harness) -> None:
    session = harness.fake.session
    first_beat = len(session.heartbeats)
    measured: dict[bool, list[float]] = {True: [], False: []}
    for i in range(3):
        for chart in (False, True):
            user = harness.fake.user(f"lat{i}{chart}")
            interaction, sent = await timeline(harness, {"chart": chart}, user=user)
            measured[chart].append((await followup_of(harness, interaction)).time - sent)
    await asyncio.sleep(2 * HEARTBEAT_MS / 1000)
    gaps = session.heartbeat_gaps()[first_beat:]
    without, with_chart = min(measured[False]), min(measured[True])
    print(
        f"\n/timeline (all events) follow-up: {without * 1000:.0f} ms without the chart, "
        f"{with_chart * 1000:.0f} ms with it (best of 3); largest heartbeat gap "
        f"{max(gaps) * 1000:.0f} ms at {HEARTBEAT_MS} ms"
    )
    assert without < 5 and with_chart < 30
    # The chart renders in a worker thread: the gateway heartbeat keeps its rhythm.
    assert not stalls(gaps, HEARTBEAT_MS), gaps


@on_the_session_loop
async def test_pages_and_chart_are_rendered_off_the_event_loop(harness, monkeypatch) -> None:
    # Every page is rendered before the reply (0.3 s of CPU at 100k passages) and the chart
    # takes about a second: both must run in a worker thread. The heartbeat test shows the
    # effect; this shows the cause without depending on timing. The real renderers run;
    # the wrappers only note where.
    import threading

    import bot.chart
    import bot.cog_timeline as cog

    threads: dict[str, list[bool]] = {"pages": [], "chart": []}

    def noting(name: str, real):
        def call(*args, **kwargs):
            threads[name].append(threading.current_thread() is threading.main_thread())
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(cog, "timeline_pages", noting("pages", cog.timeline_pages))
    monkeypatch.setattr(bot.chart, "render_chart", noting("chart", bot.chart.render_chart))
    interaction, _ = await timeline(harness, {"chart": True}, user=harness.fake.user("pages"))
    [embed] = upload_of(harness, await followup_of(harness, interaction)).payload["embeds"]
    assert embed["title"].startswith("Timeline (")
    assert embed["image"]["url"] == "attachment://timeline.png"
    assert threads == {"pages": [False], "chart": [False]}


# -- rendering --------------------------------------------------------------------------


def test_pages_fit_discords_limits_and_show_every_event_once(engine) -> None:
    result = engine.timeline()
    pages = timeline_pages(result, EVENTS_PER_PAGE, image=True)
    lines = [line for p in pages for line in p.embed.description.split("\n")]
    assert len(lines) == len(result.events)
    # Every event keeps its sentence (over-shortening once left "`2025-09-01` —  [3]").
    assert all(re.fullmatch(r"`[^`]+` — \S.{20,} (\[\d+\])+", line) for line in lines), lines
    assert all(len(p.embed) <= 6000 and len(p.embed.fields) <= 25 for p in pages)
    started = time.perf_counter()
    timeline_pages(result, EVENTS_PER_PAGE, image=True)
    assert time.perf_counter() - started < 0.5


def test_a_page_citing_many_long_titled_sources_still_fits() -> None:
    # Found by review: only the event lines shrank, so a page of events each reported by
    # four outlets with long titles and URLs came to 7,000-10,600 characters.
    import datetime

    from index.records import Citation
    from index.timeline import Event, Timeline

    def source(n: int) -> Citation:
        return Citation(
            n,
            f"doc{n}",
            "A very long headline about the peace talks in Istanbul " * 4,
            "An outlet with a long name " * 4,
            datetime.date(2025, 6, 2),
            "https://example.org/" + "section/" * 14,
            "Delegations met in Istanbul.",
            0,
            28,
        )

    events = tuple(
        Event(
            datetime.date(2025, 6, 1 + i),
            "day",
            "Delegations met in Istanbul on the day the article names. " * 3,
            tuple(source(4 * i + k + 1) for k in range(4)),
            "June 2",
        )
        for i in range(EVENTS_PER_PAGE)
    )
    pages = timeline_pages(Timeline("Istanbul talks", events), EVENTS_PER_PAGE, image=True)
    lines = 0
    for page in pages:
        assert len(page.embed) <= 6000 and len(page.embed.fields) <= 25
        lines += len(page.embed.description.split("\n"))
        # 32 articles for 8 events: the page breaks early rather than cite an [n] it
        # cannot list (an embed holds 25 fields).
        markers = set(re.findall(r"\[(\d+)\]", page.embed.description))
        listed = {re.match(r"\[(\d+)\]", f.name).group(1) for f in page.embed.fields}
        assert markers == listed
    assert lines == EVENTS_PER_PAGE and len(pages) == 2
