"""The local console (``talkbot chat``): the bot's commands, moderators' ones included.

Each test drives :class:`bot.console.Console` line by line over a private copy of the
seeds and of the session's index, with the real engine, the real model and a real web
site on 127.0.0.1 for ``/add URL``.
"""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import select
import subprocess
import sys
import termios
import time
from dataclasses import replace

import pytest

from bot.audit import AuditLog
from bot.console import HELP, Console
from index.engine import Engine
from tests.articlesite import ARTICLE_TITLE, PLAIN_ARTICLE, UNIQUE_QUESTION, UNIQUE_WORD
from tests.conftest import CONFIG, ROOT
from tests.folder_snapshot import snapshot
from tests.test_timeline import png_size

pytest_plugins = ("tests.moderation_fixtures",)

SEED = "000_086fd48e31ce2218"


@pytest.fixture
def console(built_copy, embedder) -> Console:
    """A console whose /add may fetch from the test site on 127.0.0.1."""
    raw = {**built_copy.raw, "moderation": {"allow_hosts": ["127.0.0.1"]}}
    return Console(Engine.open(replace(built_copy, raw=raw), embedder), stdout=io.StringIO())


def audit_of(console: Console) -> list:
    return AuditLog.for_settings(console.engine.settings).entries()


def test_help_lists_every_command(console):
    for name in console.commands:
        assert f"/{name}" in HELP, name
    assert console.handle("/help") == HELP
    assert console.handle("/frobnicate") == "Unknown command /frobnicate. Type /help for the list."


def test_add_a_page_answers_from_it_then_remove_it(console, built_copy, site):
    assert UNIQUE_WORD not in console.handle(UNIQUE_QUESTION)

    reply = console.handle(f"/add {site}/article.html --outlet Courier")
    doc_id = re.match(r"Added (\d{3}_\w+):", reply).group(1)
    assert f'"{ARTICLE_TITLE}" (Courier · 2025-07-14)' in reply
    assert f"added: {doc_id}" in reply
    progress = console.stdout.getvalue()  # printed as the work went on
    assert progress.startswith(f"… fetching {site}/article.html\n")
    assert "… embedding 3 passages of 1 article\n" in progress  # one article, not "1 articles"
    answer = console.handle(UNIQUE_QUESTION)
    assert UNIQUE_WORD in answer and doc_id in answer
    assert ARTICLE_TITLE in console.handle("/sources")

    reply = console.handle(f"/remove {doc_id}")
    assert reply.startswith(f"Removed {doc_id}") and f"removed: {doc_id}" in reply
    assert UNIQUE_WORD not in console.handle(UNIQUE_QUESTION)
    assert ARTICLE_TITLE not in console.handle("/sources")
    assert [(e.action, e.outcome, e.via, e.target) for e in audit_of(console)] == [
        ("add", "ok", "console", f"{site}/article.html"),
        ("remove", "ok", "console", doc_id),
    ]


def test_add_a_file_whose_name_and_title_have_spaces(console, tmp_path):
    story = tmp_path / "talks resume.txt"
    story.write_text(PLAIN_ARTICLE, encoding="utf-8")
    reply = console.handle(f'/add "{story}" --title "Talks in Quillmere" --published 2025-07-15')
    assert reply.startswith("Added 005_"), reply
    assert '"Talks in Quillmere" (unknown outlet · 2025-07-15)' in reply
    assert "Talks in Quillmere" in console.handle("/sources")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/add", "Sorry: the following arguments are required: URL|FILE; usage: /add URL|FILE ["),
        ("/add story.txt --colour red", "Sorry: unrecognized arguments: --colour red"),
        ('/add "{tmp}/story.txt --title T', "Sorry: /add: a double quote is not closed"),
        ("/add {tmp}/story.txt --published 15/07/2025", "Nothing added: "),
        (
            "/add {tmp}/story.txt --published 2999-01-01",
            "Nothing added: published '2999-01-01' is in the future (today is ",
        ),
        (
            "/add {tmp}/story.txt --published 2025-02-30",
            "Nothing added: published '2025-02-30' is not a real date",
        ),
        ("/add {tmp}/nowhere.txt", "Nothing added: {tmp}/nowhere.txt: no such file"),
        ("/add http://10.0.0.1/story", "Nothing added: "),
        ("/add {seed}", f"Nothing added: seed copy.txt duplicates article {SEED} (the same text)"),
        ("/remove", "Sorry: the following arguments are required: DOC_ID; usage: /remove DOC_ID"),
        ("/remove nope", "Nothing removed: no article 'nope'"),
    ],
)
def test_bad_moderator_commands_change_nothing(console, built_copy, tmp_path, line, message):
    (tmp_path / "story.txt").write_text(PLAIN_ARTICLE, encoding="utf-8")
    seed = tmp_path / "seed copy.txt"
    seed.write_bytes((built_copy.seeds_dir / f"{SEED}.txt").read_bytes())
    before = snapshot(built_copy.seeds_dir)
    line = line.format(tmp=tmp_path, seed=f'"{seed}"')
    reply = console.handle(line)
    assert reply.startswith(message.format(tmp=tmp_path)), reply
    assert "Traceback" not in reply
    assert snapshot(built_copy.seeds_dir) == before


