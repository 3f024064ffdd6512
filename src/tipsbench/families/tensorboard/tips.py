"""The TensorBoard tips, with their verdicts and evidence."""

from tipsbench.paired import Need
from tipsbench.verdicts import HOLDS, ONLY_IF, PARTLY, Rule, Tip, register

# Decided by the comparison in families/tensorboard/pairs.py, against the page's yardstick.
SCALAR_CHEAP = Rule(
    "tensorboard.scalar_cheaper_than_step",
    {"en": "Logging one scalar with `add_scalar` costs under a tenth of one training step of a small MLP (784-256-10, batch 64).",
     "zh": "用 `add_scalar` 记录一个标量，耗时不到小型 MLP（784-256-10，批大小 64）一个训练步的十分之一。"},
    Need.at_most(0.10), ("add_scalar",),
)

register(
    Tip(
        id="tensorboard.api", page="tensorboard", index=7, verdict=HOLDS,
        seed={"zh": "pip install tensorboard；SummaryWriter()、log_dir=、comment=；add_scalar、add_scalars、add_image（CHW）、add_images（NCHW）、add_graph、add_figure、close()",
              "en": "`pip install tensorboard`; `SummaryWriter()`, `log_dir=`, `comment=`; `add_scalar`, `add_scalars`, `add_image` (CHW), `add_images` (NCHW), `add_graph`, `add_figure`, `close()`"},
        reason={"en": "`add_graph` goes through the deprecated `torch.jit.trace`.",
                "zh": "`add_graph` 依赖已弃用的 `torch.jit.trace`。"},
        claims=("tensorboard.default_log_dir", "tensorboard.add_scalars_subruns", "tensorboard.add_image_chw",
                "tensorboard.add_images_nchw", "tensorboard.add_graph_uses_jit_trace", "tensorboard.add_figure_closes"),
    ),
    Tip(
        id="tensorboard.writer", page="tensorboard#writer", verdict=HOLDS,
        label={"en": '`pip install tensorboard`, then `torch.utils.tensorboard.SummaryWriter`', "zh": '`pip install tensorboard`，然后用 `torch.utils.tensorboard.SummaryWriter`'},
        seed={"zh": "pip install tensorboard；from torch.utils.tensorboard import SummaryWriter",
              "en": "`pip install tensorboard`, then `torch.utils.tensorboard.SummaryWriter`"},
        reason={"en": "", "zh": ""}, claims=("tensorboard.default_log_dir",),
    ),
    Tip(
        id="tensorboard.log_dir", page="tensorboard#writer", verdict=HOLDS,
        label={"en": 'Default log dir `runs/<date>_<host>`, `log_dir=`, `comment=`', "zh": '默认日志目录 `runs/<日期>_<主机名>`、`log_dir=`、`comment=`'},
        seed={"zh": "默认目录 runs/<日期>_<主机名>/；log_dir=\"runs/experiment\"；comment=\"-LR_0.1_BATCH_16\"",
              "en": "Default log dir `runs/<date>_<host>`, `log_dir=`, `comment=`"},
        reason={"en": "", "zh": ""}, claims=("tensorboard.default_log_dir",),
    ),
    Tip(
        id="tensorboard.scalars", page="tensorboard#scalars", verdict=HOLDS,
        label={"en": '`add_scalar`, `add_scalars`', "zh": '`add_scalar`、`add_scalars`'},
        seed={"zh": "writer.add_scalar(...)；writer.add_scalars(...)", "en": "`add_scalar`, `add_scalars`"},
        reason={"en": "`add_scalars` makes one run per key.", "zh": "`add_scalars` 为每个键单独建一个 run。"},
        claims=("tensorboard.add_scalars_subruns",), rules=(SCALAR_CHEAP,),
    ),
    Tip(
        id="tensorboard.images", page="tensorboard#images", verdict=HOLDS,
        label={"en": '`add_image` CHW, `add_images` NCHW', "zh": '`add_image` 用 CHW，`add_images` 用 NCHW'},
        seed={"zh": "add_image 默认 (3, H, W)；add_images 默认 (N, 3, H, W)", "en": "`add_image` CHW, `add_images` NCHW"},
        reason={"en": "", "zh": ""}, claims=("tensorboard.add_image_chw", "tensorboard.add_images_nchw"),
    ),
    Tip(
        id="tensorboard.graph", page="tensorboard#graph", verdict=PARTLY,
        label={"en": '`add_graph`', "zh": '`add_graph`'},
        seed={"zh": "writer.add_graph(model, input_to_model=None)", "en": "`add_graph`"},
        reason={"en": "it works, through the deprecated `torch.jit.trace`.", "zh": "能用，但通过已弃用的 `torch.jit.trace`。"},
        claims=("tensorboard.add_graph_uses_jit_trace",),
    ),
    Tip(
        id="tensorboard.figure_close", page="tensorboard#graph", verdict=HOLDS,
        label={"en": '`add_figure`, `close()`', "zh": '`add_figure`、`close()`'},
        seed={"zh": "writer.add_figure(...)；writer.close()", "en": "`add_figure`, `close()`"},
        reason={"en": "", "zh": ""}, claims=("tensorboard.add_figure_closes",),
    ),
    Tip(
        id="tensorboard.viewing", page="tensorboard#viewing", index=8, verdict=ONLY_IF,
        label={"en": '`tensorboard --logdir=runs --host=0.0.0.0 --port=8025`', "zh": '`tensorboard --logdir=runs --host=0.0.0.0 --port=8025`'},
        seed={"zh": "tensorboard --logdir=runs --host=0.0.0.0 --port=8025",
              "en": "`tensorboard --logdir=runs --host=0.0.0.0 --port=8025`"},
        reason={"en": "the network is trusted: `0.0.0.0` exposes the runs to anyone who can reach the machine; use `127.0.0.1` otherwise.",
                "zh": "只在可信的网络里这样用，否则改用 `127.0.0.1`：`0.0.0.0` 会让能访问这台机器的任何人看到你的实验结果。"},
    ),
)
