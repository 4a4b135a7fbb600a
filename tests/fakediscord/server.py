"""A loopback fake of Discord's REST API and gateway, for end-to-end tests of a real bot.

The bot under test is an unmodified ``discord.py`` client: :meth:`FakeDiscord.patched`
points ``discord.http.Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY`` at this
server on 127.0.0.1, and everything else (login, IDENTIFY, heartbeats, interactions,
follow-ups, message sends) goes over real sockets.

The fake records every REST request and every heartbeat so tests can assert on what the
bot sent and when. Tests drive it by injecting gateway events (INTERACTION_CREATE,
MESSAGE_CREATE, anything else via :meth:`dispatch`) and can make the next matching REST
call fail (404 for an expired interaction, 429 with Discord's retry headers, ...).
It also answers GET /gateway/bot, RESUME (RESUMED for a session it knows, INVALID_SESSION
otherwise) and IDENTIFY with a shard: with ``guild_count`` guilds spread over
``shard_count`` shards, each connection gets READY and GUILD_CREATE for its own guilds
only, and interactions arrive on the connection of their guild's shard, as on Discord.
With ``token`` set, REST calls and IDENTIFY with another token are refused (401, close
code 4004). It deliberately does not model permissions, rate-limit buckets or message
history beyond what the bot itself created.

Wire-format details that matter to discord.py 2.7 (learned the hard way):
- JSON responses must carry ``Content-Type: application/json`` exactly; with
  ``; charset=utf-8`` discord.py treats the body as text.
- A 429 is retried only when the response has a ``Via`` header and a JSON ``retry_after``.
- Plain JSON text frames work on the gateway even though the client asks for zlib-stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import discord
import yarl
from aiohttp import WSMsgType, web

from . import payloads as p

API_PREFIX = "/api/v10"

# Gateway opcodes.
DISPATCH, HEARTBEAT, IDENTIFY, RESUME, RECONNECT = 0, 1, 2, 6, 7
INVALID_SESSION, HELLO, HEARTBEAT_ACK = 9, 10, 11

# Interaction callback types.
CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE = 4, 5, 6, 7
EPHEMERAL_FLAG, LOADING_FLAG = 64, 128


@dataclass(frozen=True)
class RecordedRequest:
    """One REST call the bot made, as the fake received it."""

    method: str
    path: str  # without the /api/v10 prefix, e.g. "/interactions/1/tok/callback"
    query: dict[str, str]
    json: Any
    time: float  # time.perf_counter() on arrival
    status: int  # what the fake answered


@dataclass
class Heartbeat:
    received: float  # time.perf_counter()
    sequence: int | None
    acked: float | None = None


@dataclass
class GatewaySession:
    """One websocket connection from the bot."""

    ws: web.WebSocketResponse
    number: int
    hello_interval_ms: int
    request: web.Request | None = None  # to drop the TCP connection without a close frame
    session_id: str = ""
    identify: dict[str, Any] | None = None
    resume: dict[str, Any] | None = None
    shard: tuple[int, int] | None = None  # (shard id, shard count) from IDENTIFY or RESUME
    acking: bool = True  # False: heartbeats go unanswered (a zombied connection)
    heartbeats: list[Heartbeat] = field(default_factory=list)
    sequence: int = 0
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    closed: asyncio.Event = field(default_factory=asyncio.Event)

    def next_sequence(self) -> int:
        self.sequence += 1
        return self.sequence

    def heartbeat_gaps(self) -> list[float]:
        """Seconds between consecutive heartbeats (the first one is sent right after HELLO)."""
        times = [h.received for h in self.heartbeats]
        return [b - a for a, b in zip(times, times[1:], strict=False)]


def stalls(gaps: list[float], interval_ms: int) -> list[float]:
    """The heartbeat gaps long enough to mean the bot's event loop was blocked.

    A blocked loop delays the next heartbeat by as long as it was blocked, and the work the
    tests would catch on the loop (a chart, a burst of answers, a refresh) blocks it for a
    second or more. Scheduling noise on a loaded 2-core CI machine has delayed a beat by
    163 ms (a 463 ms gap at 300 ms), so the allowance is a full interval.
    """
    return [gap for gap in gaps if gap >= 2 * interval_ms / 1000]


@dataclass
class _Failure:
    method: str
    path: re.Pattern[str]
    status: int
    body: Any
    headers: dict[str, str]
    times: int


class FakeDiscord:
    """The fake server: start it, patch discord.py towards it, drive it from tests."""

    def __init__(
        self,
        *,
        heartbeat_interval_ms: int = 41_250,
        shard_count: int = 1,
        guild_count: int = 1,
        token: str | None = None,
    ) -> None:
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.shard_count = shard_count  # what GET /gateway/bot recommends
        self.token = token  # None: any token is accepted
        self.ack_heartbeats = True  # set False to zombie every connection (see stop_acking)
        self.accept_resumes = True  # set False to answer RESUME with INVALID_SESSION
        self.close_on_identify: int | None = None  # e.g. 4011: close code instead of READY
        self.application_id = p.snowflake()
        self.bot_user = p.user(self.application_id, "talkbot", bot=True)
        self.owner = p.user(p.snowflake(), "owner")
        # Guild i lives on shard i % shard_count, so every shard has guilds to serve.
        self.guilds: list[dict[str, Any]] = []
        for i in range(guild_count):
            gid = p.snowflake_on_shard(i % shard_count, shard_count)
            self.guilds.append(
                {
                    "id": gid,
                    "name": "Peace talks" if i == 0 else f"Peace talks {i + 1}",
                    "channels": [
                        p.text_channel(p.snowflake(), gid, "general", 0),
                        p.text_channel(p.snowflake(), gid, "off-topic", 1),
                    ],
                }
            )
        # The first guild, which most tests use.
        self.guild_id: str = self.guilds[0]["id"]
        self.channels: list[dict[str, Any]] = self.guilds[0]["channels"]
        self._known_sessions: dict[str, tuple[int, int] | None] = {}  # resumable sessions
        self.requests: list[RecordedRequest] = []
        self.sessions: list[GatewaySession] = []
        self.messages: dict[str, dict[str, Any]] = {}  # every message the bot created
        self.commands: dict[str | None, list[dict[str, Any]]] = {}  # guild id (None: global)
        self._failures: list[_Failure] = []
        self._interaction_channels: dict[str, str] = {}  # interaction token -> channel id
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle -----------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]  # port 0: the OS picked a free one

    async def stop(self) -> None:
        for session in self.sessions:
            if not session.ws.closed:
                await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @contextlib.contextmanager
    def patched(self) -> Iterator[None]:
        """Point discord.py's REST base and default gateway here; restore on exit."""
        gateway_cls = discord.gateway.DiscordWebSocket
        old_base, old_gateway = discord.http.Route.BASE, gateway_cls.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.api_base
        gateway_cls.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            discord.http.Route.BASE = old_base
            gateway_cls.DEFAULT_GATEWAY = old_gateway

    # -- test helpers ----------------------------------------------------------------

    @property
    def session(self) -> GatewaySession:
        """The latest gateway connection still open (else the latest one)."""
        open_sessions = [s for s in self.sessions if not s.closed.is_set()]
        return (open_sessions or self.sessions)[-1]

    def session_for_guild(self, guild_id: str | None) -> GatewaySession:
        """The open connection whose shard serves ``guild_id`` (DMs: shard 0)."""
        open_sessions = [s for s in self.sessions if not s.closed.is_set() and s.ready.is_set()]
        for session in reversed(open_sessions):
            if session.shard is None:
                return session
            shard_id, count = session.shard
            if shard_id == (shard_of(guild_id, count) if guild_id else 0):
                return session
        return self.session

    def shard_sessions(self) -> dict[int, GatewaySession]:
        """The latest ready, open connection of each shard (shard 0 when not sharded)."""
        found: dict[int, GatewaySession] = {}
        for session in self.sessions:
            if session.ready.is_set() and not session.closed.is_set():
                found[session.shard[0] if session.shard else 0] = session
        return found

    async def wait_for_shards(self, count: int, timeout: float = 20.0) -> dict[int, GatewaySession]:
        """Wait until ``count`` shards each have a ready connection; return them by shard."""
        deadline = time.monotonic() + timeout
        while len(self.shard_sessions()) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"only shards {sorted(self.shard_sessions())} of {count} became ready"
                )
            await asyncio.sleep(0.02)
        return self.shard_sessions()

    async def wait_for_new_session(self, after: int, timeout: float = 20.0) -> GatewaySession:
        """The first connection numbered above ``after`` once it is ready (resumed or new)."""
        deadline = time.monotonic() + timeout
        while True:
            fresh = [s for s in self.sessions[after:] if s.ready.is_set()]
            if fresh:
                return fresh[0]
            if time.monotonic() > deadline:
                raise TimeoutError(f"no ready gateway connection after connection {after}")
            await asyncio.sleep(0.02)

    def stop_acking(self, session: GatewaySession | None = None) -> GatewaySession:
        """Stop answering heartbeats on one connection (default: the latest), as a zombie."""
        session = session or self.session
        session.acking = False
        return session

    def channel(self, channel_id: str) -> dict[str, Any]:
        """The fake channel with this ID, in whichever guild."""
        return next(c for g in self.guilds for c in g["channels"] if c["id"] == channel_id)

    def user(self, name: str) -> dict[str, Any]:
        """A new human user of the fake guild."""
        return p.user(p.snowflake(), name)

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` matching REST calls with ``status`` and ``body``."""
        self._failures.append(
            _Failure(method, re.compile(path_regex), status, body, headers or {}, times)
        )

    def rate_limit_next(
        self, method: str, path_regex: str, retry_after: float = 0.05, *, times: int = 1
    ) -> None:
        """A 429 exactly as Discord sends it, which discord.py retries after ``retry_after``."""
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": False,
        }
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(retry_after))),
            "X-RateLimit-Scope": "user",
        }
        self.fail_next(method, path_regex, 429, body, headers=headers, times=times)

    async def wait_for_request(
        self, predicate: Callable[[RecordedRequest], bool], timeout: float = 10.0
    ) -> RecordedRequest:
        """The first recorded request matching ``predicate``, waiting for it if need be."""

        def match() -> RecordedRequest | None:
            return next((r for r in self.requests if predicate(r)), None)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: match() is not None), timeout)
        found = match()
        assert found is not None
        return found

    def requests_for(self, token: str) -> list[RecordedRequest]:
        """REST calls about one interaction (its callback, follow-ups and edits)."""
        return [r for r in self.requests if f"/{token}/" in r.path + "/"]

    async def wait_until_ready(self, timeout: float = 10.0) -> GatewaySession:
        deadline = time.monotonic() + timeout
        while not self.sessions:
            if time.monotonic() > deadline:
                raise TimeoutError("the bot never connected to the fake gateway")
            await asyncio.sleep(0.01)
        await asyncio.wait_for(self.session.ready.wait(), max(0.0, deadline - time.monotonic()))
        return self.session

    async def dispatch(
        self, event: str, data: dict[str, Any], session: GatewaySession | None = None
    ) -> float:
        """Send a DISPATCH event; return the time it was written (time.perf_counter())."""
        session = session or self.session
        frame = {"op": DISPATCH, "t": event, "s": session.next_sequence(), "d": data}
        await session.ws.send_str(json.dumps(frame))
        return time.perf_counter()

    def slash(
        self,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        invoker: dict[str, Any],
        channel: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """An INTERACTION_CREATE for ``/name`` in ``channel``'s guild (default: the first)."""
        channel = channel or self.channels[0]
        return p.slash_command(
            name,
            options,
            application_id=self.application_id,
            guild_id=channel["guild_id"],
            channel=channel,
            invoker=invoker,
        )

    def click(
        self, custom_id: str, message: dict[str, Any], *, invoker: dict[str, Any]
    ) -> dict[str, Any]:
        """An INTERACTION_CREATE payload for a click on a button of ``message``."""
        channel = self.channel(message["channel_id"])
        return p.component_click(
            custom_id,
            message,
            application_id=self.application_id,
            guild_id=channel["guild_id"],
            channel=channel,
            invoker=invoker,
        )

    def user_message(
        self,
        content: str,
        *,
        author: dict[str, Any],
        mentions: list[dict[str, Any]] | None = None,
        mention_everyone: bool = False,
        channel: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A MESSAGE_CREATE payload from a user in ``channel``'s guild (default: the first)."""
        channel = channel or self.channels[0]
        return p.message(
            message_id=p.snowflake(),
            channel_id=channel["id"],
            guild_id=channel["guild_id"],
            author=author,
            # Message payloads carry the author's member object without its user.
            author_member={k: v for k, v in p.member(author).items() if k != "user"},
            content=content,
            mentions=mentions,
            mention_everyone=mention_everyone,
        )

    async def interact(
        self, interaction: dict[str, Any], session: GatewaySession | None = None
    ) -> float:
        """Dispatch an INTERACTION_CREATE on its guild's shard (or on ``session``).

        Returns when it was written (time.perf_counter()).
        """
        self._interaction_channels[interaction["token"]] = interaction["channel_id"]
        session = session or self.session_for_guild(interaction.get("guild_id"))
        return await self.dispatch("INTERACTION_CREATE", interaction, session)

    async def say(self, message: dict[str, Any]) -> float:
        """Dispatch a MESSAGE_CREATE for a payload made by :meth:`user_message`."""
        session = self.session_for_guild(message.get("guild_id"))
        return await self.dispatch("MESSAGE_CREATE", message, session)

    async def drop_connection(
        self, code: int = 4000, *, abrupt: bool = False, session: GatewaySession | None = None
    ) -> GatewaySession:
        """Close one of the bot's websockets as Discord does on an outage.

        With ``abrupt`` the TCP connection is cut without a close frame (a network
        failure); otherwise the socket is closed with ``code``. The bot should resume.
        """
        session = session or self.session
        if abrupt and session.request is not None and session.request.transport is not None:
            session.request.transport.abort()
        else:
            await session.ws.close(code=code)
        return session

    # -- gateway ---------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        session = GatewaySession(
            ws, len(self.sessions) + 1, self.heartbeat_interval_ms, request=request
        )
        self.sessions.append(session)
        await ws.send_str(
            json.dumps({"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        )
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                await self._on_gateway_frame(session, json.loads(msg.data))
        finally:
            session.closed.set()
        return ws

    async def _on_gateway_frame(self, session: GatewaySession, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d")
        if op == HEARTBEAT:
            beat = Heartbeat(time.perf_counter(), data)
            session.heartbeats.append(beat)
            if self.ack_heartbeats and session.acking:
                await session.ws.send_str(json.dumps({"op": HEARTBEAT_ACK}))
                beat.acked = time.perf_counter()
        elif op == IDENTIFY:
            session.identify = data
            if self.token is not None and data.get("token") != self.token:
                await session.ws.close(code=4004, message=b"Authentication failed.")
                return
            if self.close_on_identify is not None:
                await session.ws.close(code=self.close_on_identify)
                return
            session.shard = tuple(data["shard"]) if "shard" in data else None  # type: ignore[assignment]
            session.session_id = f"session-{p.snowflake()}"
            self._known_sessions[session.session_id] = session.shard
            await self._send_ready(session, data)
        elif op == RESUME:
            session.resume = data
            known = data.get("session_id") in self._known_sessions
            token_ok = self.token is None or data.get("token") == self.token
            if not (self.accept_resumes and known and token_ok):
                # Not resumable: the bot must wait a moment and IDENTIFY afresh.
                await session.ws.send_str(json.dumps({"op": INVALID_SESSION, "d": False}))
                return
            session.session_id = data["session_id"]
            session.shard = self._known_sessions[session.session_id]
            session.sequence = data.get("seq") or 0
            await self.dispatch("RESUMED", {}, session)
            session.ready.set()

    async def _send_ready(self, session: GatewaySession, identify: dict[str, Any]) -> None:
        guilds = [g for g in self.guilds if self._serves(session, g["id"])]
        ready: dict[str, Any] = {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": g["id"], "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": self.application_id, "flags": 0},
            "private_channels": [],
            "relationships": [],
        }
        if "shard" in identify:
            ready["shard"] = identify["shard"]
        await self.dispatch("READY", ready, session)
        for g in guilds:
            guild = p.guild(g["id"], g["name"], g["channels"], self.owner["id"])
            await self.dispatch("GUILD_CREATE", guild, session)
        session.ready.set()

    @staticmethod
    def _serves(session: GatewaySession, guild_id: str) -> bool:
        if session.shard is None:
            return True
        shard_id, count = session.shard
        return shard_of(guild_id, count) == shard_id

    # -- REST ------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json" and raw:
                body = json.loads(raw)
            elif request.content_type.startswith("multipart/"):
                body = {"multipart": True}  # attachments: not parsed (yet)
        status, result, headers = (
            self._injected_failure(request.method, path)
            or self._unauthorized(path, request.headers.get("Authorization"))
            or self._route(request.method, path, dict(request.query), body)
        )
        async with self._changed:
            self.requests.append(
                RecordedRequest(
                    request.method, path, dict(request.query), body, time.perf_counter(), status
                )
            )
            self._changed.notify_all()
        return _json_response(status, result, headers)

    def _unauthorized(
        self, path: str, authorization: str | None
    ) -> tuple[int, Any, dict[str, str]] | None:
        # Interaction callbacks and follow-ups are authorised by their own token.
        if self.token is None or path.startswith(("/interactions/", "/webhooks/")):
            return None
        if authorization == f"Bot {self.token}":
            return None
        return 401, {"message": "401: Unauthorized", "code": 0}, {}

    def _injected_failure(self, method: str, path: str) -> tuple[int, Any, dict[str, str]] | None:
        for failure in self._failures:
            if failure.method == method and failure.path.search(path):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return failure.status, failure.body, failure.headers
        return None

    def _route(
        self, method: str, path: str, query: dict[str, str], body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        for pattern, route_method, handler in self._routes():
            m = re.fullmatch(pattern, path)
            if m and method == route_method:
                status, result = handler(body, query, *m.groups())
                return status, result, {}
        return 404, {"message": f"404: Not Found ({method} {path})", "code": 0}, {}

    def _routes(self) -> list[tuple[str, str, Callable[..., tuple[int, Any]]]]:
        snow, tok = r"(\d+)", r"([^/]+)"
        return [
            (r"/users/@me", "GET", lambda b, q: (200, self.bot_user)),
            (r"/oauth2/applications/@me", "GET", lambda b, q: (200, self._application())),
            (r"/gateway", "GET", lambda b, q: (200, {"url": self.gateway_url})),
            (r"/gateway/bot", "GET", lambda b, q: (200, self._gateway_bot())),
            (rf"/interactions/{snow}/{tok}/callback", "POST", self._callback),
            (rf"/webhooks/{snow}/{tok}", "POST", self._followup),
            (rf"/webhooks/{snow}/{tok}/messages/([^/]+)", "PATCH", self._edit_webhook_message),
            (rf"/webhooks/{snow}/{tok}/messages/([^/]+)", "DELETE", lambda b, q, *a: (204, None)),
            (rf"/channels/{snow}/messages", "POST", self._channel_message),
            (rf"/channels/{snow}/messages/{snow}", "PATCH", self._edit_channel_message),
            (rf"/channels/{snow}/messages/{snow}", "DELETE", lambda b, q, *a: (204, None)),
            (rf"/channels/{snow}/typing", "POST", lambda b, q, c: (204, None)),
            (rf"/applications/{snow}/commands", "PUT", self._put_commands),
            (rf"/applications/{snow}/guilds/{snow}/commands", "PUT", self._put_commands),
            (
                rf"/applications/{snow}/commands",
                "GET",
                lambda b, q, a: (200, self.commands.get(None, [])),
            ),
        ]

    def _application(self) -> dict[str, Any]:
        return {
            "id": self.application_id,
            "name": "talkbot",
            "description": "",
            "icon": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": self.owner,
            "verify_key": "0" * 64,
            "flags": 0,
            "team": None,
            "summary": "",
        }

    def _gateway_bot(self) -> dict[str, Any]:
        return {
            "url": self.gateway_url,
            "shards": self.shard_count,
            "session_start_limit": {
                "total": 1000,
                "remaining": 1000,
                "reset_after": 0,
                "max_concurrency": 1,
            },
        }

    def _new_message(
        self,
        channel_id: str,
        body: dict[str, Any],
        *,
        token: str | None = None,
        webhook: bool = False,
    ) -> dict[str, Any]:
        message = p.message(
            message_id=p.snowflake(),
            channel_id=channel_id,
            author=self.bot_user,
            content=body.get("content") or "",
            embeds=body.get("embeds") or [],
            components=body.get("components") or [],
            flags=body.get("flags") or 0,
            webhook_id=self.application_id if webhook else None,
            message_reference=body.get("message_reference"),
            guild_id=next(
                (g["id"] for g in self.guilds for c in g["channels"] if c["id"] == channel_id),
                self.guild_id,
            ),
        )
        if token is not None:
            message["interaction_token"] = token  # the fake's own bookkeeping
        self.messages[message["id"]] = message
        return message

    def _channel_for_token(self, token: str) -> str:
        return self._interaction_channels.get(token, self.channels[0]["id"])

    def _callback(
        self, body: Any, query: dict[str, str], interaction_id: str, token: str
    ) -> tuple[int, Any]:
        kind = body["type"]
        data = body.get("data") or {}
        result: dict[str, Any] = {
            "interaction": {
                "id": interaction_id,
                "type": p.APPLICATION_COMMAND,
                "response_message_loading": kind == DEFERRED_CHANNEL_MESSAGE,
                "response_message_ephemeral": bool((data.get("flags") or 0) & EPHEMERAL_FLAG),
            }
        }
        if kind in (CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE):
            flags = data.get("flags") or 0
            if kind == DEFERRED_CHANNEL_MESSAGE:
                flags |= LOADING_FLAG
            message = self._new_message(
                self._channel_for_token(token), data | {"flags": flags}, token=token, webhook=True
            )
            result["interaction"]["response_message_id"] = message["id"]
            result["resource"] = {"type": kind, "message": message}
        elif kind == UPDATE_MESSAGE:
            result["resource"] = {"type": kind}
        return 200, result

    def _followup(
        self, body: Any, query: dict[str, str], app_id: str, token: str
    ) -> tuple[int, Any]:
        message = self._new_message(
            self._channel_for_token(token), body or {}, token=token, webhook=True
        )
        return 200, message

    def _edit_webhook_message(
        self, body: Any, query: dict[str, str], app_id: str, token: str, message_id: str
    ) -> tuple[int, Any]:
        if message_id == "@original":
            candidates = [m for m in self.messages.values() if m.get("interaction_token") == token]
            if not candidates:
                return 404, {"message": "Unknown Message", "code": 10008}
            message = candidates[0]
        else:
            message = self.messages.get(message_id)
            if message is None:
                return 404, {"message": "Unknown Message", "code": 10008}
        message.update(
            {k: v for k, v in (body or {}).items() if k in ("content", "embeds", "components")}
        )
        return 200, message

    def _channel_message(
        self, body: Any, query: dict[str, str], channel_id: str
    ) -> tuple[int, Any]:
        return 200, self._new_message(channel_id, body or {})

    def _edit_channel_message(
        self, body: Any, query: dict[str, str], channel_id: str, message_id: str
    ) -> tuple[int, Any]:
        message = self.messages.get(message_id)
        if message is None:
            return 404, {"message": "Unknown Message", "code": 10008}
        message.update(
            {k: v for k, v in (body or {}).items() if k in ("content", "embeds", "components")}
        )
        return 200, message

    def _put_commands(
        self, body: Any, query: dict[str, str], app_id: str, guild_id: str | None = None
    ) -> tuple[int, Any]:
        registered = [
            c
            | {"id": p.snowflake(), "application_id": app_id, "version": p.snowflake()}
            | ({"guild_id": guild_id} if guild_id else {})
            for c in body
        ]
        self.commands[guild_id] = registered
        return 200, registered


def _json_response(status: int, body: Any, headers: dict[str, str]) -> web.Response:
    # Built by hand: aiohttp's json_response appends "; charset=utf-8", and discord.py
    # then reads the body as text instead of JSON.
    if status == 204 or body is None:
        return web.Response(status=204 if status < 300 else status, headers=headers)
    return web.Response(
        status=status,
        body=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers},
    )


def shard_of(guild_id: str | int, shard_count: int) -> int:
    """The shard Discord sends a guild's events to (its documented formula)."""
    return (int(guild_id) >> 22) % shard_count
