"""A refresh killed at any step (kill -9) leaves a loadable index that still answers.

Each case runs a real refresh in a subprocess and SIGKILLs it at one step: while
embedding, while writing the build's files, between renaming the finished build into
place and switching ``CURRENT``, and right after the switch. The standard library's
``os.replace`` and FAISS's ``write_index`` are wrapped only to pick the moment of the
kill; everything else is the real pipeline.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from dataclasses import replace

import pytest

from index.build import build_index
from index.engine import Engine
from index.store import IndexStore, load_current
from tests.conftest import ROOT

CHILD = textwrap.dedent(
    """
    import json, os, signal, sys
    from pathlib import Path
    import faiss, torch
    torch.set_num_threads(1)
    from index.settings import load_settings
    from dataclasses import replace
    from index.embed import Embedder
    from index import build, dense, store

    point, seeds, data = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    settings = replace(load_settings(Path(sys.argv[4])), seeds_dir=seeds,
                       sources_file=seeds / "sources.yaml", data_dir=data)
    die = lambda: os.kill(os.getpid(), signal.SIGKILL)

    def progress(message):
        if point == "embedding" and message.startswith("embedding"):
            die()

    if point == "writing":
        real_write = faiss.write_index
        dense.faiss.write_index = lambda *a: (real_write(*a), die())
    real_replace = os.replace
    calls = []
    def replace_then_maybe_die(src, dst):
        real_replace(src, dst)
        calls.append(dst)
        if point == "renamed" and len(calls) == 1:   # build folder in place, CURRENT not switched
            die()
        if point == "switched" and str(dst).endswith("CURRENT"):
            die()
    store.os.replace = replace_then_maybe_die
    build.build_index(settings, Embedder(settings.embedding), incremental=True, progress=progress)
    print(json.dumps({"finished": True}))
    """
)


@pytest.mark.parametrize("point", ["embedding", "writing", "renamed", "switched"])
def test_refresh_killed_at_each_step_leaves_a_loadable_index(corpus_copy, embedder, point):
    first = build_index(corpus_copy, embedder)
    # A change to refresh, so the child has real work to do at every step.
    path = corpus_copy.seeds_dir / "004_6dc6bf0e0f4b01e5.txt"
    path.write_text(
        path.read_text(encoding="utf-8") + "\nThe talks were postponed again.\n", encoding="utf-8"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            point,
            str(corpus_copy.seeds_dir),
            str(corpus_copy.data_dir),
            str(ROOT / "config" / "talkbot.yaml"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == -9, result.stderr[-2000:]

    store = IndexStore(corpus_copy.index_dir)
    data = load_current(store, model=embedder.name, dimension=embedder.dimension)
    # Either the old build or the complete new one serves, never a partial one.
    if point in ("embedding", "writing", "renamed"):
        assert data.manifest.build_id == first.build_id
    else:
        assert data.manifest.build_id != first.build_id
        assert data.manifest.passages == first.passages + 1 or data.manifest.passages > 0
    engine = Engine(corpus_copy, embedder, data)
    assert engine.ask("Who called the document spam?").found

    # The next refresh cleans up whatever the killed one left and succeeds.
    report = build_index(replace(corpus_copy), embedder, incremental=True)
    assert not [p for p in store.builds.iterdir() if p.name.endswith(".partial")]
    assert load_current(store, model=embedder.name).manifest.build_id == report.build_id
    json.dumps(report.to_dict())
