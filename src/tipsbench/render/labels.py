"""Every word the generated content shows, in both languages: one registry.

Each family defines its labels in its own views module under a namespace
(``define("saveload", {...})``); shared ones live here under ``common``. A label is
our own text: ``text()`` turns its `backticks` into <code> and fills placeholders with
escaped values (MarkupSafe), ``plain()`` gives the bare string for chart text.
tests/core/test_labels.py checks every label has every locale, non-empty, with the
same placeholders.
"""

from __future__ import annotations

import string
from collections.abc import Mapping

from tipsbench.render.html import Markup, code_spans

LOCALES = ("en", "zh")

_REGISTRY: dict[str, dict[str, str]] = {}


class Labels:
    """The labels of one namespace, looked up by key and locale."""

    def __init__(self, namespace: str, table: Mapping[str, Mapping[str, str]]):
        self.namespace = namespace
        for key, texts in table.items():
            full = f"{namespace}.{key}"
            if full in _REGISTRY:
                raise ValueError(f"label {full!r} is defined twice")
            _REGISTRY[full] = dict(texts)

    def key(self, key: str) -> str:
        return f"{self.namespace}.{key}"

    def plain(self, key: str, locale: str, **values: object) -> str:
        """The label as plain text (for chart text and terminals), placeholders filled."""
        text = _REGISTRY[self.key(key)][locale]
        return text.format(**values) if values else text

    def text(self, key: str, locale: str, **values: object) -> Markup:
        """The label as HTML: `code` spans, and every value escaped unless it is Markup."""
        template = code_spans(_REGISTRY[self.key(key)][locale])
        return template.format(**values) if values else template

    def has(self, key: str) -> bool:
        return self.key(key) in _REGISTRY


def define(namespace: str, table: Mapping[str, Mapping[str, str]]) -> Labels:
    return Labels(namespace, table)


def registry() -> dict[str, dict[str, str]]:
    """Every label defined so far (import the families' views first for all of them)."""
    return {key: dict(texts) for key, texts in _REGISTRY.items()}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


common = define("common", {
    "variant": {"en": "Code", "zh": "代码"},
    "memory": {"en": "Shares memory?", "zh": "是否共享"},
    "shares": {"en": "shares", "zh": "共享"},
    "copies": {"en": "copies", "zh": "复制"},
    "mixed": {"en": "mixed", "zh": "不一致"},
    "list_sep": {"en": ", ", "zh": "，"},
    "median": {"en": "median", "zh": "中位数"},
    "iqr": {"en": "IQR", "zh": "IQR"},
    "rounds_calls": {"en": "{rounds} rounds × {calls} calls", "zh": "{rounds} 轮 × 每轮 {calls} 次"},
    "machine_prefix": {"en": "Machine: ", "zh": "机器："},
    "threads": {"en": "threads", "zh": "线程"},
    "profile_full": {"en": "full profile", "zh": "完整档"},
    "profile_quick": {"en": "quick profile", "zh": "快速档"},
    "results_file": {"en": "results file", "zh": "结果文件"},
    "interrupted": {"en": "interrupted run: {finished} of {selected} tests finished",
                    "zh": "中途中断的运行：{selected} 项测试中完成了 {finished} 项"},
    "no_results": {
        "en": "No results for this tip yet. Run `tipsbench run` and add the file to `results/`.",
        "zh": "这个技巧还没有测量结果。运行 `tipsbench run`，再把生成的文件放进 `results/`。",
    },
    "ceiling_line": {"en": "copy ceiling (fastest DRAM-sized copy)", "zh": "复制上限（最快的超出缓存的复制）"},
    "chart_title_rate": {"en": "Copy throughput vs size ({dtype})", "zh": "复制吞吐量与数据大小（{dtype}）"},
    "axis_size": {"en": "Payload size", "zh": "数据大小"},
    "axis_rate": {"en": "Throughput (GB/s)", "zh": "吞吐量（GB/s）"},
    "checked_on": {"en": "Checked on {versions}", "zh": "已在 {versions} 上验证"},
    "claim_failed": {"en": "Did NOT hold on {versions}", "zh": "在 {versions} 上不成立"},
    "not_checkable": {"en": "Not checkable on {versions}", "zh": "无法在 {versions} 上检查"},
    "benchmarks": {"en": "{n} benchmarks", "zh": "{n} 项基准测试"},
    "dram": {"en": "DRAM", "zh": "DRAM"},
    "zero_copy_note": {
        "en": "“—”: the call shares memory and moves no bytes, so it has no throughput.",
        "zh": "“—”表示该调用共享底层内存、不搬运数据，因此没有吞吐量。",
    },
    "over_100_note": {
        "en": "Above 100% at a cache-sized case: the data fits in a CPU cache, which is faster than the DRAM-sized copies the ceiling is taken from.",
        "zh": "数据能放进 CPU 缓存时会超过 100%：上限取自超出缓存的复制，而缓存比内存更快。",
    },
    "ceilings_head_machine": {"en": "Machine", "zh": "机器"},
    "ceilings_head_ceiling": {"en": "Ceiling", "zh": "上限"},
    "ceilings_head_median": {"en": "Median", "zh": "中位数"},
    "ceilings_head_range": {"en": "Worst – best", "zh": "最差 – 最好"},
    "ceilings_head_file": {"en": "Results file", "zh": "结果文件"},
    "checked_on_page": {"en": "Verdicts checked on {versions}, the versions that built this page.",
                        "zh": "以上结论在 {versions} 上检查，也就是构建本页所用的版本。"},
    "marker_problem": {"en": "This part of the page could not be built: {problem}",
                       "zh": "页面的这一部分无法生成：{problem}"},
})
