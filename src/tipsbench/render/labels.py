"""Every word the generated content shows, in both languages.

Keys are stable identifiers; a missing key or locale is a bug caught by
tests/test_labels.py, never an English word on a Chinese page.
"""

from __future__ import annotations

LOCALES = ("en", "zh")

LABELS: dict[str, dict[str, str]] = {
    "variant": {"en": "Code", "zh": "代码"},
    "memory": {"en": "Memory", "zh": "内存"},
    "shares": {"en": "shares", "zh": "共享"},
    "copies": {"en": "copies", "zh": "复制"},
    "mixed": {"en": "mixed", "zh": "不一致"},
    "list_sep": {"en": ", ", "zh": "，"},
    "median": {"en": "median", "zh": "中位数"},
    "iqr": {"en": "IQR", "zh": "IQR"},
    "rounds_calls": {"en": "{rounds} rounds × {calls} calls", "zh": "{rounds} 轮 × 每轮 {calls} 次"},
    "machine_prefix": {"en": "Machine: ", "zh": "机器："},
    "threads": {"en": "threads", "zh": "线程"},
    "profile": {"en": "profile", "zh": "档位"},
    "results_file": {"en": "results file", "zh": "结果文件"},
    "no_results": {
        "en": "No results for this tip yet. Run `tipsbench run` and add the file to `results/`.",
        "zh": "这个技巧还没有测量结果。运行 `tipsbench run`，再把生成的文件放进 `results/`。",
    },
    "ceiling_line": {"en": "memcpy ceiling", "zh": "内存复制上限"},
    "chart_title_rate": {"en": "Copy throughput vs size ({dtype})", "zh": "复制吞吐量与数据大小（{dtype}）"},
    "axis_size": {"en": "Payload size", "zh": "数据大小"},
    "axis_rate": {"en": "Throughput (GB/s)", "zh": "吞吐量（GB/s）"},
    "checked_on": {"en": "Checked on", "zh": "已验证"},
    "claim_failed": {"en": "Did NOT hold on", "zh": "未能验证"},
    "benchmarks": {"en": "benchmarks", "zh": "项基准测试"},
    "dram": {"en": "DRAM", "zh": "内存"},
    "zero_copy_note": {
        "en": "“—”: the call shares memory and moves no bytes, so it has no throughput.",
        "zh": "“—”表示该调用共享底层内存、不搬运数据，因此没有吞吐量。",
    },
    "over_100_note": {
        "en": "Above 100%: the data fits in a CPU cache, which is faster than the DRAM copy the ceiling measures.",
        "zh": "超过 100%：数据能放进 CPU 缓存，而缓存比上限所测的内存复制更快。",
    },
}


def lookup(table: dict[str, dict[str, str]], key: str, locale: str, **values: object) -> str:
    """The text of `key` in `locale` from a {key: {locale: text}} table, {placeholders} filled.

    Each family of renderers keeps its own table; they all read it through here.
    """
    text = table[key][locale]
    return text.format(**values) if values else text


def label(key: str, locale: str, **values: object) -> str:
    """A shared label (LABELS above) in `locale`."""
    return lookup(LABELS, key, locale, **values)
