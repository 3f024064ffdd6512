"""The save & load tips, with their verdicts, the claims and the rules on the numbers.

The rules compare like with like: a whole-model load against a state_dict load under
the same (``weights_only``) unpickler, both from a file in the page cache, saves of the
same model into the same buffer, and file sizes of the same model.
"""

from __future__ import annotations

from tipsbench.paired import Need
from tipsbench.verdicts import DOES_NOT_HOLD, HOLDS, OUTDATED, PARTLY, Rule, Tip, register

# Each rule is decided by paired comparisons (families/save_load/pairs.py): loads through
# the same unpickler from a file in the page cache, saves into one pre-touched buffer.
SAME_SIZE = Rule(
    "save_load.same_file_size",
    {"en": "The whole-model file is within 1% of the state_dict file, for every model measured (1 and 8 MiB).",
     "zh": "每个实测模型（1 MiB 和 8 MiB）的整个模型文件与 `state_dict` 文件大小相差都不超过 1%。"},
    Need.within(0.01), tuple(f"{kind}-{size}MiB" for kind in ("mlp", "cnn", "transformer") for size in (1, 8)),
)
SMALL_LOADS_FASTER = Rule(
    "save_load.state_dict_loads_faster_when_small",
    {"en": "With the same unpickler (`weights_only=True`), loading a 1 MiB model's whole-model file costs at least 1.1× loading its state_dict into a built model.",
     "zh": "使用同一个反序列化器（`weights_only=True`）时，1 MiB 模型加载整个模型文件的耗时，至少是把 `state_dict` 加载进已建好模型的 1.1 倍。"},
    Need.at_least(1.10), ("mlp", "cnn", "transformer"),
)
BIG_LOADS = Rule(
    "save_load.big_state_dict_load_not_faster",
    {"en": "For a 64 MiB model, loading the whole model (same unpickler) costs at most 1.1× loading its state_dict into a built model: the state_dict's speed-up is for small models.",
     "zh": "对 64 MiB 的模型，加载整个模型（同一个反序列化器）的耗时不超过把 `state_dict` 加载进已建好模型的 1.1 倍：`state_dict` 的速度优势只在小模型上。"},
    Need.at_most(1.10), ("mlp", "cnn", "transformer"),
)
BIG_SAVES_SAME = Rule(
    "save_load.big_full_save_not_slower",
    {"en": "For a 64 MiB model, saving the whole model costs at most 1.25× saving its state_dict.",
     "zh": "对 64 MiB 的模型，保存整个模型的耗时不超过保存 `state_dict` 的 1.25 倍。"},
    Need.at_most(1.25), ("mlp", "cnn", "transformer"),
)
LOAD_MEMORY = Rule(
    "save_load.state_dict_load_memory",
    {"en": "Getting a ready 32 MiB model from its state_dict (build the model, then `load_state_dict`) takes at least as much peak memory as loading the whole model.",
     "zh": "从 `state_dict` 得到一个可用的 32 MiB 模型（先建好模型再 `load_state_dict`），峰值内存不少于直接加载整个模型。"},
    Need.at_least(1.0), ("mlp",),
)
META_ASSIGN = Rule(
    "save_load.meta_mmap_assign_saves_memory",
    {"en": "Built on the meta device and loaded with `load_state_dict(torch.load(f, mmap=True), assign=True)`, a 32 MiB model takes at most half the peak memory of building it and copying the state_dict in.",
     "zh": "在 meta 设备上建模型、再用 `load_state_dict(torch.load(f, mmap=True), assign=True)` 加载，32 MiB 模型的峰值内存不到“先建模型再复制 `state_dict`”的一半。"},
    Need.at_most(0.5), ("mlp",),
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
        reason={"en": "pickling the module structure adds a few milliseconds, which grow far slower than the weights, so they matter less as the network grows.",
                "zh": "pickle 模块结构只多花几毫秒，增长远比权重慢，所以网络越大，占比反而越小。"},
        rules=(BIG_SAVES_SAME,),
    ),
    Tip(
        id="save_load.state_dict_faster_smaller", page="save-load#measured-ratios", index=6, verdict=PARTLY,
        label={"en": 'Saving the `state_dict` is “fast, uses less memory”', "zh": '只保存 `state_dict`“速度快，占内存少”'},
        seed={"zh": "只保存网络中的参数（速度快, 占内存少）", "en": "Save only the `state_dict`: faster and smaller"},
        reason={"en": "the files are the same size, loading a state_dict into a built model takes more peak memory, and it is faster only for small models; save the state_dict for portability and safety.",
                "zh": "两种文件大小相同，把 `state_dict` 加载进建好的模型峰值内存反而更高，而且只在小模型上更快；保存 `state_dict` 的真正理由是可移植和安全。"},
        claims=("save_load.same_size",), rules=(SAME_SIZE, SMALL_LOADS_FASTER, BIG_LOADS, LOAD_MEMORY, META_ASSIGN),
    ),
    Tip(
        id="save_load.load_state_dict", page="save-load#what-to-use", verdict=HOLDS,
        label={"en": "`net.load_state_dict(torch.load('net_params.pkl'))`", "zh": "`net.load_state_dict(torch.load('net_params.pkl'))`"},
        seed={"zh": "net.load_state_dict(torch.load('net_params.pkl'))", "en": "`net.load_state_dict(torch.load('net_params.pkl'))`"},
        reason={"en": "with the default `weights_only=True`.", "zh": "默认的 `weights_only=True` 即可加载。"},
        claims=("save_load.training_checkpoint_weights_only", "save_load.weights_only_blocks_code"),
    ),
)
