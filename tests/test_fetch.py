"""Fetching pages for /add: a real local web server, real sockets, real trafilatura.

The server runs on 127.0.0.1, which the fetcher refuses unless the allow-list names it;
tests that fetch from it allow-list it, and tests of refusals use an empty allow-list.
"""

from __future__ import annotations

import ipaddress
import time
from datetime import date

import pytest

from index.fetch import FetchError, FetchLimits, address_problem, fetch_article, fetch_page
from tests.articlesite import ARTICLE_TITLE, UNIQUE_WORD, article_site

LOCAL = FetchLimits(allow_hosts=("127.0.0.1",), timeout_seconds=1.0, max_bytes=200_000)
STRICT = FetchLimits()


@pytest.fixture(scope="module")
def site():
    with article_site() as base:
        yield base


def test_article_page_is_fetched_and_extracted(site):
    article = fetch_article(f"{site}/article.html", LOCAL)
    assert article.title == ARTICLE_TITLE
    assert article.published == date(2025, 7, 14)
    assert article.author == "Mara Ellison"
    assert article.sitename == "The Borderland Courier"
    assert UNIQUE_WORD in article.text
    # Page furniture is not article text.
    for furniture in ("Subscribe", "Most read", "All rights reserved", "cup final"):
        assert furniture not in article.text


def test_plain_text_is_accepted(site):
    article = fetch_article(f"{site}/plain.txt", LOCAL)
    assert article.text.startswith("Talks resume in Quillmere")
    assert article.title is None


def test_redirects_are_followed_up_to_the_limit(site):
    assert fetch_article(f"{site}/redirect", LOCAL).title == ARTICLE_TITLE
    page = fetch_page(f"{site}/chain/2", LOCAL)  # three redirects: the limit
    assert page.url.endswith("/article.html")
    with pytest.raises(FetchError, match="redirects more than 3 times"):
        fetch_page(f"{site}/chain/3", LOCAL)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "returned HTTP 404"),
        ("/doc.pdf", "is a PDF"),
        ("/photo.jpg", r"is an image \(image/jpeg\)"),
        ("/empty.html", "no article text could be extracted"),
        ("/huge-declared", "larger than 200,000 bytes"),
        ("/huge", "larger than 200,000 bytes"),
        ("/to-ftp", "only http:// and https://"),
    ],
)
def test_bad_pages_are_refused_with_the_reason(site, path, message):
    with pytest.raises(FetchError, match=message):
        fetch_article(f"{site}{path}", LOCAL)


def test_a_stalled_server_times_out(site):
    started = time.monotonic()
    with pytest.raises(FetchError, match="did not answer within 1 s"):
        fetch_page(f"{site}/slow", LOCAL)
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize(
    ("path", "address"),
    [("/to-private", "10.0.0.1"), ("/to-metadata", "169.254.169.254")],
)
def test_a_redirect_to_a_private_address_is_refused(site, path, address):
    with pytest.raises(FetchError, match=rf"resolves to {address}, a (private|link-local) address"):
        fetch_page(f"{site}{path}", LOCAL)


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://127.0.0.1/", "loopback"),
        ("http://10.0.0.1/", "private"),
        ("http://192.168.1.1/", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://[::1]/", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "loopback address, IPv6-wrapped"),
        ("http://2130706433/", "loopback"),  # 127.0.0.1 as one decimal number
        ("http://0177.0.0.1/", "loopback"),  # octal
        ("http://0x7f.1/", "loopback"),  # hex, short form
        ("http://localhost/", "loopback"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("http://100.64.0.1/", "not a public"),  # carrier-grade NAT
    ],
)
def test_private_addresses_are_refused_without_an_allow_list(url, kind):
    with pytest.raises(FetchError, match=rf"refused: .* resolves to .*{kind}"):
        fetch_page(url, STRICT)


def test_the_local_server_itself_is_refused_without_the_allow_list(site):
    with pytest.raises(FetchError, match="loopback"):
        fetch_page(f"{site}/article.html", STRICT)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "'file:'; only http:// and https://"),
        ("ftp://example.com/a.txt", "'ftp:'; only http"),
        ("javascript:alert(1)", "'javascript:'"),
        ("example.com/story", "no scheme"),
        ("http:///story", "no host name"),
        ("http://user:secret@example.com/", "user name or password"),
    ],
)
def test_only_plain_http_urls_are_accepted(url, message):
    with pytest.raises(FetchError, match=message):
        fetch_page(url, STRICT)


def test_allow_list_takes_networks(site):
    limits = FetchLimits(allow_hosts=("127.0.0.0/8",), timeout_seconds=2.0)
    assert fetch_page(f"{site}/plain.txt", limits).content_type == "text/plain"


def test_public_addresses_pass_the_address_check():
    assert address_problem(ipaddress.ip_address("93.184.216.34")) is None
    assert address_problem(ipaddress.ip_address("2606:2800:220:1::1")) is None
    assert "loopback" in address_problem(ipaddress.ip_address("::ffff:7f00:1"))
