"""The Tensor ↔ NumPy tips, with their verdicts, the claims and the rules they rest on."""

from __future__ import annotations

from tipsbench.paired import Need
from tipsbench.verdicts import HOLDS, ONLY_IF, PARTLY, Rule, Tip, register

# Each rule is decided by paired comparisons (families/numpy_tensor/pairs.py, 64 MiB
# against 1 KiB where a cost should or shouldn't grow with the size).
FLAT = Rule(
    "numpy.from_numpy_cost_is_flat",
    {"en": "`torch.from_numpy(a)` costs the same for a 64 MiB array as for a 1 KiB one (within ±25%).",
     "zh": "`torch.from_numpy(a)` 转换 64 MiB 数组与转换 1 KiB 数组耗时相同（相差不超过 ±25%）。"},
    Need.within(0.25), ("float32",),
)
NUMPY_FLAT = Rule(
    "numpy.numpy_cost_is_flat",
    {"en": "`t.detach().cpu().numpy()` on a CPU tensor costs the same at 64 MiB as at 1 KiB (within ±25%).",
     "zh": "对 CPU 张量调用 `t.detach().cpu().numpy()`，64 MiB 与 1 KiB 耗时相同（相差不超过 ±25%）。"},
    Need.within(0.25), ("float32",),
)
GROWS = Rule(
    "numpy.tensor_cost_grows",
    {"en": "`torch.tensor(a)` costs at least 100× more for a 64 MiB array than for a 1 KiB one: it copies.",
     "zh": "`torch.tensor(a)` 转换 64 MiB 数组的耗时至少是 1 KiB 数组的 100 倍：它会复制数据。"},
    Need.at_least(100), ("float32",),
)
FRESH = Rule(
    "numpy.fresh_copy_slower",
    {"en": "Copying 64 MiB into a fresh tensor (`torch.tensor(a)`) costs at least 1.5× copying it into a tensor written before (`dst.copy_(...)`).",
     "zh": "把 64 MiB 复制到新张量（`torch.tensor(a)`）的耗时，至少是复制到已预热的张量（`dst.copy_(...)`）的 1.5 倍。"},
    Need.at_least(1.5), ("float32",),
)
AS_TENSOR_SHARES = Rule(
    "numpy.as_tensor_does_not_copy",
    {"en": "For a 64 MiB float32 array, `torch.as_tensor(a)` costs under 1% of `torch.tensor(a)`: it copies nothing.",
     "zh": "对 64 MiB 的 float32 数组，`torch.as_tensor(a)` 的耗时不到 `torch.tensor(a)` 的 1%：它不复制数据。"},
    Need.at_most(0.01), ("float32",),
)
LIST_COPIES = Rule(
    "numpy.as_tensor_list_copies",
    {"en": "For a Python list, `torch.as_tensor` costs the same as `torch.tensor` (within ±25%): both copy.",
     "zh": "对 Python 列表，`torch.as_tensor` 与 `torch.tensor` 耗时相同（相差不超过 ±25%）：两者都会复制。"},
    Need.within(0.25), ("float",),
)

