"""Claims about NumPy ↔ tensor conversion: who shares memory, who copies, what fails.

Each check builds small arrays, does the conversion and looks at the addresses
(tipsbench.memory.shares_memory) or at the exact error; nothing is assumed from the
docs. Two checks run in a child process: torch's read-only warning fires once per
process (an earlier conversion would hide it), and on torch 2.13 a negative-stride
array through DLPack aborts the whole interpreter.
"""

from __future__ import annotations

import signal
import sys
import warnings
from collections.abc import Callable

import numpy as np
import torch

from tipsbench.claims import Observation, claim
from tipsbench.claims.checks import raised, run_child
from tipsbench.memory import shares_memory

# A child Python imports torch in ~1–3 s; a slow shared machine gets ample headroom.


def _errors_all(calls: dict[str, Callable[[], object]], kind: str, needle: str) -> Observation:
    """Every call raises `kind` with `needle` in its message; one line per call, and a
    message shared by all of them is shown once, at the end."""
    seen = {code: raised(fn) for code, fn in calls.items()}
    holds = all(name == kind and needle in message for name, message in seen.values())
    if len(set(seen.values())) == 1:
        name, message = next(iter(seen.values()))
        lines = [f"{code} → {name or 'no error'}" for code in seen] + ([message] if message else [])
    else:
        lines = [f"{code} → {name or 'no error'}: {message}".rstrip(": ") for code, (name, message) in seen.items()]
    return Observation(holds, "\n".join(lines))


