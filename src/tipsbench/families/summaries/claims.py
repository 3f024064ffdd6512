"""Model summaries: torchsummary (the seed's tool, last released 2018) against torchinfo.

torchsummary counts parameters from forward hooks on sub-modules, reading only each
module's ``weight`` and ``bias``; every error below follows from that design. The
models are tiny, so every number here can be recomputed by hand from the layer sizes.
"""

from __future__ import annotations

import contextlib
import io
import re

import torch
from torch import nn

from tipsbench.claims import Observation, claim
from tipsbench.claims.checks import raised


class SharedLayer(nn.Module):
    """One Linear(4, 4) applied twice: 20 parameters, used twice."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.fc(x))


class TopLevelParameter(nn.Module):
    """A Linear(10, 10) (110 parameters) plus a parameter of the model itself (100)."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(10, 10)
        self.scale = nn.Parameter(torch.ones(100))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x) * self.scale[:10]


class LSTMNet(nn.Module):
    """An LSTM followed by a Linear head: the LSTM returns a tuple."""

    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True)
        self.fc = nn.Linear(16, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])


class Float64Net(nn.Module):
    """A float64 Linear(1000, 1000): 1,001,000 parameters of 8 bytes each."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(1000, 1000).double()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(x.double())


def n_params(model: nn.Module) -> int:
    """What the model really holds (parameters() deduplicates shared tensors)."""
    return sum(p.numel() for p in model.parameters())


def torchsummary_text(model: nn.Module, input_size: tuple, **kwargs) -> str:
    """torchsummary's printed table (it prints and returns None)."""
    from torchsummary import summary

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        summary(model, input_size, **kwargs)
    return out.getvalue()


def torchsummary_line(text: str, label: str) -> str:
    """One line of torchsummary's footer, e.g. 'Total params: 40'."""
    for line in text.splitlines():
        if line.startswith(label):
            return line
    raise ValueError(f"torchsummary printed no line starting with {label!r}:\n{text}")


def torchsummary_total(text: str) -> int:
    return int(re.sub(r"\D", "", torchsummary_line(text, "Total params:")))


def torchinfo_total(model: nn.Module, input_size: tuple) -> int:
    import torchinfo

    return torchinfo.summary(model, input_size=input_size, verbose=0).total_params


def _error(fn) -> str | None:
    """'Kind: message' of what fn raises, or None."""
    kind, message = raised(fn)
    return f"{kind}: {message}" if kind else None


@claim("summary.shared_layer_counted_twice",
       en="torchsummary counts a layer used twice in `forward` twice: 40 parameters for a model that has 20.",
       zh="同一个层在 `forward` 里用了两次，torchsummary 就把它的参数算两遍：模型只有 20 个参数，它报 40。")
def shared_layer_counted_twice() -> Observation:
    model = SharedLayer()
    reported = torchsummary_total(torchsummary_text(model, (4,), device="cpu"))
    return Observation(reported == 2 * n_params(model),
                       f"torchsummary: Total params: {reported}\nsum(p.numel() for p in model.parameters()) = {n_params(model)}")


@claim("summary.top_level_parameter_missed",
       en="torchsummary misses an `nn.Parameter` that belongs to the model itself rather than to a sub-module.",
       zh="直接挂在模型本身（而不是某个子模块）上的 `nn.Parameter`，torchsummary 统计不到。")
def top_level_parameter_missed() -> Observation:
    model = TopLevelParameter()
    reported = torchsummary_total(torchsummary_text(model, (10,), device="cpu"))
    return Observation(reported == n_params(model) - model.scale.numel(),
                       f"torchsummary: Total params: {reported}\nsum(p.numel() for p in model.parameters()) = {n_params(model)}")


@claim("summary.lstm_crash",
       en="torchsummary crashes on a model containing an `nn.LSTM`, whose output is a tuple.",
       zh="模型里有 `nn.LSTM`（输出是元组）时，torchsummary 直接崩溃。")
def lstm_crash() -> Observation:
    error = _error(lambda: torchsummary_text(LSTMNet(), (5, 8), device="cpu"))
    return Observation(error is not None and "tuple" in error, error or "no error")


@claim("summary.hooks_left_after_error",
       en="After such a crash torchsummary leaves its hooks on the model: the model's own forward pass, and torchinfo on it, fail until you rebuild it.",
       zh="这样崩溃之后，torchsummary 注册的钩子（hook）会留在模型上：模型自己的前向计算、以及对它调用 torchinfo 都会失败，只能重新创建模型。")
