"""The save & load tips, with their verdicts, the claims and the rules on the numbers.

The rules compare like with like: a whole-model load against a state_dict load under
the same (``weights_only``) unpickler, both from a file in the page cache, and file
sizes of the same model.
"""

from __future__ import annotations

from tipsbench.cases import MiB
from tipsbench.families.save_load import TIP
from tipsbench.families.save_load.records import CACHED, FILE
from tipsbench.results import Record, Run
from tipsbench.verdicts import (
    DOES_NOT_HOLD,
    HOLDS,
    OUTDATED,
    PARTLY,
    Comparison,
    Rule,
    RuleResult,
    Tip,
    compare,
    register,
)

# The whole-model file carries the module structure as pickle: a few KB, however big the weights.
SAME_SIZE_WITHIN = 0.01
SAME_UNPICKLER = ("load_full_safe_globals", "load_state_dict_into")
# "Small" and "big" by the size a model was built for, the same in every profile: the quick
# profile's largest model (8 MiB) still shows the whole model's fixed pickling cost.
SMALL = frozenset({1 * MiB})
BIG = frozenset({512 * MiB})


def _by_model(run: Run) -> dict[tuple[str, int], dict[tuple[str, str], Record]]:
    found: dict[tuple[str, int], dict[tuple[str, str], Record]] = {}
    for r in run.for_tip(TIP):
        found.setdefault((r.fields.model, r.fields.model_size), {})[(r.variant, r.fields.target)] = r
    return found


def _same_size(run: Run) -> RuleResult:
    ratios = []
    for (model, size), recs in sorted(_by_model(run).items()):
        full, state = recs.get(("save_full", FILE)), recs.get(("save_state_dict", FILE))
        if full and state and full.fields.file_bytes and state.fields.file_bytes:
            ratios.append((f"{model} {size >> 20} MiB", full.fields.file_bytes / state.fields.file_bytes))
    if not ratios:
        return RuleResult(None, "")
    worst = max(ratios, key=lambda item: abs(item[1] - 1))
    return RuleResult(all(abs(r - 1) <= SAME_SIZE_WITHIN for _, r in ratios),
                      f"file size full / state_dict: {worst[1]:.4f}× at worst ({worst[0]})")


def _at_each_models(sizes, run: Run, full: str, state: str, target: str) -> list[tuple[str, Comparison]]:
    """Whole model ÷ state_dict for each model at the given sizes the run measured."""
    found = []
    for (model, size), recs in sorted(_by_model(run).items()):
        a, b = recs.get((full, target)), recs.get((state, target))
        c = compare(a, b) if size in sizes and a and b else None
        if c is not None:
            found.append((f"{model} {size >> 20} MiB", c))
    return found


def _state_dict_loads_faster_when_small(run: Run) -> RuleResult:
    """Same unpickler: a small model's state_dict loads faster beyond the noise.

    Only the opposite, beyond the noise, goes against it; a model whose two loads are
    within the noise of each other leaves the run inconclusive (None with the numbers),
    so a noisy run never flips the verdict."""
    found = _at_each_models(SMALL, run, *SAME_UNPICKLER, CACHED)
    detail = "; ".join(f"{name}: whole model / state_dict = {c}" for name, c in found)
    if not found:
        return RuleResult(None, "")
    if any(c.a_faster for _, c in found):
        return RuleResult(False, detail)
    return RuleResult(True if all(c.a_slower for _, c in found) else None, detail)


def _full_save_not_slower_when_big(run: Run) -> RuleResult:
    """For a big model, saving the whole model is no slower beyond the noise. A run without
    big models (the quick profile stops at 8 MiB) has nothing to say about them."""
    found = _at_each_models(BIG, run, "save_full", "save_state_dict", FILE)
    detail = "; ".join(f"{name}: save whole model / state_dict = {c}" for name, c in found)
    return RuleResult(not any(c.a_slower for _, c in found) if found else None, detail)


