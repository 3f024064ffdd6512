"""The all-reduce table and the typed record, fed synthetic runs (test data only, never shipped)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tipsbench import testing
from tipsbench.families.collectives import catalog
from tipsbench.families.collectives import views as collective_views
from tipsbench.render.registry import PageContext, render_markers
from tipsbench.results import ResultsError

DOCS = Path(__file__).resolve().parents[3] / "docs"
DEVICE = "cuda:0 Fake<GPU>"
GB = 1e9


def bench(nbytes: int, algbw: float, ranks: int = 8, per_node: int | None = None, **extra: object) -> dict:
    fields = {"code": catalog.CODE, "op": "sum", "backend": "nccl", "world_size": ranks,
              "local_world_size": per_node or ranks, "device": DEVICE, "shares_memory": False,
              "timing": "barrier + cuda.synchronize + perf_counter, slowest rank per round"}
    fields.update(extra)
    return testing.bench("collectives", "all_reduce", nbytes / algbw, nbytes=nbytes, rounds=50, **fields)


def gpu_run(*benches: dict, when: str = "2026-11-29T00:00:00+00:00"):
    return testing.run(list(benches), when=when, key="fake-gpu_8t_fake-gpu",
                       path=f"results/fake-gpu_8t_fake-gpu_{when[:10].replace('-', '')}T000000Z.json",
                       accelerators=[{"type": "cuda", "index": i, "name": "Fake<GPU>"} for i in range(8)])


def render(runs: tuple = (), locale: str = "en") -> str:
    return render_markers("<!-- tipsbench:allreduce-table -->", PageContext(locale, "gpu.md", runs, print))


class TestNoResults:
    def test_says_none_exist_and_links_to_the_command(self):
        en, zh = render(), render(locale="zh")
        assert "No multi-GPU results yet" in en and "目前还没有多块 GPU 的实测结果" in zh
        assert f'href="{collective_views.RUN_ANCHOR}"' in en and f'href="{collective_views.RUN_ANCHOR}"' in zh
        assert "。<a" in zh  # no space after full-width punctuation

    def test_a_gloo_run_on_cpus_is_never_shown(self):
        cpu = testing.run([bench(4096, 1e6, ranks=3, backend="gloo", device="cpu")])
        assert "No multi-GPU results yet" in render((cpu,))

    def test_the_link_target_exists_on_both_pages(self):
        for page in ("gpu.md", "gpu.zh.md"):
            assert "{" + collective_views.RUN_ANCHOR + "}" in (DOCS / page).read_text(encoding="utf-8")


class TestTable:
    def test_algbw_and_busbw_per_size(self):
        """8 ranks: busbw = algbw × 2·7/8 = 1.75 algbw; sizes ascend, the device name is escaped."""
        html = render((gpu_run(bench(1 << 30, 100 * GB), bench(4096, 2 * GB)),))
        assert html.index("4 KiB") < html.index("1 GiB")
        assert "100 GB/s" in html and "175 GB/s" in html and "2.00 GB/s" in html and "3.50 GB/s" in html
        assert "algbw × 1.75" in html and "8 GPUs, 8 per node on 1 node(s), backend nccl" in html
        assert "Fake&lt;GPU&gt;" in html and "Fake<GPU>" not in html
        assert "slowest rank per round" in html

    def test_in_chinese(self):
        html = render((gpu_run(bench(1 << 30, 100 * GB, ranks=16, per_node=8)),), "zh")
        assert "16 块 GPU，2 个节点，每个节点 8 块" in html and "每块 GPU 的数据量" in html

    def test_one_table_per_world_size_newest_run_each(self):
        old = gpu_run(bench(1 << 20, 10 * GB, ranks=8), bench(1 << 20, 20 * GB, ranks=4))
        new = gpu_run(bench(1 << 20, 30 * GB, ranks=8), when="2026-12-01T00:00:00+00:00")
        html = render((old, new))
        assert html.count("<table") == 2
        assert "30.0 GB/s" in html and "10.0 GB/s" not in html  # 8 ranks: the newer run
        assert "20.0 GB/s" in html  # 4 ranks: only the older run has them


class TestRecords:
    @pytest.mark.parametrize("change, problem", [
        ({"world_size": 1}, "world_size should be a whole number ≥ 2"),
        ({"local_world_size": 9}, "local_world_size is 9, more than the world size 8"),
        ({"op": "max"}, "op should be one of sum"),
        ({"backend": None}, "backend is missing"),
    ])
    def test_bad_fields_are_refused_in_one_line(self, change, problem):
        with pytest.raises(ResultsError, match=problem):
            gpu_run(bench(4096, GB, **change))

    def test_nodes_round_up(self):
        record = gpu_run(bench(4096, GB, ranks=12, per_node=8)).records[0]
        assert record.fields.nodes == 2 and record.fields.on_gpus
