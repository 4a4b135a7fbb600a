"""/add refuses near-copies of indexed articles and articles not in English.

A near-copy (a seed with a line appended) used to be indexed as a second article, so
answers cited one story twice as if two outlets agreed; a Ukrainian article was refused
as "no title found" or "only page furniture". The checks run in ``Library.check``, which
both ``talkbot add`` and Discord's /add go through (their own tests cover those paths);
here they run on a private copy of the seeds with the real embedder and build.
"""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest
import yaml

from index.build import build_index
from index.library import (
    NEAR_COPY_SHARE,
    Candidate,
    DuplicateError,
    Library,
    LibraryError,
    containment,
    story_shingles,
)
from tests.articlesite import PLAIN_ARTICLE, SHARED_LINE
from tests.folder_snapshot import snapshot

pytest_plugins = ("tests.moderation_fixtures",)

SEED = "000_086fd48e31ce2218"
SEED_TITLE = "Zelenskyy Calls On Putin To Sign Cease-Fire, Meet Him 'Any Day'"
# A quote seed 000 carries, as another outlet's report of the same briefing would.
SHARED_QUOTE = (
    '"We are ready for exchanges but to continue diplomatic meetings in Istanbul at a level '
    'that does not solve anything further, I think, is pointless," Zelenskyy said.'
)
UKRAINIAN = (
    "Зеленський закликав Путіна підписати перемир'я\n\n"
    "Президент України Володимир Зеленський заявив, що продовжувати дипломатичні зустрічі "
    "в Стамбулі на нинішньому рівні безглуздо. Він запропонував Росії припинення вогню до "
    "зустрічі лідерів. «Ми готові до такої зустрічі будь-якого дня», — додав він. "
    "Путін фактично відкинув можливість перемир'я та саміту.\n"
)


# The same story in French, German and Spanish: the Latin alphabet, other languages.
OTHER_LANGUAGES = {
    "fr.txt": (
        "Zelensky appelle Poutine à signer un cessez-le-feu\n\n"
        "Les délégations ukrainienne et russe se sont retrouvées lundi à Istanbul pour un "
        "deuxième cycle de négociations directes. Selon le ministère turc des Affaires "
        "étrangères, les deux parties ont convenu d'échanger des prisonniers de guerre, mais "
        "aucun accord n'a été trouvé sur un cessez-le-feu. Le président Zelensky a déclaré "
        "que la poursuite des discussions à ce niveau était inutile.\n"
    ),
    "de.txt": (
        "Selenskyj fordert Putin zu einer Waffenruhe auf\n\n"
        "Die ukrainische und die russische Delegation haben sich am Montag in Istanbul zu "
        "einer zweiten Runde direkter Verhandlungen getroffen. Nach Angaben des türkischen "
        "Außenministeriums einigten sich beide Seiten auf einen Austausch von "
        "Kriegsgefangenen, eine Waffenruhe wurde jedoch nicht vereinbart.\n"
    ),
    "es.txt": (
        "Zelenski pide a Putin que firme un alto el fuego\n\n"
        "Las delegaciones de Ucrania y Rusia se reunieron el lunes en Estambul para una "
        "segunda ronda de negociaciones directas. Según el ministerio de Asuntos Exteriores "
        "de Turquía, ambas partes acordaron intercambiar prisioneros de guerra, pero no se "
        "alcanzó ningún acuerdo sobre un alto el fuego.\n"
    ),
}


@pytest.fixture
def library(built_copy, embedder) -> Library:
    return Library(built_copy, embedder.count_tokens)


def seed_text(settings, doc_id: str = SEED) -> str:
    return (settings.seeds_dir / f"{doc_id}.txt").read_text(encoding="utf-8")


def test_the_seed_reports_overlap_far_below_the_near_copy_share(settings):
    # Different outlets on the same events: the figures in index/library.py's comment.
    shingles = {
        path.stem[:3]: story_shingles(path.read_text("utf-8"), settings.cleaning.patterns)
        for path in sorted(settings.seeds_dir.glob("*.txt"))
    }
    figures = {
        f"{a}-{b}": containment(shingles[a], shingles[b])
        for a, b in itertools.combinations(shingles, 2)
    }
    print(" ".join(f"{pair} {share:.3f}" for pair, share in figures.items()))
    assert len(figures) == 10
    assert max(figures.values()) < 0.05 < NEAR_COPY_SHARE


