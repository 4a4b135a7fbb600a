"""Turn engine results into Discord embeds that always fit Discord's limits.

Pure functions: no I/O, no client. Quoted article text and questions are escaped so
that they show as written: every markdown character is escaped on its own (so an odd
backtick or asterisk can never pair with one elsewhere in the embed), masked links and
mention syntax are broken, and the text is shortened at a word boundary with an ellipsis
when it is too long, rather than making Discord reject the message. Pinging is prevented
elsewhere (``AllowedMentions.none()``); the escaping here is about what the text shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import discord

from index.records import Answer, Citation, SourceInfo
from index.wording import plural

# Discord's documented limits (characters).
MESSAGE_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELDS_LIMIT = 25
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000

ELLIPSIS = "…"
# Floors when an answer's embed must shrink to fit: an excerpt, a field's outlet or title,
# and the answer text keep at least this many characters.
MIN_EXCERPT = 40
MIN_SOURCE = 60
MIN_DESCRIPTION = 300
ANSWER_COLOUR = discord.Colour.blurple()
NOT_FOUND_COLOUR = discord.Colour.light_grey()
ERROR_COLOUR = discord.Colour.red()
ANSWER_FOOTER = "Sentences are quoted verbatim from the articles; [n] points to the source below."
NOT_FOUND_TEXT = "The indexed articles don't answer that."

# Characters that open or close Discord markdown anywhere in a line. discord.py's
# escape_markdown escapes one only when a partner follows in the same string, which
# breaks when two escaped strings meet in one field (title + excerpt): escape them all.
_INLINE_MARKDOWN = re.compile(r"([\\*_`~|])")
# Markdown Discord renders at the start of a line: headings, subtext, block quotes and
# list bullets ('*' is already escaped above).
_LINE_MARKERS = re.compile(r"^(\s*)(#{1,3} |-# |>>> |> |- |\d+\. )", re.MULTILINE)
# @everyone, @here, <@id>, <@!id>, <@&role>: a zero-width space after '@' shows the same
# text without the mention (embeds never ping, but they do render user and role chips).
_MENTION = re.compile(r"@(everyone|here|[!&]?\d)")
# <#channel>, </command:id>, <:emoji:id>, <t:timestamp>: shown literally once escaped.
_ANGLE_SYNTAX = re.compile(r"<(?=[#/:]|a:|t:)")


def shorten(text: str, limit: int) -> str:
    """Return ``text`` cut to at most ``limit`` characters at a word boundary, plus '…'."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    room = limit - len(ELLIPSIS)
    cut = text[: room + 1]
    space = cut.rfind(" ")
    # Cut mid-word only when the last space is so early that most of the room is wasted.
    head = cut[:space] if space > room // 2 else text[:room]
    return head.rstrip(" ,;:-–—") + ELLIPSIS


def escape(text: str) -> str:
    """Escape Discord markdown and mention syntax so the text shows literally."""
    out = _INLINE_MARKDOWN.sub(r"\\\1", text)
    out = out.replace("](", "]\\(")  # [label](url) becomes plain text, not a masked link
    out = _MENTION.sub("@\u200b\\1", out)
    out = _ANGLE_SYNTAX.sub(r"\\<", out)
    return _LINE_MARKERS.sub(lambda m: m.group(1) + "\\" + m.group(2), out)


