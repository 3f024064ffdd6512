"""Hostile results files, fuzzed: any file is rendered (every string escaped) or refused
in one line naming it and the JSON path of the problem; never a traceback, never a hang.

The seed is a small real run (tests/data/numpy_run.json) with a few real save & load and
TensorBoard records of the shipped run and synthetic GPU records added (transfers, peer
copies, all-reduce), so every renderer has something to draw. Mutations change one field at a time: to every JSON kind
(every field, exhaustively), and to values hypothesis draws (then every marker renderer
runs on what loads, in both languages, and so does ``tipsbench report``).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import io
import json
import math
import os
import re
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tipsbench import claims, cli, results, testing
from tipsbench.claims.timeline import Timeline
from tipsbench.render.html import Markup, escape
from tipsbench.render.machines import Fleet
from tipsbench.render.registry import PageContext, Spec, renderers
from tipsbench.report import CONTROL
from tipsbench.results import ResultsError, load_run
from tipsbench.schema import FORBIDDEN, MAX_TEXT, printable

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "numpy_run.json"
SHIPPED = ROOT / "results" / "amd-epyc_2t_20261129T163528Z.json"
LOCALES = ("en", "zh")
DEVICE = "cuda:0 NVIDIA H200"
DELETE = object()  # a mutation that removes the field

# What must never reach a page unescaped.
PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "<svg onload=alert(1)>")
RAW = ("<script>alert(1)", "<img src=x", "<svg onload")
# Strings that are valid text but trip other machinery: TeX-style math, str.format,
# Markdown (a link, emphasis, a marker), HTML comments and entities.
TRICKY = ("$\\x$", "$", "{0}", "{name}", "{", "}", "%s", "_hidden", "[a](javascript:alert(1))", "*x*",
          "<!-- tipsbench:runs -->", "-->", "&amp;", "&#60;", "\\", "'", '"', "`", "中文", "😀", "\u200b",
          "x" * MAX_TEXT, "\ufffd")
# Strings no results file may hold: control characters (terminal escapes, NUL, the
# \x02/\x03 Python-Markdown uses for its placeholders, a blank line that would end a raw
# HTML block), lone surrogates (can't be written as UTF-8), line/paragraph separators
# and bidirectional overrides (text that reads differently than it is).
UNPRINTABLE = ("a\x00b", "\x1b[2J", "a\nb", "\n\n[a](javascript:alert(1))", "\t", "\r", "\x7f", "\x85", "\x9b",
               "\x02wzxhzdk:0\x03", "\ud800", "\udcff", "\u2028", "\u2029", "\u202e", "\u2066")
HUGE_TEXT = "x" * 100_000


# --- the seed run ------------------------------------------------------------------------

@functools.cache
def _seed_text() -> str:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    wanted = {("save_full", "bytesio"), ("save_state_dict", "bytesio"), ("save_full", "file"),
              ("save_state_dict", "file"), ("st_save_model", "file"), ("load_full", "cached"),
              ("load_state_dict_into", "cached")}
    save_load = [b for b in shipped["benchmarks"] if b["extra_info"]["tip"] == "save_load"
                 and b["extra_info"]["model"] == "mlp" and b["extra_info"]["model_size"] <= 8 << 20
                 and (b["extra_info"]["variant"], b["extra_info"]["target"]) in wanted]
    tensorboard = [b for b in shipped["benchmarks"] if b["extra_info"]["tip"] == "tensorboard"]
    data = copy.deepcopy(golden)
    data["benchmarks"] = (golden["benchmarks"] + save_load + tensorboard + collective_benchmarks() + transfer_benchmarks()
                          + peer_benchmarks())
    ours = data["machine_info"]["tipsbench"]
    ours["accelerators"] = [{"type": "cuda", "index": 0, "name": "NVIDIA H200", "memory_bytes": 150_000_000_000}]
    shipped_ceilings = shipped["machine_info"]["tipsbench"]["ceilings"]
    ours["ceilings"]["fsync_write_bytes_per_s"] = shipped_ceilings["fsync_write_bytes_per_s"]
    ours["ceilings"]["details"]["fsync_write_bytes_per_s"] = shipped_ceilings["details"]["fsync_write_bytes_per_s"]
    ours["ceilings"].update(transfer_ceilings())
    ours["ceilings"]["details"].update(transfer_ceilings()["details"])
    return json.dumps(data)


def transfer_benchmarks(device: str = DEVICE) -> list[dict]:
    """Four host → device copies on one CUDA device, as benchmarks/test_transfer.py records them."""
    found = []
    for variant, code, pinned, nbytes, median in (
            ("h2d_pageable", "t.to(device)", False, 4096, 2e-5), ("h2d_pageable", "t.to(device)", False, 1 << 20, 1e-4),
            ("h2d_pinned", "t_pinned.to(device)", True, 4096, 1e-5), ("h2d_pinned", "t_pinned.to(device)", True, 1 << 20, 5e-5)):
        found.append({
            "name": f"test_transfer[{variant}-{nbytes}]",
            "extra_info": {"tip": "transfer", "variant": variant, "code": code, "dtype": "float32", "bytes": nbytes,
                           "direction": "h2d", "pinned": pinned, "non_blocking": False, "device": device,
                           "device_index": 0, "device_name": device.split(" ", 1)[1], "timing": "cuda_events",
                           "shares_memory": False, "event_median_s": median * 1.01},
            "stats": {"min": median * 0.9, "max": median * 2, "mean": median * 1.1, "median": median,
                      "iqr": median / 10, "rounds": 100, "iterations": 10},
        })
    return found


def peer_benchmarks(device: str = DEVICE) -> list[dict]:
    """Two GPU → GPU peer copies, as test_peer_copy records them."""
    found = []
    for variant, code, nbytes, median in (("p2p_copy", "d_peer.copy_(d)", 1 << 20, 5e-6), ("p2p_to", "d.to(peer)", 1 << 20, 6e-6)):
        found.append({
            "name": f"test_peer_copy[{variant}-{nbytes}]",
            "extra_info": {"tip": "transfer", "variant": variant, "code": code, "dtype": "float32", "bytes": nbytes,
                           "direction": "p2p", "pinned": False, "non_blocking": False, "device": device,
                           "target": device.replace("cuda:0", "cuda:1"), "peer_access": True, "peer_link": "NV18",
                           "timing": "cuda.synchronize + perf_counter", "shares_memory": False},
            "stats": {"median": median, "iqr": median / 10, "rounds": 100, "iterations": 1},
        })
    return found


def collective_benchmarks(device: str = DEVICE) -> list[dict]:
    """Two all-reduce sizes over 8 GPUs, as tipsbench.families.collectives.run records them."""
    return [{
        "name": f"all_reduce[float32-{nbytes}-8ranks-nccl]",
        "extra_info": {"tip": "collectives", "variant": "all_reduce", "code": "dist.all_reduce(x)", "dtype": "float32",
                       "bytes": nbytes, "op": "sum", "backend": "nccl", "world_size": 8, "local_world_size": 8,
                       "device": device, "timing": "barrier + cuda.synchronize + perf_counter, slowest rank per round",
                       "shares_memory": False},
        "stats": {"median": median, "iqr": median / 10, "rounds": 50, "iterations": 1},
    } for nbytes, median in ((4096, 2e-5), (1 << 30, 5e-3))]


def transfer_ceilings(device: str = DEVICE) -> dict:
    return {"h2d_pinned_bytes_per_s": 2.5e10,
            "details": {"h2d_pinned_bytes_per_s": {"device": device, "variant": "h2d_pinned", "bytes": 1 << 20,
                                                   "link": "PCIe Gen5 x16", "link_bytes_per_s": 6.3e10,
                                                   "link_source": "nvidia-smi"}}}


def seed() -> dict:
    """A fresh copy of the seed run's JSON."""
    return json.loads(_seed_text())