SAME_SIZE = Rule(
    "save_load.same_file_size", TIP,
    {"en": "The whole-model file is within 1% of the state_dict file, for every model measured.",
     "zh": "每个实测模型的整个模型文件与 `state_dict` 文件大小相差都不超过 1%。"},
    _same_size,
)
SMALL_LOADS_FASTER = Rule(
    "save_load.state_dict_loads_faster_when_small", TIP,
    {"en": "With the same unpickler (`weights_only=True`), a 1 MiB model's state_dict loads faster than the whole model, beyond the noise.",
     "zh": "使用同一个反序列化器（`weights_only=True`）时，1 MiB 模型的 `state_dict` 加载得比整个模型快，差距超出噪声。"},
    _state_dict_loads_faster_when_small,
)
BIG_SAVES_SAME = Rule(
    "save_load.big_full_save_not_slower", TIP,
    {"en": "For a 512 MiB model, saving the whole model is not slower than saving the state_dict, beyond the noise.",
     "zh": "对 512 MiB 的模型，保存整个模型不比保存 `state_dict` 慢（差距在噪声之内）。"},
    _full_save_not_slower_when_big,
)

register(
    Tip(
        id="save_load.full_model", page="save-load#full-model", index=5, verdict=OUTDATED,
        label={"en": "`net = torch.load('net.pkl', map_location=device)` loads a whole network", "zh": "用 `net = torch.load('net.pkl', map_location=device)` 加载整个网络"},
        seed={"zh": "torch.save(net, 'net.pkl')；net = torch.load('net.pkl', map_location=device)",
              "en": "Save the whole network with `torch.save(net, 'net.pkl')`, load it with `torch.load('net.pkl', map_location=device)`"},
        reason={"en": "since PyTorch 2.6 `torch.load` refuses a pickled model by default (`weights_only=True`), and loading needs the model's class to be importable.",
                "zh": "自 PyTorch 2.6 起，`torch.load` 默认 `weights_only=True`，会拒绝加载 pickle 保存的整个模型；而且加载时要求模型类可以导入。"},
        claims=("save_load.full_model_default_load_fails", "save_load.full_model_opt_in", "save_load.full_model_needs_class"),
    ),
    Tip(
        id="save_load.full_model_slow", page="save-load#measured-ratios", verdict=DOES_NOT_HOLD,
        label={"en": 'Saving the whole network “may be slow when the network is big”', "zh": '保存整个网络“网络大的时候可能会比较慢”'},
        seed={"zh": "保存整个网络（网络大的时候可能会比较慢）", "en": "Saving the whole network “may be slow when the network is big”"},
        reason={"en": "pickling the module structure costs a small, fixed amount, so it matters less as the network grows.",
                "zh": "pickle 模块结构的额外开销很小且基本固定，网络越大，占比反而越小。"},
        rules=(BIG_SAVES_SAME,),
    ),
    Tip(
        id="save_load.state_dict_faster_smaller", page="save-load#measured-ratios", index=6, verdict=PARTLY,
        label={"en": 'Saving the `state_dict` is “fast, uses less memory”', "zh": '只保存 `state_dict`“速度快，占内存少”'},
        seed={"zh": "只保存网络中的参数（速度快, 占内存少）", "en": "Save only the `state_dict`: faster and smaller"},
        reason={"en": "the files are the same size, and a state_dict is faster only for small models; save the state_dict for portability and safety.",
                "zh": "两种文件大小相同，`state_dict` 只在小模型上更快；保存 `state_dict` 的真正理由是可移植和安全。"},
        claims=("save_load.same_size",), rules=(SAME_SIZE, SMALL_LOADS_FASTER),
    ),
    Tip(
        id="save_load.load_state_dict", page="save-load#what-to-use", verdict=HOLDS,
        label={"en": "`net.load_state_dict(torch.load('net_params.pkl'))`", "zh": "`net.load_state_dict(torch.load('net_params.pkl'))`"},
        seed={"zh": "net.load_state_dict(torch.load('net_params.pkl'))", "en": "`net.load_state_dict(torch.load('net_params.pkl'))`"},
        reason={"en": "with the default `weights_only=True`.", "zh": "默认的 `weights_only=True` 即可加载。"},
        claims=("save_load.training_checkpoint_weights_only", "save_load.weights_only_blocks_code"),
    ),
)
