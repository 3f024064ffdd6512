"""A cold build and the cached build after it make the same site.

A cold build checks the claims in worker processes and renders the markers that need them
last (mkdocs_plugin: PageContext.later), then puts them into the pages it has written; a
cached build reads claim outcomes and markers back from the build cache. Either way a
reader must get the same bytes, with every marker in place, and the cached build must not
pay for torch or matplotlib (nor, on a CPU build, a cold one, whose workers import it).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tipsbench import buildcache

ROOT = Path(__file__).resolve().parents[1]
# Builds the site as `mkdocs build` does, then says which heavy modules it imported.
BUILD = """
import sys
from mkdocs.__main__ import cli
try:
    cli(["build", "-q", "-d", sys.argv[1]])
finally:
    print("imported:", *sorted(m for m in ("torch", "matplotlib") if m in sys.modules), file=sys.stderr)
"""


def build(site: Path, cache: Path) -> str:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TIPSBENCH_CACHE": str(cache)}
    env.pop("TIPSBENCH_RESULTS", None)
    done = subprocess.run([sys.executable, "-c", BUILD, str(site)], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return next(line for line in done.stderr.splitlines() if line.startswith("imported:"))


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> tuple[Path, Path, str]:
    work = tmp_path_factory.mktemp("cold-cached")
    cache = work / "cache"
    cold = build(work / "cold", cache)
    cached = build(work / "cached", cache)
    return work / "cold", work / "cached", (cold, cached)


def html_files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*.html"))}


@pytest.mark.slow
def test_the_cached_build_makes_the_same_pages(builds):
    cold, cached, _ = builds
    first, second = html_files(cold), html_files(cached)
    assert first.keys() == second.keys()
    differ = [name for name in first if first[name] != second[name]]
    assert not differ, f"pages that differ between the cold and the cached build: {differ[:5]}"


@pytest.mark.slow
def test_no_placeholder_is_left_and_claims_are_in_place(builds):
    cold, _, _ = builds
    for name, page in html_files(cold).items():
        assert b"tipsbench-later" not in page and b"tipsbench-fragment" not in page, name
    numpy_page = (cold / "numpy" / "index.html").read_text(encoding="utf-8")
    assert numpy_page.count('class="tb-claim ') >= 10 and 'data-status="holds"' in numpy_page
    tips = (cold / "zh" / "tips" / "index.html").read_text(encoding="utf-8")
    assert 'class="tb-verdict-cell"' in tips and 'class="tb-releases"' in tips  # the checked cells, not the stand-ins


@pytest.mark.slow
def test_the_cached_build_imports_neither_torch_nor_matplotlib(builds):
    """Never matplotlib (charts are SVG drawn by tipsbench); torch only where it is built for
    an accelerator, which the build asks about (the claims depend on the devices it sees)."""
    version_file = buildcache.torch_version_file()
    cpu_build = version_file is not None and buildcache.built_without_accelerators(version_file)
    assert builds[2][1] == ("imported:" if cpu_build and sys.platform != "darwin" else "imported: torch")


@pytest.mark.slow
def test_a_cold_build_leaves_torch_to_its_workers(builds):
    """The claims are checked in worker processes, which also list them for the build: on
    a CPU build of torch (nothing to ask a GPU) the build's own process never imports it."""
    version_file = buildcache.torch_version_file()
    if version_file is None or not buildcache.built_without_accelerators(version_file):
        pytest.skip("not checkable here: this torch is built for an accelerator, and the build asks torch about it")
    assert builds[2][0] == "imported:"
