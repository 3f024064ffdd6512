"""Models to save and load, built here so no benchmark downloads anything.

Three families that stress a checkpoint differently: an MLP (a few large matrices), a
ResNet-style CNN (many small tensors, BatchNorm buffers) and a Transformer encoder
(many tensors of mixed size, and an output head *tied* to the embedding, the case
safetensors' ``save_file`` refuses). Each is sized by the bytes of its parameters and
buffers, the floor any checkpoint format must write.

The classes live at module level on purpose: ``torch.save(model)`` pickles a class by
its import path (``tipsbench.families.save_load.models.MLP``), so a full-model file only loads where this
module can be imported.
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable

import torch
from torch import nn

from tipsbench.cases import MiB

MLP_LAYERS = 4
CNN_BLOCKS = 4
TRANSFORMER_LAYERS = 4
TRANSFORMER_HEADS = 8
VOCAB = 1000
CLASSES = 10


class MLP(nn.Module):
    """`layers` square Linear layers of `width` and a small classifier head."""

    def __init__(self, width: int, layers: int = MLP_LAYERS, classes: int = CLASSES):
        super().__init__()
        blocks: list[nn.Module] = []
        for _ in range(layers):
            blocks += [nn.Linear(width, width), nn.ReLU()]
        self.body = nn.Sequential(*blocks)
        self.head = nn.Linear(width, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


class BasicBlock(nn.Module):
    """Two 3×3 convolutions with BatchNorm and a residual connection (ResNet's basic block)."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(x + self.bn2(self.conv2(out)))


class ResNetLike(nn.Module):
    """A stem convolution, `blocks` basic blocks of `channels`, pooling and a classifier."""

    def __init__(self, channels: int, blocks: int = CNN_BLOCKS, classes: int = CLASSES):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, channels, 3, padding=1, bias=False),
                                  nn.BatchNorm2d(channels), nn.ReLU())
        self.blocks = nn.Sequential(*[BasicBlock(channels) for _ in range(blocks)])
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(channels, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(torch.flatten(self.pool(self.blocks(self.stem(x))), 1))


class TinyLM(nn.Module):
    """Embedding → Transformer encoder → output head whose weight *is* the embedding's."""

    def __init__(self, d_model: int, layers: int = TRANSFORMER_LAYERS, vocab: int = VOCAB):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model)
        layer = nn.TransformerEncoderLayer(d_model, TRANSFORMER_HEADS, dim_feedforward=4 * d_model,
                                           batch_first=True)
        # enable_nested_tensor only matters for padded inference; off, it doesn't warn.
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.head = nn.Linear(d_model, vocab, bias=False)
        self.head.weight = self.embed.weight  # tied weights: one storage, two names

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.head(self.encoder(self.embed(tokens)))


def _mlp_width(target: int) -> int:
    # bytes ≈ 4 · layers · width² (fp32 weights; biases and the head are small)
    return max(8, round(math.sqrt(target / (4 * MLP_LAYERS))))


def _cnn_channels(target: int) -> int:
    # bytes ≈ 4 · blocks · 2 convolutions · 9 · channels²
    return max(4, round(math.sqrt(target / (4 * CNN_BLOCKS * 2 * 9))))


def _transformer_width(target: int) -> int:
    # bytes ≈ 4 · (layers · 12 · d² + vocab · d): solve the quadratic, round to the heads
    a, b, c = TRANSFORMER_LAYERS * 12, VOCAB, -target / 4
    d = (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)
    return max(TRANSFORMER_HEADS, round(d / TRANSFORMER_HEADS) * TRANSFORMER_HEADS)


# kind -> (class, how its size argument follows from the target bytes)
KINDS: dict[str, tuple[type[nn.Module], Callable[[int], int]]] = {
    "mlp": (MLP, _mlp_width),
    "cnn": (ResNetLike, _cnn_channels),
    "transformer": (TinyLM, _transformer_width),
}
TIED_KINDS = frozenset({"transformer"})
SIZES_QUICK = (1 * MiB, 8 * MiB)
SIZES_FULL = (1 * MiB, 8 * MiB, 64 * MiB, 512 * MiB)


def size_argument(kind: str, target_bytes: int) -> int:
    """The width/channels/d_model that brings `kind` closest to `target_bytes`."""
    if kind not in KINDS:
        raise ValueError(f"unknown model kind {kind!r}; expected one of {', '.join(KINDS)}")
    if target_bytes <= 0:
        raise ValueError(f"target size must be positive, got {target_bytes} bytes")
    return KINDS[kind][1](target_bytes)


def build(kind: str, target_bytes: int, seed: int = 0) -> nn.Module:
    """A freshly initialized model of `kind` with about `target_bytes` of parameters+buffers."""
    arg = size_argument(kind, target_bytes)
    cls = KINDS[kind][0]
    torch.manual_seed(seed)
    model = cls(arg)
    return model.eval()


def tensors(model: nn.Module) -> list[torch.Tensor]:
    """Every parameter and buffer, each storage counted once (tied weights share one)."""
    seen: set[int] = set()
    out = []
    for t in [*model.parameters(), *model.buffers()]:
        ptr = t.untyped_storage().data_ptr()
        if ptr not in seen:
            seen.add(ptr)
            out.append(t)
    return out


def param_bytes(model: nn.Module) -> int:
    """Bytes of parameters and buffers, tied storages once: the floor for any format."""
    return sum(t.untyped_storage().nbytes() for t in tensors(model))


def has_tied_weights(model: nn.Module) -> bool:
    """True when two state_dict entries share a storage (safetensors' save_file refuses)."""
    ptrs = [t.untyped_storage().data_ptr() for t in model.state_dict().values() if t.numel()]
    return len(ptrs) != len(set(ptrs))


def safe_globals_for(model: nn.Module) -> list[type]:
    """The classes a full-model pickle of `model` names: what `safe_globals` must allow.

    Collected from the model itself (every submodule's class), never from a file, so
    the allowlist can only name classes that are already imported and trusted here.
    """
    found: set = set()
    for module in model.modules():
        found.add(type(module))
        # Functions stored as attributes are pickled by name too (e.g. the encoder
        # layer's `activation=F.relu`).
        found.update(v for v in vars(module).values() if isinstance(v, types.FunctionType))
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def example_input(kind: str, model: nn.Module, batch: int = 2) -> torch.Tensor:
    """A small input the model accepts (used to check a loaded model still works)."""
    if kind == "mlp":
        return torch.randn(batch, model.head.in_features)
    if kind == "cnn":
        return torch.randn(batch, 3, 8, 8)
    if kind == "transformer":
        return torch.randint(0, VOCAB, (batch, 5))
    raise ValueError(f"unknown model kind {kind!r}; expected one of {', '.join(KINDS)}")
