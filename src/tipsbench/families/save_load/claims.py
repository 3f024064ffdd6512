"""Claims of the Save & load page, each checked on the installed torch.

Every file a check loads was written by the check itself, a moment earlier, in a
private temporary directory; the only ``weights_only=False`` load happens in a child
process, on such a file. What a check saw (error messages included) is returned in
``shown`` so the page quotes the real message, not a paraphrase.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import pickle
import sys
import tempfile
import textwrap
import warnings
from pathlib import Path

import torch

from tipsbench.cases import MiB
from tipsbench.claims import Observation, api, claim
from tipsbench.claims.checks import run_child
from tipsbench.families.save_load import checkpoints, models

# A full-model file may be this much bigger than the state_dict and still count as
# "the same size": the pickled module structure is kilobytes, the tensors are megabytes.
SAME_SIZE_TOLERANCE = 0.01
SIZE_CHECK_BYTES = 4 * MiB


def _message_lines(exc: BaseException, keep: tuple[str, ...] = ()) -> str:
    """`Type: first line`, plus any later lines containing one of `keep`, ANSI codes removed."""
    text = str(exc).replace("\x1b[1m", "").replace("\x1b[0m", "")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    shown = [f"{type(exc).__name__}: {lines[0] if lines else ''}"]
    shown += [line for line in lines[1:] if any(k in line for k in keep)]
    return "\n".join(shown)


@claim(
    "save_load.full_model_default_load_fails",
    since="2.6",
    en="Since PyTorch 2.6, `torch.load(path)` with default arguments refuses a file written by `torch.save(model)`: the seed's one-line load fails.",
    zh="自 PyTorch 2.6 起，用默认参数调用 `torch.load(path)` 加载 `torch.save(model)` 保存的文件会直接报错：原文那行加载代码已无法运行。",
)
def full_model_default_load_fails() -> Observation:
    model = models.build("mlp", 64 * 1024)
    with tempfile.TemporaryDirectory(prefix="tipsbench-claim-") as tmp:
        path = Path(tmp) / "net.pkl"
        torch.save(model, path)
        try:
            torch.load(path)
        except pickle.UnpicklingError as exc:
            return Observation(True, _message_lines(exc, keep=("WeightsUnpickler error",)))
    return Observation(False, f"torch {torch.__version__}: torch.load(path) loaded the full model without an error")


@claim(
    "save_load.full_model_opt_in",
    since="2.6",
    en="The same file loads with `weights_only=False` (which runs the pickle: trusted files only) or, keeping `weights_only=True`, inside `torch.serialization.safe_globals([...])` listing every class it names; `get_unsafe_globals_in_checkpoint` (since PyTorch 2.6) lists them.",
    zh="同一个文件在传入 `weights_only=False` 时可以加载（这会执行 pickle，只能用于可信文件）；也可以保持 `weights_only=True`，在 `torch.serialization.safe_globals([...])` 中列出文件引用的每个类后加载，这些类可以用 `get_unsafe_globals_in_checkpoint`（自 PyTorch 2.6 起提供）列出来。",
)
def full_model_opt_in() -> Observation:
    api("torch.serialization.safe_globals")  # 2.5; the next one arrived in 2.6
    api("torch.serialization.get_unsafe_globals_in_checkpoint")
    model = models.build("mlp", 64 * 1024)
    x = models.example_input("mlp", model)
    with tempfile.TemporaryDirectory(prefix="tipsbench-claim-") as tmp:
        path = Path(tmp) / "net.pkl"
        torch.save(model, path)
        needed = checkpoints.unsafe_globals(path)
        trusted = torch.load(path, weights_only=False)  # written two lines above by this process
        with torch.serialization.safe_globals(models.safe_globals_for(model)):
            allowlisted = torch.load(path)
    same = all(torch.equal(m(x), model(x)) for m in (trusted, allowlisted))
    shown = (f"get_unsafe_globals_in_checkpoint: {needed}\n"
             f"weights_only=False -> {type(trusted).__name__}; safe_globals -> {type(allowlisted).__name__}; "
             f"same outputs: {same}")
    return Observation(same and isinstance(allowlisted, models.MLP), shown)


_NET_SOURCE = textwrap.dedent("""
    import torch
    from torch import nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(8, 4)

        def forward(self, x):
            return torch.relu(self.fc(x))
