"""Many machines on one page: one machine per table with a selector, a row per machine in
the headline table, a generated page per machine, and page weight that stays flat."""

from __future__ import annotations

import re

from tipsbench import testing
from tipsbench.render.machines import (
    Fleet,
    anchor_id,
    label,
    page_source,
    reproduce_command,
    safe_title,
    write_machine_pages,
)
from tipsbench.render.registry import PageContext, render_markers

TABLE = "<!-- tipsbench:numpy-table dtype=float32 -->"


def numpy_run(key: str, cpu: str, *, when: str = "2026-11-29T00:00:00+00:00", median: float = 1e-6,
              extra: int = 0, torch: str = "2.13.0+cpu"):
    benches = [testing.bench("numpy", "from_numpy", median, nbytes=1024, direction="numpy_to_torch",
                             shares_memory=True),
               testing.bench("numpy", "tensor", median * 8, nbytes=1024, direction="numpy_to_torch",
                             shares_memory=False)]
    benches += [testing.bench("numpy", "tensor", median * 8, nbytes=2048 << i, direction="numpy_to_torch",
                              shares_memory=False) for i in range(extra)]
    stamp = when[:19].replace("-", "").replace(":", "")
    return testing.run(benches, path=f"results/{key}_{stamp}Z.json", when=when, key=key,
                       cpu={"model": cpu, "logical_cpus": 8, "arch": "x86_64"},
                       torch={"version": torch, "build": "CPU", "threads": 8})


def context(runs, fleet=None, url="numpy/", locale="en", downloads=None):
    warnings: list[str] = []
    ctx = PageContext(locale, "numpy.md", tuple(runs), warnings.append, url=url, fleet=fleet,
                      downloads=downloads or {})
    return ctx, warnings


def fleet_of(runs, preferred=None, sections=()):
    return Fleet.gather(runs, (), preferred, sections)


def test_anchor_ids_are_stable_and_safe():
    assert anchor_id("numpy-table", {"dtype": "float32"}) == "tb-numpy-table-float32"
    # Arguments in name order, whatever order the page wrote them in.
    assert anchor_id("saveload-table", {"op": "save", "model": "mlp", "target": "fsync"}) \
        == anchor_id("saveload-table", {"target": "fsync", "model": "mlp", "op": "save"}) \
        == "tb-saveload-table-mlp-save-fsync"


def test_default_machine_is_the_preferred_one_else_the_fullest_run():
    small, full = numpy_run("small_8t", "Small"), numpy_run("full_8t", "Full", extra=3)
    assert fleet_of([small, full]).order == ("full_8t", "small_8t")
    assert fleet_of([small, full], preferred="small_8t").order == ("small_8t", "full_8t")


def test_a_table_shows_one_machine_and_links_to_the_others_at_the_same_table():
    runs = [numpy_run("a_8t", "CPU A", extra=2), numpy_run("b_8t", "CPU B"), numpy_run("c_8t", "CPU C")]
    ctx, warnings = context(runs, fleet_of(runs))
    html = render_markers(TABLE, ctx)
    assert not warnings
    block = re.search(r'<div id="tb-numpy-table-float32" class="tb-machine-block">.*</div>', html, re.S)
    assert block, html[:500]
    assert "Machine: CPU A" in html and "Machine: CPU B" not in html  # one machine's table
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', html)
    assert ("../machines/b_8t/#tb-numpy-table-float32", "CPU B · 8 threads") in links
    assert ("../machines/c_8t/#tb-numpy-table-float32", "CPU C · 8 threads") in links
    assert "2 other machines" in html
    assert "tipsbench run --profile quick -- -k test_numpy_tensor" in html


def test_a_single_machine_has_no_selector():
    runs = [numpy_run("a_8t", "CPU A")]
    html = render_markers(TABLE, context(runs, fleet_of(runs))[0])
    assert "<details" not in html and "Machine: CPU A" in html


def test_no_results_is_the_renderers_own_notice():
    html = render_markers(TABLE, context([], fleet_of([]))[0])
    assert 'class="tb-empty"' in html


def test_chinese_selector():
    runs = [numpy_run("a_8t", "CPU A"), numpy_run("b_8t", "CPU B")]
    html = render_markers(TABLE, context(runs, fleet_of(runs), url="zh/numpy/", locale="zh")[0])
    assert "另有 1 台机器" in html and "在你的机器上复现" in html
    assert 'href="../machines/b_8t/#tb-numpy-table-float32"' in html  # zh/numpy/ -> zh/machines/b_8t/