Path_ = tuple  # a JSON path: keys and list indexes


def where(path: Path_) -> str:
    """A JSON path as results messages spell it: benchmarks[3].extra_info.code."""
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else key)
    return out


def _walk(value: object, path: Path_) -> Iterator[Path_]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _walk(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk(child, (*path, index))


def field_paths(data: dict, benchmarks: list[int] | None = None) -> list[Path_]:
    """Every field a renderer could see: the top level, all of machine_info.tipsbench, and
    each chosen benchmark (its name, extra_info and stats)."""
    found: list[Path_] = [(key,) for key in data]
    found += list(_walk(data["machine_info"], ("machine_info",)))[1:]
    found = [p for p in found if len(p) == 1 or p[:2] == ("machine_info", "tipsbench") or p == ("machine_info",)]
    for index in benchmarks if benchmarks is not None else range(len(data["benchmarks"])):
        bench = data["benchmarks"][index]
        found += [p for p in _walk(bench, ("benchmarks", index))
                  if len(p) == 2 or p[2] in ("name", "extra_info", "stats")]
    return found


def one_per_tip(data: dict) -> list[int]:
    """The index of the first benchmark of each tip."""
    seen: dict[str, int] = {}
    for index, bench in enumerate(data["benchmarks"]):
        seen.setdefault(bench["extra_info"]["tip"], index)
    return sorted(seen.values())


def mutate(data: dict, path: Path_, value: object) -> dict:
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if value is DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return data


def write(directory: Path, data: object, name: str = "run.json") -> Path:
    path = Path(directory) / name
    path.write_text(json.dumps(data), encoding="utf-8")  # NaN and Infinity as JSON allows them
    return path


def nested(depth: int) -> object:
    value: object = None
    for _ in range(depth):
        value = [value]
    return value


# Every JSON kind a field could be turned into.
KINDS: tuple[object, ...] = (
    DELETE, None, True, False, 0, -1, 1, 2**63, 10**400, -(10**400), 0.5, -0.0, 5e-324,
    math.nan, math.inf, -math.inf, 1e308, -1e308, "", "x", "1", HUGE_TEXT, *PAYLOADS,
    "\x1b[2J", "\ud800", "\n\n[a](javascript:alert(1))", [], [1, "a", None], {}, {"a": {"b": [None, {}]}},
    nested(60),
)


# --- the checks --------------------------------------------------------------------------

def outcome(path: Path) -> results.Run | str:
    """The run, or the message it was refused with: a ResultsError on one line that
    starts with the file's path. Anything else (another exception) fails the test."""
    try:
        return load_run(path)
    except ResultsError as exc:
        message = str(exc)
        assert "\n" not in message and "\r" not in message, message
        assert message.startswith(f"{printable(str(path))}: "), message
        assert not FORBIDDEN.search(message), message
        assert len(message) < len(str(path)) + 400, message
        return message


def load_or_refusal(path: Path) -> results.Run | None:
    found = outcome(path)
    return None if isinstance(found, str) else found


def report(path: Path, found: results.Run | str | None) -> None:
    """`tipsbench report FILE`: 0 and a clean table, or 1 and one line on stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(["report", str(path)])
    out_text, err_text = out.getvalue(), err.getvalue()
    if not isinstance(found, results.Run):
        assert status == 1, out_text
        assert out_text == ""
        assert err_text.count("\n") == 1 and err_text.endswith("\n"), err_text
        assert err_text.startswith("tipsbench: ") and printable(str(path)) in err_text, err_text
    else:
        assert status == 0, err_text
        assert err_text == ""
        assert not CONTROL.search(out_text.replace("\n", "")), out_text
        out_text.encode("utf-8")  # nothing a terminal can't print (no lone surrogates)


def spec_args(spec: Spec) -> dict[str, str]:
    """Valid arguments for a marker: the first allowed value of each required one."""
    args = {}
    for name, arg in spec.args.items():
        if arg.required:
            allowed = arg.allowed() or ((arg.example,) if arg.example else None)
            assert allowed, f"{spec.kind}: required argument {name} has no declared values"
            args[name] = allowed[0]
    return args


@functools.cache
def _specs() -> dict[str, Spec]:
    return renderers()


def chart_kinds() -> tuple[str, ...]:
    return tuple(k for k in _specs() if k.endswith("-chart"))


@functools.cache
def hostile_timeline() -> Timeline:
    """Two claims files whose outputs are payloads, with a change between them: what the
    claim boxes' strips and the what-changed page render from."""
    import tempfile

    directory = tempfile.mkdtemp(prefix="tipsbench-fuzz-claims-")
    ids = sorted(claims.all_claims())
    shown = {cid: list(PAYLOADS) for cid in ids}
    # Releases and a build no test run has: what the live claims are judged against stays
    # their scope, whichever torch runs the tests.
    return Timeline([testing.claims_file(directory, "1.98.0", {cid: "holds" for cid in ids}, shown=shown,
                                         build="rocm-gpu"),
                     testing.claims_file(directory, "1.99.0", {cid: "fails" for cid in ids}, shown=shown,
                                         build="rocm-gpu")])


def context(locale: str, run: results.Run, warn) -> PageContext:
    """A page context where every source a renderer reads holds the same (hostile) run:
    the tip pages' machines too, and the machine page of that run's machine."""
    fleet = Fleet.gather((run,), (run,), None, [("numpy", [("numpy-table", {"dtype": "float32"})]),
                                                ("save-load", [("saveload-sizes", {}), ("machines", {"tip": "numpy"})])])
    return PageContext(locale, page="x.md", runs=(run,), warn=warn, release_runs=(run,), timeline=hostile_timeline(),
                       claim_pages={cid: "numpy" for cid in claims.all_claims()}, fleet=fleet,
                       downloads={run.path: f"results/{run.file_name}"})


def marker_args(spec: Spec, run: results.Run) -> dict[str, str]:
    """spec_args, with a machine page's key set to the run's own machine."""
    args = spec_args(spec)
    return {**args, "key": run.key} if "key" in args else args


def render(run: results.Run, kinds: tuple[str, ...], locales: tuple[str, ...] = LOCALES) -> list[Markup]:
    """Every chosen marker renderer returns Markup with no payload unescaped."""
    outputs = []
    for locale in locales:
        for kind in kinds:
            spec = _specs()[kind]
            warnings: list[str] = []
            html = spec.fn(context(locale, run, warnings.append), marker_args(spec, run))
            assert isinstance(html, Markup), kind
            for raw in RAW:
                assert raw not in html, (kind, locale, raw)
            assert not FORBIDDEN.search(html.replace("\n", "")), kind
            for message in warnings:
                assert "\n" not in message, message
            outputs.append(html)
    return outputs


def fast_kinds() -> tuple[str, ...]:
    return tuple(k for k in _specs() if k not in chart_kinds())


@pytest.fixture(scope="module", autouse=True)
def canned_claims():
    """The claim marker doesn't read results; its checks (seconds each, in child
    processes) are replaced by a canned observation so the fuzzing stays fast."""
    canned = {cid: claims.Observation(True, PAYLOADS[0]) for cid in claims.all_claims()}
    with mock.patch.dict(claims._OBSERVED, canned):
        yield


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


# --- the seed itself ---------------------------------------------------------------------

def test_seed_loads_and_every_renderer_has_something_to_show(scratch):
    """The seed reaches every renderer's real output, not its "no results" notice, so
    mutations of it are seen by tables, charts, summaries and the GPU page."""
    run = load_run(write(scratch, seed()))
    assert {r.tip for r in run.records} == {"numpy", "save_load", "tensorboard", "transfer", "collectives"}
    for locale in LOCALES:
        for kind, spec in _specs().items():
            html = spec.fn(context(locale, run, pytest.fail), marker_args(spec, run))
            assert "tb-empty" not in html, (kind, locale)


# --- every field, every kind -------------------------------------------------------------

def _every_kind(scratch: Path, data: dict, paths: list[Path_]) -> tuple[int, int]:
    """Each path set to each of KINDS: refused naming the field (or its object), or loaded;
    a loaded file whose records differ from the unmutated one's goes through every marker
    renderer but the charts, in one language or the other (the charts and both languages
    of one file: the hypothesis tests below)."""
    loaded = refused = rendered = 0
    problems = []
    text = json.dumps(data)
    unchanged = load_run(write(scratch, data, "unchanged.json"))
    for path in paths:
        for value in KINDS:
            try:
                mutated = mutate(json.loads(text), path, value)
            except (KeyError, IndexError):
                continue
            file = write(scratch, mutated)
            found = outcome(file)
            if isinstance(found, str):
                refused += 1
                parent = where(path[:-1])
                if where(path) not in found and not (parent and parent in found):
                    problems.append(f"{where(path)} = {str(value)[:30]!r}: {found}")
            else:
                loaded += 1
                if dataclasses.replace(found, path=unchanged.path) != unchanged:
                    rendered += 1
                    render(found, fast_kinds(), (LOCALES[rendered % 2],))  # languages in turn: time
            if (loaded + refused) % 4 == 0:  # the CLI is slow to start (argparse); hypothesis covers it too
                report(file, found)
    assert not problems, "refusals that don't name the mutated field:\n" + "\n".join(problems[:20])
    assert rendered > 0
    return loaded, refused


def small_seed() -> dict:
    """The seed with one benchmark of each tip."""
    data = seed()
    data["benchmarks"] = [data["benchmarks"][i] for i in one_per_tip(data)]
    return data


def test_every_tipsbench_field_as_every_json_kind(scratch):
    """Each field of machine_info.tipsbench (and the top level) turned into each JSON kind."""
    data = small_seed()
    loaded, refused = _every_kind(scratch, data, field_paths(data, benchmarks=[]))
    assert refused > loaded > 0


def test_every_benchmark_field_as_every_json_kind(scratch):
    """Each field of extra_info for one benchmark of each tip, and of stats (read alike in
    every tip) for the first, turned into each JSON kind."""
    data = small_seed()
    paths = [p for p in field_paths(data) if p[0] == "benchmarks" and len(p) > 1 and (p[1] == 0 or p[2:3] != ("stats",))]
    loaded, refused = _every_kind(scratch, data, paths)
    assert refused > 0 and loaded > 0


# --- fuzzed values, then every renderer --------------------------------------------------

printable_chars = st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))
plausible = st.one_of(
    st.booleans(), st.integers(0, 1 << 40), st.floats(1e-9, 1e12), st.sampled_from(PAYLOADS + TRICKY),
    st.text(printable_chars, min_size=1, max_size=40), st.sampled_from(("float32", "float64", "int64", "L1d", "DRAM",
                                                                  "memcpy_bytes_per_s", "h2d", "save", "load", "file")),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(allow_nan=True, allow_infinity=True),
              st.text(max_size=30), st.sampled_from(KINDS[1:]), plausible),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=8,
)


