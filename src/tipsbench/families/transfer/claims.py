"""Device claims that can be checked without a GPU.

Most run in one child process started with CUDA_VISIBLE_DEVICES="" (CUDA reads that
variable once, at initialization, so it must be set before the process starts), so
they describe "no usable CUDA device" on any build, a CUDA one included. The child
prints one JSON object; every claim here reads its part of it.
"""

from __future__ import annotations

import functools
import os

from tipsbench.claims import Observation, api, claim
from tipsbench.claims.checks import child_json

PIN_ERROR = "Cannot access accelerator device when none is available"
NO_DRIVER = "Found no NVIDIA driver on your system"

_PROBE = r"""
import json, warnings
import torch
from torch.utils.data import DataLoader, TensorDataset

out = {"initialized_after_import": torch.cuda.is_initialized()}
out["is_available"] = torch.cuda.is_available()
out["device_count"] = torch.cuda.device_count()
mps = getattr(torch.backends, "mps", None)
out["mps_available"] = bool(mps is not None and mps.is_available())

def error_of(fn):
    try:
        fn()
    except BaseException as exc:
        return f"{type(exc).__name__}: {exc}"
    return None

out["pin_error"] = error_of(lambda: torch.ones(4).pin_memory())
out["cuda_error"] = error_of(lambda: torch.ones(4).cuda())

def loader_warnings(**kwargs):
    # (warnings, whether the batch came back pinned, the error if the loader raised)
    ds = TensorDataset(torch.ones(4, 2))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            batch = next(iter(DataLoader(ds, batch_size=2, **kwargs)))
        except Exception as exc:  # older releases raise where newer ones warn
            return [str(w.message) for w in caught], None, f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return [str(w.message) for w in caught], bool(batch[0].is_pinned()), None

out["loader_warnings"], out["loader_pinned"], out["loader_error"] = loader_warnings(pin_memory=True)
out["device_warnings"], _, out["device_error"] = loader_warnings(pin_memory=True, pin_memory_device="cuda")
print(json.dumps(out))
"""


@functools.cache
def probe() -> dict:
    """Run the probe once per process, in a child that sees no CUDA device."""
    return child_json(_PROBE, env={**os.environ, "CUDA_VISIBLE_DEVICES": ""})


@claim(
    "gpu.hidden_means_no_cuda",
    en="With `CUDA_VISIBLE_DEVICES=\"\"` set before the process starts, `torch.cuda.is_available()` is False and `torch.cuda.device_count()` is 0.",
    zh="进程启动前设置 `CUDA_VISIBLE_DEVICES=\"\"`，`torch.cuda.is_available()` 返回 False，`torch.cuda.device_count()` 返回 0。",
    needs=("cuda_build", "cuda_device"),
)
def hidden_means_no_cuda() -> Observation:
    p = probe()
    shown = f"torch.cuda.is_available() -> {p['is_available']}\ntorch.cuda.device_count() -> {p['device_count']}"
    return Observation(p["is_available"] is False and p["device_count"] == 0, shown)


@claim(
    "gpu.import_does_not_init_cuda",
    en="`import torch` does not initialize CUDA: `torch.cuda.is_initialized()` is False right after it, so an environment variable set after the import but before the first CUDA call still counts.",
    zh="`import torch` 不会初始化 CUDA：导入后 `torch.cuda.is_initialized()` 仍为 False，所以在导入之后、第一次调用 CUDA 之前设置的环境变量仍然有效。",
    needs=("cuda_build",),
)
def import_does_not_init_cuda() -> Observation:
    value = probe()["initialized_after_import"]
    return Observation(value is False, f"import torch; torch.cuda.is_initialized() -> {value}")


@claim(
    "gpu.pin_memory_needs_accelerator",
    en=f"Without a usable accelerator, `Tensor.pin_memory()` raises RuntimeError. The message depends on the release and the build: a CPU build says \"{PIN_ERROR}.\"; CUDA builds without a driver have said \"{NO_DRIVER}\" or \"CUDA driver version is insufficient…\" (hover over a release below for its message).",
    zh=f"没有可用的加速器时，`Tensor.pin_memory()` 抛出 RuntimeError。报错信息随版本和构建而变：CPU 构建报“{PIN_ERROR}.”；没有驱动的 CUDA 构建报过“{NO_DRIVER}”，也报过“CUDA driver version is insufficient…”（把鼠标移到下方的版本上可以看到各版本的原话）。",
    needs=("no_accelerator_meaningful",),
)
def pin_memory_needs_accelerator() -> Observation:
    error = probe()["pin_error"] or "(no error)"
    return Observation(error.startswith("RuntimeError: "), error)


