"""``talkbot eval``: retrieval and answer quality on the labelled questions in tests/eval/.

A thin front door onto :mod:`index.evaluate`: it loads the settings, the model and the
serving index (or, with ``--compare``, builds throwaway indexes of each variant in
temporary folders) and prints the figures, as text, JSON or the markdown of
docs/quality.md (``talkbot eval --compare --markdown > docs/quality.md``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from index.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "eval", help="measure search and answer quality on the labelled questions"
    )
    parser.add_argument(
        "--set",
        choices=("questions", "heldout", "both"),
        default="questions",
        help="which question set (default: questions, the development set)",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="build and evaluate every variant (retrievers, fusions, sizes, techniques)",
    )
    parser.add_argument("--markdown", action="store_true", help="print the docs/quality.md report")
    parser.add_argument(
        "--typed",
        choices=("lower", "upper", "typo"),
        help="ask the questions as chat users type them: in lower case, in capitals, or "
        "with two letters of the longest name swapped (labels unchanged)",
    )
    parser.add_argument(
        "--eval-dir",
        type=Path,
        default=Path("tests/eval"),
        help="folder of questions.yaml and heldout.yaml",
    )
    parser.set_defaults(func=cmd_eval)


def cmd_eval(args: argparse.Namespace) -> int:
    from index import evaluate as ev
    from index.embed import Embedder

    settings = load_settings(args.config)
    sets = ev.question_sets(
        args.set if not args.compare else "both", args.eval_dir, settings.seeds_dir
    )
    embedder = Embedder.serving(settings)
    if args.compare:
        progress = lambda m: print(f"… {m}", file=sys.stderr)  # noqa: E731
        results = ev.compare(settings, embedder, sets, ev.default_variants(settings), progress)
        if args.json:
            print(
                json.dumps(
                    {v.name: {n: r.figures() for n, r in reps.items()} for v, reps in results}
                )
            )
        else:
            print(ev.report_markdown(results, sets))
        return 0
    from index.engine import Engine

    engine = Engine.open(settings, embedder)
    if args.typed:
        sets = {name: ev.retyped(qs, args.typed) for name, qs in sets.items()}
    reports = {name: ev.evaluate(engine, qs, name) for name, qs in sets.items()}
    if args.json:
        print(
            json.dumps(
                {
                    n: {"all": r.figures(), **{k: r.figures(k) for k in r.kinds()}}
                    for n, r in reports.items()
                }
            )
        )
    else:
        for name, report in reports.items():
            print(f"## {name}\n")
            print(ev.kind_table(report) if args.markdown else ev.format_figures(report.figures()))
            print()
    return 0
