"""A small real web site on 127.0.0.1 for the /add tests: one article page and bad cases.

It is a ``http.server`` in a thread, so the fetch code under test opens real sockets.
The article is invented (talks in a made-up town, Quillmere) so a question about it can
only be answered once it has been added.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SEED_FILE = Path(__file__).resolve().parents[1] / "seeds" / "000_086fd48e31ce2218.txt"
UNIQUE_QUESTION = "Where did the delegations agree to pause strikes on grain silos?"
UNIQUE_WORD = "Quillmere"
ARTICLE_TITLE = "Negotiators agree grain silo pause after talks in Quillmere"

ARTICLE_HTML = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{ARTICLE_TITLE} | The Borderland Courier</title>
  <meta property="og:title" content="{ARTICLE_TITLE}">
  <meta property="og:site_name" content="The Borderland Courier">
  <meta property="article:published_time" content="2025-07-14T09:30:00+00:00">
  <meta name="author" content="Mara Ellison">
</head>
<body>
  <header>
    <nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/europe">Europe</a>
    | <a href="/subscribe">Subscribe</a></nav>
  </header>
  <main>
    <article>
      <h1>{ARTICLE_TITLE}</h1>
      <p class="byline">By Mara Ellison, July 14, 2025</p>
      <p>Russian and Ukrainian delegations met for two days in the lakeside town of
      Quillmere, where they agreed to a ninety-day pause on strikes against grain silos,
      according to officials from both sides.</p>
      <p>The agreement, brokered by envoys from Finland and Brazil, covers storage sites
      along the river ports and will be monitored by a joint commission of twelve
      inspectors, the mediators said at a news conference on Monday evening.</p>
      <p>Ukraine's chief negotiator called the Quillmere deal "a narrow but real step" and
      said Kyiv would push for a wider ceasefire at the next round of talks in August.</p>
      <p>Moscow's delegation said the pause showed that direct negotiations could produce
      results, but repeated its demand that any broader settlement address what it calls
      the root causes of the conflict.</p>
      <p>Grain traders welcomed the news, saying insurance costs for shipments leaving the
      river ports had doubled since the spring because of repeated attacks on silos.</p>
    </article>
    <aside><h2>Most read</h2><ul><li><a href="/a">Weather warning for the coast</a></li>
    <li><a href="/b">Football: cup final tickets on sale</a></li></ul></aside>
  </main>
  <footer><p>&copy; 2025 The Borderland Courier. All rights reserved.</p>
  <a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer>
</body>
</html>
"""

EMPTY_HTML = """<!DOCTYPE html><html><head><title>Home</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<footer>&copy; 2025</footer></body></html>"""

PLAIN_ARTICLE = (
    "Talks resume in Quillmere\n\n"
    + " ".join(
        f"Paragraph {i}: delegations in Quillmere discussed prisoner exchanges and the "
        "monitoring of the grain silo pause, officials said."
        for i in range(6)
    )
    + "\n"
)

# What a reader's "share" button appends: the near-copy the walkthrough added.
SHARED_LINE = b"\nShared via email.\n"


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        path = self.path.split("?", 1)[0]
        html = "text/html; charset=utf-8"
        if path == "/article.html":
            self._send(200, ARTICLE_HTML.encode(), html)
        elif path == "/plain.txt":
            self._send(200, PLAIN_ARTICLE.encode(), "text/plain; charset=utf-8")
        elif path == "/seed.txt":  # a seed article, as a moderator might upload it again
            self._send(200, SEED_FILE.read_bytes(), "text/plain; charset=utf-8")
        elif path == "/seed-shared.txt":  # the same article with a share line appended
            self._send(200, SEED_FILE.read_bytes() + SHARED_LINE, "text/plain; charset=utf-8")
        elif path == "/redirect":
            self._send(302, b"", html, Location="/article.html")
        elif path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            target = "/article.html" if n == 0 else f"/chain/{n - 1}"
            self._send(302, b"", html, Location=target)
        elif path == "/to-private":
            self._send(302, b"", html, Location="http://10.0.0.1/admin")
        elif path == "/to-metadata":
            self._send(301, b"", html, Location="http://169.254.169.254/latest/meta-data/")
        elif path == "/to-ftp":
            self._send(302, b"", html, Location="ftp://example.com/file.txt")
        elif path == "/missing":
            self._send(404, b"<h1>Not found</h1>", html)
        elif path == "/doc.pdf":
            self._send(200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "application/pdf")
        elif path == "/photo.jpg":
            self._send(200, b"\xff\xd8\xff\xe0" + b"\x00" * 64, "image/jpeg")
        elif path == "/empty.html":
            self._send(200, EMPTY_HTML.encode(), html)
        elif path == "/huge-declared":
            self.send_response(200)
            self.send_header("Content-Type", html)
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
        elif path == "/huge":
            self._stream_forever()
        elif path == "/slow":
            time.sleep(3)
            self._send(200, ARTICLE_HTML.encode(), html)
        else:
            self._send(404, b"no such page", "text/plain")

    def _stream_forever(self) -> None:
        # No Content-Length: the client must count and stop by itself.
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"<p>" + b"grain silo pause " * 4000 + b"</p>\n"
        try:
            for _ in range(2000):  # ~136 MB at most, well past any limit
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that stop reading (size limit, timeout) are the point of some tests


@contextmanager
def article_site() -> Iterator[str]:
    """Serve the site on 127.0.0.1 at a free port; yields the base URL."""
    server = _QuietServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