def _warnings_of(fn: Callable[[], object]) -> tuple[object, list[str]]:
    """fn's result and the messages of every warning it emitted."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    return result, [str(w.message) for w in caught]


def _shares(label: str, result, source) -> tuple[bool, str]:
    shared = shares_memory(result, source)
    return shared, f"{label}: {'shares memory' if shared else 'copy'}"


# --- torch.from_numpy -------------------------------------------------------------


@claim("numpy.from_numpy_shares",
       en="`torch.from_numpy(a)` shares memory with `a`: an in-place edit on either side shows on the other.",
       zh="`torch.from_numpy(a)` 与 `a` 共享底层内存：任何一方的原地修改，另一方都能看到。")
def from_numpy_shares() -> Observation:
    a = np.zeros(4, dtype=np.float32)
    t = torch.from_numpy(a)
    a[0] = 7
    t[1] = 9
    holds = t[0].item() == 7 and a[1] == 9 and shares_memory(t, a)
    return Observation(holds, f"a[0] = 7 → t[0] == {t[0].item()}\nt[1] = 9 → a[1] == {a[1]}")


@claim("numpy.from_numpy_not_resizable",
       en="A tensor made by `torch.from_numpy` can't be resized: its storage belongs to NumPy.",
       zh="`torch.from_numpy` 得到的张量不能改变大小：它的存储归 NumPy 所有。")
def from_numpy_not_resizable() -> Observation:
    t = torch.from_numpy(np.zeros(4, dtype=np.float32))
    name, message = raised(lambda: t.resize_(1000))
    return Observation(name == "RuntimeError" and "not resizable" in message,
                       f"t.resize_(1000) → {name or 'no error'}: {message}")


@claim("numpy.from_numpy_unsigned",
       en="`torch.from_numpy` accepts uint16, uint32 and uint64 arrays, although its docstring doesn't list them.",
       zh="`torch.from_numpy` 能接受 uint16、uint32 和 uint64 数组，尽管它的文档字符串没有列出这几种类型。")
def from_numpy_unsigned() -> Observation:
    lines, holds = [], True
    for name in ("uint16", "uint32", "uint64"):
        a = np.arange(3, dtype=name)
        kind, message = raised(lambda a=a: torch.from_numpy(a))
        if kind:
            holds = False
            lines.append(f"{name} → {kind}: {message}")
            continue
        t = torch.from_numpy(a)
        holds = holds and str(t.dtype) == f"torch.{name}" and shares_memory(t, a)
        lines.append(f"np.{name} → {t.dtype}")
    return Observation(holds, "\n".join(lines))


# --- torch.as_tensor and torch.tensor ----------------------------------------------


@claim("numpy.as_tensor_shares_when_dtype_matches",
       en="`torch.as_tensor(a)` shares memory when the dtype (and device) already match, and copies when it must convert the dtype.",
       zh="数据类型（和设备）一致时，`torch.as_tensor(a)` 共享底层内存；需要转换数据类型时则复制。")
def as_tensor_shares_when_dtype_matches() -> Observation:
    a = np.ones(4, dtype=np.float32)
    same, line_same = _shares("torch.as_tensor(a)", torch.as_tensor(a), a)
    other, line_other = _shares("torch.as_tensor(a, dtype=torch.float64)",
                                torch.as_tensor(a, dtype=torch.float64), a)
    return Observation(same and not other, f"{line_same}\n{line_other}")


@claim("numpy.as_tensor_same_object",
       en="Given a tensor whose dtype and device already match, `torch.as_tensor` returns that very tensor object.",
       zh="传给 `torch.as_tensor` 的张量如果数据类型和设备都已一致，返回的就是同一个张量对象。")
def as_tensor_same_object() -> Observation:
    t = torch.ones(4)
    same = torch.as_tensor(t) is t
    converted = torch.as_tensor(t, dtype=torch.float64) is t
    return Observation(same and not converted,
                       f"torch.as_tensor(t) is t → {same}\n"
                       f"torch.as_tensor(t, dtype=torch.float64) is t → {converted}")


@claim("numpy.as_tensor_list_copies",
       en="A Python list always copies: `torch.as_tensor([1, 2, 3])` is a new int64 tensor.",
       zh="Python 列表总是被复制：`torch.as_tensor([1, 2, 3])` 得到一个新的 int64 张量。")
def as_tensor_list_copies() -> Observation:
    values = [1, 2, 3]
    t = torch.as_tensor(values)
    t[0] = 100
    return Observation(t.dtype == torch.int64 and values[0] == 1,
                       f"torch.as_tensor([1, 2, 3]).dtype → {t.dtype}\nt[0] = 100 → list[0] == {values[0]}")


@claim("numpy.tensor_always_copies",
       en="`torch.tensor(a)` always copies, even when the dtype already matches.",
       zh="`torch.tensor(a)` 总是复制，即使数据类型已经一致。")
def tensor_always_copies() -> Observation:
    a = np.ones(4, dtype=np.float32)
    t = torch.tensor(a)
    t[0] = 5
    shared = shares_memory(t, a)
    return Observation(not shared and a[0] == 1,
                       f"torch.tensor(a): {'shares memory' if shared else 'copy'}\nt[0] = 5 → a[0] == {a[0]}")


@claim("numpy.tensor_of_tensor_warns", since="2.7",
       en="`torch.tensor(t)` of a tensor copies and warns, recommending `t.detach().clone()` (since PyTorch 2.7; earlier releases recommend `clone().detach()`).",
       zh="对张量调用 `torch.tensor(t)` 会复制并发出警告，提示改用 `t.detach().clone()`（自 PyTorch 2.7 起；更早的版本建议的是 `clone().detach()`）。")
def tensor_of_tensor_warns() -> Observation:
    t = torch.ones(4)
    result, messages = _warnings_of(lambda: torch.tensor(t))
    holds = not shares_memory(result, t) and any("detach().clone()" in m for m in messages)
    return Observation(holds, "\n".join(messages) or "no warning")


# --- torch.asarray -------------------------------------------------------------------


@claim("numpy.asarray_copy_modes",
       en="`torch.asarray(a)` shares when it can (`copy=None`), `copy=True` always copies, and `copy=False` raises when sharing is impossible.",
       zh="`torch.asarray(a)` 能共享就共享（`copy=None`）；`copy=True` 一定复制；无法共享时 `copy=False` 直接报错。")
def asarray_copy_modes() -> Observation:
    a = np.ones(4, dtype=np.float32)
    default, line_default = _shares("torch.asarray(a)", torch.asarray(a), a)
    forced, line_forced = _shares("torch.asarray(a, copy=True)", torch.asarray(a, copy=True), a)
    kind, message = raised(lambda: torch.asarray(a, dtype=torch.float64, copy=False))
    holds = default and not forced and kind == "ValueError" and "can't alias" in message
    return Observation(holds, f"{line_default}\n{line_forced}\n"
                              f"torch.asarray(a, dtype=torch.float64, copy=False) → {kind or 'no error'}: {message}")


# --- Tensor.numpy() and friends ------------------------------------------------------


@claim("numpy.numpy_requires_grad_error",
       en="`t.numpy()` on a tensor that requires grad raises a RuntimeError that points to `detach()`.",
       zh="对需要梯度的张量调用 `t.numpy()` 会抛出 RuntimeError，并提示先 `detach()`。")
def numpy_requires_grad_error() -> Observation:
    t = torch.ones(4, requires_grad=True)
    kind, message = raised(t.numpy)
    return Observation(kind == "RuntimeError" and "requires grad" in message,
                       f"t.numpy() → {kind or 'no error'}: {message}")


@claim("numpy.numpy_bfloat16_unsupported",
       en="NumPy has no bfloat16: `t.numpy()` on a bfloat16 tensor raises a TypeError.",
       zh="NumPy 没有 bfloat16：对 bfloat16 张量调用 `t.numpy()` 会抛出 TypeError。")
def numpy_bfloat16_unsupported() -> Observation:
    t = torch.ones(4, dtype=torch.bfloat16)
    kind, message = raised(t.numpy)
    return Observation(kind == "TypeError" and "BFloat16" in message,
                       f"t.numpy() → {kind or 'no error'}: {message}")


@claim("numpy.numpy_force",
       en="`t.numpy(force=True)` handles grad and the conjugate and negative bits: it shares memory when nothing must be resolved and copies a conjugated or negated view; a bfloat16 tensor still raises, as NumPy has no such dtype.",
       zh="`t.numpy(force=True)` 能处理需要梯度的张量以及共轭和取负标记：无需处理时共享底层内存，遇到共轭或取负视图则复制；bfloat16 张量仍然报错，因为 NumPy 没有这种数据类型。")
def numpy_force() -> Observation:
    t = torch.ones(4, requires_grad=True)
    plain, line_plain = _shares("torch.ones(4, requires_grad=True).numpy(force=True)",
                                t.numpy(force=True), t.detach())
    z = torch.ones(4, dtype=torch.complex64)
    conj, line_conj = _shares("z.conj().numpy(force=True)", z.conj().numpy(force=True), z)
    x = torch.ones(4)
    negated = torch._neg_view(x)  # the lazy negation torch uses for e.g. conj of real views
    neg_plain = raised(negated.numpy)
    neg, line_neg = _shares("neg_view(x).numpy(force=True)", negated.numpy(force=True), x)
    bf16 = raised(lambda: torch.ones(2, dtype=torch.bfloat16).numpy(force=True))
    holds = plain and not conj and neg_plain[0] == "RuntimeError" and not neg and bf16[0] == "TypeError"
    lines = [line_plain, line_conj, f"neg_view(x).numpy() → {neg_plain[0]}: {neg_plain[1]}", line_neg,
             f"torch.ones(2, dtype=torch.bfloat16).numpy(force=True) → {bf16[0]}: {bf16[1]}"]
    return Observation(holds, "\n".join(lines))


@claim("numpy.detach_cpu_numpy_shares",
       en="On a CPU tensor, `t.detach().cpu().numpy()` copies nothing: `.cpu()` returns the tensor itself and the array shares its memory.",
       zh="对 CPU 张量，`t.detach().cpu().numpy()` 不会复制任何数据：`.cpu()` 直接返回张量本身，得到的数组与它共享底层内存。")
def detach_cpu_numpy_shares() -> Observation:
    t = torch.ones(4)
    same = t.cpu() is t
    shared, line = _shares("t.detach().cpu().numpy()", t.detach().cpu().numpy(), t)
    return Observation(same and shared, f"t.cpu() is t → {same}\n{line}")


@claim("numpy.np_asarray_shares",
       en="`np.asarray(t)` on a CPU tensor shares its memory.",
       zh="对 CPU 张量调用 `np.asarray(t)`，得到的数组与张量共享底层内存。")
def np_asarray_shares() -> Observation:
    t = torch.ones(4)
    shared, line = _shares("np.asarray(t)", np.asarray(t), t)
    return Observation(shared, line)


# --- arrays torch can't or shouldn't take as they are --------------------------------

# torch warns about a read-only array once per process, so each call needs a process
# that hasn't warned yet: one child imports torch once (the slow part), then forks a
# fresh grandchild per call, the way DataLoader workers are forked.
_READONLY_CHILD = """
import os, sys, warnings, numpy as np, torch
from tipsbench.memory import shares_memory
for call in sys.argv[1:]:
    pid = os.fork()
    if pid:
        os.waitpid(pid, 0)
        continue
    a = np.arange(4.0); a.flags.writeable = False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = eval(call)
    with warnings.catch_warnings(record=True) as again:
        warnings.simplefilter("always")
        eval(call)
    said = ["warns: " + str(w.message).split(". ")[0] for w in caught if "not writable" in str(w.message)]
    print(call, "→", "shares" if shares_memory(r, a) else "copy", ";", said[0] if said else "no warning",
          ";", "warns again" if again else "silent the second time", flush=True)
    os._exit(0)
