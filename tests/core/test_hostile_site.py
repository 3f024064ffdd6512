"""The real site built from hostile results files: every string of the shipped run gets
script, img-onerror and svg-onload payloads (and a TeX math string and str.format
fields) appended, a GPU accelerator and transfer records are added, and no built file
(page, inline SVG chart, search index) may hold a payload unescaped.

Fields with fixed choices (op, target, format, stage, direction, profile) would get the
file refused, so they keep their real values here; that a payload in each of them gets
its file refused is checked by the same build (the refused files must not show up) and,
one line per field, in test_fuzz_results.py.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "results" / "amd-epyc_2t_20261129T163528Z.json"
PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(1)><svg onload=alert(1)>$\\x${0}{name}'
RAW = ("<script>alert(1)", "<img src=x", "<svg onload", "\\u003cscript", "\\u003csvg", "\\u003cimg")
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
NOT_MARKUP = "$\\x${0}{name}"  # drawn as text: no math, no format fields filled
# Values from fixed sets: any other value gets the file refused. (A payload in `tip`
# only makes the record one of a tip this tipsbench doesn't know: kept to reach the
# families' fields.)
CHOICES = ("direction", "op", "target", "format", "stage", "tip")
# Values the pages select by (marker arguments, the variants a finding compares): a
# payload there hides the record from most renderers, so one of the two runs keeps them.
SELECTORS = ("variant", "model", "dtype", "ceiling")
DEVICE = "cuda:0 NVIDIA H200"
PAGES = ("index.html", "numpy/index.html", "save-load/index.html", "gpu/index.html", "tensorboard/index.html",
         "methodology/index.html")


def transfer(device: str) -> tuple[list[dict], dict]:
    """GPU transfer benchmarks on one device (every direction) and their ceilings."""
    benchmarks = []
    for variant, direction, code, pinned, nb, nbytes, median in (
            ("h2d_pageable", "h2d", "t.to(device)", False, False, 4096, 2e-5),
            ("h2d_pageable", "h2d", "t.to(device)", False, False, 1 << 20, 1e-4),
            ("h2d_pinned", "h2d", "t_pinned.to(device)", True, False, 4096, 1e-5),
            ("h2d_pinned", "h2d", "t_pinned.to(device)", True, False, 1 << 20, 5e-5),
            ("h2d_pin_then_copy", "h2d", "t.pin_memory().to(device, non_blocking=True)", True, True, 1 << 20, 2e-4),
            ("d2h_pageable", "d2h", "t_dst.copy_(d)", False, False, 1 << 20, 1.2e-4),
            ("d2h_pinned", "d2h", "t_pinned_dst.copy_(d)", True, False, 1 << 20, 6e-5),
            ("d2d", "d2d", "d_dst.copy_(d)", False, False, 1 << 20, 1e-5),
            ("pin_memory", "pin", "t.pin_memory()", False, False, 1 << 20, 3e-4)):
        benchmarks.append({
            "group": f"transfer {direction} {device}", "name": f"test_transfer[{variant}-{nbytes}]",
            "extra_info": {"tip": "transfer", "variant": variant, "code": code, "dtype": "float32", "bytes": nbytes,
                           "direction": direction, "pinned": pinned, "non_blocking": nb, "device": device,
                           "device_index": 0, "device_name": device.split(" ", 1)[1], "timing": "cuda_events",
                           "shares_memory": False, "event_median_s": median * 1.02},
            "stats": {"min": median * 0.9, "max": median * 3, "mean": median * 1.1, "median": median,
                      "iqr": median / 20, "rounds": 200, "iterations": 10},
        })
    ceilings: dict = {"details": {}}
    for name, rate in (("h2d_pinned_bytes_per_s", 2.6e10), ("d2h_pinned_bytes_per_s", 2.4e10), ("d2d_bytes_per_s", 1.9e12)):
        ceilings[name] = rate
        ceilings["details"][name] = {"device": device, "variant": name.split("_bytes")[0], "bytes": 1 << 20,
                                     "link": "PCIe Gen5 x16", "link_bytes_per_s": 6.3e10, "link_source": "nvidia-smi",
                                     "how": "best pinned copy of the sweep"}
    return benchmarks, ceilings


def gpu_run(key: str) -> dict:
    """The shipped run, as if measured on a machine with a GPU."""
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    ours = data["machine_info"]["tipsbench"]
    ours["key"] = key
    ours["accelerators"] = [{"type": "cuda", "index": 0, "name": DEVICE.split(" ", 1)[1], "memory_bytes": 150 << 30}]
    benchmarks, ceilings = transfer(DEVICE)
    data["benchmarks"] += benchmarks
    details = ceilings.pop("details")
    ours["ceilings"].update(ceilings)
    ours["ceilings"]["details"].update(details)
    return data


def poison(value: object, keep: Callable[[tuple], bool], path: tuple = ()) -> object:
    """`value` with PAYLOAD appended to every string whose path `keep` doesn't protect
    (dict keys are left alone: ceiling and cache names are refused unless well-formed)."""
    if isinstance(value, dict):
        return {k: poison(v, keep, (*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [poison(v, keep, (*path, i)) for i, v in enumerate(value)]
    if isinstance(value, str) and not keep(path):
        return value + PAYLOAD
    return value


def fixed(path: tuple) -> bool:
    """Strings no file may change: its time, machine key, profile and choice fields."""
    return (path in (("datetime",), ("machine_info", "tipsbench", "key"), ("machine_info", "tipsbench", "profile"))
            or (len(path) == 4 and path[0] == "benchmarks" and path[2] == "extra_info" and path[3] in CHOICES))


def selected(path: tuple) -> bool:
    return fixed(path) or (len(path) == 4 and path[0] == "benchmarks" and path[2] == "extra_info"
                           and path[3] in SELECTORS)


def refused_run(field: tuple, marker: str) -> dict:
    """The shipped run with a payload in one fixed-choice field (and a marker to look for)."""
    data = gpu_run(marker.lower())
    data["machine_info"]["tipsbench"]["cpu"]["model"] = marker
    target = data
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = target[field[-1]] + PAYLOAD
    return data


def first_index(data: dict, tip: str) -> int:
    return next(i for i, b in enumerate(data["benchmarks"]) if b["extra_info"]["tip"] == tip)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    results_dir = tmp_path_factory.mktemp("hostile_results")
    everywhere = poison(gpu_run("hostile-everywhere"), fixed)
    shown = poison(gpu_run("hostile-shown"), selected)
    for name, data in (("hostile-everywhere_20261129T163528Z.json", everywhere),
                       ("hostile-shown_20261129T163528Z.json", shown)):
        (results_dir / name).write_text(json.dumps(data), encoding="utf-8")
    base = gpu_run("x")
    refused = {"profile": ("machine_info", "tipsbench", "profile")}
    for tip, name in (("numpy", "direction"), ("save_load", "op"), ("save_load", "target"), ("save_load", "format"),
                      ("save_load", "stage"), ("transfer", "direction")):
        refused[f"{tip}-{name}"] = ("benchmarks", first_index(base, tip), "extra_info", name)
    for label, field in refused.items():
        marker = f"REFUSED-{label.upper()}"
        (results_dir / f"{marker.lower()}.json").write_text(json.dumps(refused_run(field, marker)), encoding="utf-8")
    out = tmp_path_factory.mktemp("hostile_site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TIPSBENCH_RESULTS": str(results_dir)}
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=600, check=False)
    return out, done


def built_files(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): p.read_bytes().decode("utf-8", "replace")
            for p in sorted(site.rglob("*")) if p.is_file() and not p.name.endswith(".gz")}


@pytest.mark.slow
class TestHostileSite:
    def test_builds(self, hostile_site):
        _, done = hostile_site
        assert done.returncode == 0, done.stderr[-3000:]
        assert "Traceback" not in done.stderr, done.stderr[-3000:]

    def test_no_payload_survives_in_any_built_file(self, hostile_site):
        """Pages, inline SVG charts, the search indexes (both languages), sitemaps. Not the
        results files published for download (results/): they are the data itself, read
        by no page or script; the next test checks they hold no literal '<'."""
        site, _ = hostile_site
        found = [(name, raw) for name, text in built_files(site).items() for raw in RAW
                 if raw in text and not name.startswith("results/")]
        assert not found, found[:10]

    def test_published_results_files_are_the_same_data(self, hostile_site):
        """The site serves each results file for download, its value unchanged (payloads
        included, as \\u escapes): the test above reads those files too."""
        site, _ = hostile_site
        published = sorted((site / "results").glob("hostile-*.json"))
        assert published
        values = [json.dumps(json.loads(path.read_bytes()), ensure_ascii=False) for path in published]
        assert all("<" not in path.read_text(encoding="ascii") for path in published)
        assert any(raw in value for value in values for raw in RAW)  # the payloads, as data

    @pytest.mark.parametrize("locale", ["en", "zh"])
    def test_payloads_reached_every_results_page_escaped(self, hostile_site, locale):
        """The payloads were shown (as text) on each page with results: the test tested something."""
        site, _ = hostile_site
        for page in PAGES:
            html = (site / ("" if locale == "en" else "zh") / page).read_text(encoding="utf-8")
            assert ESCAPED in html, (locale, page)
            assert "hostile-everywhere_20261129T163528Z.json" in html or page == "index.html", (locale, page)

    def test_charts_draw_strings_as_text(self, hostile_site):
        """Markup, math ($…$) and str.format fields ({0}) come out as the characters they
        are, in a chart's <text> (a long one in lines: <tspan>s of the same <text>)."""
        site, _ = hostile_site
        drawn = re.compile(r'<svg class="tb-chart".*?<text[^>]*>[^<]*' + re.escape("&lt;svg onload=alert(1)&gt;" + NOT_MARKUP),
                           re.S)
        for page in ("numpy/index.html", "save-load/index.html", "gpu/index.html"):
            html = re.sub(r"</?tspan[^>]*>", "", (site / page).read_text(encoding="utf-8"))
            assert drawn.search(html), page

    def test_gpu_page_shows_the_hostile_device(self, hostile_site):
        site, _ = hostile_site
        html = (site / "gpu" / "index.html").read_text(encoding="utf-8")
        assert "cuda:0 NVIDIA H200&lt;script&gt;" in html
        assert "PCIe Gen5 x16&lt;script&gt;" in html  # the link, from the ceiling's details

    def test_search_index_holds_payloads_only_escaped(self, hostile_site):
        site, _ = hostile_site
        for index in (site / "search" / "search_index.json", site / "zh" / "search" / "search_index.json"):
            if not index.exists():
                continue
            texts = [doc["text"] + doc.get("title", "") for doc in json.loads(index.read_text())["docs"]]
            assert any(ESCAPED in t for t in texts), index
            assert not any(raw in t for t in texts for raw in RAW), index

    def test_files_refused_for_a_choice_field_are_left_out(self, hostile_site):
        site, _ = hostile_site
        files = built_files(site)
        leaked = [(name, marker) for name, text in files.items() if "REFUSED-" in text
                  for marker in [text[text.index("REFUSED-"):][:30]]]
        assert not leaked, leaked[:5]


def test_payload_fields_are_all_reachable():
    """Every string the renderers read gets a payload in one run or the other (a new
    free-text field of the loader is poisoned without changing this test)."""
    shown = poison(gpu_run("hostile-shown"), selected)
    extra = shown["benchmarks"][first_index(shown, "transfer")]["extra_info"]
    assert extra["code"].endswith(PAYLOAD) and extra["device"].endswith(PAYLOAD) and extra["direction"] == "h2d"
    assert shown["machine_info"]["tipsbench"]["accelerators"][0]["name"].endswith(PAYLOAD)
    everywhere = poison(copy.deepcopy(gpu_run("hostile-everywhere")), fixed)
    extra = everywhere["benchmarks"][first_index(everywhere, "save_load")]["extra_info"]
    assert extra["model"].endswith(PAYLOAD) and extra["variant"].endswith(PAYLOAD) and extra["target"] == "bytesio"
