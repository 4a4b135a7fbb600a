"""The cleaner on the real seed pages: story kept, furniture gone, offsets exact."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from index.clean import Cleaner, clean_article, find_headline
from index.errors import ConfigError
from index.records import Span
from index.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
PATTERNS = load_settings(ROOT / "config" / "talkbot.yaml").cleaning.patterns
HEBREW_OR_ARABIC = re.compile(r"[\u0590-\u06ff\u0750-\u077f\ufb1d-\ufdff\ufe70-\ufefc]")

# Per seed: how many story paragraphs the page has, lines of furniture that must not
# survive (checked as substrings of every kept block), and story sentences that must
# (each inside one kept block), first and last sentence included.
CASES = {
    "000_086fd48e31ce2218": {
        "paragraphs": 23,
        "furniture": [
            "Accessibility links",
            "Breaking News",
            "Zelenskyy Calls On Putin To Sign Cease-Fire, Meet Him 'Any Day'",
            "levels. (file photo)",
            "Newly Released Video Shows",
            "please wait",
            "No media source currently available",
            "0:00 0:01:04 0:00",
            "16x9 Image",
            "RFE/RL journalists report the news",
            'RFE/RL has been declared an "undesirable organization"',
            "could face fines or imprisonment",
            "To find out more, click here.",
        ],
        "story": [
            "Ukrainian President Volodymyr Zelenskyy has challenged his Russian counterpart, "
            "Vladimir Putin, to sign a cease-fire to end fighting",
            '"We are ready for exchanges but to continue diplomatic meetings in Istanbul at a '
            'level that does not solve anything further, I think, is pointless," Zelenskyy said.',
            "The delegations exchanged specific proposals for a framework for a peace deal.",
            '"Why? To have a delay, which depends on President Trump personally: whether or not '
            'to postpone the imposition of sanctions."',
            "On June 1, Ukrainian forces struck dozens of long-range bomber aircraft across Russia",
            "It was damaged by Ukrainian attacks in October 2022 and July 2023 and has frequently "
            "been closed during security incidents.",
            "Addressing the Ukraine Defense Contact Group meeting in Ramstein, Zelenskyy told NATO "
            'defense ministers that Russia "must be forced into diplomacy," adding that the '
            'Alliance has "all the necessary tools" to push Russia toward peace and make its '
            'aggression against Ukraine "meaningless."',
        ],
    },
    "001_012fc0a4c0d34ea8": {
        "paragraphs": 12,
        "furniture": [
            "Get all your news in one place.",
            "100’s of premium titles.",
            "One app.",
            "Start reading",
            "Euronews",
            "David O'Sullivan",
            "Zelenskyy wants face-to-face talks with Putin but Russian leader appears unwilling",
            "Sign up to read this article",
            "Read news from 100’s of titles, curated specifically for you.",
            "Already a member? Sign in here",
            "Related Stories",
            "Top stories on inkl right now",
            "One subscription that gives you access to news from hundreds of sites",
            "Our Picks",
            "Fourteen days free",
            "Download the app",
            "One app. One membership.",
            "100+ trusted global sources.",
        ],
        "story": [
            "Ukrainian President Volodymyr Zelenskyy dismissed Russia's latest ceasefire proposal "
            'on Wednesday, calling it "an ultimatum"',
            '"Honestly, this document looks like spam," said Zelenskyy.',
            "Both sides exchanged written ceasefire proposals for how they see a peace deal, but "
            "key differences remain.",
            "Putin was previously invited by Zelenskyy in May to meet for a face-to-face meeting "
            "in Istanbul but showed no willingness to attend, instead sending a lower-level "
            "delegation.",
            "Putin accused Ukraine of seeking a truce only to replenish weapons and troops.",
        ],
    },
    "002_8549324ab8f36054": {
        "paragraphs": 14,
        "furniture": [
            "Putin proposes direct negotiations with Ukraine: 'Can meet in Istanbul Thursday'",
            "1 View gallery",
            "נשיא רוסיה",
            "Russian President Vladimir Putin has proposed direct peace negotiations with Ukraine",
            "(Photo: Kirill Kudryavtsev / AFP)",
            "Get the Ynetnews app on your smartphone",
            "https://bit.ly",
            "Follow Ynetnews on Facebook",
            "Iran reportedly preparing to send ballistic missile launchers to Russia",
            "The commenter agrees to the privacy policy",
        ],
        "story": [
            # The lede ends in a quote with no full stop.
            "After a three-day ceasefire with Ukraine, and in the shadow of the European proposal "
            "for another month-long agreement, Russian president proposes holding direct talks "
            "with Kiev in Istanbul this week. 'Our proposal is on the table, Ukraine needs to "
            "decide now'",
            '"We offer the Kyiv authorities to resume negotiations already on Thursday, in '
            'Istanbul," Putin said from the Kremlin.',
            "“We have initiated ceasefires several times, and Kyiv has violated them.",
            '"The goal of these talks is to address the root causes of the conflict and establish '
            "long-lasting peace.”",
            # The paragraph under the Iran subsection.
            "In a related development, Iran is reportedly preparing to send short-range ballistic "
            "missile launchers to Russia, according to two Western security sources and one "
            "regional official who spoke with Reuters.",
            "Tehran has denied the reports, calling them “completely absurd.”",
            "Russia believes it currently holds the upper hand on the battlefield and fears that a "
            "month-long truce could give Ukrainian forces time to regroup.",
        ],
    },
    "003_553af48f6526a883": {
        "paragraphs": 31,
        "furniture": [
            "Accessibility links",
            "Breaking News",
            "Zelenskyy Challenges Putin To 'Come To Kyiv' As Peace Talks Continue To Stall",
            "Ukrainian President Volodymyr Zelenskyy during a joint press conference",
            "Putin Resists Compromising On Ukraine War Positions",
            "Trump Expresses New Frustrations",
            "Ukrainian Soldier Tells Of Being Left For Dead",
            "please wait",
            "No media source currently available",
            "0:00 0:02:36 0:00",
            "16x9 Image",
            "RFE/RL journalists report the news",
            'RFE/RL has been declared an "undesirable organization"',
            "could face fines or imprisonment",
            "To find out more, click here.",
            "•",
        ],
        "story": [
            # The three Summary bullets, without their bullet characters.
            "Zelenskyy declined Putin's suggestion he come to Moscow, insisting instead that he "
            "come to Kyiv for negotiations.",
            'Putin warned foreign troops in Ukraine would be "legitimate targets" amid stalled '
            "peace negotiations following a summit with Trump.",
            "Trump said that he underestimated the task of stopping the war in Ukraine.",
            "Ukrainian President Volodymyr Zelenskyy has rejected an offer from Russian President "
            "Vladimir Putin to travel to Moscow for peace talks and instead challenged him to come "
            "to Kyiv.",
            "I can't go to the capital of this terrorist.\"",
            "Following the week of fast-paced diplomatic engagement, Trump expressed new "
            "frustrations with efforts to broker peace.",
            "It didn't matter.",
            "How Trump will react to Putin’s latest positions remains to be seen.",
            "EU Commission President Ursula von der Leyen announced that the bloc’s 19th package "
            "of sanctions against Russia since Moscow's full-scale invasion would be unveiled in "
            "early September.",
        ],
    },
    "004_6dc6bf0e0f4b01e5": {
        "paragraphs": 5,
        "furniture": [
            "Putin Proposes Direct Talks in Istanbul, Zelenskyy Welcomes Move",
            "Previous Post Next Post",
            "Sponsored Ad",
            "نموذج الاتصال",
        ],
        "story": [
            "Russian President Vladimir Putin has proposed resuming direct peace talks with "
            "Ukraine in Istanbul as early as May 15,",
            "Ukrainian President Volodymyr Zelenskyy described Putin’s offer as a “positive sign,”",
            "The Russian leader said he would discuss the logistics of the proposed Istanbul talks "
            "with Turkish President Recep Tayyip Erdoğan",
            "“There is no point in continuing the killing even for a single day,” Zelenskyy posted "
            "on social media, urging Moscow to confirm a ceasefire starting May 12.",
            "For now, Kyiv’s position remains clear: peace negotiations can only begin after guns "
            "fall silent.",
        ],
    },
}
# Furniture too short to look for as a substring: no kept block may be exactly one of these.
SHORT_FURNITURE = {"XS", "SM", "MD", "LG", "Updated", "Summary", "Comments", '""'}


def read_seed(doc_id: str) -> str:
    # As the loader reads it: UTF-8, no newline translation.
    return (SEEDS / f"{doc_id}.txt").read_bytes().decode("utf-8")


def kept_texts(text: str, patterns: tuple[str, ...] = PATTERNS) -> list[str]:
    return [text[s.start : s.end] for s in clean_article(text, patterns)]


def assert_well_formed(text: str, spans: list[Span]) -> None:
    previous_end = 0
    for span in spans:
        assert previous_end <= span.start < span.end <= len(text)
        block = text[span.start : span.end]
        assert not block[0].isspace() and not block[-1].isspace()
        assert block[0] not in "•\ufeff"
        assert "\r" not in block and "\n" not in block
        previous_end = span.end


def test_every_seed_has_a_case() -> None:
    assert sorted(p.stem for p in SEEDS.glob("*.txt")) == sorted(CASES)


@pytest.mark.parametrize("doc_id", sorted(CASES))
def test_furniture_is_dropped(doc_id: str) -> None:
    blocks = kept_texts(read_seed(doc_id))
    for line in CASES[doc_id]["furniture"]:
        assert not [b for b in blocks if line in b], line
    assert not SHORT_FURNITURE & set(blocks)


@pytest.mark.parametrize("doc_id", sorted(CASES))
def test_story_sentences_are_kept(doc_id: str) -> None:
    blocks = kept_texts(read_seed(doc_id))
    for sentence in CASES[doc_id]["story"]:
        assert any(sentence in b for b in blocks), sentence


@pytest.mark.parametrize("doc_id", sorted(CASES))
def test_one_block_per_story_paragraph(doc_id: str) -> None:
    # With the two tests above, the count pins the result: every paragraph, nothing else.
    assert len(clean_article(read_seed(doc_id), PATTERNS)) == CASES[doc_id]["paragraphs"]


@pytest.mark.parametrize("doc_id", sorted(CASES))
def test_spans_are_trimmed_ordered_and_disjoint(doc_id: str) -> None:
    text = read_seed(doc_id)
    assert_well_formed(text, clean_article(text, PATTERNS))


@pytest.mark.parametrize("doc_id", sorted(CASES))
def test_no_other_script_survives(doc_id: str) -> None:
    assert not [b for b in kept_texts(read_seed(doc_id)) if HEBREW_OR_ARABIC.search(b)]


@pytest.mark.parametrize("doc_id", sorted(CASES))
def test_line_endings_and_bom_do_not_change_the_story(doc_id: str) -> None:
    text = read_seed(doc_id)
    expected = kept_texts(text)
    for variant in (
        text.replace("\n", "\r\n"),
        text.replace("\n", "\r"),
        "\ufeff" + text.replace("\n", " \u00a0\n"),
    ):
        spans = clean_article(variant, PATTERNS)
        assert_well_formed(variant, spans)
        assert [variant[s.start : s.end] for s in spans] == expected


@pytest.mark.parametrize("doc_id", sorted(CASES))
def test_headline_is_the_title_in_sources(doc_id: str) -> None:
    sources = yaml.safe_load((SEEDS / "sources.yaml").read_text(encoding="utf-8"))
    title = sources[f"{doc_id}.txt"]["title"]
    assert find_headline(read_seed(doc_id), PATTERNS) == title


def test_headline_skips_navigation_and_bylines() -> None:
    page = "Accessibility links\n\nBreaking News\nEuronews\nDavid O'Sullivan\n\n"
    assert find_headline(page) is None
    assert find_headline(page + "Putin Proposes Talks In Istanbul\nStory.") == (
        "Putin Proposes Talks In Istanbul"
    )


def test_a_paragraph_citing_its_source_by_a_markdown_link_is_kept() -> None:
    # Its address was a third of the line, and the whole paragraph went as a share line.
    cited = (
        "Ukrainian and Russian delegations met again on Monday, [according to the Turkish "
        "foreign ministry](https://www.mfa.gov.tr/news/2025/06/statement-on-the-istanbul-"
        "talks-between-ukraine-and-russia.en.mfa), and agreed to exchange prisoners."
    )
    prose = "The sides spoke for an hour and agreed to meet again, officials said on Monday."
    share = "Share this story: https://example.com/story/123456789/talks-resume-in-istanbul-now"
    stores = (
        "[Download on the App Store](https://apps.apple.com/app/id12345) | "
        "[Get it on Google Play](https://play.google.com/store/apps/details?id=x)"
    )
    page = "\n\n".join(["Talks resume in Istanbul", cited, prose, stores, share])
    assert kept_texts(page, ()) == [cited, prose]


def test_empty_and_blank_text() -> None:
    assert clean_article("") == []
    assert clean_article(" \r\n\u00a0\n\t\ufeff\n") == []
    assert find_headline("") is None


def test_patterns_match_whole_lines_case_insensitively() -> None:
    text = read_seed("000_086fd48e31ce2218")
    sentence = "The delegations exchanged specific proposals for a framework for a peace deal."
    assert sentence in kept_texts(text, ())
    assert sentence not in kept_texts(text, ("the delegations exchanged .*",))
    assert sentence in kept_texts(text, ("the delegations exchanged",))  # not the whole line


@pytest.mark.parametrize("bad", ["(unclosed", "[a-", "*starts with a star"])
def test_invalid_pattern_raises_config_error(bad: str) -> None:
    with pytest.raises(ConfigError, match="cleaning.patterns") as info:
        clean_article("Some text.", ["fine .*", bad])
    assert repr(bad) in str(info.value)
    with pytest.raises(ConfigError):
        find_headline("Some text.", [bad])
    with pytest.raises(ConfigError):
        Cleaner([bad])


def test_patterns_must_be_strings() -> None:
    with pytest.raises(ConfigError):
        clean_article("Some text.", "one string, not a list")
    with pytest.raises(ConfigError):
        clean_article("Some text.", [["a list"]])  # type: ignore[list-item]


# Text built from pieces that exercise the rules, mixed with anything at all.
PIECES = st.sampled_from(
    [
        "Putin said the talks would resume on Thursday in Istanbul ",
        "and the delegations met. ",
        '"quoted," he said. ',
        "Breaking News",
        "  • ",
        "- ",
        "\n",
        "\r\n",
        "\r",
        "\u2028",
        "\u00a0",
        "\ufeff",
        "\x00",
        "\ufffd",
        " | ",
        "https://bit.ly/x ",
        "נשיא רוסיה ",
        "’”",
    ]
)
ARBITRARY = st.one_of(st.text(), st.lists(st.one_of(PIECES, st.text(max_size=5))).map("".join))


@settings(max_examples=300, deadline=None)
@given(ARBITRARY)
def test_any_text_gives_well_formed_spans(text: str) -> None:
    spans = clean_article(text, PATTERNS)
    assert_well_formed(text, spans)
    headline = find_headline(text, PATTERNS)
    assert headline is None or headline in text
