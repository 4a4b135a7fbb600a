"""``talkbot model export [--force] [--json]``: the ONNX export questions are embedded with.

A thin front door onto :func:`index.onnx_export.ensure_query_export`. It writes the export
into ``<data_dir>/models`` and keeps a valid one as it is, so ``make run`` and ``make test``
run it on every start at the cost of one check. Errors are TalkbotErrors, printed as one
line by ``bot.cli.main``.
"""

from __future__ import annotations

import argparse
import json


def register(subparsers: argparse._SubParsersAction) -> None:
    model = subparsers.add_parser("model", help="the embedding model's ONNX export for questions")
    model_sub = model.add_subparsers(title="model commands", metavar="ACTION")
    export = model_sub.add_parser(
        "export",
        help="export the model to ONNX (offline) so answering needs no torch; checked against "
        "sentence-transformers, kept when already valid",
    )
    export.add_argument("--force", action="store_true", help="export again even if valid")
    export.add_argument("--json", action="store_true", help="print the report as JSON")
    export.set_defaults(func=cmd_export)
    model.set_defaults(func=lambda _args: (model.print_help(), 2)[1])


def cmd_export(args: argparse.Namespace) -> int:
    from index.onnx_encoder import export_folder
    from index.onnx_export import ensure_query_export
    from index.settings import load_settings

    settings = load_settings(args.config)
    report = ensure_query_export(
        settings.embedding, export_folder(settings.data_dir), force=args.force
    )
    if args.json:
        print(
            json.dumps(
                {
                    "path": str(report.path),
                    "digest": report.digest,
                    "reused": report.reused,
                    "seconds": round(report.seconds, 3),
                    "min_cosine": report.min_cosine,
                    "texts_checked": report.texts,
                }
            )
        )
    elif report.reused:
        print(f"ONNX export already there and valid: {report.path}")
    else:
        print(
            f"Exported {settings.embedding.model} to {report.path} in {report.seconds:.0f} s; "
            f"worst cosine to sentence-transformers over {report.texts} texts: "
            f"{report.min_cosine:.7f}"
        )
    return 0
