"""Fetch one article page from the web, safely, and extract its text with trafilatura.

A moderator's URL is untrusted input that makes *this machine* open a connection, so
every hop is checked before it is made: http or https only; the host is resolved here and
every address it resolves to must be public (not loopback, private, link-local,
multicast, reserved, unspecified, shared or an IPv4-mapped form of those), unless the
config's ``allow_hosts`` lists it; the request then goes to the checked address (so a
second DNS answer cannot point it elsewhere), with the original name in the Host header
and TLS SNI. Redirects are followed by hand, at most ``max_redirects``, each one checked
the same way. The body is streamed and abandoned at ``max_bytes``; the whole fetch has a
deadline. Only HTML and plain text are accepted.

Everything here blocks; async callers use ``asyncio.to_thread``. This module does not
write anything: ``index.library`` stores what it returns.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from datetime import date
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

import httpx

from index.errors import TalkbotError
from index.wording import plural

HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain", "text/markdown")
MIN_ARTICLE_CHARS = 200  # less than this is a home page, a paywall stub or furniture
USER_AGENT = "talkbot/0.1 (+moderator /add; fetches one article page)"
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class FetchError(TalkbotError):
    """The page cannot be fetched or used (refused address, size, type, no text, ...)."""


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int = 5_000_000
    timeout_seconds: float = 15.0
    max_redirects: int = 3
    # Host names, addresses or networks (CIDR) exempt from the public-address rule.
    allow_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class FetchedPage:
    url: str  # after redirects
    content_type: str  # media type only, lower case
    charset: str | None
    body: bytes


@dataclass(frozen=True)
class ExtractedArticle:
    text: str
    title: str | None
    published: date | None
    author: str | None
    sitename: str | None
    url: str | None


# -- checking addresses ---------------------------------------------------------------


def address_problem(address: IPAddress) -> str | None:
    """Why a connection to ``address`` is refused, or None if it is a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            problem = address_problem(mapped)
            return f"{problem}, IPv6-wrapped" if problem else None
    for label, flag in (
        ("an unspecified", address.is_unspecified),
        ("a loopback", address.is_loopback),
        ("a link-local", address.is_link_local),
        ("a multicast", address.is_multicast),
        ("a private", address.is_private),
        ("a reserved", address.is_reserved),
    ):
        if flag:
            return f"{label} address"
    if not address.is_global:
        return "not a public address"
    return None


def _allowed(host: str, address: IPAddress, allow: tuple[str, ...]) -> bool:
    for entry in allow:
        if entry.lower().rstrip(".") == host.lower().rstrip("."):
            return True
        try:
            network: Network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            continue
        if address.version == network.version and address in network:
            return True
    return False