def hooks_left_after_error() -> Observation:
    model = LSTMNet()
    x = torch.rand(2, 5, 8)
    model(x)  # fine before
    _error(lambda: torchsummary_text(model, (5, 8), device="cpu"))
    left = {name: len(m._forward_hooks) for name, m in model.named_modules() if m._forward_hooks}
    forward_error = _error(lambda: model(x))
    import torchinfo

    info_error = _error(lambda: torchinfo.summary(model, input_data=x, verbose=0))
    return Observation(bool(left) and forward_error is not None and info_error is not None,
                       f"forward hooks left: {left}\nmodel(x) afterwards -> {forward_error}\n"
                       f"torchinfo.summary(model) afterwards -> {(info_error or 'no error').splitlines()[0]}")


@claim("summary.assumes_4_bytes",
       en="torchsummary's “Params size (MB)” assumes 4 bytes per parameter: for a float64 model it reports half the real size.",
       zh="torchsummary 的 “Params size (MB)” 按每个参数 4 字节计算：float64 模型的参数大小只报出实际的一半。")
def assumes_4_bytes() -> Observation:
    model = Float64Net()
    line = torchsummary_line(torchsummary_text(model, (1000,), device="cpu"), "Params size (MB):")
    reported_mb = float(line.split(":")[1])
    real_mb = sum(p.numel() * p.element_size() for p in model.parameters()) / 2**20
    return Observation(abs(reported_mb - real_mb / 2) < 0.01,
                       f"torchsummary: {line}\nreal: {real_mb:.2f} MiB (float64, 8 bytes per parameter; "
                       "torchsummary's “MB” are MiB: it divides by 1024²)")


@claim("summary.seed_device_argument_fails",
       en="The seed's call `summary(model, input_size, device=torch.device('cuda:0'))` fails before doing anything: torchsummary accepts only the strings 'cuda' and 'cpu'.",
       zh="原文的写法 `summary(model, input_size, device=torch.device('cuda:0'))` 一开始就会报错：torchsummary 只接受字符串 'cuda' 或 'cpu'。")
def seed_device_argument_fails() -> Observation:
    model = nn.Sequential(nn.Linear(3, 2))
    error = _error(lambda: torchsummary_text(model, (3,), device=torch.device("cuda:0")))
    return Observation(error is not None and "lower" in error, error or "no error")


@claim("summary.cuda_default",
       en="torchsummary defaults to `device='cuda'`: with CUDA present a model still on the CPU fails; without CUDA it quietly builds CPU inputs.",
       zh="torchsummary 默认 `device='cuda'`：有 CUDA 时，仍在 CPU 上的模型会报错；没有 CUDA 时，它悄悄改用 CPU 输入。")
def cuda_default() -> Observation:
    model = nn.Sequential(nn.Linear(3, 2))
    error = _error(lambda: torchsummary_text(model, (3,)))
    cuda = torch.cuda.is_available()
    held = (error is not None) if cuda else (error is None)
    return Observation(held, f"torch.cuda.is_available() = {cuda}\nsummary(model, (3,)) -> {error or 'ran on CPU inputs'}")


@claim("summary.torchinfo_counts_right",
       en="torchinfo counts every one of these models right: the shared layer once, the model's own parameter, the LSTM, and float64 sizes.",
       zh="上面这些模型 torchinfo 都统计正确：共享层只算一次，模型自身的参数、LSTM 和 float64 的大小也都正确。")
def torchinfo_counts_right() -> Observation:
    cases = [(SharedLayer(), (1, 4)), (TopLevelParameter(), (1, 10)), (LSTMNet(), (2, 5, 8)),
             (Float64Net(), (1, 1000))]
    lines, held = [], True
    for model, size in cases:
        got, real = torchinfo_total(model, size), n_params(model)
        held &= got == real
        lines.append(f"{type(model).__name__}: torchinfo {got:,}, parameters() {real:,}")
    import torchinfo

    stats = torchinfo.summary(Float64Net(), input_size=(1, 1000), verbose=0)
    mb = stats.total_param_bytes / 1e6
    held &= stats.total_param_bytes == 1_001_000 * 8
    lines.append(f"Float64Net: torchinfo params size {mb:.2f} MB (decimal: 10⁶ bytes)")
    return Observation(held, "\n".join(lines))
