"""The memory-size tips, with their verdicts and evidence."""

from tipsbench.paired import Need
from tipsbench.verdicts import HOLDS, ONLY_IF, PARTLY, Rule, Tip, register

# Decided by the comparisons in families/memory/pairs.py: resident memory read in a forked
# child, and what sys.getsizeof reports against nbytes.
TWICE = Rule(
    "memory.int64_twice_float32",
    {"en": "A 128 Mi-element int64 tensor adds twice the resident memory of a float32 one (1.9–2.1×).",
     "zh": "1.28 亿（128 Mi）个元素的 int64 张量占用的常驻内存是 float32 张量的两倍（1.9–2.1 倍）。"},
    Need(low=1.9, high=2.1), ("torch",),
)
SAME_AS_ARRAY = Rule(
    "memory.tensor_same_as_array",
    {"en": "A float32 tensor adds the same resident memory as a NumPy array of the same shape (within ±10%).",
     "zh": "同样形状的 float32 张量与 NumPy 数组占用的常驻内存相同（相差不超过 ±10%）。"},
    Need.within(0.10), ("float32",),
)
VIEW_NBYTES = Rule(
    "memory.nbytes_counts_the_view",
    {"en": "For `t[::2]`, a view of every other element of a 128 MiB tensor, `nbytes` is half the memory the view keeps alive.",
     "zh": "`t[::2]` 是 128 MiB 张量隔一个取一个的视图，它的 `nbytes` 只有它所占住内存的一半。"},
    Need(low=0.49, high=0.51), ("float32",),
)
GETSIZEOF_TENSOR = Rule(
    "memory.getsizeof_excludes_tensor_data",
    {"en": "`sys.getsizeof(t)` of a 128 MiB tensor is under 0.1% of its `nbytes`: it leaves the data out.",
     "zh": "128 MiB 张量的 `sys.getsizeof(t)` 不到其 `nbytes` 的 0.1%：数据没有算进去。"},
    Need.at_most(0.001), ("float32",),
)
GETSIZEOF_ARRAY = Rule(
    "memory.getsizeof_includes_array_data",
    {"en": "`sys.getsizeof(a)` of a 128 MiB NumPy array that owns its data is its `nbytes` within 1%.",
     "zh": "拥有自己数据的 128 MiB NumPy 数组，`sys.getsizeof(a)` 与 `nbytes` 相差不超过 1%。"},
    Need.within(0.01), ("float32",),
)

register(
    Tip(
        id="memory.element_size", page="memory#element-size", index=13, verdict=HOLDS,
        label={"en": 'int64 is 8 bytes, float32 4', "zh": 'int64 占 8 字节，float32 占 4 字节'},
        seed={"zh": "一个 int 64 就是 8 字节；float32 有 32 位", "en": "int64 is 8 bytes, float32 is 4"},
        reason={"en": "", "zh": ""}, claims=("memory.element_sizes",), rules=(TWICE,),
    ),
    Tip(
        id="memory.nbytes_and_getsizeof", page="memory", index=14, verdict=PARTLY,
        seed={"zh": "print(a.nbytes)；print(sys.getsizeof(a))", "en": "Measure memory with `a.nbytes` and `sys.getsizeof(a)`"},
        reason={"en": "`nbytes` counts the view; `sys.getsizeof` includes the data only for a NumPy array that owns it, never for a tensor.",
                "zh": "`nbytes` 统计的是视图；`sys.getsizeof` 只对拥有自己数据的 NumPy 数组包含数据，对张量从不包含。"},
        claims=("memory.tensor_nbytes_is_the_view", "memory.getsizeof_tensor", "memory.numpy_getsizeof_owner_only"),
        rules=(SAME_AS_ARRAY, GETSIZEOF_TENSOR, GETSIZEOF_ARRAY),
    ),
    Tip(
        id="memory.nbytes", page="memory#nbytes", verdict=ONLY_IF,
        label={"en": '`a.nbytes` is the data size', "zh": '`a.nbytes` 就是数据大小'},
        seed={"zh": "a.nbytes 就是数据大小", "en": "`a.nbytes` is the data size"},
        reason={"en": "the array or tensor isn't a view.", "zh": "数组或张量不是视图时才成立。"},
        claims=("memory.tensor_nbytes_is_the_view",), rules=(VIEW_NBYTES,),
    ),
    Tip(
        id="memory.getsizeof", page="memory#getsizeof", verdict=PARTLY,
        label={"en": '`sys.getsizeof(a)` is the memory used', "zh": '`sys.getsizeof(a)` 就是占用的内存'},
        seed={"zh": "sys.getsizeof(a) 就是占用的内存", "en": "`sys.getsizeof(a)` is the memory used"},
        reason={"en": "only for a NumPy array that owns its data; never for a tensor.",
                "zh": "只对拥有自己数据的 NumPy 数组成立，对张量从不成立。"},
        claims=("memory.getsizeof_tensor", "memory.numpy_getsizeof_owner_only"),
        rules=(GETSIZEOF_TENSOR, GETSIZEOF_ARRAY),
    ),
)
