"""The engine's front door: one object the CLI and the Discord cogs both call.

It composes the pieces (settings, embedder, the loaded index) rather than owning their
logic. The serving index is one attribute swapped in a single assignment, so a question
in flight keeps the index it started with and a refresh never shows a half-built state.
Everything here is blocking; async callers use ``asyncio.to_thread``.
"""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import replace

from index.answer import compose_answer
from index.build import BuildReport, build_index
from index.embed import Embedder
from index.english import english_count
from index.errors import BusyError, QuestionError, TalkbotError
from index.lexical import Tokenizer, fold
from index.outlets import named_outlets
from index.records import Answer, SearchHit, SourceInfo
from index.roles import read_roles, with_names
from index.search import Query, retrieve
from index.sentence_table import SentenceTable, sentence_table
from index.settings import Settings
from index.shorthand import expand_shorthand
from index.spelling import corrected_text, corrections
from index.store import IndexData, IndexStore, load_current
from index.timeline import Timeline, make_timeline, timeline_settings

_INVISIBLE = re.compile(r"[\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_SPACE = re.compile(r"\s+")
_LETTER_WORD = re.compile(r"[^\W\d_]+")


def normalize_question(text: str, max_chars: int) -> str:
    """The question as the engine reads it; QuestionError if it can't be asked."""
    return _normalized(
        text, max_chars, "question", "ask something like: what did Putin propose?", "ask"
    )


def normalize_topic(text: str, max_chars: int) -> str:
    """A timeline topic, read like a question; QuestionError naming the topic if unusable."""
    return _normalized(text, max_chars, "topic", "give one like: Istanbul talks", "give it")


def _normalized(text: str, max_chars: int, what: str, example: str, verb: str) -> str:
    # ``what`` names the input in messages: a timeline topic is not "the question".
    if not isinstance(text, str):
        raise QuestionError(f"the {what} must be text")
    # NFKC, not NFC: "ｗｈａｔ ｄｉｄ ｐｕｔｉｎ ｓａｙ" (fullwidth, as some keyboards type) and
    # ligatures read as the letters they show; the articles' text is never changed.
    cleaned = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    cleaned = "".join(c if c.isprintable() or c.isspace() else " " for c in cleaned)
    cleaned = _SPACE.sub(" ", cleaned).strip()
    if not cleaned:
        raise QuestionError(f"the {what} is empty; {example}")
    if len(cleaned) > max_chars:
        raise QuestionError(
            f"the {what} is {len(cleaned):,} characters long; the limit is {max_chars:,}"
        )
    if not any(c.isalnum() for c in cleaned):
        raise QuestionError(f"the {what} has no words in it; {verb} in words")
    return cleaned


class Engine:
    """Answers, search and sources over the serving index; refreshes it in place."""

    def __init__(self, settings: Settings, embedder: Embedder, data: IndexData) -> None:
        self.settings = settings
        self.embedder = embedder
        self.tokenizer = Tokenizer(settings.search.term_groups)
        # A timeline topic is a filter on what events say: spelling variants, not synonyms,
        # or "Istanbul talks" would take in every sentence about negotiations.
        self.topic_tokenizer = Tokenizer(settings.search.aliases)
        self.store = IndexStore(settings.index_dir)
        self._data = data
        self._refresh_lock = threading.Lock()
        self._reload_lock = threading.Lock()
        self._failed_build: str | None = None
        self.reload_error: str | None = None  # why the last periodic reload failed

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> Engine:
        """Load the model (unless given) and the serving index.

        No index, or ``CURRENT`` naming a build that is gone, is refused before the model
        loads: that takes seconds, and would only delay "run: talkbot index build".
        """
        store = IndexStore(settings.index_dir)
        folder = store.current_build()
        if folder is None or not folder.is_dir():
            # load_current says why in its own words (missing, or CURRENT names a build
            # that is gone) and reads no arrays; the model's name is all it needs.
            load_current(store, model=embedder.name if embedder else settings.embedding.model)
        embedder = embedder or Embedder.serving(settings)
        data = load_current(store, model=embedder.name, dimension=embedder.dimension)
        # The English word list (index.english) loads in 0.3-0.4 s: now, with the model,
        # not while the first question that needs it waits.
        english_count("the")
        return cls(settings, embedder, data)

    @property
    def data(self) -> IndexData:
        return self._data

    # -- questions -------------------------------------------------------------------

    def query(self, text: str, data: IndexData | None = None) -> Query:
        """The question embedded and tokenised, a typo in a name read as the index's word."""
        data = data or self._data
        table = sentence_table(data, self.tokenizer)
        # "how many ppl were killed": read as "people" by everything that reads it.
        typed, text = text, expand_shorthand(text)
        fixes = corrections(
            text,
            data,
            self.tokenizer,
            table,
            known_word=self._whole_word,
        )
        fixed = {f.typed_term: f.term for f in fixes}
        corrected = corrected_text(text, fixes) if fixes else None
        as_read = corrected
        # "the Ukrainian leader" is read as the one the articles call so: Zelenskyy.
        roles = (
            read_roles(as_read or text, data, self.tokenizer)
            if self.settings.search.read_roles
            else ()
        )
        if roles:
            as_read = with_names(as_read or text, roles)
        # The model reads the names meant too: "Ukriane" is far from "Ukraine" to it.
        vector = self.embedder.encode_query(as_read or text)
        # From the corrected text, so a typo inside a phrase ("Unietd States") folds with
        # the rest of it into the phrase's one term.
        terms = tuple(self.tokenizer.terms(corrected or text)) + tuple(
            t for r in roles for t in self.tokenizer.terms(r.surname)
        )
        # "According to the Ynet piece": where it was reported, not a word to match.
        named = named_outlets(text, data, self.tokenizer)
        terms = tuple(t for t in terms if t not in named.terms)
        read_as = tuple((f.typed, f.word) for f in fixes) + tuple((r.role, r.name) for r in roles)
        unused = self._unused_words(as_read or text, table) - named.terms
        return Query(
            text,
            vector,
            terms,
            tuple(fixed.items()),
            read_as,
            as_read,
            unused,
            typed=typed if typed != text else None,
            outlets=named.outlets,
            outlet_terms=named.terms,
        )

    def _unused_words(self, text: str, table: SentenceTable) -> frozenset[str]:
        """Terms of the words of ``text`` that the index never uses and the model has a
        whole word for: English words the articles don't use, not typos of theirs."""
        out: set[str] = set()
        in_phrases = self.tokenizer.phrase_words(text)
        for word in _LETTER_WORD.findall(text):
            if fold(word) in in_phrases:
                continue  # "Kingdom" of "the United Kingdom", a phrase the index uses
            terms = self.tokenizer.word_terms(word)
            unused = bool(terms) and not any(t in table.idf for t in terms)
            if unused and self._whole_word(word):
                out.update(terms)
        return frozenset(out)

    def _whole_word(self, word: str) -> bool:
        """Whether the model has ``word`` as one word piece: a real word, not a typo."""
        return self.embedder.count_tokens(word.lower()) == 1

    def ask(self, question: str) -> Answer:
        """A verbatim, cited answer, or found=False with the reason."""
        text = normalize_question(question, self.settings.answer.max_question_chars)
        data = self._data  # one index for the whole question, whatever a refresh does
        t0 = time.perf_counter()
        query = self.query(text, data)
        t1 = time.perf_counter()
        search = self.settings.search
        retrieval = retrieve(data, query, search, self.settings.answer.passages, self.tokenizer)
        t2 = time.perf_counter()
        answer = compose_answer(data, query, retrieval, self.tokenizer, self.settings.answer)
        t3 = time.perf_counter()
        timings = {"embed": t1 - t0, "retrieve": t2 - t1, "compose": t3 - t2, "total": t3 - t0}
        return replace(answer, timings=timings, read_as=query.read_as)

    def search(self, query: str, k: int | None = None) -> list[SearchHit]:
        """Ranked passages with their fused, dense and BM25 scores."""
        text = normalize_question(query, self.settings.answer.max_question_chars)
        k = k or self.settings.search.top_k
        if k < 1:
            raise QuestionError(f"k must be at least 1, not {k}")
        data = self._data
        query = self.query(text, data)
        ranked = retrieve(data, query, self.settings.search, k, self.tokenizer).passages
        return [
            SearchHit(rank, hit.score, data.passage(hit.pid), hit.dense, hit.lexical)
            for rank, hit in enumerate(ranked, start=1)
        ]

    def sources(self) -> list[SourceInfo]:
        data = self._data
        counts = data.passage_counts()
        return [
            SourceInfo(
                a.doc_id, a.title, a.outlet, a.published, a.url, counts.get(a.doc_id, 0), a.author
            )
            for a in data.articles
        ]

    def timeline(
        self, topic: str | None = None, since: str | None = None, until: str | None = None
    ) -> Timeline:
        """Dated events in date order; with a topic only those about it (one model call).

        ``since``/``until`` are YYYY-MM-DD, YYYY-MM or YYYY. QuestionError when the dates
        are not dates, are the wrong way round, or leave nothing to show.
        """
        if topic is not None and not topic.strip():
            topic = None  # a blank topic means every event, as in "/timeline" alone
        if topic is not None:
            topic = normalize_topic(topic, self.settings.answer.max_question_chars)
        return make_timeline(
            self._data,
            timeline_settings(self.settings),
            topic=topic,
            since=since,
            until=until,
            encode=self.embedder.encode_query,
            tokenizer=self.topic_tokenizer,
        )

    # -- keeping the index current ---------------------------------------------------

    def refresh(
        self, *, incremental: bool = True, progress: Callable[[str], None] | None = None
    ) -> BuildReport:
        """Rebuild beside the serving index, then swap; one refresh at a time."""
        if not self._refresh_lock.acquire(blocking=False):
            raise BusyError("a refresh is already running; try again when it has finished")
        try:
            report = build_index(
                self.settings, self.embedder, incremental=incremental, progress=progress
            )
            with self._reload_lock:  # the index follower may be loading the same build
                self.reload()
            return report
        finally:
            self._refresh_lock.release()

    def reload(self) -> bool:
        """Swap to the build CURRENT names, if it is not the one serving; True if swapped."""
        folder = self.store.current_build()
        if folder is None or folder == self._data.folder:
            return False
        fresh = load_current(
            self.store, model=self.embedder.name, dimension=self.embedder.dimension
        )
        self._data = fresh  # a single assignment: readers see the old or the new, never a mix
        return True

    def reload_if_changed(self) -> bool:
        """The periodic check of a server sharing its index folder with a refresher.

        Reads only ``CURRENT`` (a few bytes) unless it names a build other than the one
        serving; then loads that build and swaps. A build that fails to load is reported
        in :attr:`reload_error` and not retried until ``CURRENT`` names another one, and
        the serving index keeps answering. True if swapped. Cheap enough to call every
        few seconds (docs/scaling.md).
        """
        try:
            name = self.store.current_build_id()
        except TalkbotError as exc:
            self.reload_error = str(exc)
            return False
        if name is None or name == self._data.folder.name or name == self._failed_build:
            return False
        with self._reload_lock:
            try:
                swapped = self.reload()
            except TalkbotError as exc:
                self._failed_build, self.reload_error = name, str(exc)
                return False
            self._failed_build = self.reload_error = None
            return swapped