def test_page_weight_stays_flat_with_twenty_machines():
    one = [numpy_run("m00_8t", "CPU 00", extra=4)]
    many = [numpy_run(f"m{i:02d}_8t", f"CPU {i:02d}", extra=4) for i in range(20)]
    page = TABLE + "\n" + "<!-- tipsbench:machines tip=numpy -->"
    light = render_markers(page, context(one, fleet_of(one))[0])
    heavy = render_markers(page, context(many, fleet_of(many))[0])
    without_fleet = render_markers(TABLE, context(many)[0])  # the old way: a table per machine
    # Each extra machine costs a link and a headline row, never a table.
    assert (len(heavy) - len(light)) / 19 < 700, (len(light), len(heavy))
    assert heavy.count('class="tb-results"') == light.count('class="tb-results"') == 1
    assert without_fleet.count('tb-provenance') == 20 and len(without_fleet) > 10 * len(light)


def test_headline_table_has_a_row_per_machine_linking_its_page():
    runs = [numpy_run("a_8t", "CPU A"), numpy_run("b_8t", "CPU B", median=2e-6)]
    html = render_markers("<!-- tipsbench:machines tip=numpy -->", context(runs, fleet_of(runs))[0])
    assert html.count('href="../machines/') == 2
    assert "1.00 µs" in html and "2.00 µs" in html


def test_hostile_cpu_names_are_escaped_everywhere():
    evil = '<script>alert(1)</script>" onmouseover="x'
    runs = [numpy_run("a_8t", "CPU A", extra=1), numpy_run("b_8t", evil)]
    fleet = fleet_of(runs, sections=[("numpy", [("numpy-table", {"dtype": "float32"})])])
    html = render_markers(TABLE + "<!-- tipsbench:machines tip=numpy -->", context(runs, fleet)[0])
    page = render_markers("<!-- tipsbench:machine key=b_8t -->", context(runs, fleet, url="machines/b_8t/")[0])
    for out in (html, page):
        assert "<script>" not in out and '" onmouseover' not in out
    assert label(runs[1].machine, "en", clean=safe_title) == "script alert(1) /script onmouseover x · 8 threads"
    source = page_source("b_8t", runs[1].machine, "en")
    assert "<" not in source.split("<!--")[0]
    # Our own words stay whole in Chinese: only the file's names are cleaned.
    assert '"机器：CPU A · 8 线程"' in page_source("a_8t", runs[0].machine, "zh")


def test_machine_page_has_facts_runs_history_and_its_tables():
    old = numpy_run("a_8t", "CPU A", when="2026-11-01T00:00:00+00:00", torch="2.12.0+cpu")
    new = numpy_run("a_8t", "CPU A", when="2026-11-20T00:00:00+00:00", median=2e-6)
    other = numpy_run("b_8t", "CPU B")
    fleet = fleet_of([old, new, other], sections=[("numpy", [("numpy-table", {"dtype": "float32"}),
                                                             ("machines", {"tip": "numpy"})])])
    downloads = {run.path: f"results/{run.file_name}" for run in (old, new, other)}
    html = render_markers("<!-- tipsbench:machine key=a_8t -->",
                          context([old, new, other], fleet, url="machines/a_8t/", downloads=downloads)[0])
    assert "What this machine is" in html and ">Runs<" in html and ">History<" in html
    assert f'href="../../results/{new.file_name}" download="{new.file_name}"' in html
    assert f'href="../../results/{old.file_name}"' in html  # every run, not only the newest
    assert 'id="tb-numpy-table-float32"' in html and "2.00 µs" in html  # the newest run's table
    assert "CPU B" not in html
    assert "<svg" in html  # two runs, a history chart
    assert "2.12.0+cpu" in html and "2.13.0+cpu" in html


def test_unknown_machine_page_shows_the_empty_notice():
    runs = [numpy_run("a_8t", "CPU A")]
    html = render_markers("<!-- tipsbench:machine key=zzz_1t -->", context(runs, fleet_of(runs))[0])
    assert 'class="tb-empty"' in html


def test_reproduce_command_names_the_profile_and_family():
    run = numpy_run("a_8t", "CPU A")
    assert reproduce_command(run, "save_load") == "tipsbench run --profile quick -- -k test_save_load"
    assert reproduce_command(run, None) == "tipsbench run --profile quick"
    # The all-reduce results come from torchrun, not from a benchmarks/ file.
    assert reproduce_command(run, "collectives").startswith("torchrun ") and "--profile quick" in \
        reproduce_command(run, "collectives")


def test_every_family_command_runs_something():
    """A family without a command of its own is reproduced by its benchmarks file; one with
    a command names a module that takes the flags it passes."""
    import importlib
    from pathlib import Path

    from tipsbench import families

    benchmarks = Path(__file__).resolve().parents[2] / "benchmarks"
    for family in families.names():
        package = importlib.import_module(f"tipsbench.families.{family}")
        if hasattr(package, "REPRODUCE"):
            module = re.search(r"-m (\S+)", package.REPRODUCE).group(1)
            source = Path(importlib.util.find_spec(module).origin).read_text(encoding="utf-8")
            assert all(f'"{flag}"' in source for flag in re.findall(r"--[a-z-]+", package.REPRODUCE.split(module)[1]))
        elif importlib.util.find_spec(f"tipsbench.families.{family}.views") is not None:
            assert (benchmarks / f"test_{family}.py").is_file(), family


