"""render.py: embeds always fit Discord's limits, quoted text shows literally."""

from __future__ import annotations

from datetime import date

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.render import (
    ANSWER_FOOTER,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FIELDS_LIMIT,
    TITLE_LIMIT,
    answer_embed,
    escape,
    fit,
    link,
    shorten,
    source_pages,
)
from index.records import Answer, Citation, SourceInfo

text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",))
    | st.sampled_from("*_~`|>[]()# \n"),
    max_size=3000,
)


def citation(n: int, excerpt: str, title: str = "A title", url: str | None = None) -> Citation:
    return Citation(n, f"doc{n}", title, "RFE/RL", date(2025, 5, 11), url, excerpt, 0, len(excerpt))


def assert_within_limits(embed: discord.Embed) -> None:
    assert len(embed.title or "") <= TITLE_LIMIT
    assert len(embed.description or "") <= DESCRIPTION_LIMIT
    assert len(embed.fields) <= FIELDS_LIMIT
    for f in embed.fields:
        assert 0 < len(f.name) <= FIELD_NAME_LIMIT
        assert 0 < len(f.value) <= FIELD_VALUE_LIMIT
    assert len(embed) <= EMBED_TOTAL_LIMIT


def test_shorten_cuts_at_a_word_boundary_with_an_ellipsis() -> None:
    assert shorten("Putin proposed direct talks in Istanbul", 20) == "Putin proposed…"
    assert shorten("short", 20) == "short"
    assert len(shorten("x" * 50, 10)) == 10  # one long word: cut inside it


@given(text, st.integers(min_value=0, max_value=3000))
def test_shorten_never_exceeds_the_limit(s: str, limit: int) -> None:
    out = shorten(s, limit)
    assert len(out) <= limit
    assert out == s or out.endswith("…") or limit == 0


@given(text, st.integers(min_value=1, max_value=1100))
def test_fit_escaped_text_fits(s: str, limit: int) -> None:
    out = fit(s, limit)
    assert len(out) <= limit
    # It keeps what fits: at worst every character doubles when escaped, and a cut at a
    # word boundary may give up half of what is left.
    assert len(out) >= min(len(escape(s)), limit) // 4


@given(st.text(alphabet="abc xyz.,'", max_size=3000), st.integers(min_value=1, max_value=1100))
def test_fit_of_text_with_nothing_to_escape_is_shorten(s: str, limit: int) -> None:
    assert fit(s, limit) == shorten(s, limit)


def test_fit_keeps_what_fits() -> None:
    # Found by fuzzing: anything twice the limit came out empty, so timeline lines, long
    # questions as titles and log-channel posts lost their text.
    assert len(fit("word " * 100, 256)) >= 250
    assert len(fit("a" * 1000, 256)) == 256
    assert len(fit("*" * 600, 256)) >= 250  # each star escaped: half as many fit
    assert len(link("]" * 300, "https://example.org/a", 512)) <= 512


def test_escape_neutralises_markdown_and_masked_links() -> None:
    out = escape("**bold** [click](https://evil.example) # heading\n> quote")
    assert "**" not in out.replace("\\*", "")
    assert "](" not in out
    assert out.startswith("\\*\\*bold")
    assert "\n\\> quote" in out


def test_answer_embed_has_markers_and_one_field_per_citation() -> None:
    answer = Answer(
        "What did Putin propose?",
        True,
        "He proposed talks. [1] In Istanbul. [2]",
        (citation(1, "He proposed talks."), citation(2, "In Istanbul.", url="https://x.org/a_(b)")),
    )
    embed = answer_embed(answer)
    assert embed.description == "He proposed talks. [1] In Istanbul. [2]"
    assert [f.name for f in embed.fields] == ["[1] RFE/RL · 2025-05-11", "[2] RFE/RL · 2025-05-11"]
    assert embed.fields[0].value == "A title\n> He proposed talks."
    assert embed.fields[1].value.startswith("[A title](https://x.org/a_%28b%29)")


def test_not_found_shows_the_reason_plainly() -> None:
    embed = answer_embed(Answer("Banana bread?", False, "", (), "The articles don't say."))
    assert embed.description == "The articles don't say."
    assert embed.fields == []
    assert embed.footer.text is None


