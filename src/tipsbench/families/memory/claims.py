"""Memory size: what nbytes, element_size(), storage sizes and sys.getsizeof really count,
and how much resident memory each NumPy↔tensor conversion adds (measured).
"""

from __future__ import annotations

import json
import sys

import numpy as np
import torch

from tipsbench.claims import Observation, claim
from tipsbench.claims.checks import child_json

# Big enough that the allocator's own slack and import noise (a few MiB) stay small next
# to it, small enough to run in well under a second on a laptop.
FOOTPRINT_BYTES = 64 * 2**20
# A conversion "copies" when it adds at least this share of the array's size to RSS.
COPY_SHARE = 0.9
SHARE_SHARE = 0.1

# The conversions from the NumPy↔tensor page, as code run in the child process; `a` is a
# float32 NumPy array of FOOTPRINT_BYTES, `t` a float32 tensor of the same size.
CONVERSIONS = {
    "torch.from_numpy(a)": "torch.from_numpy(a)",
    "torch.as_tensor(a)": "torch.as_tensor(a)",
    "torch.tensor(a)": "torch.tensor(a)",
    "torch.as_tensor(a, dtype=torch.float64)": "torch.as_tensor(a, dtype=torch.float64)",
    "t.numpy()": "t.numpy()",
    "t.detach().cpu().numpy()": "t.detach().cpu().numpy()",
    "t.clone().numpy()": "t.clone().numpy()",
}

# Runs in a fresh interpreter so nothing else this process allocated moves its RSS. The
# result stays alive while RSS is read: what a conversion costs is what it keeps.
_CHILD = r"""
import json, sys
import numpy as np, torch

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * __import__("os").sysconf("SC_PAGE_SIZE")

n = int(sys.argv[1]) // 4
a = np.ones(n, dtype=np.float32)
t = torch.ones(n, dtype=torch.float32)
out = {}
for label, code in json.loads(sys.argv[2]).items():
    before = rss()
    result = eval(code)
    out[label] = rss() - before
    del result
print(json.dumps(out))
"""


def measure_footprints(nbytes: int = FOOTPRINT_BYTES) -> dict[str, int]:
    """Bytes of resident memory each conversion adds while its result is alive."""
    if not sys.platform.startswith("linux"):
        raise OSError("the footprint measurement reads /proc/self/statm (Linux only)")
    return child_json(_CHILD, str(nbytes), json.dumps(CONVERSIONS))


def _mib(nbytes: float) -> str:
    return f"{nbytes / 2**20:+.1f} MiB"


@claim("memory.element_sizes",
       en="int64 takes 8 bytes per element and float32 takes 4, in NumPy and PyTorch alike: `element_size()` and `itemsize` say so.",
       zh="int64 每个元素占 8 字节，float32 占 4 字节，NumPy 和 PyTorch 都一样：`element_size()` 和 `itemsize` 可以直接查到。")
def element_sizes() -> Observation:
    sizes = {"torch.int64": torch.zeros(1, dtype=torch.int64).element_size(),
             "torch.float32": torch.zeros(1, dtype=torch.float32).element_size(),
             "np.int64": np.dtype(np.int64).itemsize, "np.float32": np.dtype(np.float32).itemsize}
    held = sizes == {"torch.int64": 8, "torch.float32": 4, "np.int64": 8, "np.float32": 4}
    return Observation(held, "\n".join(f"{k}: {v} bytes" for k, v in sizes.items()))


@claim("memory.tensor_nbytes_is_the_view",
       en="`Tensor.nbytes` is `numel() * element_size()` of the view: a slice reports less than the storage it keeps alive, an `expand`ed tensor more than is stored; `untyped_storage().nbytes()` is the storage.",
       zh="`Tensor.nbytes` 等于视图的 `numel() * element_size()`：切片报告的比它实际占住的存储少，`expand` 出来的张量报告的比实际存储多；`untyped_storage().nbytes()` 才是存储的大小。")