register(
    Tip(
        id="numpy.share_memory", page="numpy", index=10, verdict=ONLY_IF,
        seed={"zh": "numpy()、from_numpy() 和 torch.as_tensor() 函数得到的数组共享相同的内存（所以他们之间的转换很快）",
              "en": "`numpy()`, `from_numpy()` and `torch.as_tensor()` share memory, so converting is fast"},
        reason={"en": "`as_tensor` needs no dtype or device change and `numpy()` gets a CPU tensor without grad.",
                "zh": "条件是：`as_tensor` 无需改变数据类型或设备，`numpy()` 作用于不需要梯度的 CPU 张量。"},
        claims=("numpy.from_numpy_shares", "numpy.as_tensor_shares_when_dtype_matches",
                "numpy.numpy_requires_grad_error", "numpy.detach_cpu_numpy_shares"),
        rules=(FLAT, AS_TENSOR_SHARES, NUMPY_FLAT),
    ),
    Tip(
        id="numpy.from_numpy_shares", page="numpy#from-numpy", verdict=HOLDS,
        label={"en": '`torch.from_numpy(a)` shares memory', "zh": '`torch.from_numpy(a)` 共享底层内存'},
        seed={"zh": "b = torch.from_numpy(a)  # 共享内存", "en": "`torch.from_numpy(a)` shares memory"},
        reason={"en": "", "zh": ""}, claims=("numpy.from_numpy_shares",),
    ),
    Tip(
        id="numpy.as_tensor_shares", page="numpy#as-tensor", verdict=ONLY_IF,
        label={"en": '`torch.as_tensor(a)` shares memory', "zh": '`torch.as_tensor(a)` 共享底层内存'},
        seed={"zh": "b = torch.as_tensor(a)  # 共享内存", "en": "`torch.as_tensor(a)` shares memory"},
        reason={"en": "the dtype and device already match.", "zh": "数据类型和设备都已一致时才共享。"},
        claims=("numpy.as_tensor_shares_when_dtype_matches", "numpy.as_tensor_same_object"),
        rules=(AS_TENSOR_SHARES,),
    ),
    Tip(
        id="numpy.numpy_shares", page="numpy#tensor-numpy", verdict=ONLY_IF,
        label={"en": '`t.numpy()` shares memory', "zh": '`t.numpy()` 共享底层内存'},
        seed={"zh": "numpy() 得到的数组共享相同的内存", "en": "`t.numpy()` shares memory"},
        reason={"en": "the tensor is on the CPU and doesn't require grad.", "zh": "张量须在 CPU 上且不需要梯度。"},
        claims=("numpy.numpy_requires_grad_error", "numpy.numpy_bfloat16_unsupported"),
    ),
    Tip(
        id="numpy.sharing_is_fast", page="numpy#measured", verdict=HOLDS,
        label={"en": 'Sharing makes conversion fast', "zh": '共享底层内存，所以转换很快'},
        seed={"zh": "共享内存，所以他们之间的转换很快", "en": "Sharing makes conversion fast"},
        reason={"en": "the cost doesn't grow with the size.", "zh": "耗时不随数组大小增长。"},
        rules=(FLAT, NUMPY_FLAT),
    ),
    Tip(
        id="numpy.tensor_copies", page="numpy#tensor-copies", index=11, verdict=HOLDS,
        label={"en": '`torch.tensor(a)` always copies', "zh": '`torch.tensor(a)` 总是复制'},
        seed={"zh": "torch.tensor() 函数总是会进行数据拷贝", "en": "`torch.tensor()` always copies"},
        reason={"en": "a large fresh copy is slower than the copy bandwidth suggests.",
                "zh": "大数组复制到新张量时，比单看内存带宽估算的更慢。"},
        claims=("numpy.tensor_always_copies",), rules=(GROWS, FRESH),
    ),
    Tip(
        id="numpy.detach_cpu_numpy", page="numpy#detach-cpu-numpy", index=12, verdict=HOLDS,
        label={"en": '`a.detach().cpu().numpy()` for tensor → NumPy', "zh": '张量转 NumPy 用 `a.detach().cpu().numpy()`'},
        seed={"zh": "# tensor 转 numpy：a.detach().cpu().numpy()", "en": "Tensor → NumPy with `a.detach().cpu().numpy()`"},
        reason={"en": "on a CPU tensor it copies nothing.", "zh": "对 CPU 张量不会复制任何数据。"},
        claims=("numpy.detach_cpu_numpy_shares",), rules=(NUMPY_FLAT,),
    ),
    Tip(
        id="numpy.as_tensor_list", page="numpy#as-tensor", verdict=PARTLY,
        label={"en": "`torch.as_tensor` of a list shares (the seed's “numpy / list → tensor” line)", "zh": '列表经 `torch.as_tensor` 转换也共享底层内存（原文“numpy / list 转 tensor”一行）'},
        seed={"zh": "# numpy / list 转 tensor：b = torch.as_tensor(a)  # 共享内存",
              "en": "`torch.as_tensor` of a list shares (the seed's “numpy / list → tensor” line)"},
        reason={"en": "a Python list is always copied.", "zh": "Python 列表总会复制。"},
        claims=("numpy.as_tensor_list_copies",), rules=(LIST_COPIES,),
    ),
)