""")

_LOADER = textwrap.dedent("""
    import json, sys, torch
    full, params = sys.argv[1], sys.argv[2]
    out = {}
    try:
        torch.load(full, weights_only=False)  # a file the parent process wrote just now
        out["full"] = "loaded"
    except Exception as exc:
        out["full"] = f"{type(exc).__name__}: {exc}"
    state = torch.load(params)
    out["state_dict"] = sorted(state)
    print(json.dumps(out))
""")


@claim(
    "save_load.full_model_needs_class",
    en="A full-model file stores the class's import path, not its code: in a process where that module can't be imported it does not load, even with `weights_only=False`, while the state_dict loads.",
    zh="整个模型的文件只记录类的导入路径，不包含类的代码：在无法导入该模块的进程里，即使传入 `weights_only=False` 也加载不了；`state_dict` 则可以正常加载。",
)
def full_model_needs_class() -> Observation:
    with tempfile.TemporaryDirectory(prefix="tipsbench-claim-") as tmp:
        tmp_path = Path(tmp)
        module = _throwaway_net_module(tmp_path)  # in sys.modules: pickle looks the class up there
        try:
            net = module.Net()
            torch.save(net, tmp_path / "net.pkl")
            torch.save(net.state_dict(), tmp_path / "net_params.pkl")
        finally:
            sys.modules.pop(module.__name__, None)
        # The module's file is only in tmp_path, on no path of the child's: it starts in the
        # temporary root (its '' entry of sys.path), which holds tmp_path, not the file.
        done = run_child(_LOADER, str(tmp_path / "net.pkl"), str(tmp_path / "net_params.pkl"),
                         cwd=tempfile.gettempdir())
    if done.returncode != 0:
        return Observation(False, f"child process failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    full_failed = out["full"].startswith(("ModuleNotFoundError", "AttributeError"))
    shown = f"torch.save(model): {out['full']}\ntorch.save(model.state_dict()): loaded {out['state_dict']}"
    return Observation(full_failed and out["state_dict"] == ["fc.bias", "fc.weight"], shown)


@claim(
    "save_load.same_size",
    en="A full-model file is the same size as the state_dict file within 1%: both hold the same tensor bytes; the whole model adds only its pickled module structure (a few KB).",
    zh="整个模型的文件与 `state_dict` 文件大小相差不到 1%：两者保存的张量字节完全相同，整个模型只多出几 KB 的 pickle 模块结构。",
)
def same_size() -> Observation:
    lines, holds = [], True
    for kind in models.KINDS:
        model = models.build(kind, SIZE_CHECK_BYTES)
        full = len(checkpoints.to_bytes(model))
        state = len(checkpoints.to_bytes(model.state_dict()))
        extra = full - state
        holds &= 0 <= extra <= SAME_SIZE_TOLERANCE * state
        lines.append(f"{kind}: state_dict {state:,} B, full model {full:,} B (+{extra:,} B, +{extra / state:.2%})")
    return Observation(holds, "\n".join(lines))


@claim(
    "save_load.mmap_needs_zipfile",
    en="`torch.load(f, mmap=True)` needs the zip format that `torch.save` writes by default since 1.6; a file saved with `_use_new_zipfile_serialization=False` is refused.",
    zh="`torch.load(f, mmap=True)` 要求文件是 zip 格式（`torch.save` 自 1.6 起的默认格式）；用 `_use_new_zipfile_serialization=False` 保存的文件会被拒绝。",
)
def mmap_needs_zipfile() -> Observation:
    state = models.build("mlp", 64 * 1024).state_dict()
    with tempfile.TemporaryDirectory(prefix="tipsbench-claim-") as tmp:
        legacy, zipped = Path(tmp) / "legacy.pt", Path(tmp) / "zip.pt"
        torch.save(state, legacy, _use_new_zipfile_serialization=False)
        torch.save(state, zipped)
        mapped = torch.load(zipped, mmap=True)
        zip_ok = all(torch.equal(mapped[k], state[k]) for k in state)
        del mapped
        try:
            torch.load(legacy, mmap=True)
        except RuntimeError as exc:
            return Observation(zip_ok, _message_lines(exc).replace(str(legacy), "legacy.pt"))
    return Observation(False, "torch.load(legacy file, mmap=True) did not raise")


@claim(
    "save_load.safetensors_tied",
    en="safetensors' `save_file` refuses a state_dict with tied (shared) weights; `save_model` writes one copy and `load_model` restores the tie.",
    zh="safetensors 的 `save_file` 拒绝保存含共享权重（tied weights）的 `state_dict`；`save_model` 只写一份，`load_model` 加载后权重仍然共享。",
)
def safetensors_tied() -> Observation:
    from safetensors.torch import load_model, save_file, save_model

    model = models.build("transformer", 256 * 1024)
    fresh = models.build("transformer", 256 * 1024, seed=1)
    with tempfile.TemporaryDirectory(prefix="tipsbench-claim-") as tmp:
        try:
            save_file(model.state_dict(), str(Path(tmp) / "file.safetensors"))
            refused = "save_file accepted tied weights"
        except RuntimeError as exc:
            refused = _message_lines(exc, keep=("share memory", "save_model"))
        path = Path(tmp) / "model.safetensors"
        save_model(model, str(path))
        stored = checkpoints.inspect(path).tensors
        load_model(fresh, str(path))
    tie = fresh.head.weight is fresh.embed.weight and torch.equal(fresh.embed.weight, model.embed.weight)
    shown = (f"save_file: {refused}\nsave_model: {stored} tensors stored for "
             f"{len(model.state_dict())} state_dict entries; after load_model, head.weight is embed.weight: {tie}")
    one_copy = stored < len(model.state_dict())  # the tied tensor is written once
    return Observation(refused.startswith("RuntimeError") and tie and one_copy, shown)


class _Hostile:
    """Pickles to a call of os.makedirs(marker): harmless, and visible if it ever runs."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (os.makedirs, (self.marker,))


