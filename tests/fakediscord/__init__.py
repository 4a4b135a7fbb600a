"""A small fake Discord on 127.0.0.1 for end-to-end tests of the real bot.

Use it like this (inside a running event loop)::

    fake = FakeDiscord(heartbeat_interval_ms=300)
    await fake.start()
    with fake.patched():                      # Route.BASE and the gateway URL point here
        task = asyncio.create_task(bot.start("any-token"))
        await fake.wait_until_ready()
        user = fake.user("alice")
        interaction = fake.slash("ask", {"question": "..."}, invoker=user)
        await fake.interact(interaction)
        callback = await fake.wait_for_request(lambda r: r.path.endswith("/callback"))

``server.py`` holds the server (REST + gateway, request and heartbeat records, failure
injection); ``payloads.py`` builds the JSON objects Discord sends.
"""

from .payloads import find_custom_ids, snowflake
from .server import FakeDiscord, GatewaySession, Heartbeat, RecordedRequest, shard_of, stalls

__all__ = [
    "FakeDiscord",
    "GatewaySession",
    "Heartbeat",
    "RecordedRequest",
    "find_custom_ids",
    "shard_of",
    "snowflake",
    "stalls",
]