def fit(text: str, limit: int) -> str:
    """Escape ``text`` and shorten it so the escaped form fits in ``limit`` characters."""
    if limit <= 0:
        return ""
    room = limit
    escaped = escape(shorten(text, room))
    # Escaping adds at most one character per raw one, so removing half the excess (at
    # least one) never cuts more than it must. Taking the whole text's excess at once
    # emptied any text twice the limit.
    while len(escaped) > limit:
        room -= max(1, (len(escaped) - limit + 1) // 2)
        escaped = escape(shorten(text, room))
    return escaped


def one_line(text: str) -> str:
    return " ".join(text.split())


def date_label(value: date | None) -> str:
    return value.isoformat() if value is not None else "undated"


def link(title: str, url: str | None, limit: int) -> str:
    """The title, as a masked link when the URL is a plain http(s) address."""
    if url and re.fullmatch(r"https?://[^\s<>]+", url):
        safe_url = url.replace("(", "%28").replace(")", "%29")
        overhead = len(safe_url) + 4  # [](<url>)
        if overhead < limit // 2:
            return f"[{_link_label(title, limit - overhead)}]({safe_url})"
    return fit(one_line(title), limit)


def _link_label(title: str, limit: int) -> str:
    """The title fitted to ``limit`` with its ']' escaped too (it would close the label)."""
    room = limit
    while True:
        label = fit(one_line(title), room).replace("]", "\\]")
        if len(label) <= limit or room <= 0:
            return label
        room -= max(1, (len(label) - limit + 1) // 2)


def citation_field(
    c: Citation, excerpt_limit: int, source_limit: int = FIELD_VALUE_LIMIT // 2
) -> tuple[str, str]:
    """A citation's field: outlet and date as its name; title (linked) and excerpt below.

    ``source_limit`` caps the name and the title, each: long outlets, titles and URLs
    must leave room for the excerpts when many citations share one embed.
    """
    outlet = c.outlet or "unknown outlet"
    name = fit(
        f"[{c.n}] {one_line(outlet)} · {date_label(c.published)}",
        min(FIELD_NAME_LIMIT, source_limit),
    )
    title = link(c.title, c.url, source_limit)
    room = min(excerpt_limit, FIELD_VALUE_LIMIT - len(title) - 3)
    quote = fit(one_line(c.excerpt), room)
    value = f"{title}\n> {quote}" if quote else title
    # A field value may not be empty: a title and excerpt that fold to nothing still
    # leave the reader a placeholder rather than a rejected reply.
    return name, value or "(untitled article)"


def answer_embed(answer: Answer) -> discord.Embed:
    """The reply to a question: the answer with its [n] markers and a field per citation."""
    title = fit(one_line(answer.question), TITLE_LIMIT) or None
    note = answer.footnote()
    if not answer.found:
        text = answer.reason or NOT_FOUND_TEXT
        embed = discord.Embed(
            title=title, description=fit(text, DESCRIPTION_LIMIT), colour=NOT_FOUND_COLOUR
        )
        if note:
            embed.set_footer(text=fit(note, FOOTER_LIMIT))
        return embed
    citations = answer.citations[:FIELDS_LIMIT]
    description = fit(answer.answer, DESCRIPTION_LIMIT)
    excerpt_limit, source_limit = FIELD_VALUE_LIMIT, FIELD_VALUE_LIMIT // 2
    while True:
        embed = discord.Embed(title=title, description=description, colour=ANSWER_COLOUR)
        for c in citations:
            name, value = citation_field(c, excerpt_limit, source_limit)
            embed.add_field(name=name, value=value, inline=False)
        # The asker sees how a typo was read ("Read “Peskow” as “Peskov”.") and how the
        # answer was made ("4 events dated September 5.") with the rest.
        embed.set_footer(
            text=fit(f"{note} {ANSWER_FOOTER}" if note else ANSWER_FOOTER, FOOTER_LIMIT)
        )
        excess = len(embed) - EMBED_TOTAL_LIMIT
        if excess <= 0:
            return embed
        # Each step shrinks something, so the loop ends. Excerpts first, evenly, rather
        # than dropping the last citations; then long outlets, titles and URLs; then the
        # answer text. 25 citations at the floors take about 4,300 characters.
        share = excess // max(1, len(citations)) + 1
        if excerpt_limit > MIN_EXCERPT:
            excerpt_limit = max(MIN_EXCERPT, excerpt_limit - share)
        elif source_limit > MIN_SOURCE:
            source_limit = max(MIN_SOURCE, source_limit - share)
        elif len(description) > MIN_DESCRIPTION:
            description = fit(answer.answer, max(MIN_DESCRIPTION, len(description) - excess - 1))
        else:
            citations = citations[:-1]  # unreachable at the floors above; a last resort


@dataclass(frozen=True)
class SourcePage:
    embed: discord.Embed
    number: int  # 1-based
    count: int


def source_pages(sources: Sequence[SourceInfo], per_page: int) -> list[SourcePage]:
    """The indexed articles as one or more embeds of ``per_page`` entries."""
    if not sources:
        embed = discord.Embed(
            title="Indexed articles (0)",
            description="No articles are indexed yet.",
            colour=NOT_FOUND_COLOUR,
        )
        return [SourcePage(embed, 1, 1)]
    ordered = sorted(sources, key=lambda s: (s.published or date.min, s.title), reverse=True)
    chunks = [ordered[i : i + per_page] for i in range(0, len(ordered), per_page)]
    line_limit = (DESCRIPTION_LIMIT - 2 * per_page) // per_page
    pages = []
    for number, chunk in enumerate(chunks, start=1):
        start = (number - 1) * per_page
        lines = [_source_line(start + i + 1, s, line_limit) for i, s in enumerate(chunk)]
        embed = discord.Embed(
            title=f"Indexed articles ({len(sources)})",
            description="\n".join(lines),
            colour=ANSWER_COLOUR,
        )
        embed.set_footer(text=f"Page {number}/{len(chunks)}")
        pages.append(SourcePage(embed, number, len(chunks)))
    return pages


def _source_line(i: int, s: SourceInfo, limit: int) -> str:
    passages = plural(s.passages, "passage")
    meta = f" — {fit(one_line(s.outlet or 'unknown outlet'), 60)} · {date_label(s.published)}"
    meta += f" · {passages}"
    prefix = f"**{i}.** "
    return prefix + link(s.title, s.url, limit - len(prefix) - len(meta)) + meta


def help_embed(commands: Iterable[tuple[str, str]], max_question_chars: int) -> discord.Embed:
    """What the bot does and how it cites; ``commands`` are (name, description) pairs."""
    lines = [f"`/{name}` — {description}" for name, description in commands]
    embed = discord.Embed(
        title="talkbot — news coverage of the Russia–Ukraine peace talks",
        description=(
            "I answer questions by **quoting sentences verbatim** from the indexed news "
            "articles; I never paraphrase or add facts of my own. Each quoted sentence ends "
            "with a marker such as [1], and the numbered fields under the answer show that "
            "source: outlet, date, title (linked when known) and the excerpt quoted.\n\n"
            "If the articles don't answer a question, I say so instead of guessing."
        ),
        colour=ANSWER_COLOUR,
    )
    embed.add_field(name="Commands", value="\n".join(lines)[:FIELD_VALUE_LIMIT], inline=False)
    embed.add_field(
        name="Asking by mention",
        value=(
            "Mention me with a question, e.g. `@talkbot what did Putin propose?`, "
            "and I reply with the same answer."
        ),
        inline=False,
    )
    embed.add_field(
        name="Feedback and limits",
        value=(
            "Use 👍/👎 under an answer to tell us whether it helped. "
            f"Questions can be up to {max_question_chars} characters; "
            "`private: True` on /ask shows the answer only to you."
        ),
        inline=False,
    )
    return embed


def notice(text: str) -> str:
    """A plain-text ephemeral message, cut to Discord's message limit."""
    return shorten(text, MESSAGE_LIMIT)