@claim(
    "save_load.weights_only_blocks_code",
    since="2.6",
    en="Since PyTorch 2.6, `torch.load` with default arguments (`weights_only=True`) refuses a pickle that would call a function, and the call never happens.",
    zh="自 PyTorch 2.6 起，用默认参数（`weights_only=True`）调用 `torch.load` 会拒绝试图调用函数的 pickle，该调用也不会被执行。",
)
def weights_only_blocks_code() -> Observation:
    with tempfile.TemporaryDirectory(prefix="tipsbench-claim-") as tmp:
        marker = Path(tmp) / "code-ran"
        path = Path(tmp) / "hostile.pt"
        torch.save({"weight": torch.zeros(2), "payload": _Hostile(str(marker))}, path)
        try:
            torch.load(path)
            message = "loaded without an error"
        except pickle.UnpicklingError as exc:
            message = _message_lines(exc, keep=("GLOBAL",))
        ran = marker.exists()
        try:
            checkpoints.load_state_dict(path)
            helper = "tipsbench loaded it"
        except checkpoints.CheckpointError as exc:
            helper = str(exc).replace(str(path), "hostile.pt")
        ran = ran or marker.exists()
    shown = f"torch.load: {message}\nfunction ran: {ran}\ntipsbench.families.save_load.checkpoints.load_state_dict: {helper}"
    return Observation(message.startswith("UnpicklingError") and not ran, shown)


@claim(
    "save_load.torchscript_deprecated",
    since="2.10",
    en="TorchScript is deprecated: since PyTorch 2.10, `torch.jit.script` warns and points to `torch.compile` or `torch.export`.",
    zh="TorchScript 已被弃用：自 PyTorch 2.10 起，`torch.jit.script` 会发出警告，建议改用 `torch.compile` 或 `torch.export`。",
)
def torchscript_deprecated() -> Observation:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.jit.script(torch.nn.Linear(2, 2))
    found = [w for w in caught if issubclass(w.category, (DeprecationWarning, FutureWarning, UserWarning))
             and "torch.export" in str(w.message)]
    if not found:
        return Observation(False, f"torch {torch.__version__}: torch.jit.script emitted no deprecation warning")
    return Observation(True, f"{found[0].category.__name__}: {found[0].message}")


