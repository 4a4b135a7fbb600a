"""Build or refresh the index: corpus -> clean -> sentences/passages -> vectors -> store.

A from-scratch build embeds everything. A refresh reuses the stored vectors of every
article whose passages come out exactly as before (same text, same cleaning and chunking,
same metadata when passages carry it as context) and embeds only the rest, so one changed
article among many costs about one article's embedding. Either way the result is written
as a new build and published atomically (see ``index.store``); on any failure the
previous build keeps serving.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from index.bm25 import LexicalIndex
from index.chunk import merge_short, pack_passages, split_sentences, window_passages
from index.clean import clean_article
from index.corpus import Corpus, load_corpus
from index.dates import DATING_VERSION
from index.dense import DenseSettings, build_dense, dense_settings, index_kind
from index.embed import Embedder
from index.errors import (
    CorpusError,
    IndexInvalidError,
    IndexMissingError,
    StorageError,
    TalkbotError,
)
from index.events import DatedMention, extract_events, mentions_by_article
from index.inputs import InputStamp, file_sha256, read_stamp, write_stamp
from index.lexical import Tokenizer
from index.records import Article, Span
from index.settings import Settings
from index.store import (
    FORMAT_VERSION,
    IndexData,
    IndexStore,
    Manifest,
    load_build,
    load_current,
    read_manifest,
    save_build,
)
from index.terms import TermRows
from index.timeline import timeline_settings
from index.wording import plural

Progress = Callable[[str], None]

# Bump when cleaning or splitting changes in a way the settings don't show, so a refresh
# re-embeds instead of reusing vectors of passages cut differently.
# 2: a quotation ending in ! or ? keeps its speaker ('"... together!" Trump wrote').
# 3: a paragraph citing its source by a markdown link is kept (it was dropped whole).
PIPELINE_VERSION = 3


@dataclass(frozen=True)
class ArticleParts:
    article: Article
    sentences: tuple[Span, ...]
    passages: tuple[tuple[int, int], ...]  # (first, last) into sentences, last exclusive


@dataclass(frozen=True)
class BuildReport:
    build_id: str
    added: tuple[str, ...]
    updated: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]
    passages: int
    sentences: int
    embedded_passages: int
    embedded_sentences: int
    seconds: float
    per_article: dict[str, int]
    warnings: tuple[str, ...]
    folder: Path

    def to_dict(self) -> dict:
        return {
            "build_id": self.build_id,
            "added": list(self.added),
            "updated": list(self.updated),
            "removed": list(self.removed),
            "unchanged": list(self.unchanged),
            "passages": self.passages,
            "sentences": self.sentences,
            "embedded_passages": self.embedded_passages,
            "seconds": round(self.seconds, 3),
            "warnings": list(self.warnings),
        }


def segment_article(
    article: Article, settings: Settings, count_tokens: Callable[[str], int]
) -> ArticleParts:
    """Clean one article and cut it into sentences and passages (offsets into its text).

    Sentences never cross a line. Passages are cut within a run of kept lines: one line,
    or with ``chunking.cross_paragraphs`` consecutive kept lines that only whitespace
    separates in the file, so a passage is still a verbatim span with nothing removed in it.
    """
    chunking = settings.chunking
    sentences: list[Span] = []
    passages: list[tuple[int, int]] = []
    blocks = clean_article(article.text, settings.cleaning.patterns)
    for run in _paragraph_runs(article.text, blocks, chunking.cross_paragraphs):
        run_sentences = [
            s
            for block in run
            for s in merge_short(split_sentences(article.text, block), chunking.min_sentence_chars)
        ]
        limits = {
            "max_chars": chunking.max_chars,
            "max_tokens": chunking.max_tokens,
            "sentence_tokens": [count_tokens(article.text[s.start : s.end]) for s in run_sentences],
        }
        if chunking.window_sentences:
            groups = window_passages(
                run_sentences,
                size=chunking.window_sentences,
                stride=chunking.window_stride,
                **limits,
            )
        else:
            groups = pack_passages(run_sentences, **limits)
        base = len(sentences)
        sentences.extend(run_sentences)
        passages.extend((base + a, base + b) for a, b in groups)
    return ArticleParts(article, tuple(sentences), tuple(passages))


def _paragraph_runs(text: str, blocks: list[Span], cross: bool) -> list[list[Span]]:
    """Kept lines in runs that only whitespace separates (each line alone unless ``cross``)."""
    runs: list[list[Span]] = []
    for block in blocks:
        if cross and runs and not text[runs[-1][-1].end : block.start].strip():
            runs[-1].append(block)
        else:
            runs.append([block])
    return runs


def pipeline_fingerprint(settings: Settings, model: str) -> str:
    payload = {
        "pipeline": PIPELINE_VERSION,
        "model": model,
        "chunking": settings.chunking.__dict__,
        "patterns": list(settings.cleaning.patterns),
        "contextualize": settings.search.contextualize,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def passage_input(article: Article, text: str, contextualize: bool) -> str:
    """What the model embeds for a passage: its text, optionally with headline and date."""
    if not contextualize:
        return text
    when = article.published.isoformat() if article.published else ""
    return f"{article.title} ({when}): {text}" if when else f"{article.title}: {text}"


def build_index(
    settings: Settings,
    embedder: Embedder,
    *,
    incremental: bool = False,
    progress: Progress | None = None,
) -> BuildReport:
    """Build (or, with ``incremental``, refresh) and publish a new index build."""
    store = IndexStore(settings.index_dir)
    with store.writer_lock():
        return _build_locked(settings, embedder, store, incremental, progress or (lambda _: None))


def _build_locked(
    settings: Settings, embedder: Embedder, store: IndexStore, incremental: bool, progress: Progress
) -> BuildReport:
    started = time.perf_counter()
    progress("reading articles")
    fingerprint = pipeline_fingerprint(settings, embedder.name)
    dense_config = dense_settings(settings)
    settings_hash = _settings_hash(settings, fingerprint, dense_config)
    serving = _serving_manifest(store)
    serving_folder = store.builds / serving.build_id if serving else None
    stamp = read_stamp(serving_folder) if incremental and serving_folder else None
    # A serving build that lost or truncated a file is never "unchanged": it is built
    # again (reusing what still loads) instead of being reported current while damaged.
    # Without a stamp there is nothing to check against, and the manifest is trusted.
    intact = stamp is None or stamp.outputs_intact(serving_folder)
    current = (settings.seeds_dir, settings.sources_file, settings_hash)
    if stamp is not None and serving is not None and intact and stamp.is_current(*current):
        # The same bytes as the serving build's: no parsing, no new build, no swap.
        store.collect_garbage()  # what an interrupted refresh may have left
        return _unchanged_report(store, serving, stamp.warnings, started)
    sources_sha256 = file_sha256(settings.sources_file)  # before parsing: see index.inputs
    corpus: Corpus = load_corpus(
        settings.seeds_dir,
        settings.sources_file,
        patterns=settings.cleaning.patterns,
        max_file_bytes=settings.cleaning.max_file_bytes,
        # The same sources.yaml as last time: its parse is in the stamp.
        sources=stamp.parsed_sources(sources_sha256) if stamp is not None else None,
    )
    before = serving.articles if serving is not None else {}
    if (
        incremental
        and serving is not None
        and intact
        and _nothing_changed(serving, corpus, settings_hash)
    ):
        # Reading and hashing the files was all it took: no new build, nothing to swap.
        store.collect_garbage()  # what an interrupted refresh may have left
        return _unchanged_report(store, serving, corpus.warnings, started)
    previous = _previous_index(store, embedder) if incremental else None
    if previous is not None and previous.manifest.chunking.get("fingerprint") != fingerprint:
        previous = None  # cut differently: nothing can be reused

    reuse = _reusable(previous, corpus.articles, settings.search.contextualize) if previous else {}
    to_cut = len(corpus.articles) - len(reuse)
    progress(f"cutting {plural(to_cut, 'article')} into passages")
    # An unchanged article (same bytes, same pipeline) keeps its stored sentence and
    # passage rows: re-cleaning and re-splitting it would cut it exactly the same way.
    parts = [
        reuse[a.doc_id][0]
        if a.doc_id in reuse
        else segment_article(a, settings, embedder.count_tokens)
        for a in corpus.articles
    ]
    for part in parts:
        if not part.passages:
            raise CorpusError(
                f"{settings.seeds_dir / part.article.filename}: no story text left after "
                "cleaning; check the file or remove it"
            )

    to_embed = [p for p in parts if p.article.doc_id not in reuse]
    n_passages = sum(len(p.passages) for p in to_embed)
    progress(f"embedding {plural(n_passages, 'passage')} of {plural(len(to_embed), 'article')}")
    fresh = _embed_parts(to_embed, embedder, settings.search.contextualize)

    dim = embedder.dimension
    passage_vectors = np.empty((sum(len(p.passages) for p in parts), dim), np.float32)
    sentence_vectors = np.empty((sum(len(p.sentences) for p in parts), dim), np.float32)
    passage_rows, sentence_rows = [], []
    passage_base = sentence_base = 0
    for doc_idx, part in enumerate(parts):
        doc_id = part.article.doc_id
        p_end = passage_base + len(part.passages)
        s_end = sentence_base + len(part.sentences)
        # Written in place: no per-article copies and no second array to stack them into
        # (at a million passages each would be another 3 GB).
        if doc_id in reuse:
            p_lo, p_hi, s_lo, s_hi = reuse[doc_id][1]
            passage_vectors[passage_base:p_end] = previous.passage_vectors[p_lo:p_hi]
            sentence_vectors[sentence_base:s_end] = previous.sentence_vectors[s_lo:s_hi]
        else:
            passage_vectors[passage_base:p_end] = fresh[doc_id][0]
            sentence_vectors[sentence_base:s_end] = fresh[doc_id][1]
        for first, last in part.passages:
            start, end = part.sentences[first].start, part.sentences[last - 1].end
            passage_rows.append((doc_idx, start, end, sentence_base + first, sentence_base + last))
        sentence_rows.extend((doc_idx, s.start, s.end) for s in part.sentences)
        passage_base, sentence_base = p_end, s_end
    del fresh  # copied in: free it before the indexes are built

    progress("building the search indexes")
    tokenizer = Tokenizer(settings.search.term_groups)
    terms = _sentence_terms(parts, previous, reuse, tokenizer)
    lexical = _passage_bm25(
        parts,
        np.asarray(passage_rows, dtype=np.int64).reshape(-1, 5),
        terms,
        tokenizer,
        settings.search.contextualize,
    )
    build_id, partial = store.new_build_folder()
    manifest = Manifest(
        format_version=FORMAT_VERSION,
        build_id=build_id,
        built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        model=embedder.name,
        dimension=dim,
        # "dating" tells a later refresh whether this build's dates can be carried over.
        chunking={
            **settings.chunking.__dict__,
            "fingerprint": fingerprint,
            "dating": DATING_VERSION,
        },
        contextualize=settings.search.contextualize,
        index_type="flat",  # set below from the index actually built
        settings_hash=settings_hash,
        passages=len(passage_rows),
        sentences=len(sentence_rows),
        articles={
            p.article.doc_id: {
                "filename": p.article.filename,
                "content_hash": p.article.content_hash,
                "metadata_hash": p.article.metadata_hash,
                "passages": len(p.passages),
                "sentences": len(p.sentences),
            }
            for p in parts
        },
    )
    data = IndexData(
        manifest=manifest,
        folder=partial,
        articles=tuple(p.article for p in parts),
        passages=np.asarray(passage_rows, dtype=np.int64).reshape(-1, 5),
        sentences=np.asarray(sentence_rows, dtype=np.int64).reshape(-1, 3),
        passage_vectors=passage_vectors,
        sentence_vectors=sentence_vectors,
        dense=build_dense(passage_vectors, dense_config),
        lexical=lexical,
        terms=terms,
    )
    data = replace(data, manifest=replace(manifest, index_type=index_kind(data.dense)))
    try:
        # Timeline events: unchanged articles keep the dates read off them last time.
        known = _carried_dates(previous, parts, reuse) if previous is not None else {}
        to_date = len(parts) - len(known)
        progress(f"dating events for the timeline ({to_date} of {plural(len(parts), 'article')})")
        merge = timeline_settings(settings).merge_similarity
        dated = extract_events(data.articles, data.sentences, data.sentence_vectors, merge, known)
        data = replace(data, events=dated.events)
        progress("writing the new index")
        save_build(partial, data)
        new_stamp = InputStamp.of(corpus, sources_sha256, settings_hash)
        write_stamp(partial, new_stamp.with_outputs(partial))
        # CURRENT must never name a build that fails to load: load it as a server would.
        progress("checking the new index")
        load_build(partial, model=embedder.name, dimension=dim)
        folder = store.publish(build_id, partial)
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        # A full disk or a permission problem is the user's to fix: say so in one line.
        raise StorageError(
            f"cannot write the new index in {store.root}: {exc.strerror or exc}; "
            "the previous index keeps serving (free space or fix permissions, then refresh)"
        ) from None
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise

    now = {p.article.doc_id: p.article for p in parts}
    added = tuple(d for d in now if d not in before)
    removed = tuple(d for d in before if d not in now)
    changed = tuple(
        d
        for d in now
        if d in before
        and (
            before[d]["content_hash"] != now[d].content_hash
            or before[d]["metadata_hash"] != now[d].metadata_hash
        )
    )
    unchanged = tuple(d for d in now if d in before and d not in changed)
    return BuildReport(
        build_id=build_id,
        added=added,
        updated=changed,
        removed=removed,
        unchanged=unchanged,
        passages=len(passage_rows),
        sentences=len(sentence_rows),
        embedded_passages=n_passages,
        embedded_sentences=sum(len(p.sentences) for p in to_embed),
        seconds=time.perf_counter() - started,
        per_article={p.article.doc_id: len(p.passages) for p in parts},
        warnings=corpus.warnings + dated.warnings,
        folder=folder,
    )


def _previous_index(store: IndexStore, embedder: Embedder) -> IndexData | None:
    try:
        return load_current(store, model=embedder.name, dimension=embedder.dimension)
    except (IndexMissingError, IndexInvalidError):
        return None  # nothing usable to reuse: embed everything


def _serving_manifest(store: IndexStore) -> Manifest | None:
    """The manifest of the build serving now, to report (and skip) what is unchanged."""
    try:
        folder = store.current_build()
        return read_manifest(folder) if folder is not None else None
    except TalkbotError:
        return None


def _settings_hash(settings: Settings, fingerprint: str, dense: DenseSettings) -> str:
    """Everything besides the files that a build's contents depend on."""
    payload = {
        "fingerprint": fingerprint,
        "aliases": [list(g) for g in settings.search.term_groups],  # BM25 terms
        "timeline": timeline_settings(settings).__dict__,  # event merging
        "dating": DATING_VERSION,  # how dates are read (index.dates)
        "index": dense.__dict__,
        "format": FORMAT_VERSION,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _nothing_changed(serving: Manifest, corpus: Corpus, settings_hash: str) -> bool:
    if not serving.settings_hash or serving.settings_hash != settings_hash:
        return False
    if len(serving.articles) != len(corpus.articles):
        return False
    for article in corpus.articles:
        info = serving.articles.get(article.doc_id)
        if (
            info is None
            or info.get("filename") != article.filename
            or info.get("content_hash") != article.content_hash
            or info.get("metadata_hash") != article.metadata_hash
        ):
            return False
    return True


def _unchanged_report(
    store: IndexStore, serving: Manifest, warnings: tuple[str, ...], started: float
) -> BuildReport:
    ids = tuple(serving.articles)  # the files are the serving build's, in its order
    return BuildReport(
        build_id=serving.build_id,
        added=(),
        updated=(),
        removed=(),
        unchanged=ids,
        passages=serving.passages,
        sentences=serving.sentences,
        embedded_passages=0,
        embedded_sentences=0,
        seconds=time.perf_counter() - started,
        per_article={d: int(serving.articles[d]["passages"]) for d in ids},
        warnings=warnings,
        folder=store.builds / serving.build_id,
    )


def _reusable(
    previous: IndexData, articles: tuple[Article, ...], contextualize: bool
) -> dict[str, tuple[ArticleParts, tuple[int, int, int, int]]]:
    """Stored rows of articles that are exactly as before, and where their vectors are.

    Each gets its parts and its passage and sentence row ranges in ``previous``
    (``p_lo, p_hi, s_lo, s_hi``), from which the build copies its vectors.

    Exact means the same bytes (content hash) under the same pipeline (the caller has
    checked the fingerprint), plus the same metadata when passages embed it as context.
    """
    n_docs = len(previous.articles)
    # Rows are written in article order, so each article's rows are one contiguous range.
    p_bounds = np.searchsorted(previous.passages[:, 0], np.arange(n_docs + 1))
    s_bounds = np.searchsorted(previous.sentences[:, 0], np.arange(n_docs + 1))
    reuse: dict[str, tuple[ArticleParts, tuple[int, int, int, int]]] = {}
    for article in articles:
        doc_id = article.doc_id
        info = previous.manifest.articles.get(doc_id)
        if info is None or info["content_hash"] != article.content_hash:
            continue
        if contextualize and info["metadata_hash"] != article.metadata_hash:
            continue
        d = previous.doc_index[doc_id]
        p_lo, p_hi = int(p_bounds[d]), int(p_bounds[d + 1])
        s_lo, s_hi = int(s_bounds[d]), int(s_bounds[d + 1])
        if p_hi - p_lo != info["passages"] or s_hi - s_lo != info["sentences"]:
            continue  # not the layout this code writes: embed it again rather than guess
        sentences = tuple(Span(a, b) for a, b in previous.sentences[s_lo:s_hi, 1:3].tolist())
        rows = previous.passages[p_lo:p_hi, 3:5] - s_lo
        passages = tuple((a, b) for a, b in rows.tolist())
        reuse[doc_id] = (ArticleParts(article, sentences, passages), (p_lo, p_hi, s_lo, s_hi))
    return reuse


def _sentence_terms(
    parts: list[ArticleParts],
    previous: IndexData | None,
    reuse: dict[str, object],
    tokenizer: Tokenizer,
) -> TermRows:
    """Every sentence's BM25 terms; a reused article keeps the rows stored for it.

    Only changed and added articles are tokenised: with one article changed among many,
    this step costs about that one article. Stored rows made with other aliases are not
    the terms this tokenizer gives, so then everything is tokenised again.
    """
    kept: dict[str, TermRows] = {}  # doc_id -> its stored rows
    if previous is not None and previous.terms.key == tokenizer.key:
        bounds = np.searchsorted(previous.sentences[:, 0], np.arange(len(previous.articles) + 1))
        for part in parts:
            d = previous.doc_index.get(part.article.doc_id)
            if part.article.doc_id in reuse and d is not None:
                kept[part.article.doc_id] = previous.terms.slice(int(bounds[d]), int(bounds[d + 1]))
    fresh = TermRows.tokenize(
        (
            p.article.text[s.start : s.end]
            for p in parts
            if p.article.doc_id not in kept
            for s in p.sentences
        ),
        tokenizer,
    )
    pieces, at = [], 0
    for part in parts:
        if part.article.doc_id in kept:
            pieces.append(kept[part.article.doc_id])
        else:
            pieces.append(fresh.slice(at, at + len(part.sentences)))
            at += len(part.sentences)
    return TermRows.join(pieces, tokenizer.key)


def _passage_bm25(
    parts: list[ArticleParts],
    passages: np.ndarray,
    terms: TermRows,
    tokenizer: Tokenizer,
    contextualize: bool,
) -> LexicalIndex:
    """Passage BM25 from the sentence rows: a passage's terms are its sentences' terms.

    Sentences are cut at terminal punctuation or a line break and only whitespace lies
    between them, so tokenising a passage's text gives the same terms (tests check it on
    the seeds); the one exception would be a multi-word alias broken across two lines.
    Passages embedded with their headline and date also get those terms, tokenised once
    per article.
    """
    spans = passages[:, 3:5]
    if not contextualize:
        return LexicalIndex.from_rows(terms, spans)
    context = TermRows.tokenize((passage_input(p.article, "", True) for p in parts), tokenizer)
    return LexicalIndex.from_rows(terms, spans, context, passages[:, 0])


def _carried_dates(
    previous: IndexData, parts: list[ArticleParts], reuse: dict[str, object]
) -> dict[int, list[DatedMention]]:
    """The dates of reused articles as the previous build read them, renumbered to this one.

    Dates depend on the text (the same: the article is reused) and on the publication
    date, which metadata may change, so only articles published on the same known day
    carry over; an undated article is read again so its warning is counted again.
    """
    if previous.events is None or previous.manifest.chunking.get("dating") != DATING_VERSION:
        return {}
    by_doc = mentions_by_article(previous.events, previous.sentences)
    old_firsts = np.searchsorted(previous.sentences[:, 0], np.arange(len(previous.articles)))
    carried: dict[int, list[DatedMention]] = {}
    base = 0  # this build's first sentence row of the article
    for doc_idx, part in enumerate(parts):
        article = part.article
        old = previous.doc_index.get(article.doc_id)
        if (
            article.doc_id in reuse
            and old is not None
            and article.published is not None
            and previous.articles[old].published == article.published
        ):
            shift = base - int(old_firsts[old])
            carried[doc_idx] = [
                replace(m, sentence=replace(m.sentence, sid=m.sentence.sid + shift))
                for m in by_doc.get(old, [])
            ]
        base += len(part.sentences)
    return carried


def _embed_parts(
    parts: list[ArticleParts], embedder: Embedder, contextualize: bool
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Embed the passages and sentences of ``parts`` in as few model calls as possible."""
    passage_texts, sentence_texts = [], []
    for part in parts:
        text = part.article.text
        for first, last in part.passages:
            span = text[part.sentences[first].start : part.sentences[last - 1].end]
            passage_texts.append(passage_input(part.article, span, contextualize))
        sentence_texts.extend(text[s.start : s.end] for s in part.sentences)
    pv = embedder.encode(passage_texts)
    sv = embedder.encode(sentence_texts)
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    pi = si = 0
    for part in parts:
        np_, ns = len(part.passages), len(part.sentences)
        out[part.article.doc_id] = (pv[pi : pi + np_], sv[si : si + ns])
        pi += np_
        si += ns
    return out