"""
_READONLY_CALLS = ("torch.from_numpy(a)", "torch.as_tensor(a)", "torch.asarray(a)", "torch.tensor(a)")


@claim("numpy.readonly_shares_and_warns",
       en="A read-only array is shared anyway by `from_numpy`, `as_tensor` and `asarray`, with a warning (once per process); `torch.tensor` copies it silently.",
       zh="只读数组照样会被 `from_numpy`、`as_tensor` 和 `asarray` 共享底层内存，同时发出警告（每个进程只警告一次）；`torch.tensor` 则默默复制。")
def readonly_shares_and_warns() -> Observation:
    child = run_child(_READONLY_CHILD, *_READONLY_CALLS)
    lines = [line.replace(" ; ", "; ") for line in child.stdout.strip().splitlines()]
    if child.returncode != 0 or len(lines) != len(_READONLY_CALLS):
        return Observation(False, "\n".join(lines + child.stderr.strip().splitlines()[-1:]))
    holds = True
    for call, line in zip(_READONLY_CALLS, lines, strict=False):
        expect_share = call != "torch.tensor(a)"
        shared, warned = "→ shares;" in line, "no warning" not in line
        once = "warns again" not in line
        holds = holds and line.startswith(call) and shared == expect_share and warned == expect_share and once
    return Observation(holds, "\n".join(lines))


@claim("numpy.negative_strides_rejected",
       en="Arrays with negative strides (`a[::-1]`, `np.flip(a)`) are rejected with a ValueError by `from_numpy`, `as_tensor`, `tensor` and `asarray`; `a.copy()` first.",
       zh="带负步幅的数组（`a[::-1]`、`np.flip(a)`）会被 `from_numpy`、`as_tensor`、`tensor` 和 `asarray` 以 ValueError 拒绝；先 `a.copy()`。")
def negative_strides_rejected() -> Observation:
    a = np.arange(4.0)[::-1]
    calls = {f"torch.{f.__name__}(a[::-1])": (lambda f=f: f(a))
             for f in (torch.from_numpy, torch.as_tensor, torch.tensor, torch.asarray)}
    return _errors_all(calls, "ValueError", "negative")


@claim("numpy.byte_order_rejected",
       en="Non-native byte order (e.g. a `'>f4'` array on x86) is rejected by every conversion path.",
       zh="非本机字节序的数组（例如 x86 上的 `'>f4'` 数组）会被所有转换方式拒绝。")
def byte_order_rejected() -> Observation:
    foreign = ">f4" if sys.byteorder == "little" else "<f4"
    a = np.arange(4, dtype=foreign)
    calls = {f"torch.{f.__name__}(a)": (lambda f=f: f(a))
             for f in (torch.from_numpy, torch.as_tensor, torch.tensor, torch.asarray)}
    return _errors_all(calls, "ValueError", "byte order")


# --- DLPack --------------------------------------------------------------------------


@claim("numpy.dlpack_zero_copy",
       en="DLPack is zero-copy both ways: `torch.from_dlpack(a)` and `np.from_dlpack(t)` share memory.",
       zh="DLPack 双向都是零拷贝：`torch.from_dlpack(a)` 和 `np.from_dlpack(t)` 都共享底层内存。")
def dlpack_zero_copy() -> Observation:
    a = np.ones(4, dtype=np.float32)
    t = torch.ones(4)
    into, line_into = _shares("torch.from_dlpack(a)", torch.from_dlpack(a), a)
    out, line_out = _shares("np.from_dlpack(t)", np.from_dlpack(t), t)
    return Observation(into and out, f"{line_into}\n{line_out}")


@claim("numpy.dlpack_grad_buffererror", since="2.9",
       en="Since PyTorch 2.9, exporting a tensor that requires grad through DLPack raises BufferError (2.8 and earlier raise RuntimeError).",
       zh="自 PyTorch 2.9 起，通过 DLPack 导出需要梯度的张量会抛出 BufferError（2.8 及更早版本抛出的是 RuntimeError）。")
def dlpack_grad_buffererror() -> Observation:
    t = torch.ones(4, requires_grad=True)
    calls = {"np.from_dlpack(t)": lambda: np.from_dlpack(t), "torch.from_dlpack(t)": lambda: torch.from_dlpack(t)}
    return _errors_all(calls, "BufferError", "require")


@claim("numpy.dlpack_readonly_writable", since="2.9",
       en="Since PyTorch 2.9, `torch.from_dlpack` takes a read-only array and gives a writable tensor, without a warning, and writes change the array (2.8 and earlier refuse the array with BufferError).",
       zh="自 PyTorch 2.9 起，`torch.from_dlpack` 会接收只读数组并返回可写的张量，没有任何警告，对它的写入会改动原数组（2.8 及更早版本会以 BufferError 拒收这个数组）。")
def dlpack_readonly_writable() -> Observation:
    a = np.zeros(4)
    a.flags.writeable = False
    kind, message = raised(lambda: torch.from_dlpack(a))
    if kind:
        return Observation(False, f"torch.from_dlpack(a) → {kind}: {message}")
    t, messages = _warnings_of(lambda: torch.from_dlpack(a))
    t[0] = 42
    return Observation(a[0] == 42 and not messages,
                       f"a.flags.writeable → {a.flags.writeable}\nt[0] = 42 → a[0] == {a[0]}\n"
                       f"warnings: {len(messages)}")


@claim("numpy.dlpack_negative_stride_aborts", until="2.13",
       en="Up to PyTorch 2.13, `torch.from_dlpack(a[::-1])` doesn't raise: it aborts the whole process (pytorch/pytorch#188023). Since 2.14 it raises RuntimeError.",
       zh="在 PyTorch 2.13 及更早版本上，`torch.from_dlpack(a[::-1])` 不是抛出异常，而是让整个进程直接中止（pytorch/pytorch#188023）。自 2.14 起改为抛出 RuntimeError。")
def dlpack_negative_stride_aborts() -> Observation:
    # Never in-process: the abort would take the test run or the site build with it.
    child = run_child("import numpy as np, torch; torch.from_dlpack(np.arange(4.0)[::-1])")
    status = child.returncode
    if status < 0:
        how = f"killed by {signal.Signals(-status).name} (exit status {status})"
    else:
        how = f"exited with status {status}"
    lines = [line.strip() for line in child.stderr.splitlines() if line.strip()]
    # An abort prints C++'s "what(): …"; a release that raises instead ends with the exception.
    first = next((line for line in lines if "what()" in line), lines[-1] if lines and status > 0 else "")
    return Observation(status == -signal.SIGABRT, f"child process {how}\n{first}".rstrip())