@claim(
    "save_load.export_roundtrip",
    en="`torch.export.export` + `torch.export.save` / `torch.export.load` round-trip a model to a `.pt2` file that runs without the model's Python class.",
    zh="`torch.export.export` 加 `torch.export.save` / `torch.export.load` 可以把模型存成 `.pt2` 文件再加载回来，运行时不需要模型的 Python 类。",
)
def export_roundtrip() -> Observation:
    with tempfile.TemporaryDirectory(prefix="tipsbench-claim-") as tmp:
        tmp_path = Path(tmp)
        module = _throwaway_net_module(tmp_path)
        try:
            net = module.Net()
            x = torch.randn(2, 8)
            exported = torch.export.export(net, (x,))
            torch.export.save(exported, tmp_path / "net.pt2")
            torch.save({"x": x, "y": net(x).detach()}, tmp_path / "io.pt")
        finally:
            sys.modules.pop(module.__name__, None)
        size = (tmp_path / "net.pt2").stat().st_size
        # In the temporary root, where the class's module can't be imported (the child
        # tries, and says so).
        done = run_child(_EXPORT_LOADER, str(tmp_path / "net.pt2"), str(tmp_path / "io.pt"),
                         cwd=tempfile.gettempdir())
    if done.returncode != 0:
        return Observation(False, f"child process failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    holds = out["class_importable"] is False and out["same"] is True
    return Observation(holds, f"exported Net → {size:,} B .pt2; in a process that can't import Net's module "
                              f"(import → {out['import_error']}), the reloaded program gives the same output: {out['same']}")


_EXPORT_LOADER = textwrap.dedent("""
    import importlib, json, sys, torch
    program, io_file = sys.argv[1], sys.argv[2]
    try:
        importlib.import_module("tipsbench_claim_netdef")
        out = {"class_importable": True, "import_error": "none"}
    except ImportError as exc:
        out = {"class_importable": False, "import_error": type(exc).__name__}
    expected = torch.load(io_file)  # tensors the parent process wrote just now
    got = torch.export.load(program).module()(expected["x"])
    out["same"] = bool(torch.allclose(got, expected["y"]))
    print(json.dumps(out))
""")


def _throwaway_net_module(directory: Path):
    """Net defined in a module that exists only in `directory` (so a child can't import it)."""
    module_name = "tipsbench_claim_netdef"
    (directory / f"{module_name}.py").write_text(_NET_SOURCE)
    spec = importlib.util.spec_from_file_location(module_name, directory / f"{module_name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


@claim(
    "save_load.training_checkpoint_weights_only",
    en="A training checkpoint saved as a dict of state_dicts (model, optimizer, LR scheduler) and the epoch loads with the default `weights_only=True` and resumes the same state.",
    zh="把模型、优化器、学习率调度器的 `state_dict` 和当前轮次放进一个字典保存的训练检查点，可以用默认的 `weights_only=True` 加载，并恢复出相同的状态。",
)
def training_checkpoint_weights_only() -> Observation:
    model = models.build("mlp", 64 * 1024)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    model(models.example_input("mlp", model)).sum().backward()
    optimizer.step()
    scheduler.step()
    buf = io.BytesIO()
    torch.save({"epoch": 3, "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict()}, buf)
    buf.seek(0)
    loaded = torch.load(buf)  # default weights_only=True
    fresh = models.build("mlp", 64 * 1024, seed=1)
    fresh.load_state_dict(loaded["model"])
    opt2 = torch.optim.AdamW(fresh.parameters(), lr=1e-3)
    opt2.load_state_dict(loaded["optimizer"])
    sched2 = torch.optim.lr_scheduler.StepLR(opt2, step_size=1, gamma=0.5)
    sched2.load_state_dict(loaded["scheduler"])
    same = (torch.equal(fresh.head.weight, model.head.weight)
            and opt2.param_groups[0]["lr"] == optimizer.param_groups[0]["lr"]
            and torch.equal(opt2.state_dict()["state"][0]["exp_avg"], optimizer.state_dict()["state"][0]["exp_avg"]))
    shown = (f"keys {sorted(loaded)}; epoch {loaded['epoch']}; lr {opt2.param_groups[0]['lr']}; "
             f"optimizer step {int(opt2.state_dict()['state'][0]['step'])}; state restored: {same}")
    return Observation(same and loaded["epoch"] == 3, shown)