@claim(
    "gpu.cuda_without_device_raises",
    en="`.cuda()` raises when no CUDA device can be used, whether torch was built without CUDA or every GPU is hidden.",
    zh="没有可用的 CUDA 设备时，`.cuda()` 直接抛出异常：无论是 PyTorch 的 CPU 构建，还是所有 GPU 都被隐藏。",
    needs=("no_accelerator_meaningful",),
)
def cuda_without_device_raises() -> Observation:
    error = probe()["cuda_error"]
    return Observation(error is not None, error or "torch.ones(4).cuda() returned a tensor")


@claim(
    "gpu.dataloader_pin_without_accelerator",
    since="2.7",
    en="Without an accelerator, `DataLoader(pin_memory=True)` returns batches that are not pinned, and since PyTorch 2.7 it warns about it (earlier releases say nothing).",
    zh="没有加速器时，`DataLoader(pin_memory=True)` 返回的批次并没有锁页；自 PyTorch 2.7 起它会为此发出警告（更早的版本一声不吭）。",
)
def dataloader_pin_without_accelerator() -> Observation:
    p = probe()
    warned = [w for w in p["loader_warnings"] if "pin_memory" in w]
    shown = "\n".join((warned or ["(no warning)"]) + ([p["loader_error"]] if p["loader_error"] else [])
                      + [f"batch.is_pinned() -> {p['loader_pinned']}"])
    return Observation(bool(warned) and p["loader_pinned"] is False and not p["mps_available"], shown)


@claim(
    "gpu.pin_memory_device_deprecated",
    since="2.9",
    en="Since PyTorch 2.9, `DataLoader`'s `pin_memory_device` argument is deprecated: it warns and the current accelerator is used instead.",
    zh="自 PyTorch 2.9 起，`DataLoader` 的 `pin_memory_device` 参数已弃用：传入它只会得到一条警告，实际使用的是当前加速器。",
)
def pin_memory_device_deprecated() -> Observation:
    p = probe()
    warned = [w for w in p["device_warnings"] if "pin_memory_device is deprecated" in w]
    return Observation(bool(warned) and not p["device_error"],
                       "\n".join(warned + ([p["device_error"]] if p["device_error"] else [])) or "(no deprecation warning)")


@claim(
    "gpu.accelerator_api",
    since="2.6",
    en="Since PyTorch 2.6, torch has the device-agnostic `torch.accelerator` API: `is_available()`, `current_accelerator()`, `device_count()` and `synchronize()`.",
    zh="自 PyTorch 2.6 起，torch 提供与设备无关的 `torch.accelerator` 接口：`is_available()`、`current_accelerator()`、`device_count()` 和 `synchronize()`。",
)
def accelerator_api() -> Observation:

    names = ("is_available", "current_accelerator", "device_count", "synchronize")
    accel = api("torch.accelerator")  # arrived in torch 2.6: unavailable before
    present = [n for n in names if callable(getattr(accel, n, None))]
    try:
        current = f"{accel.current_accelerator()}" if len(present) == len(names) else "(not called)"
    except RuntimeError as exc:  # 2.6 raises when there is none; later releases return None
        current = f"RuntimeError: {exc}"
    shown = "\n".join(f"torch.accelerator.{n}" for n in present) + f"\ncurrent_accelerator() -> {current}"
    return Observation(len(present) == len(names), shown)


@claim(
    "gpu.to_same_device_returns_self",
    en="`t.to(device)` returns `t` itself, with no copy, when `t` is already on that device: on a CPU-only machine, device-agnostic `.to(device)` calls copy nothing.",
    zh="张量已在目标设备上时，`t.to(device)` 直接返回 `t` 本身，不做任何复制：在只有 CPU 的机器上，与设备无关的 `.to(device)` 调用不会复制数据。",
)
def to_same_device_returns_self() -> Observation:
    import torch

    t = torch.ones(4)
    same = t.to(torch.device("cpu")) is t and t.to("cpu", non_blocking=True) is t
    return Observation(same, f"t.to('cpu') is t -> {t.to('cpu') is t}")