def test_a_url_that_cannot_be_fetched_is_refused_before_fetching_is_said(console):
    reply = console.handle("/add ftp://example.com/story")
    assert reply.startswith("Nothing added: 'ftp://example.com/story' has 'ftp:'"), reply
    assert "fetching" not in console.stdout.getvalue()
    entries = audit_of(console)
    if reply.startswith("Nothing"):  # refused by the library: on the record, like Discord's
        (entry,) = entries
        assert (entry.outcome, entry.via) == ("refused", "console")
    else:  # a typing mistake never reached the library
        assert entries == []


def test_timeline_takes_a_date_range_and_saves_the_chart(console, tmp_path):
    chart = tmp_path / "june.png"
    text = console.handle(f"/timeline --since 2025-06 --until 2025-06 --chart {chart}")
    dates = re.findall(r"^(\d{4}-\d{2}(?:-\d{2})?)  ", text, flags=re.M)
    expected = console.engine.timeline(None, "2025-06", "2025-06").events
    assert dates and len(dates) == len(expected)
    assert all(d.startswith("2025-06") for d in dates)
    assert text.endswith(f"Chart saved to {chart}")
    assert png_size(chart.read_bytes())[0] > 0

    about = console.handle("/timeline Putin's offer --until 2025-05")
    assert about.startswith("Timeline about “Putin's offer”:")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/timeline --since 2025-13", "Sorry: "),
        ("/timeline --since 2025-07 --until 2025-05", "Sorry: since 2025-07 is after until"),
        ("/timeline Istanbul --chart out.jpg", "Sorry: the chart is a PNG image; name the file"),
        ("/timeline --since", "Sorry: argument --since: expected one argument"),
        ("/timeline --chart /no/such/folder/t.png", "Sorry: cannot write /no/such/folder/t.png"),
    ],
)
def test_bad_timeline_options_are_explained(console, line, message):
    reply = console.handle(line)
    assert reply.startswith(message), reply


def test_the_loop_reads_lines_until_quit(console):
    console.stdin = io.StringIO("\n/sources\n/quit\n/sources\n")
    assert console.run() == 0
    out = console.stdout.getvalue()
    assert out.startswith("talkbot console — 5 articles indexed.")
    assert out.count("5 articles indexed:") == 1  # /sources ran once: not after /quit
    assert out.count(f"· {SEED}") == 1


