"""The Tensor ↔ NumPy tips, with their verdicts, the claims and the rule they rest on."""

from __future__ import annotations

from tipsbench.families.numpy_tensor import TIP
from tipsbench.results import Run
from tipsbench.verdicts import HOLDS, ONLY_IF, PARTLY, Rule, RuleResult, Tip, register

# "Sharing makes it fast": a shared conversion's time doesn't grow with the array. Between the
# smallest and the largest size (1 KiB to 64–256 MiB, tens of thousands of times more data) we
# allow this factor for the noise of a sub-microsecond call.
FLAT_WITHIN = 2.0


def _from_numpy_is_flat(run: Run) -> RuleResult:
    records = [r for r in run.for_tip(TIP) if r.variant == "from_numpy" and r.dtype == "float32"]
    if len(records) < 2:
        return RuleResult(None, "")
    small, large = min(records, key=lambda r: r.nbytes), max(records, key=lambda r: r.nbytes)
    growth = large.median_s / small.median_s if small.median_s > 0 else float("inf")
    detail = (f"torch.from_numpy: {small.median_s * 1e9:.0f} ns at {small.nbytes} B, "
              f"{large.median_s * 1e9:.0f} ns at {large.nbytes} B ({growth:.2f}×)")
    return RuleResult(growth <= FLAT_WITHIN, detail)


FLAT = Rule(
    "numpy.from_numpy_cost_is_flat", TIP,
    {"en": f"`torch.from_numpy` costs the same at 1 KiB and at the largest size measured (within {FLAT_WITHIN:g}×).",
     "zh": f"`torch.from_numpy` 在 1 KiB 和实测的最大数组上耗时相同（相差不超过 {FLAT_WITHIN:g} 倍）。"},
    _from_numpy_is_flat,
)

register(
    Tip(
        id="numpy.share_memory", page="numpy", index=10, verdict=ONLY_IF,
        seed={"zh": "numpy()、from_numpy() 和 torch.as_tensor() 函数得到的数组共享相同的内存（所以他们之间的转换很快）",
              "en": "`numpy()`, `from_numpy()` and `torch.as_tensor()` share memory, so converting is fast"},
        reason={"en": "`as_tensor` needs no dtype or device change and `numpy()` gets a CPU tensor without grad.",
                "zh": "`as_tensor` 不需要改变数据类型或设备、`numpy()` 作用于不需要梯度的 CPU 张量时才成立。"},
        claims=("numpy.from_numpy_shares", "numpy.as_tensor_shares_when_dtype_matches",
                "numpy.numpy_requires_grad_error", "numpy.detach_cpu_numpy_shares"),
        rules=(FLAT,),
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
        rules=(FLAT,),
    ),
    Tip(
        id="numpy.tensor_copies", page="numpy#tensor-copies", index=11, verdict=HOLDS,
        label={"en": '`torch.tensor(a)` always copies', "zh": '`torch.tensor(a)` 总是复制'},
        seed={"zh": "torch.tensor() 函数总是会进行数据拷贝", "en": "`torch.tensor()` always copies"},
        reason={"en": "a large fresh copy is slower than the copy bandwidth suggests.",
                "zh": "大数组复制到新张量时，比内存带宽预示的更慢。"},
        claims=("numpy.tensor_always_copies",),
    ),
    Tip(
        id="numpy.detach_cpu_numpy", page="numpy#detach-cpu-numpy", index=12, verdict=HOLDS,
        label={"en": '`a.detach().cpu().numpy()` for tensor → NumPy', "zh": '张量转 NumPy 用 `a.detach().cpu().numpy()`'},
        seed={"zh": "# tensor 转 numpy：a.detach().cpu().numpy()", "en": "Tensor → NumPy with `a.detach().cpu().numpy()`"},
        reason={"en": "on a CPU tensor it copies nothing.", "zh": "对 CPU 张量不会复制任何数据。"},
        claims=("numpy.detach_cpu_numpy_shares",),
    ),
    Tip(
        id="numpy.as_tensor_list", page="numpy#as-tensor", verdict=PARTLY,
        label={"en": "`torch.as_tensor` of a list shares (the seed's “numpy / list → tensor” line)", "zh": '列表经 `torch.as_tensor` 转换也共享底层内存（原文“numpy / list 转 tensor”一行）'},
        seed={"zh": "# numpy / list 转 tensor：b = torch.as_tensor(a)  # 共享内存",
              "en": "`torch.as_tensor` of a list shares (the seed's “numpy / list → tensor” line)"},
        reason={"en": "a Python list is always copied.", "zh": "Python 列表总是被复制。"},
        claims=("numpy.as_tensor_list_copies",),
    ),
)