def resolve_checked(host: str, port: int, allow: tuple[str, ...]) -> IPAddress:
    """Resolve ``host`` and return an address to connect to; FetchError if any is refused.

    Every address the name resolves to must pass: a name that resolves to a public and a
    private address is refused, since the client could be steered to either.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve host '{host}': {exc}; check the URL") from None
    addresses: list[IPAddress] = []
    for info in infos:
        raw = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone id
        address = ipaddress.ip_address(raw)
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchError(f"host '{host}' has no addresses; check the URL")
    for address in addresses:
        if _allowed(host, address, allow):
            continue
        problem = address_problem(address)
        if problem:
            raise FetchError(
                f"refused: '{host}' resolves to {address}, {problem}; /add only fetches "
                "public web pages"
            )
    return addresses[0]


# -- fetching -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    url: str  # as the user gave it (after joining a redirect)
    scheme: str
    host: str
    port: int
    connect_url: str  # the same URL with the checked address as host


def check_url(url: str) -> None:
    """Refuse, before anything is fetched or said to be, a URL no page can come from.

    Only the URL's form is checked here (scheme, host, no credentials); where its host
    points is checked when it is fetched.
    """
    _url_parts(url)


def _url_parts(url: str) -> tuple[str, str, int | None, SplitResult]:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
        host = parts.hostname
    except ValueError as exc:
        raise FetchError(f"'{url}' is not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"'{scheme}:'" if scheme else "no scheme"
        raise FetchError(f"'{url}' has {shown}; only http:// and https:// pages can be added")
    if not host:
        raise FetchError(
            f"'{url}' has no host name; give a full URL like https://example.com/story"
        )
    if parts.username is not None or parts.password is not None:
        raise FetchError(f"'{url}' carries a user name or password; give the plain article URL")
    return scheme, host, port, parts


def _target(url: str, allow: tuple[str, ...]) -> _Target:
    scheme, host, port, parts = _url_parts(url)
    port = port or (443 if scheme == "https" else 80)
    address = resolve_checked(host, port, allow)
    literal = f"[{address}]" if address.version == 6 else str(address)
    connect = urlunsplit((scheme, f"{literal}:{port}", parts.path or "/", parts.query, ""))
    return _Target(url.strip(), scheme, host, port, connect)


def _host_header(target: _Target) -> str:
    try:
        name = target.host.encode("idna").decode("ascii")
    except UnicodeError:
        name = target.host
    if ":" in name:
        name = f"[{name}]"
    default = 443 if target.scheme == "https" else 80
    return name if target.port == default else f"{name}:{target.port}"


def _media_type(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "", None
    media, _, rest = header.partition(";")
    charset = None
    for param in rest.split(";"):
        key, _, value = param.strip().partition("=")
        if key.lower() == "charset" and value:
            charset = value.strip().strip('"') or None
    return media.strip().lower(), charset


def _check_type(url: str, media: str) -> None:
    if media in HTML_TYPES or media in TEXT_TYPES:
        return
    if media == "application/pdf":
        raise FetchError(f"{url} is a PDF; /add takes web pages (HTML) or plain text")
    if media.startswith("image/"):
        raise FetchError(f"{url} is an image ({media}); /add takes web pages (HTML) or plain text")
    shown = media or "no content type"
    raise FetchError(f"{url} is {shown}, not a web page; /add takes HTML or plain text")


def fetch_page(url: str, limits: FetchLimits) -> FetchedPage:
    """GET ``url`` within ``limits``, following checked redirects; FetchError otherwise."""
    deadline = time.monotonic() + limits.timeout_seconds
    timeout = httpx.Timeout(limits.timeout_seconds)
    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        current = url
        for hop in range(limits.max_redirects + 1):
            target = _target(current, limits.allow_hosts)
            request = client.build_request(
                "GET",
                target.connect_url,
                headers={
                    "Host": _host_header(target),
                    "User-Agent": USER_AGENT,
                    "Accept": "text/html,application/xhtml+xml,text/plain;q=0.8",
                },
                extensions={"sni_hostname": target.host} if target.scheme == "https" else {},
            )
            try:
                response = client.send(request, stream=True)
            except httpx.TimeoutException:
                raise FetchError(
                    f"{target.url} did not answer within {limits.timeout_seconds:g} s; "
                    "try again later or add the article as a file"
                ) from None
            except httpx.HTTPError as exc:
                raise FetchError(f"cannot fetch {target.url}: {type(exc).__name__} {exc}") from None
            try:
                if response.is_redirect:
                    location = response.headers.get("location", "")
                    if hop == limits.max_redirects:
                        raise FetchError(
                            f"{url} redirects more than {limits.max_redirects} times; "
                            "give the article's final URL"
                        )
                    current = urljoin(target.url, location)
                    continue
                return _read_body(response, target.url, limits, deadline)
            finally:
                response.close()
    raise AssertionError("unreachable")  # the loop returns or raises


def _read_body(
    response: httpx.Response, url: str, limits: FetchLimits, deadline: float
) -> FetchedPage:
    if response.status_code != 200:
        reason = response.reason_phrase or ""
        raise FetchError(
            f"{url} returned HTTP {response.status_code} {reason}".rstrip()
            + "; check the URL or add the article as a file"
        )
    media, charset = _media_type(response.headers.get("content-type"))
    _check_type(url, media)
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise _too_large(url, limits)
    body = bytearray()
    try:
        for chunk in response.iter_bytes():  # decoded: the limit bounds what we hold
            body.extend(chunk)
            if len(body) > limits.max_bytes:
                raise _too_large(url, limits)
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("deadline")
    except httpx.TimeoutException:
        raise FetchError(
            f"{url} took longer than {limits.timeout_seconds:g} s to download; "
            "try again later or add the article as a file"
        ) from None
    except httpx.HTTPError as exc:
        raise FetchError(f"cannot download {url}: {type(exc).__name__} {exc}") from None
    return FetchedPage(url=url, content_type=media, charset=charset, body=bytes(body))


def _too_large(url: str, limits: FetchLimits) -> FetchError:
    return FetchError(
        f"{url} is larger than {limits.max_bytes:,} bytes (moderation.max_bytes); "
        "add the article as a file instead"
    )


# -- extracting -----------------------------------------------------------------------


def decode_text(body: bytes, charset: str | None, where: str) -> str:
    """Bytes to text: the declared charset, else UTF-8; FetchError for binary data."""
    if b"\x00" in body:
        raise FetchError(f"{where} is binary data, not text; give an article page or text file")
    for encoding in (charset, "utf-8"):
        if not encoding:
            continue
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    raise FetchError(f"{where} is not UTF-8 text; save it as UTF-8 and try again")


def extract_html(html: str | bytes, url: str | None, where: str) -> ExtractedArticle:
    """The main text, title, date and author of an article page (trafilatura)."""
    import trafilatura  # slow to import; only moderators' /add needs it

    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        favor_precision=True,
        # Dates from the page's metadata and markup only: no guessing from "© 2025".
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    raw = (getattr(document, "text", None) or "") if document is not None else ""
    # trafilatura puts one paragraph per line; a blank line between them keeps each
    # paragraph its own block for the cleaner and the passage packer, as in the seeds.
    text = "\n\n".join(line.strip() for line in raw.splitlines() if line.strip())
    if len(text) < MIN_ARTICLE_CHARS:
        found = f" (only {plural(len(text), 'character')})" if text else ""
        raise FetchError(
            f"{where}: no article text could be extracted{found}; give the article's own "
            "page (not a home or index page) or add its text as a file"
        )
    return ExtractedArticle(
        text=text,
        title=_clean(getattr(document, "title", None)),
        published=_iso_date(getattr(document, "date", None)),
        author=_clean(getattr(document, "author", None)),
        sitename=_clean(getattr(document, "sitename", None)),
        url=url,
    )


def extract_page(page: FetchedPage) -> ExtractedArticle:
    if page.content_type in HTML_TYPES:
        return extract_html(page.body, page.url, page.url)
    text = decode_text(page.body, page.charset, page.url).strip()
    return ExtractedArticle(text, None, None, None, None, page.url)


def fetch_article(url: str, limits: FetchLimits) -> ExtractedArticle:
    """Fetch and extract one article page; FetchError with the reason otherwise."""
    return extract_page(fetch_page(url, limits))


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def _iso_date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None
