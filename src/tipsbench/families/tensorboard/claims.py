"""TensorBoard through torch.utils.tensorboard: where runs go and what shapes it takes.

Each check writes into a fresh temporary directory and closes its writer, so nothing
lands in the caller's ``runs/`` and no background writer thread outlives the check.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import torch

from tipsbench.claims import Observation, claim


@contextlib.contextmanager
def _in_temp_dir() -> Iterator[Path]:
    """Run in a temporary working directory: SummaryWriter() writes under ./runs."""
    old = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="tipsbench-tb-") as tmp:
        os.chdir(tmp)
        try:
            yield Path(tmp)
        finally:
            os.chdir(old)


def _writer(*args, **kwargs):
    from torch.utils.tensorboard import SummaryWriter

    return SummaryWriter(*args, **kwargs)


@claim("tensorboard.default_log_dir",
       en="`SummaryWriter()` logs to `runs/<Mon><DD>_<HH-MM-SS>_<hostname>`, and `comment=` is appended to that name; `log_dir=` replaces it.",
       zh="`SummaryWriter()` 默认写入 `runs/<月><日>_<时-分-秒>_<主机名>`，`comment=` 会追加到这个名字后面；`log_dir=` 则直接指定目录。")
def default_log_dir() -> Observation:
    with _in_temp_dir():
        default, commented, named = _writer(), _writer(comment="-LR_0.1_BATCH_16"), _writer(log_dir="runs/experiment")
        dirs = [w.log_dir for w in (default, commented, named)]
        for w in (default, commented, named):
            w.close()
    host = re.escape(socket.gethostname())
    stamp = r"runs/[A-Z][a-z]{2}\d{2}_\d{2}-\d{2}-\d{2}_" + host
    held = (re.fullmatch(stamp, dirs[0]) is not None
            and re.fullmatch(stamp + re.escape("-LR_0.1_BATCH_16"), dirs[1]) is not None
            and dirs[2] == "runs/experiment")
    # The host name is the reader's business, not the page's: shown as the placeholder.
    return Observation(held, "\n".join(d.replace(socket.gethostname(), "<hostname>") for d in dirs))


# How long we give the writer thread to put a queued event into the file. It writes each
# event soon after it is queued (tensorboard/summary/writer/event_file_writer.py); two
# seconds is generous on a loaded machine and far below flush_secs=120.
WRITE_WAIT_S = 2.0


@claim("tensorboard.writer_writes_soon",
       en="A writer does not hold events until `max_queue=10` or `flush_secs=120`: a few `add_scalar` calls reach the event file within seconds, without `flush()`. Call `flush()` or `close()` when another process must see every event now.",
       zh="写入器并不会攒到 `max_queue=10` 条或等 `flush_secs=120` 秒才写：几次 `add_scalar` 调用后，不调用 `flush()`，事件也会在几秒内写进事件文件。需要另一个进程立刻看到全部事件时，再调用 `flush()` 或 `close()`。")
def writer_writes_soon() -> Observation:
    with _in_temp_dir() as tmp:
        w = _writer(log_dir="runs/exp")
        try:
            (event_file,) = (tmp / "runs/exp").glob("events.out.tfevents.*")
            before = event_file.stat().st_size
            for step in range(3):
                w.add_scalar("loss", 1.0 / (step + 1), step)
            start = time.perf_counter()
            while event_file.stat().st_size == before and time.perf_counter() - start < WRITE_WAIT_S:
                time.sleep(0.01)
            after, waited = event_file.stat().st_size, time.perf_counter() - start
        finally:
            w.close()
    grew = after > before
    shown = (f"event file: {before} bytes after SummaryWriter(), {after} bytes "
             f"{waited:.2f} s after 3 add_scalar calls, no flush()")
    return Observation(grew, shown)


@claim("tensorboard.add_scalars_subruns",
       en="`add_scalars(main_tag, {key: value})` writes one sub-run directory per key (`<log_dir>/<main_tag>_<key>`), which TensorBoard lists as separate runs.",
       zh="`add_scalars(main_tag, {key: value})` 会为每个键单独建一个子目录（`<log_dir>/<main_tag>_<key>`），TensorBoard 会把它们显示成几个独立的 run。")
def add_scalars_subruns() -> Observation:
    with _in_temp_dir() as tmp:
        w = _writer(log_dir="runs/exp")
        w.add_scalars("loss", {"train": 1.0, "val": 2.0}, 0)
        w.close()
        subdirs = sorted(p.name for p in (tmp / "runs/exp").iterdir() if p.is_dir())
    return Observation(subdirs == ["loss_train", "loss_val"], f"runs/exp/: {subdirs}")


@claim("tensorboard.add_image_chw",
       en="`add_image` expects `(3, H, W)` (`dataformats='CHW'`) by default: an `(H, W, 3)` tensor fails unless you pass `dataformats='HWC'`.",
       zh="`add_image` 默认要求 `(3, H, W)`（`dataformats='CHW'`）：`(H, W, 3)` 的张量会报错，除非传入 `dataformats='HWC'`。")
def add_image_chw() -> Observation:
    with _in_temp_dir():
        w = _writer(log_dir="runs/img")
        w.add_image("chw", torch.rand(3, 8, 8))
        w.add_image("hwc_declared", torch.rand(8, 8, 3), dataformats="HWC")
        try:
            w.add_image("hwc", torch.rand(8, 8, 3))
        except Exception as e:  # PIL's TypeError today; any error shows the point
            return Observation(True, f"{type(e).__name__}: {e}")
        finally:
            w.close()
    return Observation(False, "an (H, W, 3) tensor was accepted as CHW")


@claim("tensorboard.add_images_nchw",
       en="`add_images` expects a batch `(N, 3, H, W)` (`dataformats='NCHW'`); a single `(3, H, W)` image is rejected.",
       zh="`add_images` 要求一批图像 `(N, 3, H, W)`（`dataformats='NCHW'`）；单张 `(3, H, W)` 图像会被拒绝。")
def add_images_nchw() -> Observation:
    with _in_temp_dir():
        w = _writer(log_dir="runs/imgs")
        w.add_images("batch", torch.rand(2, 3, 8, 8))
        try:
            w.add_images("single", torch.rand(3, 8, 8))
        except AssertionError as e:
            return Observation(True, f"AssertionError: {' '.join(str(e).split())}")
        finally:
            w.close()
    return Observation(False, "a (3, H, W) tensor was accepted as NCHW")


@claim("tensorboard.add_graph_uses_jit_trace", since="2.10",
       en="`add_graph` traces the model with `torch.jit.trace`, which is deprecated and, since PyTorch 2.10, warns.",
       zh="`add_graph` 内部用 `torch.jit.trace` 追踪模型，而它已被弃用，自 PyTorch 2.10 起会发出警告。")
def add_graph_uses_jit_trace() -> Observation:
    with _in_temp_dir():
        w = _writer(log_dir="runs/graph")
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            w.add_graph(torch.nn.Linear(3, 2), torch.rand(1, 3))
        w.close()
    messages = sorted({str(x.message) for x in seen if "jit.trace" in str(x.message)})
    return Observation(bool(messages), "\n".join(messages) or "no torch.jit warning")


@claim("tensorboard.add_figure_closes",
       en="`add_figure` closes the matplotlib figure after logging it (`close=True` by default).",
       zh="`add_figure` 记录完 matplotlib 图像后会把它关闭（默认 `close=True`）。")
def add_figure_closes() -> Observation:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with _in_temp_dir():
        w = _writer(log_dir="runs/fig")
        fig = plt.figure()
        w.add_figure("figure", fig)
        w.close()
    still_open = plt.fignum_exists(fig.number)
    return Observation(not still_open, f"plt.fignum_exists(fig.number) = {still_open}")
