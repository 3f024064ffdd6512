"""The loader's fast JSON reader (orjson) reads what json reads, or steps aside."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tipsbench import results
from tipsbench.schema import MAX_BYTES, MAX_COUNT, MAX_RATE, MAX_SECONDS

pytest.importorskip("orjson")

# JSON texts as files hold them: any JSON value, with the corner cases json reads
# leniently or orjson reads differently (big integers, non-finite numbers, surrogates).
scalars = st.one_of(
    st.none(), st.booleans(), st.text(), st.floats(allow_nan=True, allow_infinity=True),
    st.integers(), st.integers(min_value=2**63 - 10, max_value=2**70), st.integers(max_value=-(2**63) + 10),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=5), inner, max_size=4)),
                      max_leaves=20)
texts = st.one_of(values.map(json.dumps), values.map(lambda v: json.dumps(v, ensure_ascii=False)),
                  st.sampled_from(['{"a": 1, "a": 2}', '["\\ud800"]', "[1e400]", "[-0]", "[" * 2000 + "]" * 2000,
                                   "[18446744073709551616]", "[0.1234567890123456789012]"]))


def same(fast: object, slow: object) -> bool:
    """Equal, type for type (1 and 1.0 differ), NaN equal to NaN; an integer beyond 64 bits
    may be read as the nearest float."""
    if isinstance(slow, int) and not isinstance(slow, bool) and abs(slow) >= 2**63 and type(fast) is float:
        return fast == float(slow)
    if type(fast) is not type(slow):
        return False
    if isinstance(fast, float):
        return fast == slow or (math.isnan(fast) and math.isnan(slow))
    if isinstance(fast, list):
        return len(fast) == len(slow) and all(same(x, y) for x, y in zip(fast, slow, strict=True))
    if isinstance(fast, dict):
        return list(fast) == list(slow) and all(same(fast[k], slow[k]) for k in fast)
    return fast == slow


@settings(max_examples=400, deadline=None, database=None)
@given(text=texts)
def test_fast_reading_is_json_or_nothing(text):
    raw = text.encode("utf-8", "surrogatepass")
    fast = results._fast_loads(raw)
    if fast is not results._UNREAD:
        assert same(fast, json.loads(text)), text


@pytest.mark.parametrize("text", ["[NaN]", "[1e400]", '["\\ud800"]', "[" * 2000 + "]" * 2000])
def test_what_orjson_refuses_goes_to_json(text):
    assert results._fast_loads(text.encode()) is results._UNREAD


def test_no_field_accepts_a_number_past_64_bits():
    """Why a big integer read as a float changes no outcome: every bound is far below it."""
    assert max(MAX_BYTES, MAX_COUNT, MAX_RATE, MAX_SECONDS) < 2**63


def test_a_field_past_64_bits_is_refused(tmp_path):
    """The same file, with a byte count of 2**64, is refused with the fast reader and without."""
    source = sorted(results.Path(__file__).resolve().parents[2].joinpath("results").glob("*.json"))[-1]
    text = source.read_text(encoding="utf-8")
    data = json.loads(text)
    data["benchmarks"][0]["extra_info"]["bytes"] = 2**64
    path = tmp_path / "big.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(results.ResultsError, match=r"extra_info\.bytes is .*beyond anything a run records"):
        results.load_run(path)
    orjson, results.orjson = results.orjson, None
    try:
        with pytest.raises(results.ResultsError, match=r"extra_info\.bytes is .*beyond anything a run records"):
            results.load_run(path)
    finally:
        results.orjson = orjson
