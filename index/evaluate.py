"""Measure retrieval and answer quality on the hand-labelled questions in tests/eval/.

A passage or citation "holds the evidence" when its character range in an article
overlaps (or contains) one of the question's evidence spans, each located with
``str.find`` in the article text (tests/eval/README.md). Search is scored on answerable
questions (hit@1, hit@5, MRR@10, length of what it returns); ``ask`` on all of them
(first/any citation holds the evidence, verbatim excerpts checked against the seed file,
found on answerable and not-found on unanswerable questions, latency).

``compare`` builds throwaway indexes (temporary data folders, one shared Embedder) for
the variants the quality report lists, and ``markdown`` renders them as the table in
docs/quality.md. This module reports; it does not tune anything.
"""

from __future__ import annotations

import re
import statistics
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from index.errors import ConfigError
from index.records import Answer
from index.settings import Settings

EVAL_DIR = Path("tests/eval")
SETS = {"questions": "questions.yaml", "heldout": "heldout.yaml"}


@dataclass(frozen=True)
class Evidence:
    doc_id: str
    start: int
    end: int


@dataclass(frozen=True)
class EvalQuestion:
    qid: str
    kind: str
    question: str
    answerable: bool
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Outcome:
    """What happened to one question."""

    qid: str
    kind: str
    answerable: bool
    search_rank: int | None  # 1-based rank of the first passage holding evidence (top 10)
    found: bool
    first_holds: bool
    any_holds: bool
    verbatim: int  # citations whose excerpt is the seed file's text at their offsets
    citations: int
    excerpt_chars: tuple[int, ...]
    passage_chars: tuple[int, ...]  # top-5 search passages
    timings: dict[str, float] = field(default_factory=dict)
    # Why the first citation misses the evidence (answerable questions), else "".
    first_miss: str = ""


# Where an answerable question's first citation went wrong, in pipeline order: the answer
# said not found; no passage the answerer reads (answer.passages) holds the evidence; the
# evidence was cited, but not first; it was a candidate sentence but not chosen. Telling
# them apart says whether retrieval, the not-found rule or sentence scoring to work on.
MISS_REASONS = ("not_found", "not_retrieved", "cited_later", "not_cited")


@dataclass(frozen=True)
class Report:
    name: str
    outcomes: tuple[Outcome, ...]

    def figures(self, kind: str | None = None) -> dict[str, float]:
        rows = [o for o in self.outcomes if kind is None or o.kind == kind]
        answerable = [o for o in rows if o.answerable]
        unanswerable = [o for o in rows if not o.answerable]
        cites = sum(o.citations for o in rows)
        excerpts = [n for o in rows for n in o.excerpt_chars]
        passages = [n for o in answerable for n in o.passage_chars]
        out = {
            "questions": float(len(rows)),
            "hit@1": _share(answerable, lambda o: o.search_rank == 1),
            "hit@5": _share(answerable, lambda o: o.search_rank is not None and o.search_rank <= 5),
            "mrr@10": _mean([1.0 / o.search_rank if o.search_rank else 0.0 for o in answerable]),
            "passage_chars": _mean(passages),
            "first_citation": _share(answerable, lambda o: o.first_holds),
            "any_citation": _share(answerable, lambda o: o.any_holds),
            "verbatim": sum(o.verbatim for o in rows) / cites if cites else 1.0,
            "found_answerable": _share(answerable, lambda o: o.found),
            "notfound_unanswerable": _share(unanswerable, lambda o: not o.found),
            "excerpt_chars": _mean(excerpts),
        }
        for reason in MISS_REASONS:
            out[f"miss_{reason}"] = _share(answerable, lambda o, r=reason: o.first_miss == r)
        for part in ("embed", "retrieve", "compose", "total"):
            values = [o.timings[part] * 1000 for o in rows if part in o.timings]
            out[f"{part}_ms_p50"] = statistics.median(values) if values else float("nan")
        values = [(o.timings["retrieve"] + o.timings["compose"]) * 1000 for o in rows if o.timings]
        out["added_ms_p50"] = statistics.median(values) if values else float("nan")
        return out

    def kinds(self) -> list[str]:
        return sorted({o.kind for o in self.outcomes})