@functools.cache
def _all_paths() -> tuple[Path_, ...]:
    return tuple(field_paths(seed()))


@st.composite
def mutations(draw, paths: tuple[Path_, ...] | None = None) -> tuple[Path_, object]:
    path = draw(st.sampled_from(paths or _all_paths()))
    value = draw(st.one_of(st.just(DELETE), plausible, json_values))
    return path, value


def _apply(muts: list[tuple[Path_, object]]) -> dict:
    data = seed()
    for path, value in muts:
        with contextlib.suppress(KeyError, IndexError, TypeError):
            mutate(data, path, value)
    return data


@settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(muts=st.lists(mutations(), min_size=1, max_size=3))
def test_mutated_file_renders_or_is_refused(muts, scratch):
    """One to three fields changed: the file is refused in one line, or every marker
    (charts aside, see below) renders it in both languages, escaped, and so does the CLI."""
    file = write(scratch, _apply(muts), "fuzzed.json")
    found = outcome(file)
    report(file, found)
    event("refused" if isinstance(found, str) else "rendered")
    if not isinstance(found, str):
        render(found, fast_kinds())


@functools.cache
def _chart_paths() -> tuple[Path_, ...]:
    """Fields a chart can show: the machine's, and those of benchmarks of charted tips."""
    data = seed()
    charted = [i for i, b in enumerate(data["benchmarks"]) if b["extra_info"]["tip"] != "tensorboard"]
    return tuple(p for p in field_paths(data, charted) if p[0] in ("machine_info", "benchmarks"))


@settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(mut=mutations(_chart_paths()), locale=st.sampled_from(LOCALES))
def test_mutated_file_charts(mut, locale, scratch):
    """Charts, for fields they show: one language each (a chart takes milliseconds, but
    each example renders a whole page's worth)."""
    file = write(scratch, _apply([mut]), "charted.json")
    run = load_or_refusal(file)
    event("refused" if run is None else "rendered")
    if run is not None:
        render(run, chart_kinds(), (locale,))


@settings(max_examples=50, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.one_of(st.sampled_from(PAYLOADS + TRICKY), st.text(printable_chars, min_size=1, max_size=60)),
       locale=st.sampled_from(LOCALES))
def test_strings_in_every_chart_text(name, locale, scratch):
    """The same string as a series (code), a device, a link and the CPU: every chart
    draws it as the text it is, never as math, markup or a format string."""
    data = seed()
    for bench in data["benchmarks"]:
        info = bench["extra_info"]
        info["code"] = name
        if info["tip"] == "transfer":
            info["device"] = name
    ours = data["machine_info"]["tipsbench"]
    ours["ceilings"]["details"]["h2d_pinned_bytes_per_s"].update(device=name, link=name)
    ours["cpu"]["model"] = name
    run = load_or_refusal(write(scratch, data, "chart_text.json"))
    assert run is not None
    for kind, html in zip(chart_kinds(), render(run, chart_kinds(), (locale,)), strict=True):
        assert name in svg_texts(html), (kind, name)


