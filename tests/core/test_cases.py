"""Sizes as the catalog writes and reads them."""

from __future__ import annotations

import pytest

from tipsbench.cases import GiB, KiB, bandwidth_sweep, format_bytes, parse_bytes


@pytest.mark.parametrize("nbytes", bandwidth_sweep(True))
def test_parse_bytes_reads_what_format_bytes_writes(nbytes):
    assert parse_bytes(format_bytes(nbytes)) == nbytes


@pytest.mark.parametrize("text, nbytes", [("4096", 4096), (" 4KiB ", 4 * KiB), ("1GiB", GiB), ("12B", 12)])
def test_parse_bytes_forms(text, nbytes):
    assert parse_bytes(text) == nbytes


@pytest.mark.parametrize("text", ["", "4 KB", "1.5MiB", "-4KiB", "KiB"])
def test_parse_bytes_refuses(text):
    with pytest.raises(ValueError, match="is not a size"):
        parse_bytes(text)


def test_the_sweep_is_4_kib_times_4_to_the_k_up_to_1_gib():
    assert bandwidth_sweep(True) == tuple(4 * KiB * 4**k for k in range(10)) and bandwidth_sweep(True)[-1] == GiB
    assert set(bandwidth_sweep(False)) <= set(bandwidth_sweep(True))
