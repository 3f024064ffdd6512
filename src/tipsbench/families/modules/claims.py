"""nn.Module containers: a plain Python list hides its layers from the module.

nn.Module registers sub-modules in ``__setattr__`` only when the value itself is a
Module (or Parameter); a list is stored as an ordinary attribute, so every walk over
the module tree (parameters, state_dict, .to, .eval, optimizers) skips it.
"""

from __future__ import annotations

import torch
from torch import nn

from tipsbench.claims import Observation, claim


class ListNet(nn.Module):
    """The seed's mistake: layers kept in a Python list."""

    def __init__(self) -> None:
        super().__init__()
        self.layers = [nn.Linear(4, 4), nn.Dropout(0.5)]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x)
        return x


class ModuleListNet(nn.Module):
    """The fix: the same layers in nn.ModuleList."""

    def __init__(self) -> None:
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(4, 4), nn.Dropout(0.5)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x)
        return x


def _counts(model: nn.Module) -> str:
    return (f"len(list(model.parameters())) = {len(list(model.parameters()))}\n"
            f"list(model.state_dict()) = {list(model.state_dict())}")


@claim("modules.list_hides_parameters",
       en="Layers kept in a Python list are invisible: `parameters()` and `state_dict()` come back empty.",
       zh="放在 Python 列表里的层对模块不可见：`parameters()` 和 `state_dict()` 都是空的。")
def list_hides_parameters() -> Observation:
    model = ListNet()
    empty = not list(model.parameters()) and not model.state_dict()
    return Observation(empty, _counts(model))


@claim("modules.list_skipped_by_to_and_eval",
       en="`.to(torch.float64)` and `.eval()` skip layers kept in a Python list.",
       zh="`.to(torch.float64)` 和 `.eval()` 都会跳过放在 Python 列表里的层。")
def list_skipped_by_to_and_eval() -> Observation:
    # .to(dtype) walks the same registered-children path as .to(device), so it shows the
    # effect on a CPU-only machine.
    model = ListNet().to(torch.float64).eval()
    linear, dropout = model.layers
    held = linear.weight.dtype == torch.float32 and dropout.training
    return Observation(held, f"model.layers[0].weight.dtype = {linear.weight.dtype}\n"
                             f"model.layers[1].training = {dropout.training}")


@claim("modules.list_optimizer_gets_nothing",
       en="An optimizer built from such a model gets no parameters: `torch.optim.SGD(model.parameters())` raises.",
       zh="用这样的模型创建优化器拿不到任何参数：`torch.optim.SGD(model.parameters())` 直接报错。")
def list_optimizer_gets_nothing() -> Observation:
    try:
        torch.optim.SGD(ListNet().parameters(), lr=0.1)
    except ValueError as e:
        return Observation(True, f"ValueError: {e}")
    return Observation(False, "SGD accepted the parameters")


def _train_steps(model: nn.Module, params, steps: int = 5) -> bool:
    """Train on a fixed batch; return whether any weight in the list's first layer moved."""
    torch.manual_seed(0)
    x, y = torch.randn(16, 4), torch.randn(16, 4)
    before = model.layers[0].weight.detach().clone()
    opt = torch.optim.SGD(params, lr=0.1)
    for _ in range(steps):
        opt.zero_grad()
        nn.functional.mse_loss(model.eval()(x), y).backward()
        opt.step()
    return not torch.equal(before, model.layers[0].weight)


@claim("modules.list_training_silently_does_nothing",
       en="With the list's layers outside `parameters()`, training runs without any error and leaves their weights unchanged.",
       zh="列表里的层不在 `parameters()` 中时，训练照常运行、不报任何错误，而这些层的权重一点都没变。")
def list_training_silently_does_nothing() -> Observation:
    torch.manual_seed(0)
    model = ListNet()
    # A typical model also has registered layers, so the optimizer does get parameters.
    model.head = nn.Linear(4, 4)
    moved = _train_steps(model, model.parameters())
    return Observation(not moved, f"layers[0].weight changed after 5 SGD steps: {moved}")


@claim("modules.containers_register",
       en="`nn.ModuleList`, `nn.ModuleDict` and `nn.ParameterList` register their contents: parameters, `state_dict()`, `.to()` and `.eval()` all see them, and training updates them.",
       zh="`nn.ModuleList`、`nn.ModuleDict` 和 `nn.ParameterList` 会注册其中的内容：参数、`state_dict()`、`.to()` 和 `.eval()` 都能看到它们，训练也会更新它们。")
def containers_register() -> Observation:
    torch.manual_seed(0)
    model = ModuleListNet()
    model.blocks = nn.ModuleDict({"proj": nn.Linear(4, 2)})
    model.scales = nn.ParameterList([nn.Parameter(torch.ones(2))])
    keys = list(model.state_dict())
    model.to(torch.float64).eval()
    converted = all(p.dtype == torch.float64 for p in model.parameters())
    model.to(torch.float32)
    moved = _train_steps(model, model.parameters())
    held = (len(keys) == 5 and converted and not model.layers[1].training and moved)
    return Observation(held, f"list(model.state_dict()) = {keys}\n"
                             f"all parameters float64 after .to(): {converted}\n"
                             f"model.layers[1].training after .eval(): {model.layers[1].training}\n"
                             f"layers[0].weight changed after 5 SGD steps: {moved}")