def svg_texts(svg: str) -> list[str]:
    """What each <text> of an SVG says: its lines (<tspan>s) joined, unescaped."""
    import html

    return [html.unescape(re.sub(r"</?tspan[^>]*>", "", inner)) for inner in re.findall(r"<text[^>]*>(.*?)</text>", svg)]


def test_chart_text_that_looks_like_svg_is_drawn_as_written():
    """A name that spells SVG (ids, references, tags, entities) or trips other machinery
    (format fields, math, a leading underscore) is text: escaped, and drawn as written."""
    from tipsbench.render.charts import Series, throughput_chart

    name = '_id="x" href="#y" url(#z) <b>&amp; {0} $x$ style="fill:red"'
    svg = throughput_chart([Series(name, ((1024.0, 1e9), (2048.0, 2e9)))], title=name, x_label="x", y_label="y", ceiling=(name, 3e9), marks=[(name, 1536.0)])
    assert svg_texts(svg).count(name) == 4  # legend twice (series, ceiling), title, mark
    assert f"<title>{escape(name)}</title>" in svg
    assert f'aria-label="{escape(name)}"' in svg
    for raw in ('id="x"', 'href="#y"', "<b>", 'style="fill'):  # none of it is markup
        assert raw not in svg, raw
    assert "&lt;b&gt;&amp;amp; {0} $x$" in svg  # the entity too is text


# --- whole files that aren't results -----------------------------------------------------

@settings(max_examples=150, deadline=None, database=None)
@given(blob=st.one_of(st.binary(max_size=200), st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
                      json_values.map(lambda v: json.dumps(v).encode())))
def test_any_bytes_load_or_are_refused(blob, scratch):
    path = scratch / "blob.json"
    path.write_bytes(blob)
    run = load_or_refusal(path)
    report(path, run)


@settings(max_examples=60, deadline=None, database=None)
@given(fields=st.dictionaries(st.sampled_from(("format", "key", "profile", "torch", "cpu", "caches", "ceilings",
                                               "accelerators")), json_values, max_size=8))
def test_any_tipsbench_object_loads_or_is_refused(fields, scratch):
    """machine_info.tipsbench rebuilt from fuzzed fields (format, key, profile … of any kind)."""
    data = seed()
    data["machine_info"]["tipsbench"] = fields
    file = write(scratch, data, "machine.json")
    run = load_or_refusal(file)
    report(file, run)
    if run is not None:
        render(run, fast_kinds())


# --- refusals, one by one ----------------------------------------------------------------

def refusal(path: Path) -> str:
    """The one-line message a refused file gets (the checks of `outcome` hold)."""
    found = outcome(path)
    assert isinstance(found, str), f"{path} was accepted"
    report(path, found)
    return found


class TestStructure:
    def test_deep_nesting_is_refused_not_a_recursion_error(self, scratch):
        """100 000 nested lists, as the whole file or as one field: one line, not RecursionError."""
        path = scratch / "deep.json"
        path.write_text("[" * 100_000 + "]" * 100_000)
        assert "nested too deeply" in refusal(path)
        text = json.dumps(seed())
        path.write_text(text.replace('"numpy": "2.4.6"', '"numpy": ' + "[" * 100_000 + "]" * 100_000, 1))
        assert "nested too deeply" in refusal(path)
        path.write_text("{" + '"a":{' * 100_000 + "}" * 100_001)
        assert "nested too deeply" in refusal(path)

    def test_deep_but_parseable_nesting_in_an_unread_field_loads(self, scratch):
        data = seed()
        data["machine_info"]["tipsbench"]["os"] = nested(500)
        data["benchmarks"][0]["extra_info"]["unknown"] = nested(500)
        assert load_or_refusal(write(scratch, data)) is not None

    @pytest.mark.parametrize("digits", [400, 4300, 5000, 100_000])
    def test_integers_with_many_digits(self, scratch, digits):
        """Beyond Python's int-conversion limit json.loads raises ValueError; below it the
        number is too large to be a float: both are one line, not OverflowError."""
        text = json.dumps(seed()).replace('"rounds": 399', '"rounds": ' + "9" * digits, 1)
        path = scratch / "digits.json"
        path.write_text(text)
        message = refusal(path)
        assert "not valid JSON" in message or "benchmarks[0].stats.rounds" in message

    @pytest.mark.parametrize("number", ["1e400", "-1e400", "1e-400", "NaN", "Infinity", "-Infinity", "1e308"])
    def test_number_literals(self, scratch, number):
        text = json.dumps(seed()).replace('"median": 5.060727272879459e-07', f'"median": {number}', 1)
        assert text.count(f'"median": {number}') == 1
        path = scratch / "number.json"
        path.write_text(text)
        if number == "1e-400":  # 0.0: a call too fast to time is no throughput, not an error
            assert load_or_refusal(path) is not None
        else:
            assert "benchmarks[0].stats.median" in refusal(path)

    @pytest.mark.parametrize("text, problem", [
        ("", "is empty"), ("  \n\t ", "is empty"), ("null", "top level should be an object, found null"),
        ("[]", "top level should be an object, found a list"), ("0", "top level should be an object"),
        ('"x"', "top level should be an object"), ("{}", "machine_info is missing"),
        ('{"machine_info": {}}', "machine_info.tipsbench is missing"),
        ('{"machine_info": {"tipsbench": {}}}', "machine_info.tipsbench.format is missing"),
        ("{", "truncated JSON"), ('{"a": 1} x', "not valid JSON"), ("\ufeff{}", "not valid JSON"),
        ('{"a": "\\ud800"', "truncated JSON"),
    ])
    def test_not_a_results_file(self, scratch, text, problem):
        path = scratch / "odd.json"
        path.write_text(text, encoding="utf-8")
        assert problem in refusal(path)

    @pytest.mark.parametrize("raw, problem", [(b"\xff\xfe{\x00}\x00", "not UTF-8"), (b'{"a": "\xc3"}', "not UTF-8"),
                                              (b"\x00" * 64, "not valid JSON")])
    def test_not_text(self, scratch, raw, problem):
        path = scratch / "bytes.json"
        path.write_bytes(raw)
        assert problem in refusal(path)

    def test_missing_file_and_directory(self, scratch):
        assert "no such file" in refusal(scratch / "absent.json")
        (scratch / "dir.json").mkdir(exist_ok=True)
        assert "is a directory" in refusal(scratch / "dir.json")

    @pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
    def test_named_pipe_is_refused_not_waited_on(self, scratch):
        """A FIFO named *.json in results/ would block a plain read forever."""
        path = scratch / "pipe.json"
        if not path.exists():
            os.mkfifo(path)
        started = time.monotonic()
        assert "not a regular file" in refusal(path)
        assert time.monotonic() - started < 5

    @pytest.mark.parametrize("name", ["a\nb.json", "a\x1b[2Jb.json", "a\u202eb.json"])
    def test_file_names_with_control_characters(self, scratch, name):
        """The name shows on pages and in one-line warnings: it must be printable."""
        path = write(scratch, seed(), name)
        message = refusal(path)
        assert "file name" in message


