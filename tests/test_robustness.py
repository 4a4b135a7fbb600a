"""Bad input never crashes the pipeline or breaks its invariants (property-based).

The cleaner, the sentence and passage splitter, date extraction and citation offsets are
fed arbitrary Unicode, CRLF, control characters, mixed scripts and binary-looking text;
whatever comes out must still quote the input exactly (``text[start:end] == excerpt``)
and dates must stay within sane bounds.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.chunk import merge_short, pack_passages, split_sentences
from index.clean import clean_article
from index.dates import find_dates
from tests.conftest import CONFIG, ROOT, SEEDS

SEED_TEXT = (SEEDS / "000_086fd48e31ce2218.txt").read_text(encoding="utf-8")

# Text that looks like pages: real prose, furniture, CRLF, control chars, other scripts.
pieces = st.sampled_from(
    [
        "Zelenskyy said on June 4 that talks in Istanbul were pointless.",
        "U.S. President Donald J. Trump spoke. ",
        "\r\n",
        "\n\n",
        "\r",
        "\x00",
        "\x07",
        "\u200b",
        "\ufeff",
        "\u00a0",
        "\u2028",
        "please wait",
        "0:00 0:01:04 0:00",
        "XS",
        "נשיא רוסיה פוטין",
        "نموذج الاتصال",
        "“Quoted,” he said.",
        "May they have a long future!",
        "...",
        "?!",
        "\ud7ff",
        "In October 2022 and July 2023 it was damaged.",
        "@everyone <@&123> `code` [x](http://e.x)",
    ]
)
page_text = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(pieces, st.text(max_size=20)), max_size=40).map("".join),
)
HYPOTHESIS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@HYPOTHESIS
@given(page_text)
def test_clean_split_pack_keep_exact_offsets(text):
    previous_end = 0
    for block in clean_article(text):
        assert previous_end <= block.start < block.end <= len(text)
        previous_end = block.end
        sentences = merge_short(split_sentences(text, block), 2)
        for s in sentences:
            assert block.start <= s.start < s.end <= block.end
            assert text[s.start : s.end] == text[s.start : s.end].strip()
        groups = pack_passages(
            sentences,
            max_chars=200,
            max_tokens=64,
            sentence_tokens=[len(text[s.start : s.end].split()) for s in sentences],
        )
        covered = [i for first, last in groups for i in range(first, last)]
        assert covered == list(range(len(sentences)))  # every sentence in exactly one passage


@HYPOTHESIS
@given(page_text, st.one_of(st.none(), st.dates(dt.date(1950, 1, 1), dt.date(2090, 12, 31))))
def test_dates_stay_exact_and_sane(sentence, published):
    for mention in find_dates(sentence, published):
        assert sentence[mention.start : mention.end] == mention.text
        assert 1900 <= mention.value.year <= 2100
        assert mention.precision in ("day", "month", "year")


def test_large_binary_looking_text_is_handled_quickly():
    import random
    import time

    rng = random.Random(7)
    junk = "".join(chr(rng.randrange(0, 0x2FFF)) for _ in range(200_000))
    started = time.perf_counter()
    spans = clean_article(junk + "\n" + SEED_TEXT)
    assert time.perf_counter() - started < 10
    texts = [(junk + "\n" + SEED_TEXT)[s.start : s.end] for s in spans]
    assert any("Kerch Bridge" in t for t in texts)


def test_crlf_and_control_characters_give_the_same_story():
    crlf = SEED_TEXT.replace("\n", "\r\n")
    assert [SEED_TEXT[s.start : s.end] for s in clean_article(SEED_TEXT)] == [
        crlf[s.start : s.end] for s in clean_article(crlf)
    ]


def test_hostile_questions_get_answers_or_clear_refusals(engine):
    from index.errors import QuestionError

    questions = [
        "x" * 4000,
        "🙂" * 50,
        "\u200b".join("What did Lavrov say"),
        "@everyone what did Putin propose? <@&123456> <@987654>",
        "`rm -rf /` **bold** [click](http://evil.example) what did Trump say about the war?",
        "What did Putin propose?\r\n\x00\x07",
    ]
    for question in questions:
        try:
            answer = engine.ask(question)
        except QuestionError as exc:
            assert str(exc) and "\n" not in str(exc)
            continue
        # Whatever the question carried, the answer only ever quotes the articles.
        for citation in answer.citations:
            article = engine.data.articles[engine.data.doc_index[citation.doc_id]]
            assert article.text[citation.start : citation.end] == citation.excerpt
        assert "@everyone" not in answer.answer and "evil.example" not in answer.answer
    assert engine.ask("\u200b".join("What did Lavrov say")).found
    # Fullwidth letters, as some keyboards type them, read as the letters they show.
    fullwidth = engine.ask("ｗｈａｔ ｄｉｄ ｌａｖｒｏｖ ｓａｙ")
    assert fullwidth.found and fullwidth.question == "what did lavrov say"


def test_missing_model_folder_is_one_clear_line(tmp_path):
    import pytest

    from index.embed import Embedder
    from index.errors import ModelError
    from index.settings import EmbeddingSettings

    with pytest.raises(ModelError) as info:
        Embedder(EmbeddingSettings(model=str(tmp_path / "no-such-model")))
    message = str(info.value)
    assert "no-such-model" in message and "\n" not in message and "embedding.model" in message


def test_unknown_hub_model_is_refused_offline():
    import pytest

    from index.embed import Embedder
    from index.errors import ModelError
    from index.settings import EmbeddingSettings

    with pytest.raises(ModelError) as info:
        Embedder(EmbeddingSettings(model="someone/not-installed-model"))
    assert "cannot load embedding model 'someone/not-installed-model'" in str(info.value)
    assert "\n" not in str(info.value)


def _talkbot(argv: list[str], env: dict[str, str], **run) -> subprocess.CompletedProcess:
    """``talkbot ARGV`` in a fresh interpreter, as a shell runs it."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "--config", str(CONFIG), *argv],
        cwd=ROOT, env=env, timeout=120, **run,
    )  # fmt: skip


