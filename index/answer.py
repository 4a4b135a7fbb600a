"""Extractive answers: verbatim sentences from the best passages, each with a citation.

No text is generated. Candidate sentences come from the top-ranked passages; each is
scored against the question with the sentence vectors stored at index time (so answering
costs one model call, the question's), its passage's rank and its coverage of the
question's key terms. Sentences are chosen by maximal marginal relevance; a sentence that
repeats a chosen one (two outlets carrying the same quote) is not repeated but adds its
article as a further citation of the chosen one. When the best evidence is too weak the
answer is ``found=False`` with a plain reason, never a loosely related quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from index.lexical import Tokenizer
from index.records import Answer, Citation
from index.search import Query, ScoredPassage
from index.settings import AnswerSettings
from index.store import IndexData

NOT_FOUND = "The indexed articles don't answer that question."
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ScoredSentence:
    sid: int
    relevance: float
    similarity: float  # cosine to the question
    coverage: float  # share of the question's key terms present


def compose_answer(
    data: IndexData,
    query: Query,
    ranked: list[ScoredPassage],
    tokenizer: Tokenizer,
    settings: AnswerSettings,
    *,
    passages_considered: int = 5,
) -> Answer:
    candidates = _score_sentences(data, query, ranked[:passages_considered], tokenizer)
    if not candidates or not _is_relevant(candidates[0], settings):
        return Answer(query.text, False, NOT_FOUND, (), reason=NOT_FOUND)
    chosen = _select(data, candidates, settings)
    return _render(data, query.text, chosen)


def _score_sentences(
    data: IndexData, query: Query, ranked: list[ScoredPassage], tokenizer: Tokenizer
) -> list[ScoredSentence]:
    key_terms = set(query.terms)
    scored: list[ScoredSentence] = []
    for rank, hit in enumerate(ranked):
        first, last = int(data.passages[hit.pid, 3]), int(data.passages[hit.pid, 4])
        sims = data.sentence_vectors[first:last] @ query.vector
        passage_prior = 1.0 / (1.0 + rank)
        for offset, sid in enumerate(range(first, last)):
            sentence = data.sentence(sid)
            terms = set(tokenizer.terms(sentence.text))
            coverage = len(key_terms & terms) / len(key_terms) if key_terms else 0.0
            similarity = float(sims[offset])
            relevance = 0.6 * similarity + 0.25 * coverage + 0.15 * passage_prior
            scored.append(ScoredSentence(sid, relevance, similarity, coverage))
    scored.sort(key=lambda s: (-s.relevance, s.sid))
    return scored


def _is_relevant(best: ScoredSentence, settings: AnswerSettings) -> bool:
    return best.similarity >= settings.min_score or (
        best.coverage >= 0.5 and best.similarity >= settings.min_score - 0.1
    )


def _select(
    data: IndexData, candidates: list[ScoredSentence], settings: AnswerSettings
) -> list[list[int]]:
    """Groups of sentence ids: the chosen sentence first, then its duplicates elsewhere."""
    best = candidates[0].relevance
    pool = [c for c in candidates if c.relevance >= 0.8 * best]
    vectors = data.sentence_vectors
    groups: list[list[int]] = []
    while pool and len(groups) < settings.max_sentences:
        if groups:
            chosen_vecs = np.asarray(vectors[[g[0] for g in groups]])
            mmr = [
                settings.mmr_lambda * c.relevance
                - (1 - settings.mmr_lambda) * float(np.max(chosen_vecs @ vectors[c.sid]))
                for c in pool
            ]
            pick = pool[int(np.argmax(mmr))]
        else:
            pick = pool[0]
        pool.remove(pick)
        duplicate_of = _duplicate_group(data, groups, pick.sid, settings.duplicate_similarity)
        if duplicate_of is None:
            groups.append([pick.sid])
        elif data.sentences[pick.sid, 0] not in {data.sentences[s, 0] for s in duplicate_of}:
            duplicate_of.append(pick.sid)  # the same point from another article: cite it too
    return groups


def _duplicate_group(
    data: IndexData, groups: list[list[int]], sid: int, threshold: float
) -> list[int] | None:
    for group in groups:
        if float(data.sentence_vectors[group[0]] @ data.sentence_vectors[sid]) >= threshold:
            return group
    return None


def _render(data: IndexData, question: str, groups: list[list[int]]) -> Answer:
    citations: list[Citation] = []
    parts: list[str] = []
    for group in groups:
        markers = ""
        for sid in group:
            sentence = data.sentence(sid)
            article = data.article_of_sentence(sid)
            n = len(citations) + 1
            citations.append(
                Citation(
                    n=n,
                    doc_id=article.doc_id,
                    title=article.title,
                    outlet=article.outlet,
                    published=article.published,
                    url=article.url,
                    excerpt=sentence.text,
                    start=sentence.start,
                    end=sentence.end,
                )
            )
            markers += f"[{n}]"
        lead = data.sentence(group[0]).text
        parts.append(f"{_SPACE.sub(' ', lead).strip()} {markers}")
    return Answer(question, True, " ".join(parts), tuple(citations))