class TestFormats:
    @pytest.mark.parametrize("value, problem", [
        (2, "results format 2 is newer than this tipsbench reads (1); upgrade tipsbench"),
        (10**6, "is newer than this tipsbench reads"), (10**7, "format is 1e+07, beyond anything"),
        (10**400, "format is a number with 401 digits"),
        (0, "results format 0 is not a known version"), (-1, "format should be a whole number ≥ 0"),
        (1.5, "format should be a whole number"), ("1", "format should be a whole number ≥ 0, found a string"),
        (None, "format is missing"), (True, "found a boolean"), (math.nan, "found the non-finite number nan"),
        ([1], "found a list"), ({"major": 1}, "found an object"),
    ])
    def test_unknown_and_newer_formats(self, scratch, value, problem):
        data = seed()
        data["machine_info"]["tipsbench"]["format"] = value
        assert problem in refusal(write(scratch, data))

    def test_format_one_as_float_is_format_one(self, scratch):
        data = seed()
        data["machine_info"]["tipsbench"]["format"] = 1.0
        assert load_or_refusal(write(scratch, data)) is not None

    def test_unknown_tip_keeps_its_common_fields(self, scratch):
        """A newer suite's tip loads (shown by `runs` and the CLI) without family fields."""
        data = seed()
        data["benchmarks"][0]["extra_info"].update(tip="from_the_future", direction=42, brand_new={"x": [1]})
        run = load_or_refusal(write(scratch, data))
        assert run is not None and run.records[0].fields is None
        render(run, fast_kinds())

    def test_unknown_fields_are_ignored(self, scratch):
        data = seed()
        data["machine_info"]["tipsbench"]["future"] = {"anything": [None, 1e308, "<script>"]}
        data["benchmarks"][3]["extra_info"]["future"] = math.nan
        data["benchmarks"][3]["stats"]["future"] = "x" * 10_000
        data["future"] = [1, 2, 3]
        assert load_or_refusal(write(scratch, data)) is not None


