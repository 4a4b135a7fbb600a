"""Plain-text rendering of engine results for the terminal (CLI and console)."""

from __future__ import annotations

import textwrap

from index.build import BuildReport
from index.records import Answer, SearchHit, SourceInfo
from index.wording import plural

WIDTH = 88


def outlet_date(outlet: str | None, published) -> str:
    return (
        f"{outlet or 'unknown outlet'} · {published.isoformat() if published else 'date unknown'}"
    )


def format_answer(answer: Answer) -> str:
    note = answer.footnote()
    if not answer.found:
        text = f"Not found: {answer.reason or answer.answer}" + (f" ({note})" if note else "")
        return textwrap.fill(text, WIDTH)
    lines = [f"({note})"] if note else []
    lines += [textwrap.fill(answer.answer, WIDTH), ""]
    for c in answer.citations:
        lines.append(f"[{c.n}] {outlet_date(c.outlet, c.published)} — {c.title}")
        if c.url:
            lines.append(f"    {c.url}")
        excerpt = " ".join(c.excerpt.split())
        lines.append(
            textwrap.fill(f"“{excerpt}”", WIDTH, initial_indent="    ", subsequent_indent="    ")
        )
        lines.append(f"    ({c.doc_id}, characters {c.start}–{c.end})")
    return "\n".join(lines)


def format_hits(query: str, hits: list[SearchHit]) -> str:
    if not hits:
        return f"No passages for: {query}"
    lines = []
    for hit in hits:
        p = hit.passage
        lines.append(
            f"{hit.rank:>2}. score {hit.score:.4f} (dense {hit.dense_score:.3f}, "
            f"bm25 {hit.lexical_score:.2f})  {p.doc_id} [{p.start}:{p.end}]"
        )
        lines.append(
            textwrap.fill(
                " ".join(p.text.split()), WIDTH, initial_indent="    ", subsequent_indent="    "
            )
        )
    return "\n".join(lines)


def format_sources(sources: list[SourceInfo]) -> str:
    lines = [f"{plural(len(sources), 'article')} indexed:"]
    for s in sources:
        lines.append(f"- {s.title}")
        lines.append(
            f"  {outlet_date(s.outlet, s.published)} · {plural(s.passages, 'passage')} · {s.doc_id}"
        )
        if s.url:
            lines.append(f"  {s.url}")
    return "\n".join(lines)


def format_build(report: BuildReport) -> str:
    lines = [
        f"Built index {report.build_id}: {plural(report.passages, 'passage')}, "
        f"{plural(report.sentences, 'sentence')} from {plural(len(report.per_article), 'article')} "
        f"in {report.seconds:.1f} s"
    ]
    for doc_id, count in report.per_article.items():
        lines.append(f"  {doc_id}: {plural(count, 'passage')}")
    lines.extend(format_changes(report))
    return "\n".join(lines)


def format_changes(report: BuildReport) -> list[str]:
    lines = []
    for label, ids in (
        ("added", report.added),
        ("updated", report.updated),
        ("removed", report.removed),
        ("unchanged", report.unchanged),
    ):
        if ids:
            lines.append(f"  {label}: {', '.join(ids)}")
    reused = report.passages - report.embedded_passages
    lines.append(
        f"  embedded {plural(report.embedded_passages, 'passage')}"
        + (f", reused the stored vectors of {reused}" if reused else "")
    )
    lines.extend(f"warning: {w}" for w in report.warnings)
    return lines