def tensor_nbytes_is_the_view() -> Observation:
    t = torch.zeros(1000)
    views = {"t = torch.zeros(1000)": t, "t[:10]": t[:10], "t.view(10, 100)": t.view(10, 100),
             "torch.zeros(1).expand(1000)": torch.zeros(1).expand(1000)}
    rows = {k: (v.nbytes, v.untyped_storage().nbytes()) for k, v in views.items()}
    held = rows == {"t = torch.zeros(1000)": (4000, 4000), "t[:10]": (40, 4000),
                    "t.view(10, 100)": (4000, 4000), "torch.zeros(1).expand(1000)": (4000, 4)}
    shown = "\n".join(f"{k:<28} nbytes={a:<5} untyped_storage().nbytes()={b}" for k, (a, b) in rows.items())
    return Observation(held, shown)


@claim("memory.getsizeof_tensor",
       en="`sys.getsizeof(tensor)` counts only the Python object, not the data: the same number for 1 element and for a million.",
       zh="`sys.getsizeof(tensor)` 只统计 Python 对象本身、不含数据：1 个元素和一百万个元素的张量得到的数字一样。")
def getsizeof_tensor() -> Observation:
    small, big = sys.getsizeof(torch.zeros(1)), sys.getsizeof(torch.zeros(10**6))
    return Observation(small == big and big < 1000,
                       f"sys.getsizeof(torch.zeros(1)) = {small}\nsys.getsizeof(torch.zeros(10**6)) = {big}")


@claim("memory.numpy_getsizeof_owner_only",
       en="NumPy `nbytes` counts the elements only; `sys.getsizeof` adds the data only when the array owns it, not for a view or for `tensor.numpy()`.",
       zh="NumPy 的 `nbytes` 只统计元素；`sys.getsizeof` 只有在数组自己拥有数据时才把数据算进去，视图和 `tensor.numpy()` 都不算。")
def numpy_getsizeof_owner_only() -> Observation:
    owner = np.zeros(1000)
    arrays = {"a = np.zeros(1000)": owner, "a[:]": owner[:],
              "torch.zeros(1000, dtype=torch.float64).numpy()": torch.zeros(1000, dtype=torch.float64).numpy()}
    rows = {k: (v.nbytes, sys.getsizeof(v)) for k, v in arrays.items()}
    header = sys.getsizeof(owner[:])
    held = (all(n == 8000 for n, _ in rows.values()) and rows["a = np.zeros(1000)"][1] == 8000 + header
            and rows["torch.zeros(1000, dtype=torch.float64).numpy()"][1] == header)
    shown = "\n".join(f"{k:<47} nbytes={a}  sys.getsizeof={b}" for k, (a, b) in rows.items())
    return Observation(held, shown)


def _footprint_claim(labels_copy: list[str], labels_share: list[str],
                     doubled: tuple[str, ...] = ()) -> Observation:
    """Copies add at least the array's size (`doubled` ones twice it); shares add ~nothing."""
    added = measure_footprints()
    held = (all(added[k] >= COPY_SHARE * FOOTPRINT_BYTES * (2 if k in doubled else 1) for k in labels_copy)
            and all(added[k] <= SHARE_SHARE * FOOTPRINT_BYTES for k in labels_share))
    shown = f"array: {FOOTPRINT_BYTES // 2**20} MiB float32; resident memory added while the result is alive:\n"
    shown += "\n".join(f"{k:<42} {_mib(added[k])}" for k in labels_copy + labels_share)
    return Observation(held, shown)


@claim("memory.copy_doubles_footprint",
       en="Measured: a copying conversion (`torch.tensor(a)`, a dtype change, `clone()`) adds at least the array's size again to resident memory (twice as much for float32 → float64); a sharing one (`from_numpy`, `as_tensor`, `.numpy()`) adds nothing.",
       zh="实测：会复制的转换（`torch.tensor(a)`、改变数据类型、`clone()`）会让常驻内存至少再增加一份数组大小（float32 转 float64 时是两份）；共享底层内存的转换（`from_numpy`、`as_tensor`、`.numpy()`）几乎不增加。")
def copy_doubles_footprint() -> Observation:
    return _footprint_claim(
        ["torch.tensor(a)", "torch.as_tensor(a, dtype=torch.float64)", "t.clone().numpy()"],
        ["torch.from_numpy(a)", "torch.as_tensor(a)", "t.numpy()", "t.detach().cpu().numpy()"],
        doubled=("torch.as_tensor(a, dtype=torch.float64)",))