def test_the_reproduce_line_names_the_run_the_table_shows():
    """A machine's newest run measured another tip: the table shows its older run, and the
    line under it reproduces that one (its torch, its profile), not the newest."""
    older = numpy_run("a_8t", "CPU A", when="2026-11-28T00:00:00+00:00", torch="2.12.0+cpu")
    newer = testing.run([testing.bench("tensorboard", "add_scalar", 1e-5)], key="a_8t",
                        path="results/a_8t_20261130T000000Z.json", when="2026-11-30T00:00:00+00:00",
                        cpu={"model": "CPU A", "logical_cpus": 8, "arch": "x86_64"},
                        torch={"version": "2.13.0+cpu", "build": "CPU", "threads": 8}, profile="full")
    html = render_markers(TABLE, context([older, newer], fleet_of([older, newer]))[0])
    line = html.split("tb-provenance")[-1]
    assert "torch 2.12.0+cpu" in line and "--profile quick -- -k test_numpy_tensor" in line


def test_machine_pages_come_in_pairs_and_only_change_when_they_must(tmp_path):
    runs = [numpy_run("a_8t", "CPU A"), numpy_run("b_8t", "CPU B")]
    folder = tmp_path / "machines"
    (folder).mkdir()
    (folder / "gone_1t.md").write_text("old", encoding="utf-8")
    write_machine_pages(folder, fleet_of(runs), ["en", "zh"])
    assert sorted(p.name for p in folder.iterdir()) == ["a_8t.md", "a_8t.zh.md", "b_8t.md", "b_8t.zh.md"]
    before = (folder / "a_8t.md").stat().st_mtime_ns
    write_machine_pages(folder, fleet_of(runs), ["en", "zh"])
    assert (folder / "a_8t.md").stat().st_mtime_ns == before  # `mkdocs serve` watches docs/
    assert "机器：CPU A" in (folder / "a_8t.zh.md").read_text(encoding="utf-8")


def test_machine_marker_with_a_key_nobody_has():
    runs = [numpy_run("a_8t", "CPU A")]
    ctx, warnings = context(runs, fleet_of(runs))
    html = render_markers("<!-- tipsbench:machine key=../a_8t -->", ctx)
    assert 'class="tb-empty"' in html and "CPU A" not in html
    assert warnings == ["numpy.md: no results file is from machine '../a_8t'"]


def test_chinese_tables_have_chinese_tooltips():
    runs = [numpy_run("a_8t", "CPU A")]
    html = render_markers("<!-- tipsbench:machines tip=numpy -->", context(runs, fleet_of(runs), url="zh/numpy/",
                                                                             locale="zh")[0])
    titles = re.findall(r'title="([^"]*)"', html)
    assert any("轮" in t for t in titles) and not any("rounds" in t or "`" in t for t in titles), titles


def test_a_newer_run_without_ceilings_keeps_the_machines_ceilings():
    """The all-reduce runner saves runs without ceilings under the same machine key: the
    ceilings table still shows the machine's newest run that measured them."""
    with_ceilings = testing.run([testing.bench("numpy", "from_numpy", 1e-6, direction="numpy_to_torch",
                                               shares_memory=True)], key="a_8t",
                                ceilings={"memcpy_bytes_per_s": 1.2e10}, path="results/a_8t_20261128T000000Z.json",
                                when="2026-11-28T00:00:00+00:00")
    without = testing.run([testing.bench("tensorboard", "add_scalar", 1e-5)], key="a_8t", ceilings={},
                          path="results/a_8t_20261130T000000Z.json", when="2026-11-30T00:00:00+00:00")
    assert with_ceilings.machine.ceilings and not without.machine.ceilings
    html = render_markers("<!-- tipsbench:ceilings -->", context([with_ceilings, without])[0])
    assert with_ceilings.file_name in html and 'class="tb-empty"' not in html


def test_pages_give_times_in_utc_whatever_offset_the_file_wrote():
    late = numpy_run("a_8t", "CPU A", when="2026-11-29T23:30:00-05:00")
    runs = [late, numpy_run("a_8t", "CPU A", when="2026-11-30T02:00:00+00:00")]
    html = render_markers("<!-- tipsbench:machine key=a_8t -->", context(runs, fleet_of(runs), url="machines/a_8t/")[0])
    assert late.when == "2026-11-30 04:30"
    assert html.index("2026-11-30 04:30") < html.index("2026-11-30 02:00")  # newest first, in UTC
