"""Generate and run the site's notebooks: docs/<name>-notebook.ipynb and its .zh.ipynb twin.

One source per notebook (below): code cells are shared, Markdown cells carry both
languages. The English notebook is executed once, and the Chinese one is the same
executed notebook with its Markdown swapped, so the two can't drift apart in code or
outputs (tests/test_notebooks.py checks that). Notebooks are committed with outputs
and the site builds them with `execute: false`: the build stays fast and deterministic.

    python scripts/make_notebooks.py              # every notebook
    python scripts/make_notebooks.py tensorboard  # one of them
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"
KERNEL = "python3"
CELL_TIMEOUT_S = 120
# docs/tensorboard.md is the page (claims, benchmark table, screenshot); the notebook next
# to it must not share its name, or MkDocs drops one of the two (same URL).
NOTEBOOK_SUFFIX = "-notebook"
# mkdocs-jupyter renders notebook Markdown itself and doesn't rewrite links to .md files,
# so notebook prose links to the built URL of its page (same relative path in both languages).


# Headings in notebook prose carry no `inline code`: mkdocs-jupyter strips code spans from
# the text it builds the TOC from, so the TOC link would miss the heading's id
# (tests/test_notebook_pages.py catches it).
@dataclass(frozen=True)
class Md:
    """A prose cell, written once per language."""

    en: str
    zh: str


@dataclass(frozen=True)
class Code:
    """A code cell whose comments and printed labels read in each language.

    The English cell is what runs. The Chinese notebook shows the same cell with each
    (English, Chinese) pair of `labels` swapped, in the source and in what it printed,
    so code and outputs still can't drift apart: they differ by these strings only.
    """

    en: str
    labels: tuple[tuple[str, str], ...]  # swapped in the source, and in the output where printed
    printed: tuple[tuple[str, str], ...] = ()  # swapped in the output only ("8008000 bytes")

    def zh(self) -> str:
        return swap(self.en, self.labels)

    def zh_output(self, text: str) -> str:
        for english, chinese in self.labels + self.printed:
            text = text.replace(english, chinese)
        # print() puts a space after each argument; after a full-width colon it reads wrong.
        return text.replace("： ", "：")


def swap(text: str, labels: tuple[tuple[str, str], ...]) -> str:
    for english, chinese in labels:
        if english not in text:
            raise ValueError(f"label {english!r} is not in the cell")
        text = text.replace(english, chinese)
    return text


def source(cell: str | Code) -> str:
    """What runs: the English code."""
    return cell.en if isinstance(cell, Code) else cell


# The logging example of the TensorBoard page. scripts/tensorboard_screenshot.py runs
# this same code, so the screenshot shows exactly the run the page describes.
TENSORBOARD_EXAMPLE = '''\
import torch
from torch import nn
from torch.utils.tensorboard import SummaryWriter

torch.manual_seed(0)
x = torch.linspace(-3, 3, 256).unsqueeze(1)
y = torch.sin(x) + 0.1 * torch.randn_like(x)
model = nn.Sequential(nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 1))
opt = torch.optim.Adam(model.parameters(), lr=0.01)

writer = SummaryWriter(log_dir="runs/sine")
for step in range(300):
    opt.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()
    writer.add_scalar("loss/train", loss.item(), step)
    if step % 10 == 0:  # a cheap validation every 10 steps
        with torch.no_grad():
            val = nn.functional.mse_loss(model(x + 0.05), y).item()
        writer.add_scalars("compare", {"train": loss.item(), "val": val}, step)
writer.close()
print(f"final training loss: {loss.item():.4f}")'''

TENSORBOARD = [
    Md("# TensorBoard, step by step\n\n"
       "The runnable companion of the [TensorBoard page](../tensorboard/): every output below was produced by "
       "running this notebook (`python scripts/make_notebooks.py tensorboard`). Install the package first: "
       "`pip install tensorboard`. PyTorch's writer lives in `torch.utils.tensorboard`.",
       "# TensorBoard 分步演示\n\n"
       "这是 [TensorBoard 页面](../tensorboard/)的可运行版本：下面每个输出都是实际运行本 notebook 得到的"
       "（`python scripts/make_notebooks.py tensorboard`）。先安装：`pip install tensorboard`。"
       "PyTorch 的写入器在 `torch.utils.tensorboard` 中。"),
    'import tensorboard\nimport torch\n\nprint("torch", torch.__version__, "· tensorboard", tensorboard.__version__)',
    Md("## Where runs go\n\n"
       "With no arguments the writer makes a new directory per run under `runs/`, named after the date, time "
       "and host; `comment=` is appended to that name and `log_dir=` replaces it.",
       "## 日志目录\n\n"
       "不带参数时，`SummaryWriter` 每次都在 `runs/` 下新建一个以日期、时间和主机名命名的目录；"
       "`comment=` 会追加到目录名后面，`log_dir=` 则直接指定目录。"),
    'from torch.utils.tensorboard import SummaryWriter\n\n'
    'for writer in (SummaryWriter(), SummaryWriter(comment="-LR_0.1_BATCH_16"),\n'
    '               SummaryWriter(log_dir="runs/experiment")):\n'
    '    print(writer.log_dir)\n'
    '    writer.close()',
    Md("## Logging a training run\n\n"
       "A small regression model, trained for 300 steps. `add_scalar` logs the training loss every step; "
       "`add_scalars` puts training and validation loss on one chart every 10 steps.",
       "## 记录一次训练\n\n"
       "训练一个小回归模型 300 步。`add_scalar` 每一步记录训练损失；`add_scalars` 每 10 步把训练和验证损失画在同一张图上。"),
    Code(TENSORBOARD_EXAMPLE, (("# a cheap validation every 10 steps", "# 每 10 步做一次开销很小的验证"),
                               ("final training loss: ", "最终训练损失："))),
    Md("`add_scalars` writes each key into a sub-run directory of its own, which TensorBoard lists as a "
       "separate run next to the main one:",
       "`add_scalars` 会把每个键写进单独的子目录，TensorBoard 会把它们和主 run 并列显示成独立的 run："),
    'from pathlib import Path\n\n'
    'for events in sorted(Path("runs/sine").rglob("events.out.tfevents.*")):\n'
    '    print(events.parent)',
    Md("## Images: CHW and NCHW\n\n"
       "`add_image` expects one image as `(3, H, W)` unless told otherwise with `dataformats=`; `add_images` "
       "expects a batch `(N, 3, H, W)`. A channels-last tensor fails:",
       "## 图像：CHW 与 NCHW\n\n"
       "`add_image` 默认要求单张图像的形状是 `(3, H, W)`，其他布局要用 `dataformats=` 说明；`add_images` 要求一批图像 "
       "`(N, 3, H, W)`。通道在最后的张量会报错："),
    'writer = SummaryWriter(log_dir="runs/images")\n'
    'img = torch.rand(3, 64, 64)\n'
    'writer.add_image("chw", img, 0)\n'
    'writer.add_image("hwc", img.permute(1, 2, 0), 0, dataformats="HWC")\n'
    'writer.add_images("batch", torch.rand(8, 3, 64, 64), 0)\n\n'
    'try:\n'
    '    writer.add_image("wrong", img.permute(1, 2, 0), 0)\n'
    'except TypeError as e:\n'
    '    print("add_image((H, W, 3)) -> TypeError:", e)\n'
    'try:\n'
    '    writer.add_images("wrong", img, 0)\n'
    'except AssertionError as e:\n'
    '    print("add_images((3, H, W)) -> AssertionError:", " ".join(str(e).split()))',
    Md("## Graph and figures\n\n"
       "`add_graph` traces the model with `torch.jit.trace`, which is deprecated; it still works but warns. "
       "`add_figure` logs a matplotlib figure and closes it (`close=True`).",
       "## 计算图与图像\n\n"
       "`add_graph` 用 `torch.jit.trace` 追踪模型，而它已被弃用：仍然能用，但会发出警告。"
       "`add_figure` 记录 matplotlib 图像后会把它关闭（`close=True`）。"),
    Code(
    'import warnings\n\n'
    'import matplotlib\n\n'
    'matplotlib.use("Agg")\n'
    'import matplotlib.pyplot as plt\n\n'
    'with warnings.catch_warnings(record=True) as caught:\n'
    '    warnings.simplefilter("always")\n'
    '    writer.add_graph(model, x)\n'
    'print(*sorted({str(w.message) for w in caught}), sep="\\n")\n\n'
    'fig, ax = plt.subplots()\n'
    'ax.plot(x.squeeze(), y.squeeze(), ".")\n'
    'writer.add_figure("data", fig, 0)\n'
    'print("figure still open after add_figure:", plt.fignum_exists(fig.number))\n'
    'writer.close()',
        (("figure still open after add_figure:", "add_figure 之后图像是否仍打开："),)),
    Md("## What one call costs\n\n"
       "A rough, single-process timing of `add_scalar` next to one training step of the model above. "
       "The [TensorBoard page](../tensorboard/) has the benchmark suite's numbers.",
       "## 一次调用的开销\n\n"
       "在本进程里粗略计时：`add_scalar` 和上面模型的一次训练步各要多久。"
       "基准测试的正式数字见 [TensorBoard 页面](../tensorboard/)。"),
    Code(
    'import timeit\n\n'
    'writer = SummaryWriter(log_dir="runs/cost")\n'
    'def train_step():\n'
    '    opt.zero_grad()\n'
    '    nn.functional.mse_loss(model(x), y).backward()\n'
    '    opt.step()\n\n'
    'n = 2000\n'
    'scalar_s = min(timeit.repeat(lambda: writer.add_scalar("x", 0.5, 0), number=n, repeat=5)) / n\n'
    'step_s = min(timeit.repeat(train_step, number=200, repeat=5)) / 200\n'
    'writer.close()\n'
    'print(f"add_scalar: {scalar_s * 1e6:.1f} µs, training step: {step_s * 1e6:.0f} µs, "\n'
    '      f"ratio {scalar_s / step_s:.1%}")',
        (("training step:", "一次训练步："), ("ratio", "占比"))),
    Md("## Viewing the runs\n\n"
       "```bash\ntensorboard --logdir=runs --host=127.0.0.1 --port=8025\n```\n\n"
       "Then open <http://127.0.0.1:8025>. The seed's `--host=0.0.0.0` listens on every network interface: "
       "anyone who can reach the machine can read your runs, and TensorBoard has no login. Keep `127.0.0.1` "
       "and tunnel from your laptop (`ssh -L 8025:127.0.0.1:8025 server`) unless the machine sits on a "
       "network you trust.",
       "## 查看结果\n\n"
       "```bash\ntensorboard --logdir=runs --host=127.0.0.1 --port=8025\n```\n\n"
       "然后打开 <http://127.0.0.1:8025>。原文用的 `--host=0.0.0.0` 会监听所有网卡：能连到这台机器的人都能看到你的实验，"
       "而 TensorBoard 没有登录验证。除非机器在你信任的网络里，否则保持 `127.0.0.1`，"
       "再从自己的电脑用 SSH 隧道访问（`ssh -L 8025:127.0.0.1:8025 server`）。"),
]

SUMMARY_MODELS = '''\
import torch
from torch import nn


class SharedLayer(nn.Module):  # one Linear(4, 4) (20 parameters) applied twice
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return self.fc(self.fc(x))


class TopLevelParameter(nn.Module):  # Linear(10, 10) = 110, plus 100 of its own
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(10, 10)
        self.scale = nn.Parameter(torch.ones(100))

    def forward(self, x):
        return self.fc(x) * self.scale[:10]


class LSTMNet(nn.Module):  # nn.LSTM returns a tuple
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True)
        self.fc = nn.Linear(16, 2)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])


def n_params(model):
    return sum(p.numel() for p in model.parameters())'''

SUMMARIES = [
    Md("# Model summaries: torchsummary and torchinfo\n\n"
       "The runnable companion of the [model summaries page](../summaries/). The same small models go through "
       "torchsummary (the seed's tool, last released in 2018) and torchinfo; every output below is real.",
       "# 模型摘要：torchsummary 与 torchinfo\n\n"
       "这是[模型摘要页面](../summaries/)的可运行版本。同样几个小模型分别交给 torchsummary（原文用的工具，"
       "最后一次发布是 2018 年）和 torchinfo；下面的输出都是实际运行得到的。"),
    'from importlib.metadata import version\n\n'
    'import torch\n'
    'import torchinfo\n'
    'from torchsummary import summary\n\n'
    'print("torch", torch.__version__, "· torchsummary", version("torchsummary"), "· torchinfo", version("torchinfo"))',
    Md("## A plain CNN: both agree\n\n"
       "On a plain stack of layers the two tools print the same total.",
       "## 普通 CNN：两者一致\n\n对普通的层堆叠，两个工具给出的总参数量相同。"),
    'from torch import nn\n\n'
    'cnn = nn.Sequential(nn.Conv2d(1, 8, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 26 * 26, 10))\n'
    'summary(cnn, (1, 28, 28), device="cpu")\n'
    'print(torchinfo.summary(cnn, input_size=(1, 1, 28, 28)))',
    Md("## Models where torchsummary goes wrong\n\n"
       "Three small models, each sized so you can count its parameters by hand.",
       "## torchsummary 出错的模型\n\n三个小模型，参数量都能手算核对。"),
    Code(SUMMARY_MODELS, (("# one Linear(4, 4) (20 parameters) applied twice", "# 同一个 Linear(4, 4)（20 个参数）用了两次"),
                          ("# Linear(10, 10) = 110, plus 100 of its own", "# Linear(10, 10) 有 110 个参数，另有自己的 100 个"),
                          ("# nn.LSTM returns a tuple", "# nn.LSTM 返回的是元组"))),
    Md("### A layer used twice is counted twice\n\n"
       "torchsummary adds up parameters per call of each layer, so a shared layer appears twice.",
       "### 用了两次的层被算两遍\n\ntorchsummary 按每次调用累加参数，共享的层就出现两次。"),
    'shared = SharedLayer()\n'
    'summary(shared, (4,), device="cpu")\n'
    'print("parameters():", n_params(shared), "· torchinfo:", torchinfo.summary(shared, input_size=(1, 4), verbose=0).total_params)',
    Md("### A parameter of the model itself is missed\n\n"
       "torchsummary reads only `weight` and `bias` of sub-modules; `self.scale` is neither.",
       "### 模型自身的参数被漏掉\n\ntorchsummary 只读取子模块的 `weight` 和 `bias`，`self.scale` 两者都不是。"),
    'top = TopLevelParameter()\n'
    'summary(top, (10,), device="cpu")\n'
    'print("parameters():", n_params(top), "· torchinfo:", torchinfo.summary(top, input_size=(1, 10), verbose=0).total_params)',
    Md("### An LSTM crashes it, and the model stays broken\n\n"
       "The crash happens mid-way, before torchsummary removes its hooks: afterwards the model's own forward "
       "pass fails too.",
       "### LSTM 让它崩溃，模型也跟着坏掉\n\n"
       "崩溃发生在 torchsummary 移除钩子（hook）之前：此后连模型自己的前向计算也会失败。"),
    Code(
    'lstm = LSTMNet()\n'
    'x = torch.rand(2, 5, 8)\n'
    'try:\n'
    '    summary(lstm, (5, 8), device="cpu")\n'
    'except AttributeError as e:\n'
    '    print("summary -> AttributeError:", e)\n'
    'print("hooks left:", {name: len(m._forward_hooks) for name, m in lstm.named_modules() if m._forward_hooks})\n'
    'try:\n'
    '    lstm(x)\n'
    'except AttributeError as e:\n'
    '    print("lstm(x) afterwards -> AttributeError:", e)\n\n'
    'print(torchinfo.summary(LSTMNet(), input_size=(2, 5, 8)))',
        (("hooks left:", "残留的钩子："), ("lstm(x) afterwards ->", "之后再调用 lstm(x) ->"))),
    Md("### Sizes assume 4 bytes per parameter\n\n"
       "A float64 layer of 1,001,000 parameters takes 8,008,000 bytes; torchsummary reports half of that.",
       "### 按每个参数 4 字节估算大小\n\n"
       "有 1,001,000 个参数的 float64 层实际占 8,008,000 字节；torchsummary 只报出一半。"),
    Code(
    'class Float64Net(nn.Module):\n'
    '    def __init__(self):\n'
    '        super().__init__()\n'
    '        self.fc = nn.Linear(1000, 1000).double()\n\n'
    '    def forward(self, x):\n'
    '        return self.fc(x.double())\n\n'
    'summary(Float64Net(), (1000,), device="cpu")\n'
    'stats = torchinfo.summary(Float64Net(), input_size=(1, 1000), verbose=0)\n'
    'print("torchinfo params size:", stats.total_param_bytes, "bytes")',
        (("torchinfo params size:", "torchinfo 的参数大小："), ('"bytes")', '"字节")')),
        printed=((" bytes\n", " 字节\n"),)),
    Md("### The device argument\n\n"
       "torchsummary takes only the strings `'cuda'` and `'cpu'`, and defaults to `'cuda'`. The seed passes a "
       "`torch.device`, which fails at once; the default quietly falls back to CPU inputs when there is no "
       "CUDA (as on the machine that ran this notebook).",
       "### device 参数\n\n"
       "torchsummary 只接受字符串 `'cuda'` 或 `'cpu'`，默认是 `'cuda'`。原文传入的是 `torch.device`，会直接报错；"
       "没有 CUDA 时（运行本 notebook 的机器就是这样），默认值会悄悄改用 CPU 输入。"),
    'try:\n'
    '    summary(cnn, (1, 28, 28), device=torch.device("cuda:0"))\n'
    'except AttributeError as e:\n'
    '    print("device=torch.device(\'cuda:0\') -> AttributeError:", e)\n'
    'print("torch.cuda.is_available():", torch.cuda.is_available())',
    Md("## What to use\n\n"
       "Use torchinfo: `torchinfo.summary(model, input_size=(batch, ...))`, with `device=` and `dtypes=` when "
       "the defaults don't fit. For just the count, `sum(p.numel() for p in model.parameters())` is exact and "
       "needs no package.",
       "## 该用什么\n\n"
       "用 torchinfo：`torchinfo.summary(model, input_size=(batch, ...))`，默认值不合适时再传 `device=` 和 `dtypes=`。"
       "只要参数量的话，`sum(p.numel() for p in model.parameters())` 就是准确的，不需要装任何包。"),
]

NOTEBOOKS = {"tensorboard": TENSORBOARD, "summaries": SUMMARIES}


def build(cells: list, locale: str):
    """The notebook (unexecuted) in one language."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for cell in cells:
        if isinstance(cell, Md):
            nb.cells.append(nbformat.v4.new_markdown_cell(getattr(cell, locale)))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(source(cell)))
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index}"  # stable ids: regenerating doesn't churn the diff
    return nb


