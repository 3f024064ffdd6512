"""The memory-size tips, with their verdicts and evidence."""

from tipsbench.verdicts import HOLDS, ONLY_IF, PARTLY, Tip, register

register(
    Tip(
        id="memory.element_size", page="memory#element-size", index=13, verdict=HOLDS,
        label={"en": 'int64 is 8 bytes, float32 4', "zh": 'int64 占 8 字节，float32 占 4 字节'},
        seed={"zh": "一个 int 64 就是 8 字节；float32 有 32 位", "en": "int64 is 8 bytes, float32 is 4"},
        reason={"en": "", "zh": ""}, claims=("memory.element_sizes",),
    ),
    Tip(
        id="memory.nbytes_and_getsizeof", page="memory", index=14, verdict=PARTLY,
        seed={"zh": "print(a.nbytes)；print(sys.getsizeof(a))", "en": "Measure memory with `a.nbytes` and `sys.getsizeof(a)`"},
        reason={"en": "`nbytes` counts the view; `sys.getsizeof` includes the data only for a NumPy array that owns it, never for a tensor.",
                "zh": "`nbytes` 统计的是视图；`sys.getsizeof` 只对拥有自己数据的 NumPy 数组包含数据，对张量从不包含。"},
        claims=("memory.tensor_nbytes_is_the_view", "memory.getsizeof_tensor", "memory.numpy_getsizeof_owner_only"),
    ),
    Tip(
        id="memory.nbytes", page="memory#nbytes", verdict=ONLY_IF,
        label={"en": '`a.nbytes` is the data size', "zh": '`a.nbytes` 就是数据大小'},
        seed={"zh": "a.nbytes 就是数据大小", "en": "`a.nbytes` is the data size"},
        reason={"en": "the array or tensor isn't a view.", "zh": "数组或张量不是视图时才成立。"},
        claims=("memory.tensor_nbytes_is_the_view",),
    ),
    Tip(
        id="memory.getsizeof", page="memory#getsizeof", verdict=PARTLY,
        label={"en": '`sys.getsizeof(a)` is the memory used', "zh": '`sys.getsizeof(a)` 就是占用的内存'},
        seed={"zh": "sys.getsizeof(a) 就是占用的内存", "en": "`sys.getsizeof(a)` is the memory used"},
        reason={"en": "only for a NumPy array that owns its data; never for a tensor.",
                "zh": "只对拥有自己数据的 NumPy 数组成立，对张量从不成立。"},
        claims=("memory.getsizeof_tensor", "memory.numpy_getsizeof_owner_only"),
    ),
)