@pytest.mark.parametrize("found", [True, False])
def test_the_asker_is_told_how_a_typo_was_read(found: bool) -> None:
    answer = Answer(
        "What did Peskow and Lavorv say?",
        found,
        "Talks. [1]" if found else "",
        (citation(1, "Talks."),) if found else (),
        None if found else "The articles don't say.",
        read_as=(("Peskow", "Peskov"), ("Lavorv", "Lavrov")),
    )
    embed = answer_embed(answer)
    assert embed.footer.text.startswith("Read “Peskow” as “Peskov” and “Lavorv” as “Lavrov”.")
    assert_within_limits(embed)


def test_the_asker_is_told_how_an_answer_was_made() -> None:
    answer = Answer(
        "What happened in May?",
        True,
        "Talks. [1]",
        (citation(1, "Talks."),),
        read_as=(("Mya", "May"),),
        note="6 events dated May, the 5 most widely reported shown; the timeline for "
        "2025-05 lists them all.",
    )
    footer = answer_embed(answer).footer.text
    assert footer.startswith("Read “Mya” as “May”. 6 events dated May, the 5 most widely")
    assert footer.endswith(ANSWER_FOOTER)
    assert_within_limits(answer_embed(answer))


@settings(max_examples=40, deadline=None)
@given(
    question=text,
    body=text,
    excerpts=st.lists(text, min_size=0, max_size=30),
    title=text,
)
def test_answer_embed_always_fits(
    question: str, body: str, excerpts: list[str], title: str
) -> None:
    cites = tuple(citation(i + 1, e * 3, title=title or "t") for i, e in enumerate(excerpts))
    embed = answer_embed(Answer(question, True, body * 3, cites))
    assert_within_limits(embed)
    assert len(embed.fields) == min(len(cites), FIELDS_LIMIT)


def test_fit_with_no_room_is_empty() -> None:
    # It returned the whole text, which kept answer_embed shrinking forever.
    assert fit("a" * 500, 0) == "" and fit("a" * 500, -3) == ""


@settings(max_examples=30, deadline=None)
@given(
    outlet=text,
    title=text,
    path=st.text(alphabet="abcdefghij/-_", max_size=300),
    count=st.integers(min_value=0, max_value=30),
    body=text,
)
def test_answer_embed_fits_with_long_outlets_titles_and_urls(
    outlet: str, title: str, path: str, count: int, body: str
) -> None:
    # The library allows 300-character titles and outlets; URLs are longer still.
    cites = tuple(
        Citation(
            i + 1,
            f"doc{i}",
            title * 3 or "t",
            outlet * 3,
            date(2025, 5, 11),
            f"https://example.org/{path}",
            "An excerpt that is quoted verbatim. " * 10,
            0,
            360,
        )
        for i in range(count)
    )
    embed = answer_embed(Answer("q", True, body * 3 or "a", cites))
    assert_within_limits(embed)
    assert len(embed.fields) == min(count, FIELDS_LIMIT)


def test_a_crowded_answer_keeps_its_text() -> None:
    # Ten citations with the longest outlets and titles the library takes, long URLs: the
    # embed once looped forever here; now the sources shrink before the answer does.
    long = "Outlet name " * 25
    cites = tuple(
        Citation(
            i + 1, f"d{i}", long, long, None, "https://example.org/" + "p" * 180, "x" * 400, 0, 400
        )
        for i in range(10)
    )
    answer = Answer("q", True, "The answer text. " * 30, cites)
    embed = answer_embed(answer)
    assert_within_limits(embed)
    assert embed.description == answer.answer  # the whole answer; the sources gave way


def test_real_answers_fit(engine) -> None:
    for q in ("What did Putin propose?", "What did Zelenskyy say about a ceasefire?"):
        assert_within_limits(answer_embed(engine.ask(q)))


def test_source_pages_split_and_number() -> None:
    sources = [
        SourceInfo(f"d{i}", f"Title {i} " + "long " * 80, "Outlet", date(2025, 1, 1 + i), None, i)
        for i in range(23)
    ]
    pages = source_pages(sources, 10)
    assert [p.number for p in pages] == [1, 2, 3]
    assert pages[0].embed.footer.text == "Page 1/3"
    assert pages[2].embed.description.count("\n") == 2  # 3 entries on the last page
    for page in pages:
        assert_within_limits(page.embed)
    assert "1 passage" in pages[2].embed.description  # singular for one


def test_no_sources_is_one_page() -> None:
    [page] = source_pages([], 10)
    assert "No articles" in page.embed.description
