"""RowFile: rows of a stored array read with pread, exactly as numpy would index them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.rowfile import RowFile

ROWS = np.random.default_rng(3).normal(size=(257, 7)).astype(np.float32)


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("rows") / "vectors.npy"
    np.save(path, ROWS, allow_pickle=False)
    return path


def test_rows_match_numpy_indexing(stored: Path) -> None:
    rows = RowFile(stored)
    assert rows.shape == ROWS.shape and len(rows) == 257 and rows.dtype == np.float32
    assert np.array_equal(rows[0], ROWS[0])
    assert np.array_equal(rows[-1], ROWS[-1])
    assert np.array_equal(rows[10:20], ROWS[10:20])
    assert np.array_equal(rows[250:999], ROWS[250:])
    assert rows[5:5].shape == (0, 7)
    assert np.array_equal(rows[3:40:7], ROWS[3:40:7])
    assert np.array_equal(np.asarray(rows), ROWS)
    assert np.asarray(rows, dtype=np.float64).dtype == np.float64
    # Fancy indexing keeps the caller's order and repeats, as numpy does.
    ids = [200, 3, 4, 5, 3, 256, 0]
    assert np.array_equal(rows[ids], ROWS[ids])
    assert np.array_equal(rows[np.array(ids)], ROWS[ids])
    assert rows[[]].shape == (0, 7)


@settings(max_examples=60, deadline=None)
@given(ids=st.lists(st.integers(min_value=-257, max_value=256), max_size=80))
def test_any_ids_read_like_numpy(stored: Path, ids: list[int]) -> None:
    assert np.array_equal(RowFile(stored)[ids], ROWS[np.asarray(ids, dtype=np.int64)])


def test_out_of_range_is_an_index_error(stored: Path) -> None:
    rows = RowFile(stored)
    with pytest.raises(IndexError):
        rows[257]
    with pytest.raises(IndexError):
        rows[[1, 257]]
    with pytest.raises(IndexError):
        rows[[-258]]


def test_not_mapped_and_readable_after_unlink(tmp_path: Path) -> None:
    path = tmp_path / "gone.npy"
    np.save(path, ROWS, allow_pickle=False)
    rows = RowFile(path)
    with open("/proc/self/maps") as maps:
        assert str(path) not in maps.read()  # read on demand, never mapped
    path.unlink()  # an old build removed under a serving process
    assert np.array_equal(rows[[7, 8, 100]], ROWS[[7, 8, 100]])


def test_short_or_wrong_file_is_refused(tmp_path: Path) -> None:
    short = tmp_path / "short.npy"
    np.save(short, ROWS, allow_pickle=False)
    short.write_bytes(short.read_bytes()[:-10])
    with pytest.raises(ValueError, match="too short"):
        RowFile(short)
    flat = tmp_path / "flat.npy"
    np.save(flat, np.zeros(5, dtype=np.float32), allow_pickle=False)
    with pytest.raises(ValueError, match="2-D"):
        RowFile(flat)
