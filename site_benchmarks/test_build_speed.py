"""How long the site takes to build, as a ratio to the same docs built without the
tipsbench plugin, on the same machine, in the same session (issue 10's targets):

- a cold build (no cache) with the shipped results: ≤ 2.5×
- a second build with the cache warm (what `mkdocs serve` pays per edit): ≤ 1.5×
- 200 runs from 20 machines (synthetic copies of a shipped run), cold: ≤ 4×

Benchmarks, not tests: run them on purpose, they take several minutes:

    pytest site_benchmarks --benchmark-json build-speed.json

Each build is `mkdocs build` in a child process (what an author runs), into a throwaway
folder, from a copy of the site's sources: a build writes its machines' pages into
docs/machines/, and the 20 synthetic machines must not land in the checkout's. The ratios
are checked at the end, from the medians, and recorded in the JSON.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tipsbench.testing import synthetic_fleet

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = int(os.environ.get("TIPSBENCH_BUILD_ROUNDS", "3"))
TARGETS = {"cold": 2.5, "cached": 1.5, "fleet_cold": 4.0}
MEDIANS: dict[str, float] = {}


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("build-speed")


# What a build reads, relative to mkdocs.yml (its docs_dir, custom_dir, hooks, results_dir).
SOURCES = ("mkdocs.yml", "docs", "overrides", "hooks", "results")


@pytest.fixture(scope="module")
def site_sources(work) -> Path:
    """A copy of the site's sources (without generated machine pages)."""
    folder = work / "sources"
    folder.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("machines"))
        else:
            shutil.copy2(ROOT / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def config(site_sources) -> Path:
    return site_sources / "mkdocs.yml"


@pytest.fixture(scope="module")
def plain_config(site_sources) -> Path:
    """mkdocs.yml without the tipsbench plugin: the same pages, hooks and theme; the
    markers stay HTML comments."""
    text = (site_sources / "mkdocs.yml").read_text(encoding="utf-8")
    plain, found = re.subn(r"\n  - tipsbench:\n(?:      .*\n)*", "\n", text)
    assert found == 1, "could not find the tipsbench plugin in mkdocs.yml"
    # The machine pages the plugin generates into docs/machines/ are not "the same docs".
    plain += "\nexclude_docs: |\n  machines/\n"
    path = site_sources / "plain-mkdocs.yml"  # beside mkdocs.yml: docs_dir and hooks are relative to it
    path.write_text(plain, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def fleet(work) -> Path:
    source = sorted((ROOT / "results").glob("*.json"))[-1]
    folder = work / "fleet"
    synthetic_fleet(source, folder, machines=20, runs_per_machine=10)
    return folder


def build(config: Path, site: Path, cache: Path, results: Path | None = None) -> None:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", TIPSBENCH_CACHE=str(cache))
    env.pop("TIPSBENCH_RESULTS", None)
    if results is not None:
        env["TIPSBENCH_RESULTS"] = str(results)
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)],
                          cwd=config.parent, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def timed(benchmark, name: str, run, setup=None) -> None:
    benchmark.pedantic(run, setup=setup, rounds=ROUNDS, iterations=1, warmup_rounds=0)
    MEDIANS[name] = benchmark.stats.stats.median
    benchmark.extra_info["build"] = name


def test_plain_build(benchmark, work, plain_config):
    timed(benchmark, "plain", lambda: build(plain_config, work / "site-plain", work / "cache-plain"))


def test_cold_build(benchmark, work, config):
    cache = work / "cache-cold"
    timed(benchmark, "cold", lambda: build(config, work / "site-cold", cache),
          setup=lambda: shutil.rmtree(cache, ignore_errors=True))


def test_cached_build(benchmark, work, config):
    cache = work / "cache-warm"
    build(config, work / "site-warm", cache)  # fills the cache
    timed(benchmark, "cached", lambda: build(config, work / "site-warm", cache))


def test_fleet_cold_build(benchmark, work, config, fleet):
    cache = work / "cache-fleet"
    timed(benchmark, "fleet_cold", lambda: build(config, work / "site-fleet", cache, fleet),
          setup=lambda: shutil.rmtree(cache, ignore_errors=True))


def test_fleet_cached_build(benchmark, work, config, fleet):
    cache = work / "cache-fleet-warm"
    build(config, work / "site-fleet-warm", cache, fleet)
    timed(benchmark, "fleet_cached", lambda: build(config, work / "site-fleet-warm", cache, fleet))


def test_page_weight(benchmark, work):
    """The Tensor ↔ NumPy page with 20 machines against 1: bytes, not time (recorded in
    extra_info; the benchmark times reading them)."""
    one = work / "site-cold" / "numpy" / "index.html"
    many = work / "site-fleet" / "numpy" / "index.html"
    sizes = benchmark(lambda: (one.stat().st_size, many.stat().st_size))
    benchmark.extra_info.update(numpy_page_bytes_1_machine=sizes[0], numpy_page_bytes_20_machines=sizes[1],
                                weight_ratio=round(sizes[1] / sizes[0], 3))
    assert sizes[1] / sizes[0] < 2, f"20 machines made the page {sizes[1] / sizes[0]:.2f}× heavier"


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_ratio_target(benchmark, name):
    """Each build's median over the plain build's, against its target."""
    if name not in MEDIANS or "plain" not in MEDIANS:
        pytest.skip("run the whole module: the ratios need the builds above")
    ratio = benchmark(lambda: MEDIANS[name] / MEDIANS["plain"])
    benchmark.extra_info.update(ratio=round(ratio, 2), target=TARGETS[name],
                                median_s=round(MEDIANS[name], 2), plain_median_s=round(MEDIANS["plain"], 2))
    assert ratio <= TARGETS[name], f"{name}: {ratio:.2f}× the plain build (target ≤ {TARGETS[name]}×)"