class TestStrings:
    @pytest.mark.parametrize("bad", UNPRINTABLE, ids=[ascii(s) for s in UNPRINTABLE])
    def test_control_characters_are_refused(self, scratch, bad):
        """Decision: a string with a control character, a lone surrogate, a line separator
        or a bidi override is refused at the boundary (with the field's path), not escaped:
        no page, terminal or Markdown stage downstream has to think about it."""
        for path in (("machine_info", "tipsbench", "cpu", "model"), ("benchmarks", 0, "extra_info", "code"),
                     ("machine_info", "tipsbench", "accelerators", 0, "name"), ("benchmarks", 0, "name"),
                     ("machine_info", "tipsbench", "ceilings", "details", "h2d_pinned_bytes_per_s", "link")):
            message = refusal(write(scratch, mutate(seed(), path, "ok" + bad + "ok")))
            assert where(path) in message and "character" in message, message

    @pytest.mark.parametrize("size", [MAX_TEXT + 1, 100_000, 10_000_000])
    def test_huge_strings_are_refused(self, scratch, size):
        message = refusal(write(scratch, mutate(seed(), ("machine_info", "tipsbench", "cpu", "model"), "x" * size)))
        assert f"machine_info.tipsbench.cpu.model is {size:,} characters long" in message

    def test_refused_values_are_quoted_safely(self, scratch):
        """A refused value quoted in the message is cut short and its controls escaped."""
        data = mutate(seed(), ("machine_info", "tipsbench", "profile"), PAYLOADS[0] + "y" * 400)
        message = refusal(write(scratch, data))
        assert "profile should be one of quick, full, found '<script>alert(1)</script>yyy" in message
        assert "yyy…'" in message and len(message) < 300
        data = mutate(seed(), ("machine_info", "tipsbench", "profile"), "a\x1b[2J\u202e")
        assert r"profile should be one of quick, full, found 'a\x1b[2J\u202e'" in refusal(write(scratch, data))

    @pytest.mark.parametrize("name", ["<script>", "L1d\n", "L" * 11, "", "L0", "l1d", "L1d ", "L\u202e1"])
    def test_cache_names(self, scratch, name):
        data = seed()
        data["machine_info"]["tipsbench"]["caches"][name] = 1024
        assert "machine_info.tipsbench.caches" in refusal(write(scratch, data))

    @pytest.mark.parametrize("name", ["<script>alert(1)</script>", "a\nb", "x" * 81, "", "Memcpy", "a b"])
    def test_ceiling_names(self, scratch, name):
        data = seed()
        data["machine_info"]["tipsbench"]["ceilings"][name] = 1e9
        assert "machine_info.tipsbench.ceilings" in refusal(write(scratch, data))
        data = seed()
        data["machine_info"]["tipsbench"]["ceilings"]["details"][name] = {}
        assert "machine_info.tipsbench.ceilings.details" in refusal(write(scratch, data))

    @pytest.mark.parametrize("field, value", [
        (("machine_info", "tipsbench", "key"), "<script>"), (("machine_info", "tipsbench", "key"), "x" * 121),
        (("machine_info", "tipsbench", "profile"), PAYLOADS[0]),
        (("benchmarks", 0, "extra_info", "direction"), PAYLOADS[1]),
        (("benchmarks", 6, "extra_info", "op"), PAYLOADS[0]), (("benchmarks", 6, "extra_info", "target"), PAYLOADS[2]),
        (("benchmarks", 6, "extra_info", "stage"), PAYLOADS[0]), (("benchmarks", 6, "extra_info", "format"), PAYLOADS[0]),
        (("benchmarks", -1, "extra_info", "direction"), PAYLOADS[2]),
    ])
    def test_payload_in_a_field_with_fixed_choices_is_refused(self, scratch, field, value):
        data = seed()
        if field[1] == -1:
            field = ("benchmarks", len(data["benchmarks"]) - 1, *field[2:])
        message = refusal(write(scratch, mutate(data, field, value)))
        assert where(field) in message


class TestDatetime:
    @pytest.mark.parametrize("value, utc", [
        ("2026-11-29T16:35:26.931807+00:00", "2026-11-29T16:35:26.931807+00:00"),
        ("2026-11-29T17:35:26+01:00", "2026-11-29T16:35:26+00:00"),
        ("2026-11-29T16:35:26Z", "2026-11-29T16:35:26+00:00"),
        ("2026-11-29T16:35:26", "2026-11-29T16:35:26+00:00"),  # no offset: UTC, as pytest-benchmark writes
        ("2026-11-29", "2026-11-29T00:00:00+00:00"),
    ])
    def test_times_are_kept_as_written_and_ordered_as_utc(self, scratch, value, utc):
        run = load_or_refusal(write(scratch, mutate(seed(), ("datetime",), value)))
        assert run is not None and run.datetime == value and run.utc.isoformat() == utc

    def test_newest_run_is_newest_in_time_not_as_a_string(self, scratch):
        """16:40 UTC is newer than 17:35+01:00 (16:35 UTC), though it sorts first as text."""
        earlier = load_run(write(scratch, mutate(seed(), ("datetime",), "2026-11-29T17:35:26+01:00"), "a.json"))
        later = load_run(write(scratch, mutate(seed(), ("datetime",), "2026-11-29T16:40:00+00:00"), "b.json"))
        assert [r.datetime for r in results.newest_per_machine([earlier, later], "numpy")] == [later.datetime]
        assert [r.datetime for r in results.newest_per_machine([later, earlier], "numpy")] == [later.datetime]

    @pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "2026-11-29T25:00", "0001-01-01T00:00:00+01:00",
                                       "9999-12-31T23:59:59-01:00", "2026-11-29\x00", "２０２６-11-29", ""])
    def test_bad_times_are_refused(self, scratch, value):
        assert "datetime" in refusal(write(scratch, mutate(seed(), ("datetime",), value)))


