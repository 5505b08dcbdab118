"""take_rows against the plain slicing it replaces, including rows that run past the buffer's end."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from map_server_cache.core.storage.byterows import take_rows


def sliced(buffer: bytes, starts, width: int) -> np.ndarray:
    return np.array([list(buffer[start:start + width].ljust(width, b"\0")) for start in starts],
                    np.uint8).reshape(-1, width)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=80), st.lists(st.integers(0, 90), max_size=30), st.integers(1, 17))
def test_rows_are_the_slices_zero_past_the_end(buffer, starts, width):
    starts = np.array(sorted(starts), np.int64)
    got = take_rows(np.frombuffer(buffer, np.uint8), starts, width)
    assert got.shape == (len(starts), width)
    assert np.array_equal(got, sliced(buffer, starts.tolist(), width))


def test_a_bundle_sized_gather_of_twelve_bytes():
    rng = np.random.default_rng(1)
    buffer = rng.integers(0, 256, 1 << 20, dtype=np.uint8)
    starts = np.sort(rng.integers(0, len(buffer), 16384))
    assert np.array_equal(take_rows(buffer, starts, 12), sliced(buffer.tobytes(), starts.tolist(), 12))
