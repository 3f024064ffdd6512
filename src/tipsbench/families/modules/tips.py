"""The nn.Module containers tip, with its verdict and evidence."""

from tipsbench.verdicts import HOLDS, Tip, register

register(
    Tip(
        id="modules.no_python_list", page="modules", index=1, verdict=HOLDS,
        seed={"zh": "nn.Module 类定义时不要把网络模型放到某些数据结构中（如 list），否则 .to(device) 找不到网络模型，可以使用 nn.ModuleList()",
              "en": "Don't keep layers in a Python list inside an `nn.Module`, or `.to(device)` won't find them; use `nn.ModuleList`"},
        reason={"en": "a list also hides the layers from `parameters()`, `state_dict()`, `.eval()` and the optimizer.",
                "zh": "列表里的层对 `parameters()`、`state_dict()`、`.eval()` 和优化器同样不可见。"},
        claims=("modules.list_hides_parameters", "modules.list_skipped_by_to_and_eval",
                "modules.list_optimizer_gets_nothing", "modules.list_training_silently_does_nothing",
                "modules.containers_register"),
    ),
)