@pytest.mark.parametrize("unbuffered", ["1", ""])
@pytest.mark.parametrize("argv", [["commands", "--json"], ["commands"]])
def test_a_reader_that_goes_away_is_not_an_error_message(argv, unbuffered):
    # `talkbot commands --json | head -c 400`: the pipe closes before talkbot is done. With
    # the read end closed from the start, every write fails: deterministic. Block-buffered
    # stdout (no PYTHONUNBUFFERED) fails only at the last flush, which used to print
    # "Exception ignored ... BrokenPipeError" after main() had returned.
    env = {**os.environ, "PYTHONUNBUFFERED": unbuffered}
    read, write = os.pipe()
    os.close(read)
    try:
        done = _talkbot(argv, env, stdout=write, stderr=subprocess.PIPE, text=True)
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (141, "")  # 128 + SIGPIPE, and not a word


@pytest.mark.parametrize("argv", [["ask", "what did Putin propose?"], ["chat"]])
def test_no_index_is_said_at_once_without_loading_the_model(tmp_path, argv):
    # The model load took seconds and logged a line about its ONNX export, all before
    # "no index ... run: talkbot index build".
    script = (
        "import sys\n"
        "from bot.cli import main\n"
        f"code = main(['--config', {str(CONFIG)!r}, *{argv!r}])\n"
        "names = ('torch', 'onnxruntime', 'sentence_transformers')\n"
        "heavy = [m for m in names if m in sys.modules]\n"
        "assert not heavy, f'model loaded: {heavy}'\n"
        "sys.exit(code)\n"
    )
    env = {**os.environ, "TALKBOT_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"talkbot: no index in {tmp_path / 'index'} yet; ")
    assert done.stderr.count("\n") == 1 and "talkbot index build" in done.stderr