def test_a_seed_with_a_line_appended_is_refused_naming_it(library, built_copy):
    # Cleaning drops the share line, so the story texts are the same: 100%, not floored.
    text = seed_text(built_copy) + SHARED_LINE.decode()
    with pytest.raises(DuplicateError) as caught:
        library.check(Candidate(text, origin="shared.txt"))
    assert caught.value.doc_id == SEED
    assert str(caught.value) == (
        f'shared.txt is a near-copy of an indexed article: 100% of its text is article {SEED} "'
        f'{SEED_TITLE}"; if it is a newer version, /remove that article first '
        f"(or: talkbot remove {SEED})"
    )


def test_a_seed_with_a_story_sentence_added_is_refused(library, built_copy):
    added = (
        "\nThis report was updated on June 5 with comments from the Kremlin spokesman, who "
        "repeated that Moscow saw no reason for a summit.\n"
    )
    with pytest.raises(DuplicateError, match=r": 9\d% of its text is article 000_086fd"):
        library.check(Candidate(seed_text(built_copy) + added, origin="updated.txt"))


def test_a_newer_version_holding_the_old_article_is_refused(library, built_copy):
    # Twice as long as the old one: most of its text is new, but it holds all the old.
    update = "\n\n".join([seed_text(built_copy), seed_text(built_copy, "003_553af48f6526a883")])
    with pytest.raises(DuplicateError, match=f"it holds 100% of article {SEED} "):
        library.check(Candidate(update, title="Update", origin="update.txt"))


def test_an_article_sharing_a_quote_is_added(library, built_copy, embedder):
    text = PLAIN_ARTICLE.rstrip("\n") + " " + SHARED_QUOTE + "\n"
    overlap = containment(story_shingles(text), story_shingles(seed_text(built_copy)))
    assert 0 < overlap < NEAR_COPY_SHARE  # it does share text with seed 000, a little
    added = library.add(
        Candidate(text, outlet="Courier", published=date(2025, 7, 15), origin="quote.txt"),
        lambda: build_index(built_copy, embedder, incremental=True),
    )
    assert added.report.added == (added.doc_id,)
    assert added.report.per_article[added.doc_id] > 0


@pytest.mark.parametrize("title", [None, "Зеленський закликав Путіна"])
def test_an_article_in_cyrillic_says_it_is_not_english(library, built_copy, title):
    before = snapshot(built_copy.seeds_dir)
    with pytest.raises(LibraryError) as caught:
        library.check(Candidate(UKRAINIAN, title=title, origin="uk.txt"))
    assert str(caught.value) == (
        "uk.txt is not in English: it is mostly Cyrillic letters (100% of them); the bot "
        "answers from English articles, so add an English version of the story"
    )
    assert snapshot(built_copy.seeds_dir) == before


@pytest.mark.parametrize("origin", sorted(OTHER_LANGUAGES))
def test_an_article_in_another_latin_script_language_says_it_is_not_english(
    library, built_copy, origin
):
    # Added before, and quoted in French to readers asking in English.
    before = snapshot(built_copy.seeds_dir)
    with pytest.raises(LibraryError) as caught:
        library.check(Candidate(OTHER_LANGUAGES[origin], origin=origin))
    message = str(caught.value)
    assert message.startswith(f"{origin} does not read as English: ")
    share = int(re.search(r"(\d+)% of its words are English words", message).group(1))
    assert share < 50
    assert message.endswith("so add an English version of the story")
    assert snapshot(built_copy.seeds_dir) == before


def test_an_english_article_naming_people_in_cyrillic_passes(library, built_copy, embedder):
    text = PLAIN_ARTICLE.rstrip("\n") + (
        " The mayor, Олександр Ткаченко, and the governor, Віталій Кім, attended the talks.\n"
    )
    added = library.add(
        Candidate(text, author="Олена Коваль", origin="names.txt"),
        lambda: build_index(built_copy, embedder, incremental=True),
    )
    entry = yaml.safe_load(built_copy.sources_file.read_text(encoding="utf-8"))[added.filename]
    assert entry["title"] == "Talks resume in Quillmere"
    assert entry["author"] == "Олена Коваль"