class Terminal(io.StringIO):
    """Typed input: the console shows its "> " prompt only to a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("quit_line", ["/quit now", "/exit please", "quit", "EXIT", "  Quit  "])
def test_quit_with_words_after_it_or_without_the_slash(console, quit_line):
    console.stdin = io.StringIO(f"{quit_line}\n/sources\n")
    assert console.run() == 0
    out = console.stdout.getvalue()
    assert "Unknown command" not in out and "Not found" not in out
    assert "5 articles indexed:" not in out  # nothing after the quit ran


def test_bare_help_and_sources_are_the_commands(console):
    assert console.handle("help") == console.handle("HELP") == HELP
    assert console.handle("Sources").startswith("5 articles indexed:")
    # Only the whole line counts: a question that contains the word is still a question.
    assert console.handle("/quitter") == "Unknown command /quitter. Type /help for the list."
    assert console.handle("which sources quote Lavrov?") != console.handle("/sources")
    # A phone capitalises the first letter: "/Ask" and "/HELP" are the commands.
    assert console.handle("/HELP") == HELP
    assert console.handle("/Ask What did Lavrov say?") == console.handle(
        "/ask What did Lavrov say?"
    )


def test_ctrl_d_at_the_prompt_ends_the_prompt_line(console):
    console.stdin = Terminal("/help\n")  # then end of input, as Ctrl-D gives
    assert console.run() == 0
    assert console.stdout.getvalue().endswith("> \n")


@pytest.mark.parametrize("command", ["refresh", "sources", "help"])
def test_commands_without_arguments_refuse_extra_words(console, command):
    serving = console.engine.data.folder
    reply = console.handle(f"/{command} now")
    assert reply == f"Sorry: /{command} takes no arguments; type /{command} alone"
    assert console.engine.data.folder == serving  # /refresh now did not refresh
    assert console.stdout.getvalue() == ""


def test_chart_into_a_folder_names_a_file_inside_it(console, tmp_path):
    folder = tmp_path / "walk"
    folder.mkdir()
    reply = console.handle(f"/timeline --chart {folder}")
    assert reply == (
        f"Sorry: cannot write {folder}: it is a folder; name a .png file in it, "
        f"e.g. {folder}/timeline.png"
    )
    assert list(folder.iterdir()) == []


def test_counts_of_one_are_singular():
    from index.wording import plural

    assert [plural(n, "vote") for n in (0, 1, 2)] == ["0 votes", "1 vote", "2 votes"]


def _own_terminal() -> None:
    """In the child: make the pseudo-terminal its controlling terminal, as a terminal
    window does, so Ctrl-C typed there interrupts it."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _chat_in_a_terminal(keys: list[str]) -> str:
    """``talkbot chat`` on a pseudo-terminal: each of ``keys`` typed at a "> " prompt.

    The console's own process, as a person runs it: readline edits only what the real
    terminal types into ``input()``. TALKBOT_DATA_DIR (set by built_copy) names the data.
    """
    main, child = pty.openpty()
    chat = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "--config", str(CONFIG), "chat"],
        stdin=child, stdout=child, stderr=child, cwd=ROOT, close_fds=True,
        preexec_fn=_own_terminal,
    )  # fmt: skip
    os.close(child)
    out = b""
    deadline = time.monotonic() + 120
    try:
        for key in [*keys, "\x04"]:  # then Ctrl-D
            while not out.endswith(b"> ") and time.monotonic() < deadline:
                if select.select([main], [], [], 0.5)[0]:
                    out += os.read(main, 65536)
            out += b"\x00"  # marks where this prompt was answered (never output itself)
            if key.endswith("\x03") and len(key) > 1:
                # Ctrl-C after typing, as a person does: once readline has echoed the line
                # and gone back to waiting. Sent while readline still handles the last
                # key, the signal is taken by readline's own handler and CPython's
                # input() sees it only at the next key (the test hung on a loaded
                # machine, 3 times in 8).
                typed = key[:-1].encode()
                os.write(main, typed)
                while not out.endswith(typed) and time.monotonic() < deadline:
                    if select.select([main], [], [], 0.5)[0]:
                        out += os.read(main, 65536)
                while select.select([main], [], [], 0.5)[0]:  # then quiet for half a second
                    out += os.read(main, 65536)
                key = "\x03"
            os.write(main, key.encode())
        chat.wait(timeout=max(1.0, deadline - time.monotonic()))
        while select.select([main], [], [], 0.2)[0]:
            try:
                out += os.read(main, 65536)
            except OSError:  # the terminal closed with the process
                break
    finally:
        chat.kill()
        os.close(main)
    return out.decode("utf-8", "replace").replace("\r\n", "\n")


@pytest.fixture
def served_copy(built_copy, embedder):
    """built_copy with the question encoder's export, as `make run` leaves the data folder:
    the console's process then starts in seconds, without loading torch."""
    from index.onnx_encoder import export_folder
    from index.onnx_export import ensure_query_export

    ensure_query_export(
        built_copy.embedding,
        export_folder(built_copy.data_dir),
        copy_from=export_folder(ROOT / "var"),
        sentence_model=embedder.model,
    )
    return built_copy


def test_a_terminal_can_recall_earlier_lines_in_this_session_and_the_next(served_copy):
    up = "\x1b[A"  # the up-arrow key
    # Ctrl-C drops a half-typed line and keeps the console; a blank line is not kept in
    # the history, so Up still brings back /sources.
    out = _chat_in_a_terminal(["/sources\r", "what did\x03", "  \r", up + "\r"])
    assert out.count("5 articles indexed:") == 2, out  # the arrow brought /sources back
    assert "Unknown command" not in out and "[A" not in out
    assert "Traceback" not in out and "Not found" not in out

    out = _chat_in_a_terminal([up + "\r"])  # a new session remembers the last one's lines
    assert out.count("5 articles indexed:") == 1, out
    history = (served_copy.data_dir / "console_history").read_text(encoding="utf-8")
    assert "/sources" in history
