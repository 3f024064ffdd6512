"""The build cache: claim outcomes kept between builds, never stale; files digested as the loaders read them."""

from __future__ import annotations

import pytest

from tipsbench import buildcache, claims
from tipsbench.buildcache import BuildCache

CLAIM = "memory.element_sizes"  # in-process, quick, holds on every build


@pytest.fixture
def store(tmp_path):
    cache = BuildCache(tmp_path / "cache")
    buildcache.activate(cache)
    claims._OBSERVED.clear()
    yield cache
    buildcache.activate(None)
    claims._OBSERVED.clear()


def entry(store: BuildCache, claim_id: str):
    return store._path("claims", buildcache.key(claim_id, buildcache.environment_digest()), ".json")


def test_round_trip_and_damaged_entries_are_misses(tmp_path):
    cache = BuildCache(tmp_path)
    assert cache.get_json("x", "k") is None
    cache.put_json("x", "k", {"a": [1, "二"]})
    assert cache.get_json("x", "k") == {"a": [1, "二"]}
    cache._path("x", "k", ".json").write_bytes(b"\xff{not json")
    assert cache.get_json("x", "k") is None


def test_an_unwritable_cache_only_costs_speed(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    cache = BuildCache(blocker / "cache")
    cache.put_text("x", "k", "v", ".txt")  # no exception
    assert cache.get_text("x", "k", ".txt") is None


def test_the_folder_is_outside_docs_and_results_and_overridable(tmp_path, monkeypatch):
    monkeypatch.delenv(buildcache.CACHE_ENV, raising=False)
    assert BuildCache.at(tmp_path).root == tmp_path / ".cache" / "tipsbench"
    monkeypatch.setenv(buildcache.CACHE_ENV, str(tmp_path / "elsewhere"))
    assert BuildCache.at(tmp_path).root == tmp_path / "elsewhere"


def test_a_build_keeps_claim_outcomes_and_reads_them_back(store):
    first = claims.observe(CLAIM)
    assert entry(store, CLAIM).is_file()
    # Prove the next build reads the entry, not the check: doctor the entry.
    entry(store, CLAIM).write_text('{"holds": true, "shown": "from the cache", "not_checkable": "", '
                                   '"unavailable": false, "error": false}', encoding="utf-8")
    claims._OBSERVED.clear()
    assert claims.observe(CLAIM).shown == "from the cache"
    assert first.shown != "from the cache"


def test_a_changed_environment_is_a_new_key(store, monkeypatch):
    before = buildcache.environment_digest()
    buildcache.environment_digest.cache_clear()
    monkeypatch.setenv("TORCH_SOMETHING", "1")
    try:
        assert buildcache.environment_digest() != before
    finally:
        buildcache.environment_digest.cache_clear()


def test_the_key_covers_tipsbench_source(tmp_path, monkeypatch):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(buildcache, "PACKAGE_DIR", package)
    buildcache.source_digest.cache_clear()
    try:
        one = buildcache.source_digest()
        (package / "a.py").write_text("x = 2\n", encoding="utf-8")
        buildcache.source_digest.cache_clear()
        assert buildcache.source_digest() != one
    finally:
        buildcache.source_digest.cache_clear()


def test_errors_are_never_kept(store, monkeypatch):
    claim = claims.get(CLAIM)

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setitem(claims._REGISTRY, CLAIM, claim.__class__(claim.id, claim.text, broken, claim.needs, claim.scope))
    assert claims.observe(CLAIM).status == claims.ERROR
    assert not entry(store, CLAIM).exists()


def test_without_a_cache_checks_always_run(tmp_path):
    buildcache.activate(None)
    claims._OBSERVED.clear()
    assert claims.observe(CLAIM).status == claims.HOLDS
    assert not list(tmp_path.iterdir())


def test_file_digests_read_as_the_loaders_do(tmp_path, monkeypatch):
    """A link is followed as the loaders follow it; a FIFO (whose read would block the
    build forever) or an oversized file is never read: the loader's refusal stands in."""
    import os

    from tipsbench import results

    real = tmp_path / "run.json"
    real.write_text("{}", encoding="utf-8")
    (tmp_path / "link.json").symlink_to(real)
    os.mkfifo(tmp_path / "fifo.json")
    assert buildcache.file_digest(real) == buildcache.file_digest(tmp_path / "link.json")
    assert buildcache.file_digest(tmp_path / "fifo.json").startswith("unread: ")
    assert "not a regular file" in buildcache.file_digest(tmp_path / "fifo.json")
    other = tmp_path / "big.json"
    other.write_text("[1, 2]", encoding="utf-8")
    monkeypatch.setattr(results, "MAX_FILE_BYTES", 1)
    assert "refused unread" in buildcache.file_digest(other)


def test_a_fifo_in_results_is_refused_not_read_with_the_cache_on(store, tmp_path):
    import os
    import threading

    from tipsbench import results

    folder = tmp_path / "results"
    folder.mkdir()
    os.mkfifo(folder / "x.json")
    found = []
    reader = threading.Thread(target=lambda: found.append(results.load_dir(folder)), daemon=True)
    reader.start()
    reader.join(20)
    assert found, "load_dir blocked on a FIFO"
    assert "not a regular file" in str(found[0][1][0])


def test_remembered_values_stay_in_the_process_without_a_cache():
    """`mkdocs serve` with `cache: false` rebuilds in one process: the claim ids it listed
    once are known on the next build (no new claim workers), with no cache to read them from."""
    buildcache.activate(None)
    calls = []
    name = "test-remembered"
    assert buildcache.remembered_json(name, None) is None
    assert buildcache.remembered_json(name, lambda: calls.append(1) or ["a"]) == ["a"]
    assert buildcache.remembered_json(name, None) == ["a"] and calls == [1]