def _share(rows: Sequence[Outcome], test: Callable[[Outcome], bool]) -> float:
    return sum(1 for o in rows if test(o)) / len(rows) if rows else float("nan")


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def load_questions(path: Path, seeds_dir: Path) -> list[EvalQuestion]:
    """The labelled questions of ``path`` with evidence located in the seed files.

    Fields are those of tests/eval/README.md. ``question`` is required; ``id`` defaults to
    the item's position, ``answerable`` to whether there is evidence, ``kind`` to
    "unanswerable" or "other". Anything malformed is a ConfigError naming the item.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such file; the evaluation folder (--eval-dir, default {EVAL_DIR}) "
            f"must hold {' and '.join(SETS.values())}"
        ) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError, RecursionError) as exc:
        raise ConfigError(f"{path}: cannot be read as UTF-8 YAML: {_one_line(exc)}") from None
    if raw is None or raw == []:
        raise ConfigError(f"{path}: has no questions; tests/eval/README.md shows the fields")
    if not isinstance(raw, list):
        raise ConfigError(f"{path}: must be a YAML list of questions, not {type(raw).__name__}")
    texts: dict[str, str] = {}
    out: list[EvalQuestion] = []
    seen: set[str] = set()
    for number, item in enumerate(raw, start=1):
        where = f"{path} item {number}"
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: must be a mapping with question, answerable, evidence")
        qid = str(item.get("id", f"#{number}"))
        where = f"{path} {qid}"
        if qid in seen:
            raise ConfigError(f"{where}: the id is used twice; give each question its own")
        seen.add(qid)
        question = item.get("question")
        if not isinstance(question, str) or not question.strip():
            raise ConfigError(f"{where}: 'question' must be non-empty text")
        evidence = item.get("evidence") or []
        if not isinstance(evidence, list):
            raise ConfigError(f"{where}: 'evidence' must be a list of {{doc_id, text}}")
        answerable = item.get("answerable", bool(evidence))
        if not isinstance(answerable, bool) or answerable != bool(evidence):
            raise ConfigError(
                f"{where}: 'answerable' must be true with evidence and false without, "
                f"not {answerable!r} with {len(evidence)} evidence span(s)"
            )
        spans = [_locate(ev, where, seeds_dir, texts) for ev in evidence]
        kind = item.get("kind", "other" if answerable else "unanswerable")
        if not isinstance(kind, str) or not kind.strip():
            raise ConfigError(f"{where}: 'kind' must be text, e.g. lookup or paraphrase")
        out.append(EvalQuestion(qid, kind, question, answerable, tuple(spans)))
    return out


def _locate(ev: object, where: str, seeds_dir: Path, texts: dict[str, str]) -> Evidence:
    """An evidence span ({doc_id, text}) as character offsets in its seed file."""
    if not (isinstance(ev, dict) and isinstance(ev.get("doc_id"), str)):
        raise ConfigError(f"{where}: each evidence item needs doc_id and text, not {ev!r}")
    doc_id, text = ev["doc_id"], ev.get("text")
    if not isinstance(text, str) or not text:
        raise ConfigError(f"{where}: evidence in {doc_id} needs a non-empty 'text'")
    if doc_id not in texts:
        try:
            texts[doc_id] = (seeds_dir / f"{doc_id}.txt").read_bytes().decode("utf-8")
        except FileNotFoundError:
            raise ConfigError(
                f"{where}: no seed article {doc_id} ({seeds_dir / doc_id}.txt); doc_id is the "
                "file name without .txt"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{where}: cannot read {doc_id}: {_one_line(exc)}") from None
    at = texts[doc_id].find(text)
    if at < 0:
        raise ConfigError(f"{where}: evidence not found in {doc_id}: {text!r}")
    return Evidence(doc_id, at, at + len(text))


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def holds(doc_id: str, start: int, end: int, evidence: Sequence[Evidence]) -> bool:
    """True if the range overlaps (or contains) one of the evidence spans."""
    return any(e.doc_id == doc_id and start < e.end and e.start < end for e in evidence)


class QueryCache:
    """An Embedder stand-in that embeds each question once (search and ask share it)."""

    def __init__(self, embedder) -> None:
        self.embedder = embedder
        self.vectors: dict[str, object] = {}

    def __getattr__(self, name: str):
        return getattr(self.embedder, name)

    def encode_query(self, text: str):
        if text not in self.vectors:
            self.vectors[text] = self.embedder.encode_query(text)
        return self.vectors[text]


def evaluate(
    engine, questions: Sequence[EvalQuestion], name: str = "", cache: QueryCache | None = None
) -> Report:
    """Run ask, then search, over ``questions`` and score them.

    The question is embedded once: ``ask`` pays for it (its timings are real the first
    time a question is seen) and ``search`` reuses the vector.
    """
    from index.engine import Engine

    cache = cache or QueryCache(engine.embedder)
    engine = Engine(engine.settings, cache, engine.data)
    seed_texts: dict[str, str] = {}
    seeds_dir = engine.settings.seeds_dir
    outcomes = []
    for q in questions:
        answer: Answer = engine.ask(q.question)
        hits = engine.search(q.question, 10)
        rank = next(
            (
                h.rank
                for h in hits
                if holds(h.passage.doc_id, h.passage.start, h.passage.end, q.evidence)
            ),
            None,
        )
        verbatim = 0
        for c in answer.citations:
            if c.doc_id not in seed_texts:
                seed_texts[c.doc_id] = (seeds_dir / f"{c.doc_id}.txt").read_bytes().decode("utf-8")
            verbatim += seed_texts[c.doc_id][c.start : c.end] == c.excerpt
        cites = answer.citations
        first_holds = (
            bool(cites)
            and answer.found
            and holds(cites[0].doc_id, cites[0].start, cites[0].end, q.evidence)
        )
        any_holds = answer.found and any(holds(c.doc_id, c.start, c.end, q.evidence) for c in cites)
        outcomes.append(
            Outcome(
                qid=q.qid,
                kind=q.kind,
                answerable=q.answerable,
                search_rank=rank,
                found=answer.found,
                first_holds=first_holds,
                any_holds=any_holds,
                verbatim=verbatim,
                citations=len(cites),
                excerpt_chars=tuple(len(c.excerpt) for c in cites),
                passage_chars=tuple(len(h.passage.text) for h in hits[:5]),
                timings=dict(answer.timings),
                first_miss=_first_miss(
                    q, answer, first_holds, any_holds, rank, engine.settings.answer.passages
                ),
            )
        )
    return Report(name, tuple(outcomes))


def _first_miss(
    q: EvalQuestion, answer: Answer, first: bool, cited: bool, rank: int | None, read: int
) -> str:
    """One of MISS_REASONS, or "" when the first citation holds (or nothing is to be found)."""
    if not q.answerable or first:
        return ""
    if not answer.found:
        return "not_found"
    if cited:
        return "cited_later"
    # Search ranks passages exactly as the answerer does, so its rank tells whether the
    # evidence was among the passages whose sentences were candidates.
    return "not_cited" if rank is not None and rank <= read else "not_retrieved"


def question_sets(which: str, eval_dir: Path, seeds_dir: Path) -> dict[str, list[EvalQuestion]]:
    names = list(SETS) if which == "both" else [which]
    return {n: load_questions(eval_dir / SETS[n], seeds_dir) for n in names}


_LONG_NAME = re.compile(r"(?<=[\w,;:] )[A-Z][a-z]{4,}")


def swapped_in_a_name(question: str) -> str | None:
    """The question with two middle letters of its longest name swapped, as a slip of the
    fingers does ("Zelenskyy" -> "Zelesnkyy"); None if it names nothing that long."""
    names = _LONG_NAME.findall(question)
    if not names:
        return None
    name = max(names, key=len)
    i = len(name) // 2
    return question.replace(name, name[:i] + name[i + 1] + name[i] + name[i + 2 :], 1)


# The questions as people type them in a chat (``talkbot eval --typed``): the labels
# stay, only the wording's case or spelling changes.
RETYPINGS: dict[str, Callable[[str], str | None]] = {
    "lower": str.lower,
    "upper": str.upper,
    "typo": swapped_in_a_name,
}


def retyped(questions: Sequence[EvalQuestion], how: str) -> list[EvalQuestion]:
    """``questions`` retyped ``how`` (a RETYPINGS key); those it cannot retype are left out."""
    retype = RETYPINGS[how]
    return [
        replace(q, question=text) for q in questions if (text := retype(q.question)) is not None
    ]


# -- comparing variants ---------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    name: str
    change: Callable[[Settings], Settings]


def _with(section: str, **values) -> Callable[[Settings], Settings]:
    def change(s: Settings) -> Settings:
        return replace(s, **{section: replace(getattr(s, section), **values)})

    return change


def _chain(*changes: Callable[[Settings], Settings]) -> Callable[[Settings], Settings]:
    def change(s: Settings) -> Settings:
        for c in changes:
            s = c(s)
        return s

    return change


def default_variants(settings: Settings) -> list[Variant]:
    """Retrievers, fusions and passage sizes, then the configured pipeline minus each technique."""
    dense = _with("search", fusion="weighted", dense_weight=1.0)
    bm25 = _with("search", fusion="weighted", dense_weight=0.0)
    rrf = _with("search", fusion="rrf")
    weighted = _with("search", fusion="weighted", dense_weight=settings.search.dense_weight)
    variants = []
    for size in (200, 400, 800, 1000):
        chunk = _with(
            "chunking",
            max_chars=size,
            max_tokens=256 if size > 400 else settings.chunking.max_tokens,
            window_sentences=0,
        )
        for label, retr in (
            ("dense", dense),
            ("bm25", bm25),
            ("hybrid rrf", rrf),
            ("hybrid weighted", weighted),
        ):
            variants.append(Variant(f"{label} @{size}", _chain(chunk, retr)))
    variants.append(Variant("configured", lambda s: s))
    variants.append(
        Variant(
            "one paragraph per passage @400 (round 1)",
            _with(
                "chunking", cross_paragraphs=False, max_chars=400, max_tokens=96, window_sentences=0
            ),
        )
    )
    variants.append(
        Variant("tiles @800 (no windows)", _with("chunking", max_chars=800, window_sentences=0))
    )
    variants.append(Variant("- answer-type prior", _with("answer", w_answer_type=0.0)))
    variants.append(
        Variant("- who/where names graded by rarity", _with("answer", answer_type_rarity=0.0))
    )
    variants.append(Variant("- missing-name signal", _with("answer", nf_missing=0.0)))
    variants.append(Variant("- unquoted-speaker signal", _with("answer", nf_unquoted=0.0)))
    variants.append(Variant("- unused-topic signal", _with("answer", nf_unused=0.0)))
    variants.append(
        Variant("passages also judged by best sentence", _with("search", sentence_weight=0.5))
    )
    variants.append(Variant("- aliases", _with("search", aliases=())))
    variants.append(Variant("- synonyms", _with("search", synonyms=())))
    variants.append(Variant("- role reading", _with("search", read_roles=False)))
    variants.append(Variant("- published-month lift", _with("search", published_month_weight=0.0)))
    if settings.search.dense_weight != 0.8:
        # Round 11: better passages first on every set, but no better answers (see notes).
        variants.append(Variant("dense weight 0.8", _with("search", dense_weight=0.8)))
    variants.append(
        Variant(
            "contextualize " + ("off" if settings.search.contextualize else "on"),
            _with("search", contextualize=not settings.search.contextualize),
        )
    )
    variants.append(Variant("- MMR (relevance only)", _with("answer", mmr_lambda=1.0)))
    variants.append(Variant("- lead sentence's neighbour", _with("answer", lead_context_chars=0)))
    variants.append(
        Variant("- sentences beside the top passages", _with("answer", beside_passages=False))
    )
    variants.append(Variant("- not-found rule (always answer)", _with("answer", nf_threshold=-1e9)))
    return variants


def compare(
    settings: Settings,
    embedder,
    sets: dict[str, list[EvalQuestion]],
    variants: Sequence[Variant],
    progress: Callable[[str], None] = lambda _m: None,
) -> list[tuple[Variant, dict[str, Report]]]:
    """Build each variant into its own temporary data folder and evaluate it."""
    from index.build import build_index
    from index.engine import Engine

    results = []
    cache = QueryCache(embedder)
    built: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="talkbot-eval-") as tmp:
        for i, variant in enumerate(variants):
            s = variant.change(settings)
            key = repr((s.chunking, s.search.contextualize, s.search.term_groups, s.cleaning))
            if key not in built:
                built[key] = Path(tmp) / f"v{i}"
                progress(f"building {variant.name}")
                build_index(replace(s, data_dir=built[key]), embedder)
            s = replace(s, data_dir=built[key])
            engine = Engine.open(s, embedder)
            progress(f"evaluating {variant.name}")
            results.append((variant, {n: evaluate(engine, qs, n, cache) for n, qs in sets.items()}))
    return results


COLUMNS = [
    ("hit@1", "hit@1", 2),
    ("hit@5", "hit@5", 2),
    ("mrr@10", "MRR@10", 2),
    ("passage_chars", "passage chars", 0),
    ("first_citation", "1st cite", 2),
    ("any_citation", "any cite", 2),
    ("found_answerable", "found (ans.)", 2),
    ("notfound_unanswerable", "not found (unans.)", 2),
    ("excerpt_chars", "excerpt chars", 0),
    ("total_ms_p50", "ask p50 ms", 1),
]


def kind_table(report: Report) -> str:
    keys = [c for c in COLUMNS if c[0] not in ("passage_chars", "total_ms_p50")]
    lines = [
        "| kind | n | " + " | ".join(label for _, label, _ in keys) + " |",
        "|---|---:|" + "---:|" * len(keys),
    ]
    for kind in report.kinds() + [None]:
        f = report.figures(kind)
        cells = [("–" if f[k] != f[k] else f"{f[k]:.{d}f}") for k, _, d in keys]
        lines.append(f"| {kind or '**all**'} | {int(f['questions'])} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def format_figures(f: dict[str, float]) -> str:
    """The figures of one report as aligned ``name  value`` lines."""
    return "\n".join(f"{k:<24}{v:10.3f}" for k, v in f.items())


def report_markdown(
    results: Sequence[tuple[Variant, dict[str, Report]]], sets: dict[str, list[EvalQuestion]]
) -> str:
    """docs/quality.md: the comparison tables, then the configured pipeline by kind."""
    parts = [
        "# Retrieval and answer quality",
        "",
        "Generated by `talkbot eval --compare --markdown > docs/quality.md`; do not edit by hand.",
        "Scoring rule: tests/eval/README.md. Each variant is built into a temporary folder with",
        "the same model; `@N` is chunking.max_chars. `dense` is weighted fusion with",
        "dense_weight 1, `bm25` with dense_weight 0. Rows after `configured` change one thing",
        "in the configured pipeline. `added ms` is the median retrieval + answer composition time",
        "per question (the one query embedding excluded; it is shared by all variants).",
        "",
    ]
    cols = [c for c in COLUMNS if c[0] != "total_ms_p50"] + [("added_ms_p50", "added ms", 2)]
    for name in sets:
        parts += [f"## {name} set", "", _table(results, name, cols), ""]
    parts += NOT_FOUND_RULE + SENTENCE_SCORING_LIMITS
    configured = next((reps for v, reps in results if v.name == "configured"), None)
    if configured:
        for name, report in configured.items():
            parts += [f"## configured pipeline by kind: {name}", "", kind_table(report), ""]
    return "\n".join(parts)


NOT_FOUND_RULE = [
    "## How the pipeline works, and the not-found rule",
    "",
    "- Passages are runs of whole sentences (chunking.max_chars, max_tokens); with",
    "  chunking.cross_paragraphs a passage may run on across paragraphs that only whitespace",
    "  separates in the file (still a verbatim span; sentences never cross a line). Each",
    "  retriever nominates candidates; every candidate is scored by its passage cosine, its",
    "  passage BM25, and the best cosine and best BM25 among its sentences (sentence vectors",
    "  are stored at build time; sentence BM25 and term sets are built once per loaded build).",
    "  `weighted` fusion: dense_weight x cosines + (1 - dense_weight) x BM25 scores divided by",
    "  the best candidate's, each side mixing passage and best sentence by sentence_weight.",
    "  BM25 terms fold spelling variants (search.aliases) and a short thesaurus of the words",
    "  news reporting uses for one thing (search.synonyms: kids/children, talks/negotiations,",
    "  truce/ceasefire, hurt/casualties, top diplomat/foreign minister, ...).",
    "- Answer sentences come from the top answer.passages passages, and the sentence just",
    "  before and after each (answer.beside_passages, at half its rank's prior: windows",
    "  sharing a sentence with a better one are dropped, so the sentence beside a stretch's",
    "  best window was in no passage searched), scored by cosine,",
    "  idf-weighted key-term coverage and passage rank, plus answer.w_answer_type when the",
    "  question's wording asks for a quantity (how many/much/long), person (who), date",
    "  (when) or place (where) and the sentence holds one the question does not name (a",
    "  number, a date from index.dates, a person the articles give a title, a name after",
    "  in/at/of/...; a person or place graded by its rarity, answer.answer_type_rarity);",
    "  then chosen by MMR (mmr_lambda);",
    "  a near-duplicate from another outlet (as similar as answer.duplicate_similarity, with",
    "  the same figures and capitalised names: 840 and 1,300 prisoners, or Medinsky and",
    "  Umerov telling reporters, are two reports) is cited beside the first, not repeated.",
    "- The first excerpt quotes the best sentence with its more relevant neighbour (the",
    "  sentence before or after it, only whitespace between) when the two fit in",
    "  answer.lead_context_chars (450) and the neighbour is at least answer.lead_context_ratio",
    "  (0.4) as relevant and as close to the question by cosine; a neighbour quoted alone",
    "  later is folded in, and the tail of a",
    "  quotation opened in an earlier sentence is never put before it (it would read as the",
    "  next speaker's). The best sentence often sets the scene in the question's words while",
    "  the next one answers. Whatever their relevance, a lead whose quotation is 'he said'",
    "  comes with the sentence before it (it says who), and a lead holding half a quotation",
    "  with the sentence holding the other half. Within the same characters, a sentence",
    "  cited right beside that excerpt is joined to it (round 15), and so is the sentence",
    "  beside it that holds a word of the question the excerpt lacks. A best sentence",
    "  holding every key word of the question is quoted alone (round 16).",
    "- A question in another language (German, French, Spanish, Italian, Portuguese",
    "  function words, or a script the index never uses) is not found, with a hint to ask in",
    "  English, rather than answered through its names alone.",
    "- Not found unless `1.0 x cosine + 0.15 x coverage - 0.45 x unknown_name",
    "  - 0.65 x count_mismatch - 0.2 x missing_name - 0.5 x unquoted_speaker",
    "  - 0.16 x unused_topic >= 0.39`",
    "  (constants in config answer.nf_*):",
    "  - cosine: best cosine among the three best candidate sentences;",
    "  - coverage: idf-weighted share of the question's terms found in the best sentence's",
    "    passage;",
    "  - unknown_name: 1 if a capitalised word that does not open the question (a name:",
    "    Scholz, Rubio, Minsk, Eurovision), or a figure (the EU's 18th package, when the",
    "    articles report the 19th), has a term the index never uses; or the question",
    "    numbers a thing the articles number, with a number they never give it (the third",
    "    round, when they report a second; pairs mined from the articles once per build);",
    "  - count_mismatch: 1 if the question asks how many / how much and the best sentence,",
    "    with the sentence either side of it (the first excerpt may quote one),",
    "    holds no number other than those in the question (Fath-360), inside a name, of a",
    "    date (May 12), or joined by a hyphen to a unit, or followed by a span of time, the",
    "    question does not ask about (a 30-day cease-fire counts no children, more than",
    "    three years no meetings; a three-day one answers how many days); and a number",
    "    counts only what the few words after it name, when the question says what it",
    "    counts (how many soldiers: 'killed four people' and 'the two sides' are no count",
    "    of soldiers; the thing counted is the last word before the verb or an 'of');",
    "    or if the question asks when (what year, what date) and the best sentence holds",
    "    no date other than the question's (In what year was NATO founded?);",
    "  - missing_name: 1 if a name in the question is one the index uses but the best",
    "    sentence's passage does not (tariffs on Chinese goods met with Indian imports); a",
    "    question's names are its capitalised words, the one or two words between an",
    '    auxiliary and a verb of saying ("what did olaf scholz say"), and the words the',
    "    candidate sentences write capitalised mid-sentence (for questions typed in lower",
    "    case); a name the index never uses counts in unknown_name;",
    '  - unquoted_speaker: 1 if the question asks what someone said ("what did X say",',
    '    "according to X") and no candidate sentence has X within four words before or',
    "    three after a verb of saying (said, told, denied, ...): Erdogan and Xi Jinping are",
    "    mentioned, never quoted;",
    "  - unused_topic: 1 if every word of the question but its names is one the index",
    '    never uses and the model has whole ("What\'s the weather in Kyiv?", "Is Zelenskyy',
    '    married?"): matched through its names alone, such a question was answered with',
    '    whatever the articles say of Kyiv. A typo ("ceasfire") is no whole word. The',
    '    reply names the words ("They never mention “weather”."). Words that only frame',
    '    a question of who someone is ("What is Peskov\'s role/job?", "What position does',
    '    Umerov hold?") are no topic: the articles answer those with the title before the',
    '    name ("Kremlin spokesperson Dmitry Peskov"), which counts as the answer type.',
    '    Nor are those that frame a why-question ("reason", "purpose", "motive").',
    "  The first four weights are a logistic fit on the dev set rescaled so the cosine weighs",
    "  1, then rounded; missing_name's weight was chosen on the dev set, unquoted_speaker's",
    "  as the smallest that refuses such questions on the blind sets (0.3 refuses one of",
    "  four); unused_topic's as the smallest that refused those it should on 22 such",
    "  questions written before the rule (0.1 leaves eight answered, 0.16 five, 0.2 five",
    "  but refuses a second held-out question); the threshold is the highest that keeps",
    "  found >= 0.95 on answerable dev questions.",
    "- A name typed with a slip of a key is read as the articles' name one edit away (a",
    "  letter deleted, inserted, replaced or swapped with its neighbour, never the first):",
    "  a word of four letters or more the index never uses, typed capitalised (or any word",
    "  of a question typed all in one case that the model has no whole word for), whose",
    '  edit the articles write as a name ("Peskow", "Zelenksy", "Ukriane"); for BM25,',
    "  the not-found rule and the question's embedding, and the reply says how it was read.",
    '  Only names: "Pence" is not read as "peace", nor "irate" as Iran. With the two',
    "  middle letters of the longest name swapped in each dev question, found on",
    '  answerable ones is 0.92 (0.03 without); "Brigde" stays, bridge being no name.',
    "- Not found either, with the hint that each question is read on its own, when the",
    '  question means someone by he, she, him, her or his alone ("Did she attend?") and',
    "  neither names anyone nor asks who.",
    '- A question that asks for someone\'s words and nothing more ("What did Putin say?")',
    "  counts a sentence where that person speaks as holding what it asks for",
    "  (answer.w_answer_type): the name before a verb of saying, or right after one, not as",
    '  a possessive ("Putin\'s offer") nor after "that" ("added that Putin ...").',
    '- A question about a date alone ("What happened on September 5?", "any news from may',
    "  2025\") is answered with the events dated then at index time (the timeline's), the",
    "  five most widely reported, in date order, and says so; a date with no event is not",
    '  found. A greeting ("hi", "thanks") is told what to ask.',
    '- A topic named alone in one or two words ("Umerov", "ramstein") is answered',
    "  when the best sentence holds all of them and no penalty above applies, whatever",
    "  its cosine (0.16-0.2 for a lone name).",
    "",
]


# Measured by hand on the dev set (issue 6, round 3); kept here so a regenerated report
# still says what was tried, since none of it is a variant above.
SENTENCE_SCORING_LIMITS = [
    "## Why the first citation misses (dev set, configured pipeline)",
    "",
    "`talkbot eval --json` reports miss_* shares of answerable questions: not found 0.04,",
    "evidence in no passage the answerer reads 0.00 (0.03 before search.synonyms), evidence",
    "cited but not first 0.10 (0.19 before the lead excerpt brought its neighbour and two",
    "dev labels gained a missing span), a candidate never cited 0.08. Sentence scoring, not",
    "retrieval, loses most. Tried on the",
    "dev set, none beat the configured weights (first citation 0.69 over candidates, 5-fold",
    "cross-validated grid search of the answer.w_* weights 0.59-0.71):",
    "",
    "- answer.w_* grids (cosine, BM25, coverage, passage rank and cosine, answer type), a",
    "  pairwise logistic ranker over those signals, answer.keep_ratio, max_sentences,",
    "  mmr_lambda, passages; search.dense_weight 0.5-0.8 x sentence_weight 0-0.5;",
    "- sentence vectors with context (previous sentence, headline, both neighbours), clause",
    "  vectors (best clause of a sentence), the cosine of the windows holding a sentence;",
    "- citing the best sentence with its neighbour: kept since round 4 (below);",
    '- answer-type cues for "what did X say/describe/accuse" (a quote or a speech verb) and',
    '  "why" (causal words) questions: 0.675-0.688; a penalty for central sentences (cosine',
    "  to the article's or the candidate pool's centroid): 0.650-0.675; a bonus for the",
    "  sentences of the top one or two passages: 0.662;",
    "- dense pseudo-relevance feedback (the question's vector plus 0.2-0.7 x the mean of the",
    "  top 1-5 passages' vectors, searched again): hit@1 0.76-0.80, first citation",
    "  0.65-0.675, and not-found falls to 0.50-0.67 (the vector is pulled toward the corpus);",
    "- not-found weights and missing_name over other contexts: no gain at found >= 0.95.",
    "",
    "Late interaction over the model's token vectors (mean over the question's non-stopword",
    "tokens of the best cosine to a sentence token; the question's token vectors come from",
    "the same single model call) ranked evidence sentences better than the cosine when",
    "ranking candidates alone (0.73 against 0.59). Added to the answerer's relevance, it",
    "does not carry over: over the dev set, first citation 0.662-0.688 for weights 0.3-1.0",
    "(with the cosine's weight at 0.6, 0.3 or 0) against 0.675 configured, any citation",
    "0.838-0.863 against 0.863, found 0.950-0.963. The coverage, answer-type and passage",
    "signals already capture what it adds, and it would cost a token vector per word piece",
    "of every sentence (about 1.2 GB int8 at 100k passages). Not kept.",
    "",
    "Word vectors (each index word embedded alone, as a build could do once per vocabulary",
    "word) to bridge paraphrases (kids/children 0.88, Tehran/Iran 0.74) do not help either,",
    "because single-word neighbours are as often wrong (American/European 0.63,",
    "Australia/country 0.72, Pope/Vatican 0.74). Dev set, configured pipeline otherwise:",
    "",
    "- soft key-term coverage (a question word counts as covered, scaled by its cosine, when",
    "  a sentence word is at least 0.5-0.7 similar): first citation 0.650-0.662, not-found",
    "  0.72;",
    "- BM25 query expansion with each question word's 1-2 nearest index words at cosine",
    "  >= 0.6-0.8: hit@1 0.81, hit@5 0.94, first citation 0.662-0.688, found 0.93-0.95;",
    "- a question name counts as known when an index word is at least 0.6-0.7 similar:",
    "  found 0.975-0.988 but not-found falls to 0.67-0.72 (Australia, Pope, Minsk pass).",
    "",
    "The lead excerpt with its neighbour (round 4): pairs capped at 300 characters gain",
    "little (first citation 0.675-0.688), because most news paragraphs are one sentence and",
    "the answering neighbour is often the next paragraph; at 400, 450 and 600 the dev set",
    "gives 0.700, 0.725 and 0.725 (held-out 0.727, 0.758, 0.758) with mean excerpts of 210,",
    "224 and 237 characters (before two dev labels gained a missing span). Requiring the",
    "neighbour to be among the quotable sentences (within keep_ratio of the best) costs",
    "held-out 0.03; extending every excerpt, not just the first, adds nothing to first",
    "citation and lengthens every quote. Not kept either: key-term coverage counted over a",
    "sentence and its one or two neighbours (first citation 0.637-0.675); choosing the lead",
    "by its pair's score, relevance + 0.2-1.0 x its best neighbour's (0.575-0.750 against",
    "0.750); a passage prior from the fused score instead of the rank (0.688-0.713); a",
    "not-found penalty for a number or ordinal of the question ('third round') missing from",
    "the best passage (found 0.938-0.950, not-found unchanged). Kept: answer.keep_ratio 0.7",
    "with up to 5 sentences (was 0.6 and 4) cites the evidence as often (dev any citation",
    "0.863; 0.850-0.875 over 0.5-0.7 x 4-5) in 2.5 citations an answer instead of 2.9.",
    "",
    "Also measured on the dev set and not kept: a not-found penalty when a",
    "who/when/where/how-many question's best one to three sentences hold nothing of the",
    "asked kind (0.778, unchanged; any capitalised word counts as a person or place);",
    "embedding the question without its question words, alone or averaged with the question",
    "(hit@1 0.76, first citation 0.64-0.65); window voting, each sentence also scored by the",
    "fused scores of the candidate windows holding it (max, mean or sum at 0.1-0.4: first",
    "citation 0.662-0.675, any citation 0.79-0.84).",
    "",
    "Round 5. Kept: search.synonyms, a thesaurus of 14 groups of words war and diplomacy",
    "reporting uses for one thing, written from the domain rather than from the misses, and",
    "folded like the spelling aliases: dev hit@1 0.81 -> 0.825, hit@5 0.95 -> 0.99, first",
    "citation 0.75 -> 0.79, any citation 0.86 -> 0.89; held-out hit@5 0.94 -> 0.97 (the",
    "talks/negotiations group), nothing lower on either set. Left out of it: demonyms",
    "(russia/russian, ...: dev not-found 0.78 -> 0.72, held-out 1.00 -> 0.86) and capitals",
    "(russian capital/moscow: held-out hit@5 and any citation fall). Kept:",
    "answer.lead_context_ratio 0.4, no question's first citation moves on either set (0.5",
    "costs held-out 0.76 -> 0.73). Not kept: key-term coverage weighted also by how rare a",
    "term is among the candidate sentences, so the question's scene words (June, talks,",
    "Istanbul) count less than the word that asks (first citation 0.713-0.750 on dev over",
    "weights 0.5-2 x coverage 0.25-0.5); the first excerpt with both neighbours when the",
    "three fit in 450 or 600 characters (first citation unchanged, excerpts 240-250); a",
    "second batch of thesaurus groups (war/conflict, exchange/swap, proposal/offer,",
    "accused/blamed, halt/stop, aircraft/bombers, aid/assistance, delay/postpone,",
    "claimed/alleged): each alone moves one question at most, up or down, and all nine",
    "together lower dev hit@5 to 0.96 and held-out hit@1 to 0.82; 66 irregular verbs",
    "folded to their base form (met/meet, led/lead, held/hold, ...), which the stemmer",
    "does not join: dev hit@1 0.825 -> 0.812, first citation 0.788 -> 0.800, any citation",
    "0.888 -> 0.875, held-out unchanged. Kept: numbers joined to a unit the question",
    "does not ask about no longer count (count_mismatch above): dev not-found 0.78 ->",
    "0.83 (how many children returned), nothing else moves; on 36 questions a helper wrote",
    "blind afterwards, not-found 0.33 -> 0.50. Checking the best three sentences for a",
    "count instead of the best one finds one more answer on those but costs dev not-found",
    "0.83 -> 0.61: not kept. Not kept either: for 'what did X say' questions, a not-found",
    "penalty when X is not named within 3-6 words of a speech verb in the best passage or",
    "best three sentences (Erdogan is mentioned, never quoted): one answerable dev",
    "question lost (found 0.963 -> 0.950) for one blind question gained.",
    "",
    "Round 6: questions as people type them in a chat. Retyped, the dev questions showed",
    "three weak spots: lower-cased, not-found fell 0.83 -> 0.44 (names were known by their",
    "capitals alone); in capitals, found fell to 0.65 (every word looked like a name); with",
    "two letters of the longest name swapped, found fell to 0.03 (an unknown name). Kept,",
    "none moving a figure of the questions as written: a question's names also include",
    "the words the candidate sentences write capitalised and whoever stands between an",
    "auxiliary and a verb of saying (lower-cased not-found 0.44 -> 0.67, held-out 0.43 ->",
    "0.86); a question in capitals throughout is read as lower case (found 1.00, first",
    "citation 0.81); a typo in a name is read as the name one edit away (found 0.92,",
    "first citation 0.75; a first version that read any word one edit from an index term",
    "gave 0.96 and 0.80, but read Pence as peace, irate as Iran and recap as Recep); he",
    "or she with no one named and no 'who' is a follow-up.",
    "Each has a floor in tests/test_eval.py. Not kept: every word the index never uses",
    "counted as an unknown name in a lower-case question (lower-cased found 0.70: sneak,",
    "haggle and worthwhile are as unknown to the index as scholz); the model's vocabulary",
    "as a test of what is a name (it has kellogg, minsk and pope, and lacks haggle); a",
    "not-found penalty when a where/when question's best one or two sentences hold no",
    "place or date beyond the question's (no question moves); a relevance bonus for a",
    "sentence that names the speaker the question asks about (what did X say, according",
    "to X) beside a speech verb, or quotes 'he said' after a sentence naming X: at 0.05",
    "any citation gains one question on each set and first citation none, at 0.1-0.2",
    "first citation falls (dev 0.787 -> 0.750, held-out 0.758 -> 0.727).",
    "",
    "A second blind set (40 questions a helper wrote from the seeds and this folder's",
    "README only, a third of them in lower case and five with a typo in a name; not",
    "committed) scored lower than dev and held-out: hit@1 0.68, first citation 0.64, any",
    'citation 0.75, found 0.96, not found 0.50. Its paraphrases reword more ("the Kremlin',
    'boss", "four quiet weeks"). Kept from its misses: the lead excerpt\'s neighbour must',
    "also be near the question by its own cosine (answer.lead_context_ratio applies to",
    "both; a Sumy air strike opened an answer on the June 2 talks; no first or any",
    "citation moves on any set); unquoted_speaker (above): its not-found 0.50 -> 0.75 and",
    "the first blind set's 0.67 -> 0.83, dev and held-out unchanged, no answerable",
    "question of the four sets refused. Both rules were designed after seeing those misses,",
    "so the blind sets' gains are not independent evidence. Kept as well: a quotation",
    "ending in ! or ? keeps the speaker named after it ('\"... together!\" Trump wrote'),",
    "which the splitter had cut off as a sentence of its own (blind set first citation",
    "0.64 -> 0.68; dev hit@1 0.825 -> 0.812, hit@5 0.99 -> 0.975 and any citation 0.89 ->",
    "0.875, all one question, q004, whose evidence window now ranks just below an",
    "overlapping one). Not kept: a thesaurus group for spokesperson/spokesman (dev and",
    "blind hit@5 fall by a question each, nothing gains).",
    "",
    'Round 7: questions the sets do not ask. A date alone ("What happened on September',
    '5?") was not found while the timeline listed four events that day; it is now',
    'answered from those events. "What did Putin say?" led with Zelenskyy\'s words about',
    "\"Putin's offer\"; a question asking only for someone's words now prefers the",
    'sentences where they speak. A speaker of three words ("Kim Jong Un") is read as',
    "one, so what someone the articles never quote said is not found (held-out",
    "lower-cased not-found 0.86 -> 1.00). Nothing else moves on any set, as written or",
    "retyped, nor on the two blind sets. Not kept: a relevance bonus for candidate",
    "sentences dated on the date a question names (at 0.05 nothing moves; at 0.1-0.15",
    "dev first citation 0.787 -> 0.775-0.762, second blind set 0.679 -> 0.607); the strict",
    'reading of who speaks in the not-found rule too (it refused held-out h011: "Putin',
    'said that Russia is willing to fight" answers why Russia thinks it can keep',
    "fighting). From a user walkthrough, none moving a dev or held-out figure: a topic",
    'named alone ("Umerov", "who is rustem umerov", "ramstein") is answered when',
    "the best sentence holds all of its one or two words and no penalty applies (its",
    "cosine is 0.16-0.2); a speaker may be named up to five words after a verb of saying",
    '("said Ukrainian negotiator Rustem Umerov"), up to a function word; search.aliases',
    "gained [united kingdom, uk, britain] (second blind set first citation 0.679 ->",
    '0.714); not found names who is missing ("They never mention Olaf Scholz.", "They',
    'mention Erdogan but never quote them.").',
    "",
    "Round 8: questions that name what the articles cover and ask what they never say",
    "(the weather in Kyiv, whether Zelenskyy is married, Putin's height). Of 22 written",
    "before any change, 16 were answered with quotes about Kyiv, Zelenskyy or Putin:",
    "their names carry the cosine, and the sets had none of them. Kept: unused_topic",
    "(above), after which 5 of the 22 are answered; on a third blind set a helper wrote",
    "afterwards (60 questions, 26 unanswerable, 12 of those of this kind; not committed),",
    "not-found 0.615 -> 0.808 with no answerable question refused. It costs held-out",
    '"What is Vladimir Medinsky\'s job?" (the articles say aide, never job): found 0.97',
    "-> 0.94, first citation 0.76 -> 0.73; dev unchanged. Not kept: the same penalty",
    "scaled by the unused words' share of the question's idf (at 0.5 or 0.7, answerable",
    "questions are refused on every blind set); the cosine of the question without its",
    "names to the candidates, the question's gain in cosine over its names alone, and",
    "each unused word's cosine to the candidates or to their words, none of which",
    'separates "job" or "haggle" from "weather" or "wife". Not kept either: a',
    "place, date or number counting as what a where/when/how-many question asks for only",
    "within 3-8 words of a question word (at most one dev question and two blind ones",
    "gained, one blind one lost);",
    "roles mined from the articles (Kremlin spokesperson Dmitry Peskov) added to the terms",
    "of every sentence naming the person (dev hit@1 0.81 -> 0.79, second blind set first",
    "citation 0.71 -> 0.68); the count a how-many question asks for read from the best",
    "sentence's next one too, even only when followed by a question word ('91 Russian",
    "drones'): two blind answers gained, four unanswerable questions answered.",
    "",
    "Round 9: a fourth blind set (60 questions, 24 unanswerable; written by a helper that",
    "read only the articles; not committed) measured before any change: hit@1 0.667,",
    "first citation 0.583, any 0.833, not found 0.667. Eight of its fifteen first-citation",
    "misses name a person by role (the Ukrainian leader, Russia's top diplomat, the",
    "Kremlin's spokesman), as do four dev misses. Kept: role reading (search.read_roles;",
    "the row '- role reading' above): the articles' own titles ('Russian Foreign Minister",
    "Sergey Lavrov') are mined once per build, 3.4 ms, and a role the question uses that",
    "the articles give one person gains that person's surname for the model and BM25,",
    "0.03 ms a question; the reply says how it read the role. Dev hit@1 0.812 -> 0.85,",
    "first citation 0.787 -> 0.812; blind set 4 hit@1 0.667 -> 0.694, first 0.583 ->",
    "0.611, any 0.833 -> 0.861; the second blind set loses one question. Replacing the",
    "role by the surname, or adding the full name, measured worse (dev first citation",
    "0.787 and 0.812 with a lower-case loss; blind set 4 any 0.778 and 0.833), and adding",
    "the name to BM25's terms only, not to the model's text, lost a second-set question",
    "and a fourth-set citation. Also kept, each",
    "without loss on any set: questions of who someone is (held-out 'What is Vladimir",
    "Medinsky's job?' answered again); a figure the index never writes counts as an",
    "unknown name (blind set 4 not found 0.667 -> 0.708); a date is no answer to 'how",
    "long' (a third-set first citation); a date or a span of time is no count ('How many",
    "times has Putin met Trump?' no longer answered); 'with whom' asks for a person.",
    "",
    "Round 10: the not-found misses left on the four blind sets and dev, each looked at",
    "before any change. Kept, each without loss of an answerable question on any set:",
    "'how many X' counts only a number of X (blind set 4 not found 0.708 -> 0.75); a",
    "numbered thing the articles never write for a thing they number ('the third round')",
    "is an unknown name (dev not found 0.833 -> 0.889, set 3 0.808 -> 0.846, set 4 ->",
    "0.792). Why-questions gained an answer type, a reason: a sentence giving one",
    "('because', 'designed to', 'in honor of', 'a ploy', 'fears that', 'can't go ...",
    "when') is lifted like a count for 'how many', while whether to answer is judged as",
    "before, without that lift (judged with it, three answerable questions were refused:",
    "a reason-giving sentence from another passage was judged on that passage's terms).",
    "Any citation: dev 0.887 -> 0.90, held-out 0.879 -> 0.909, blind sets 2, 3 and 4",
    "0.75 -> 0.786, 0.882 -> 0.912, 0.861 -> 0.917; first citation: held-out 0.758 ->",
    "0.788, set 3 0.647 -> 0.676. 'EU' is one of the aliases of 'European Union'. A",
    "when-question met with a best sentence that holds no date counts as count_mismatch",
    "does (set 3 not found 0.846 -> 0.885); the same rule for where-questions refused a",
    "third-set question the articles answer, and was not kept. A count in the sentence",
    "beside the best one counts: the first excerpt may quote it ('Russia fired another",
    "barrage of military drones overnight.' then '... 91 Russian drones'); one question",
    "asked that way in each of blind sets 1, 3 and 5 was refused and is now answered.",
    "Tried",
    "and not kept: a lift for sentences that hold the question's word pairs in order",
    "(phrase matching; dev first citation 0.812 -> 0.787 at 0.1, nothing gained), a lift",
    "for sentences that name the person the question names (dev and second-set first",
    "citation fell), not-found signals over the best three sentences' passages rather",
    "than the best's (held-out not found 1.0 -> 0.857), and leaving names in most",
    "sentences (Russia, Putin) out of missing_name (held-out not found 1.0 -> 0.857).",
    "",
    "Round 11: retrieval and dates, measured on dev, held-out and five blind sets (256",
    "questions the pipeline was never tuned on), as written and in lower case. Kept, each",
    "without loss of an answerable question on any set: a question naming a month ('the",
    "talks in June', 'back in May') lifts passages of articles published that month",
    "(search.published_month_weight 0.15; three blind questions gained at 0.15-0.25, dev",
    "and held-out unchanged); a question asking for a day ('on what date', 'what exact",
    "date') needs a sentence giving a day, not a month or a week (a blind first citation",
    "gained, and 'On what exact date did Putin and Trump hold their summit in Alaska?' is",
    "refused: the articles say 'last month'); 'headed' and 'led' are synonyms (one blind",
    "question gained in each of sets 2, 3 and 5). Tried and not kept: a lift for sentences",
    "that mention the date the question names (lost three blind first citations);",
    "sentences of passages ranked 8-20 that beat the pool's best cosine as extra",
    "candidates, and citing the top passage's best sentence when the answer cites none of",
    "it (nothing moved); 'which official/leader' read as a who-question (nothing moved).",
    "search.dense_weight 0.8 (the 'dense weight 0.8' row) ranks the evidence passage first",
    "more often on every set (dev 0.85 -> 0.863, held-out 0.848 -> 0.879, blind sets 3",
    "and 4 0.676 -> 0.765 and 0.694 -> 0.722), but answers do not follow: dev first",
    "citation 0.812 -> 0.80, held-out 0.788 -> 0.758, any citation 0.90 -> 0.887 and",
    "0.909 -> 0.879; with answer.w_passage 0.1-0.25 beside it, still no set-wide gain. The",
    "answerer's weights were fitted with 0.7, and a reader sees answers, so 0.7 stays.",
    "",
    "Round 12: a sixth blind set (60 questions, 24 unanswerable, a third in lower case,",
    "some in chat shorthand; written by a helper that read only the articles; not",
    "committed), measured before any change: hit@1 0.75, hit@5 0.917, first citation",
    "0.583, any 0.806, found 0.861, not found 0.792. Kept: chat shorthand read as the",
    "words it stands for (index/shorthand.py: 'ppl', 'abt', 'wat', 'y did', 'w/o', 'govt')",
    "and filler dropped ('lol', 'tbh'), whole tokens only ('U.S.' and 'R. Umerov' are left",
    "alone); 'how many ppl were killed in the sumy air strikes' was refused and is now",
    "answered (set 6 found 0.861 -> 0.889, first 0.583 -> 0.611); set 3 loses a first",
    "citation it had only through its 'lol' (without it, the question led with another",
    "sentence before too); nothing else moves. Not kept: a refit of the answer.w_* weights",
    "(a grid of 1,080: w_similarity 0.4-0.8, w_lexical 0-0.2, w_coverage 0.15-0.35,",
    "w_passage 0.1-0.25, w_answer_type 0.1-0.2, w_passage_similarity 0-0.1) over dev,",
    "held-out and blind sets 1-5. The best overall gains 0.245 summed over 28 rates (7",
    "sets x first, any, found, not found); fitted on six sets and scored on the seventh,",
    "the held-out deltas sum to +0.12 (about +0.004 a rate, with both signs), and the",
    "weights most folds pick (similarity 0.8, coverage 0.35, passage 0.1, answer type 0.2,",
    "passage cosine 0.1) lower dev first citation 0.812 -> 0.787 while raising blind any",
    "citation, and on set 6 gain one first citation but answer a refused question with a",
    "loosely related quote. The configured weights sit on a flat optimum; they stay. Also",
    "not kept: question names counted at half weight in a sentence's key-term coverage",
    "(blind first citations +3 and a near-topic question refused, but dev q069 lost and a",
    "set-6 question answered with loose quotes); country, demonym and capital related",
    "terms (Kyiv/Ukraine, Turkey/Turkish) as half coverage or as synonyms (a blind",
    "question refused, another unanswerable answered).",
    "",
    "Round 13: no rate moves. Kept, for a case no set had a question for: a common English",
    "word one edit from a name English does not use is meant as typed (index/english.py,",
    "pyspellchecker's word list): 'give me a recap of the talks' was read as 'Recep' and",
    "answered about Erdogan; 'mods' (Modi), 'vitals' (Vitali) and 'rusted' (Rustem) were",
    "read so too, while 'tramp' -> 'Trump' and 'alaskan' -> 'Alaska' still are. Zero",
    "flips over dev, held-out and blind sets 1-6, as written, in lower case, in capitals",
    "and with typos. Not kept: a sentence that goes on with a quotation opened earlier in",
    "its paragraph taking its speaker from where the quotation opened, for who-questions",
    "and 'what did X say' (zero flips: 'Who called Moscow the capital of this terrorist?'",
    "still leads with another sentence, by 0.001); more synonyms (stop/halt, west/western,",
    "aid/assistance, begin/start): one blind any-citation gained, one first citation lost.",
    "",
    "Round 14: three bugs in how the not-found rule reads a question's names, found with a",
    "fresh blind set of 62 questions written before this round (blind sets 1-6 were lost",
    "with the machine's temporary folder). (1) A name of two words that search.aliases",
    "folds into one term ('the United Kingdom', 'the European Union') was read word by",
    "word, and 'Kingdom' counted as a name the index never uses: every such question in",
    "capitals was refused. (2) A role read as a person ('the American president' as",
    "Donald Trump) kept its words as names, and 'American', which the articles never",
    "write, refused dev q021. (3) A capital named for its country ('who led Kyiv's",
    "delegation?') counted as a name the passage lacks when it says 'Ukraine's'",
    "(answer.capitals, one way only: a passage naming Delhi is no passage about India).",
    "Also 'America' is an alias of 'the United States', and 'like' in 'what's X like'",
    "frames the question. Dev found 0.963 -> 0.988, first citation 0.812 -> 0.825, any",
    "0.90 -> 0.925 (q021, q028); held-out unchanged; the fresh blind set gains one found",
    "and one not found and loses nothing. Not kept: the capital rule applied to a",
    "sentence's key-term coverage (zero flips), and a sentence's coverage counting its",
    "neighbours' terms at 0.3-0.5 (one blind first citation gained; with both neighbours,",
    "dev q002 and q069 and held-out h011 lost).",
    "",
    "Round 15: a third fresh blind set (60 questions, 45 answerable, written by a helper",
    "that saw only the seeds) put first citation at 0.58 and any at 0.82 for the round-14",
    "code, so this round looked at how answers are chosen and quoted. (1) 'Who' and",
    "'where' were lifted by any capitalised word the question lacks, and nearly every",
    "sentence has one ('in Ukraine' answered 'where did Trump and Putin hold their",
    "summit?'): the lift is now graded by the rarest such name's idf share, none below",
    "answer.answer_type_rarity (0.5), and for 'who' only names the articles give a title",
    "('Defence Minister Rustem Umerov') count, not 'the Vatican or Switzerland'. (2) A",
    "sentence cited on its own right beside the first excerpt is joined to it, within",
    "answer.lead_context_chars: two sentences side by side read as one passage. (3) The",
    "first excerpt brings the sentence beside it that holds a word of the question it",
    "lacks ('No casualties have been reported.' for 'was anybody hurt ...'). (4) A typo",
    "inside a phrase the index folds into one term ('Unietd States') is read as the phrase",
    "(dev typo variant q077 regained). (5) A question asking what someone said on a topic",
    "('what did Putin say the aim of the talks was?') gives half the answer-type lift to",
    "sentences quoting them (0.3-0.6 move the same three questions; the whole lift gains",
    "three and loses five), unless it asks a kind of thing (why, who, when ...). (6) An",
    "excerpt after the first holding half a quotation is quoted with the other half, as the",
    "first is (no rate moves; a quotation is no longer cut). Dev first citation 0.825 ->",
    "0.875, any 0.925 -> 0.95; held-out first 0.788 -> 0.818, any 0.909 -> 0.97, found",
    "0.97 -> 1.00; the round-14 blind set first 0.79 -> 0.83, any 0.94 -> 0.98; the new",
    "blind set first 0.58 -> 0.71 (it was read while working, so it is no longer blind).",
    "Nothing was lost on any set, as written, in lower case or with typos; mean excerpt",
    "222 -> 241 characters. Not kept: putting a sentence holding the asked kind first (dev",
    "+1, held-out -1); a capital in the question adding its country's words to the BM25",
    "query (four blind questions gained, held-out h008 lost); a capitalised word the model",
    "knows whole never read as a typo ('Korea' as 'Korean': one blind not-found gained,",
    "but 'the Germans' would then be a name the articles never use);",
    "a not-found penalty when no top-1/3 sentence holds a who/where answer (7 and 2",
    "answerable lost); a penalty for the share of the question the index never saw (no",
    "threshold separates better); unknown lower-case words as names (8 lost); 'what was X",
    "declared for' read as a why-question and a goal/aim/objective synonym group (each",
    "moved only the dev question it came from); lead_context_chars 550-600 (three blind",
    "first citations, excerpts 16-20 characters longer).",
    "",
    "Round 16: worked on dev, held-out and the four earlier blind sets (all read by now);",
    "six fresh blind sets were written by helpers that saw only the seeds, each run once",
    "blind at some point of the round, then read. (1) The sentence just before and after each",
    "top passage is a candidate too, at half its rank's prior (answer.beside_passages):",
    "windows sharing a sentence with a better one are dropped, so the sentence beside the",
    "best window of a stretch ('... came in the form of 91 Russian drones') was in no",
    "passage searched. Four blind questions gained, none lost; a prior share of 0.25 or 0.5",
    "gives the same, 0 one first citation less, 0.75 loses one, the whole prior four. (2) A",
    "best sentence holding every key word of the question is quoted alone (excerpts 4-6",
    "characters shorter, no evidence lost). (3) A lower-case word the articles never use",
    "that is no English word is a name ('what was agreed at the minsk talks?' is told they",
    "never mention Minsk): dev not found in lower case and in capitals 0.78 -> 0.83. A",
    "blind set run midway showed it refusing 'sitdown', 'airbases', 'immobilised' and",
    "'oblast'; a word one edit from a common English word, or two common words written as",
    "one, is no name since (three regained; the word list lacks 'oblast'). (4) 'What was X",
    "held for?' asks a purpose (dev q009 any citation, a blind first). (5) 'How did X react",
    "to / describe Y?' asks X's words: the whole speaker lift (a blind first). (6) A role",
    "read as a person is whose words are asked, and admit/deny/confirm name them (dev q021).",
    "(7) A number written onto a name (the G7 summit, Fath-360) counts nothing, and the",
    "not-found rule reads beside the best sentence only what the excerpt could quote (not",
    "across a heading): a blind near-topic question is refused. (8) 'what %' asks a",
    "quantity (two blind firsts). (9) In a who-question, a sentence naming a new person and",
    "the question's own verb ('led by ... Rustem Umerov') gets half the answer-type lift",
    "more (dev q002, a blind first; 0.5 and 1.0 the same). (10) 'Who said/called ...?' is",
    "answered by whoever a sentence quotes, however often the articles name them ('...",
    "looks like spam,\" said Zelenskyy.'; a blind first). (11) A sentence naming a day the",
    "question asks about covers its date words however it writes the day ('Monday's peace",
    "talks', in an article of Wednesday June 4, are the June 2 talks; two blind firsts).",
    "(12) A polite lead-in ('Could someone explain ...', 'does anyone know ...') is",
    "dropped, so 'why' opens the question again (a blind first). (13) A kind asked of",
    "someone ('What date did Putin suggest ...?', 'Why does Russia think ...?') is not",
    "given by a sentence that never names them, by name, by a role the articles give them",
    "alone, as a quotation's 'he said', or as the speaker of the quotation it goes on with",
    "(held-out h011 and a blind first); a country or its capital is named by its",
    "officials too ('why does Moscow think ...?' and 'Putin accused ...'; a blind first).",
    "(14) 'He also hinted that ...' right after a sentence where someone speaks quotes",
    "them (a blind first and any). Also: 'post', 'urge' and 'reply'",
    "no longer read 'postpone', 'urgent' or 'replenish' as verbs of saying. Dev first",
    "citation 0.875 -> 0.90, any 0.95 -> 0.963; held-out first citation 0.818 -> 0.848;",
    "nothing lost on dev or held-out as written, in lower case or with typos. Four blind",
    "sets of 60 questions (45 answerable) were each run once against this round's code",
    "and round 15's, at different points of the round: before (10), first citation 0.689",
    "-> 0.733, any 0.844 -> 0.867; before (11), first 0.733 and any 0.911 unchanged, not",
    "found 0.667 -> 0.733; before (13), first 0.689 unchanged, any 0.800 -> 0.867; before",
    "(13)'s officials and (14), first 0.711 and any 0.844 unchanged, with two gained and",
    "two lost (one answerable refused: a Putin quote, lifted as the asked speaker's, led",
    "on a passage without 'Western'). Most of the round's gains are on questions read",
    "while working: on unseen ones first citation is about 0.69-0.73 and any citation",
    "0.84-0.91. Not kept: 'accuse'",
    "as a verb naming whose words are asked (dev q059 lost); a country in the question met",
    "by its capital in the passage (held-out h039 answered: a passage on New Delhi is no",
    "passage on India); 'territory' with 'regions' and 'army' with 'forces' as synonyms",
    "(one blind question, none); digits as their number words (one gained, two lost);",
    "halving the person lift of sentences without the question's verb (held-out h032",
    "lost); the asked-kind lift of sentences without the asked speaker, by name only (h007",
    "lost: 'The Ukrainian president added ...'; kept as (13) once roles count); a",
    "missing name graded by rarity (h039); 'which number' as a quantity (an ordinal was",
    "refused); a quotation's speaker found before it, for the speaker lift (no question",
    "moves);",
    "a bonus for the question's word pairs side by side in a sentence ('three day ceasefire':",
    "four gained, two lost); the terms of a trailing when/after clause weighed less (one",
    "any citation); judging whether to answer without every answer-type lift (one",
    "answerable regained, six lost); 'which leaders/officials ...' as a who-question (one",
    "gained, one",
    "unanswerable answered); lead_context_chars 500 or 550 (two or four blind firsts,",
    "excerpts 6 or 17 characters longer).",
    "",
    "Round 17: four fresh blind sets of 60 (probe17-20, written by helpers who saw only",
    "the seeds). probe17 was run once at the start, probe18 and probe19 midway, probe20",
    "once at the end; each change was then measured question by question on dev, held-out",
    "and every set read by then, as written, in lower case and with typos, and kept only",
    "if nothing lost. Most changes are about saying no when what is asked is not given.",
    "Kept: (1) a sentence credited 'according to' someone quotes them ('... according to",
    "two Western security sources ... who spoke with Reuters'; a blind question was",
    "refused as never quoted). (2) 'Were there any casualties when ...?', 'was anyone hurt",
    "...?' is not answered by sentences around the best one (two either side, one",
    "section) that never name what is asked (three blind questions on the Kerch Bridge;",
    "at one sentence, two answerable ones were refused). (3) 'what was the exact date of",
    "...' asks for a day (a blind question on the Alaska summit, dated only 'last month').",
    "(4) A role the articles never write ('the Turkish foreign minister', 'the UK prime",
    "minister') counts as a name they never use, and the reply says so (four blind",
    "questions). (5) A name after 'the' is whose words are asked: capitalised, written",
    "capitalised by the articles ('did the vatican say ...'), or a common English word",
    "they never use ('what did the pope say ...', as 'the Pope' already was), word by word",
    "so 'the Kremlin proposal' is none (dev q086 in lower case, four blind). (6) A",
    "country's adjective the articles never write ('Iranian', 'American') is no name they",
    "lack when they write the country (a blind question answered). (7) 'the Kremlin",
    "chief', 'the Russian boss' are the leader, but not before another title ('chief",
    "negotiator') (a blind question answered). (8) 'How did X greet / welcome ...' asks a",
    "reaction; 'what did X put forward / ask for' asks X's words; an adverb before the verb",
    "('initially') is no word of the name (dev q004 any, two blind any). (9) A date",
    "answers 'when' by how precise it is: a day whole, a month or week half, a year a",
    "quarter (a blind first). (10) 'Who heads / runs / leads X?' asks a post's holder, not",
    "given by a sentence naming no one the articles give a title; 'heads' and 'leads' join",
    "'led' and 'headed' in search.synonyms (two blind). (11) 'Where exactly ...?', 'which",
    "city in X ...?' ask a place more precise than one named, not given by a sentence",
    "naming no place but those the articles write everywhere (dev q091, a blind). (12)",
    "'What is the estimated value / cost / range / death toll of ...?' asks a figure (a",
    "blind). Dev any citation 0.963 -> 0.975, not found 0.889 -> 0.944 (as written, in",
    "lower case and in capitals); held-out unchanged. Blind, this round's code against",
    "round 16's, each set run once before its questions were read: probe17 first citation",
    "0.844, any 0.889, not found 0.733 at the start; probe18 (midway, before (6)) no",
    "change, 0.822 / 0.867 / 0.800; probe19 (before (8)'s 'ask') no change, 0.800 / 0.911",
    "/ 0.733; probe20 (at the end) first 0.800 -> 0.822, any 0.911 -> 0.956, found 0.978",
    "-> 1.000, not found 0.733 unchanged. Not kept: a penalty for a where/who question",
    "whose best sentence names no new place or person (no unanswerable question refused,",
    "sixteen answerable ones lost; for places in general, two gained and eleven lost); a",
    "penalty when the main clause before a when/after clause shares no word with the",
    "best sentence (three gained, eleven lost); not-found weights refitted by logistic",
    "regression on all read sets, alone or with coverage without names, the best",
    "sentence's own cosine or coverage, or its answer type (leave-one-set-out: more",
    "found, fewer not found, no better in sum); a grid of the answer weights over all read",
    "sets (leave-one-set-out +5 of about 1,560, held-out worse); 6, 8 or 10 passages",
    "instead of 7; 'confess' and 'give' as verbs of saying (nothing moved; one lower-case",
    "not found); words after 'accuse' or 'tell' left out as speakers (nothing moved).",
    "",
    "Round 18: four fresh blind sets of 60 (probe21-24, written by helpers who saw only",
    "the seeds) were run once at the start and then read; two more (probe25-26) were",
    "written and run once midway, before (7) and (8). Each change was measured question",
    "by question on dev, held-out and every read set, as written, in lower case and with",
    "typos, and kept only if nothing lost. Kept: (1) a speaker of several words is their",
    "surname or head ('Vladimir Medinsky' was quoted because 'Vladimir Putin said'; two",
    "blind refused). (2) 'Which air bases / officials / countries ...?' asks the names of",
    "several, not given by a best sentence naming none the question does not, graded by",
    "rarity as a person or a place is (five blind). (3) 'What did Russia's proposal call",
    "for?', 'what did Kyiv ask for / put forward at the talks?' ask what a party",
    "demanded: a sentence with a verb of demanding after the party (or its capital) holds",
    "it, its event counts from the three sentences before it ('Ukraine called for ...'",
    "follows 'talks on June 2'), and the verb frames the question (nine first citations,",
    "dev q004 among them; at two sentences or half weight, four to six). (4) In 'what did",
    "Zelensky call Russia's document?' 'call' frames the question (a blind first). (5)",
    "'Who headed / led X?' asks a post's holder as 'who heads X?' does (two blind). (6)",
    "'Western', 'European' name no place or person ('Kyiv's Western partners' for which",
    "countries pledged troops; three blind). (7) 'What measures are in the 19th sanctions",
    "package?' is not answered by a sentence saying it 'would be unveiled' (six blind in",
    "five sets). (8) A count from a best sentence far from the question in meaning and in",
    "words (cosine and coverage below 0.4; the same at 0.45) is someone else's (three",
    "blind). Dev first citation 0.90 -> 0.912; held-out unchanged. Blind, each set's",
    "first run against round 17's code: probe21-24 at the start, first citation 0.844 /",
    "0.733 / 0.733 / 0.867, any 0.889 / 0.867 / 0.867 / 0.978, not found 0.800 / 0.467 /",
    "0.467 / 0.667; probe25-26 midway (after (1)-(6)), first 0.711 -> 0.733 both, any",
    "0.800 -> 0.822 and 0.867 -> 0.889, not found 0.533 both, unchanged. Final code",
    "against round 17's over all read sets: 35 gains, no loss. Not kept: 'did X promise",
    "any Y' read as 'were there any' (one answerable lost, none gained); 'which",
    "official' read as asking a person (one lost); every sentence's coverage counting the",
    "sentences before it (ten gained, nine lost); a count question whose best sentence",
    "lacks the question's names (six gained, fourteen lost); a penalty for a rare name",
    "missing from the best passage (seven to twelve gained, 22 to 48 lost); a date",
    "mismatch between the question's month and the best sentence's (one gained).",
    "",
    "Round 19: two fresh blind sets (probe27-28) were run once at the start and then",
    "read; two more (probe29-30) were written and run once after (1)-(6), then read.",
    "Each change was measured question by question on dev, held-out and every read set",
    "(probe7-30), as written, in lower case and with typos, and kept only if nothing",
    "lost. Kept: (1) a double letter moved ('tarrifs' for 'tariffs') is a slip of a word",
    "the articles use, not a name they lack (a blind question answered). (2) 'What was",
    "X's response / reaction / answer to ...?' asks X's words, as 'how did X respond'",
    "does (two blind firsts). (3) search.synonyms: fears, worried, worry (a blind first).",
    "(4) The far-count bound on cosine is 0.45 (was 0.40): a fourth question on the dead",
    "of the bridge attacks (cosine 0.44) refused; every answerable count question below",
    "0.5 has coverage 0.53 or more. 'What exact deadline date ...' asks a date (a blind",
    "refused). (5) 'What did Trump and Putin agree at their Alaska summit?', 'what",
    "agreements did they sign?' ask what sides agreed, not given when the best sentence's",
    "article reports no agreement (four blind refused in four sets; judged by the",
    "sentence alone, 'What did the European leaders agree in Kyiv?' was refused). (6) An",
    "outlet of the articles the question cites ('according to RFE/RL', 'the Ynet piece')",
    "names where it was reported: no name the articles lack, no speaker, no term to match",
    "(index/outlets.py; three blind answered). (7) 'Which Alaskan city ...?' asks a place",
    "within one named, as 'which city in Alaska' does (a blind refused). Dev and held-out",
    "unchanged. Blind, each set's first run against round 18's code: probe27 first",
    "citation 0.844, any 0.933, found 1.000, not found 0.800; probe28 0.689 / 0.800 /",
    "0.822 / 0.800 at the start; probe29 0.756 / 0.844 / 0.933 / 0.867 and probe30 0.689",
    "/ 0.778 / 0.933 / 0.800 after (1)-(6), no change from round 18's code. Final code",
    "against round 18's over all read sets: 27 gains (14 as written, 13 in lower case),",
    "no loss. Not kept: 'pause' and 'lull' as truce words (one gained, seven lost); 'did",
    "X accept / take up ...' not answered by a best sentence naming X only as a",
    "possessive (one gained, one lost); 'really trying to achieve', 'really after' as a",
    "reason question (three gained, one lost); a government ('Tehran') quoted as",
    "answering 'who said' (four lost); 'who headed X?' not answered by a best sentence",
    "without the verb (two gained, one lost); the asked unit counted inside a span read",
    "as a date ('three years of war'; nothing moved).",
    "",
]


def _table(results, set_name: str, cols) -> str:
    lines = [
        "| variant | " + " | ".join(label for _, label, _ in cols) + " |",
        "|---|" + "---:|" * len(cols),
    ]
    for variant, reports in results:
        f = reports[set_name].figures()
        lines.append(
            f"| {variant.name} | " + " | ".join(f"{f[k]:.{d}f}" for k, _, d in cols) + " |"
        )
    return "\n".join(lines)