def execute(nb, workdir: Path):
    """Run every cell in `workdir` (runs/ lands there, not in the repository)."""
    from nbclient import NotebookClient

    NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name=KERNEL, resources={"metadata": {"path": str(workdir)}},
                   record_timing=False).execute()
    return nb


def translate(executed, cells: list, locale: str):
    """A copy of the executed notebook in `locale`: its prose, and the code cells' labels
    (comments, printed words) swapped in source and output; nothing else changes."""
    import copy

    nb = copy.deepcopy(executed)
    for cell, spec in zip(nb.cells, cells, strict=True):
        if isinstance(spec, Md):
            cell.source = getattr(spec, locale)
        elif isinstance(spec, Code) and locale == "zh":
            cell.source = spec.zh()
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream":
                    output["text"] = spec.zh_output(output["text"])
    return nb


def make(name: str) -> list[Path]:
    import nbformat

    cells = NOTEBOOKS[name]
    with tempfile.TemporaryDirectory(prefix=f"tipsbench-nb-{name}-") as tmp:
        executed = execute(build(cells, "en"), Path(tmp))
    written = []
    for locale, suffix in (("en", ".ipynb"), ("zh", ".zh.ipynb")):
        path = DOCS / f"{name}{NOTEBOOK_SUFFIX}{suffix}"
        nbformat.write(translate(executed, cells, locale), path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="notebooks to make (default: all)")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in NOTEBOOKS]
    if unknown:
        parser.error(f"unknown notebook {', '.join(unknown)}; known: {', '.join(NOTEBOOKS)}")
    for name in args.names or NOTEBOOKS:
        try:
            paths = make(name)
        except Exception as exc:  # a failing cell: name the notebook, not a kernel traceback
            print(f"make_notebooks: {name}: {type(exc).__name__}: {str(exc).strip().splitlines()[-1]}", file=sys.stderr)
            return 1
        print("wrote", *(str(p.relative_to(DOCS.parent)) for p in paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
