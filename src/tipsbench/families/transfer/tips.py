"""The GPU tips, with their verdicts and evidence."""

from __future__ import annotations

from tipsbench.paired import Need
from tipsbench.verdicts import HOLDS, ONLY_IF, OUTDATED, PARTLY, Rule, Tip, register

# Decided by the comparison in families/transfer/pairs.py (cuda:0; not checkable without it).
PIN_NOT_FASTER = Rule(
    "gpu.pin_then_copy_not_faster",
    {"en": "For a 64 MiB tensor copied once, `t.pin_memory().to(device, non_blocking=True)` is not faster than `t.to(device)` by more than 5%.",
     "zh": "只复制一次的 64 MiB 张量，`t.pin_memory().to(device, non_blocking=True)` 不会比 `t.to(device)` 快 5% 以上。"},
    Need.at_least(1 / 1.05), ("cuda",),
)

register(
    Tip(
        id="gpu.visible_devices", page="gpu#choosing", index=2, verdict=ONLY_IF,
        label={"en": "Choose GPUs with `os.environ['CUDA_VISIBLE_DEVICES']`", "zh": "用 `os.environ['CUDA_VISIBLE_DEVICES']` 指定 GPU"},
        seed={"zh": "os.environ['CUDA_VISIBLE_DEVICES'] = '0,1'  # 注意修改环境变量后 device index 可能会发生变化",
              "en": "Pick GPUs with `os.environ['CUDA_VISIBLE_DEVICES'] = '0,1'`; device indices may change"},
        reason={"en": "it is set before CUDA initializes; the visible GPUs are renumbered from `cuda:0`.",
                "zh": "必须在 CUDA 初始化之前设置；可见的 GPU 会从 `cuda:0` 起重新编号。"},
        claims=("gpu.import_does_not_init_cuda", "gpu.hidden_means_no_cuda"),
    ),
    Tip(
        id="gpu.is_available", page="gpu#availability", index=3, verdict=HOLDS,
        label={"en": 'Check with `torch.cuda.is_available()`', "zh": '用 `torch.cuda.is_available()` 检查'},
        seed={"zh": "查看 GPU 是否可用：torch.cuda.is_available()", "en": "Check for a GPU with `torch.cuda.is_available()`"},
        reason={"en": "for CUDA; `torch.accelerator` answers for any accelerator.",
                "zh": "仅限 CUDA；任意加速器可用 `torch.accelerator` 判断。"},
        claims=("gpu.cuda_without_device_raises", "gpu.accelerator_api"),
    ),
    Tip(
        id="gpu.device_agnostic", page="gpu#device-agnostic", index=4, verdict=PARTLY,
        label={"en": "`torch.device('cuda:N' if torch.cuda.is_available() ... else 'cpu')`", "zh": "`torch.device('cuda:N' if torch.cuda.is_available() ... else 'cpu')`"},
        seed={"zh": "device = torch.device('cuda:{}'.format(args.gpu) if (torch.cuda.is_available() and use_cuda) else 'cpu')",
              "en": "`torch.device('cuda:N' if torch.cuda.is_available() and use_cuda else 'cpu')`"},
        reason={"en": "`N` is an index among the visible GPUs, and the line never picks Apple's MPS; `torch.accelerator` covers every kind.",
                "zh": "`N` 是可见 GPU 中的编号，而且这行代码永远不会选中 Apple 的 MPS；`torch.accelerator` 适用于各种加速器。"},
        claims=("gpu.accelerator_api", "gpu.to_same_device_returns_self"),
    ),
    Tip(
        id="gpu.pin_always", page="gpu#pinned", verdict=OUTDATED,
        label={"en": "“Always `pin_memory()` before `.to('cuda', non_blocking=True)`” (common advice, not the seed's)", "zh": "“先 `pin_memory()` 再 `.to('cuda', non_blocking=True)` 总是更快”（流传很广的说法，并非原文）"},
        seed={"zh": "“先 pin_memory() 再 .to('cuda', non_blocking=True) 总是更快”（流传很广的说法，并非原文）",
              "en": "“Always `pin_memory()` before `.to('cuda', non_blocking=True)`” (common advice, not the seed's)"},
        reason={"en": "pinning a tensor you copy once can make the pair slower than a plain copy.",
                "zh": "只复制一次的张量先锁页，两步加起来可能比直接复制更慢。"},
        rules=(PIN_NOT_FASTER,),
    ),
    Tip(
        id="gpu.pin_memory_device", page="gpu#dataloader", verdict=OUTDATED,
        label={"en": '`DataLoader(pin_memory_device=...)`', "zh": '`DataLoader(pin_memory_device=...)`'},
        seed={"zh": "DataLoader(pin_memory_device=...)", "en": "`DataLoader(pin_memory_device=...)`"},
        reason={"en": "the argument is deprecated; the current accelerator is used.",
                "zh": "该参数已弃用，实际使用的是当前加速器。"},
        claims=("gpu.pin_memory_device_deprecated", "gpu.dataloader_pin_without_accelerator"),
    ),
)