class TestSize:
    def test_file_over_the_limit_is_refused_unread(self, scratch, monkeypatch):
        monkeypatch.setattr(results, "MAX_FILE_BYTES", 1000)
        message = refusal(write(scratch, seed()))
        assert re.search(r"is [\d,]+ bytes; results files over 1000 B are refused unread", message), message

    def test_sparse_file_just_over_the_real_limit(self, scratch):
        """A 64 MiB + 1 byte file is refused before anything is read into memory."""
        path = scratch / "sparse.json"
        with path.open("wb") as f:
            f.truncate(results.MAX_FILE_BYTES + 1)
        tracemalloc.start()
        try:
            message = refusal(path)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert "refused unread" in message and peak < results.MAX_FILE_BYTES // 8

    def test_a_file_that_grows_after_its_size_was_checked(self, scratch, monkeypatch):
        """Reading stops at the limit even if the size on disk was stale."""
        monkeypatch.setattr(results, "MAX_FILE_BYTES", 1000)
        path = write(scratch, seed())
        real_fstat = os.fstat
        monkeypatch.setattr(os, "fstat", lambda fd: os.stat_result((*real_fstat(fd)[:6], 10, *real_fstat(fd)[7:])))
        assert "refused" in refusal(path)

    def test_too_many_benchmarks(self, scratch):
        data = seed()
        data["benchmarks"] = data["benchmarks"][:1] * (results.MAX_BENCHMARKS + 1)
        assert f"at most {results.MAX_BENCHMARKS:,}" in refusal(write(scratch, data))

    @pytest.mark.parametrize("field, count", [("accelerators", 1000), ("caches", 1000), ("ceilings", 10_000)])
    def test_too_many_machine_entries(self, scratch, field, count):
        data = seed()
        ours = data["machine_info"]["tipsbench"]
        if field == "accelerators":
            ours[field] = [{"type": "cuda", "index": 0, "name": "x"}] * count
        elif field == "caches":
            ours[field] = {f"L{i % 9 + 1}{chr(97 + i % 26)}{i}": 1 for i in range(count)}
        else:
            ours[field] = {f"c{i}_bytes_per_s": 1e9 for i in range(count)}
        assert f"machine_info.tipsbench.{field}" in refusal(write(scratch, data))

    def test_largest_accepted_file_renders_in_bounded_time(self, scratch):
        """The most benchmarks a file may hold, each with its own code and size (the worst
        case for variants × sizes tables), renders without a hang."""
        data = seed()
        template = data["benchmarks"][1]
        many, side = [], results.MAX_DISTINCT
        for i in range(results.MAX_BENCHMARKS):
            bench = copy.deepcopy(template)
            row, column = i % side, (i // side + i) % side
            bench["extra_info"].update(code=f"variant {row}", variant=f"v{row}", bytes=1024 + column)
            many.append(bench)
        data["benchmarks"] = many
        path = write(scratch, data)
        started = time.monotonic()
        run = load_or_refusal(path)
        assert run is not None
        report(path, run)
        render(run, ("numpy-table", "numpy-fidelity", "runs", "numpy-headline"), ("en",))
        assert time.monotonic() - started < 30

    def test_too_many_distinct_values(self, scratch):
        """One row per variant, one column per size: more than MAX_DISTINCT of either is refused."""
        data = seed()
        template = data["benchmarks"][1]
        data["benchmarks"] = [copy.deepcopy(template) for _ in range(results.MAX_DISTINCT + 1)]
        for i, bench in enumerate(data["benchmarks"]):
            bench["extra_info"]["bytes"] = i
        message = refusal(write(scratch, data))
        assert f"benchmarks[{results.MAX_DISTINCT}].extra_info.bytes: more than {results.MAX_DISTINCT}" in message


def test_many_files_on_the_command_line(scratch):
    """Good and bad files together: one line per bad one, a table per good one, status 1."""
    good = write(scratch, seed(), "good.json")
    bad = write(scratch, mutate(seed(), ("datetime",), PAYLOADS[0]), "bad.json")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(["report", str(bad), str(good), str(scratch / "absent.json")])
    assert status == 1
    lines = err.getvalue().splitlines()
    assert len(lines) == 2 and all(line.startswith("tipsbench: ") for line in lines)
    assert str(bad) in lines[0] and "absent.json: no such file" in lines[1]
    assert "torch.from_numpy(a)" in out.getvalue()


@pytest.mark.parametrize("folder", ["esc\x1b[2J", "nl\nx", "\udcff-undecodable"])
def test_report_of_a_good_file_in_an_odd_folder(tmp_path, folder):
    """The table's header names the file: a folder given on the command line with control
    characters or an undecodable byte is printed with '?' in their place."""
    try:
        (tmp_path / folder).mkdir()
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system can't name such a folder")
    path = write(tmp_path / folder, seed())
    report(path, load_run(path))


def test_plugin_warns_once_per_bad_file_and_renders_the_good_ones(tmp_path, monkeypatch):
    """The MkDocs plugin (configured once per language by the i18n plugin): one one-line
    warning per bad file, every good run kept."""
    from types import SimpleNamespace

    from tipsbench import mkdocs_plugin

    write(tmp_path, seed(), "good.json")
    write(tmp_path, mutate(seed(), ("machine_info", "tipsbench", "cpu", "model"), "a\x00b"), "nul.json")
    (tmp_path / "deep.json").write_text("[" * 100_000)
    (tmp_path / "huge_int.json").write_text(json.dumps(seed()).replace('"rounds": 399', '"rounds": 1' + "0" * 5000))
    write(tmp_path, seed(), "name\x1b[31m.json")
    monkeypatch.delenv(results.RESULTS_ENV, raising=False)
    warnings: list[str] = []
    monkeypatch.setattr(mkdocs_plugin.log, "warning", warnings.append)
    plugin = mkdocs_plugin.TipsbenchPlugin()
    plugin.load_config({"results_dir": str(tmp_path), "claims_dir": str(tmp_path)})
    for _ in range(2):
        plugin.on_config(SimpleNamespace(config_file_path=str(tmp_path / "mkdocs.yml"), docs_dir=str(tmp_path),
                                         site_dir=str(tmp_path / "site")))
    assert [Path(r.path).name for r in plugin.runs] == ["good.json"]
    assert len(warnings) == 4, warnings
    assert all(w.startswith("skipped bad results file ") and not FORBIDDEN.search(w) for w in warnings), warnings
