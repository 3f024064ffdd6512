"""What a check printed, in the page's language.

A check's output mixes torch's own words (error messages, warnings: quoted verbatim in
every language) with a few phrases our checks write around them ("shares memory",
"state restored: True"). The Chinese page translates only those phrases. Each pattern
below matches a whole line as our checks write it, so a torch message that happens to
contain "copy" ("To copy construct from a tensor…") passes through untouched. Claims
files keep the English output: it is data, and the page translates it when it shows it.
"""

from __future__ import annotations

import re

_ZH: tuple[tuple[str, str], ...] = (
    # conversions (numpy_tensor, transfer)
    (r"(.+): shares memory", r"\1：共享底层内存"),
    (r"(.+): copy", r"\1：复制"),
    (r"(.+) → shares; warns: (.+); silent the second time", r"\1 → 共享；警告：\2；第二次不再警告"),
    (r"(.+) → copy; no warning; silent the second time", r"\1 → 复制；没有警告，第二次也没有"),
    (r"(.+) → no error", r"\1 → 没有报错"),
    (r"\(no warning\)", "（没有警告）"),
    (r"\(no deprecation warning\)", "（没有弃用警告）"),
    (r"\(no error\)", "（没有报错）"),
    (r"warnings: (\d+)", r"警告：\1 条"),
    (r"child process killed by (\w+) \(exit status (-?\d+)\)", r"子进程被 \1 终止（退出状态 \2）"),
    (r"child process exited with status (-?\d+)", r"子进程以状态 \1 退出"),
    (r"torch\.ones\(4\)\.cuda\(\) returned a tensor", "torch.ones(4).cuda() 返回了一个张量"),
    (r"current_accelerator\(\) -> \(not called\)", "current_accelerator() -> （未调用）"),
    # any claim whose API is missing on a release
    (r"(\S+) does not exist in torch (\S+)", r"torch \2 中没有 \1"),
    # memory
    (r"array: (.+); resident memory added while the result is alive:", r"数组：\1；结果存活期间新增的常驻内存："),
    (r"((?:torch|np)\.\w+): (\d+) bytes", r"\1：\2 字节"),
    # TensorBoard
    (r"no torch\.jit warning", "没有 torch.jit 警告"),
    # modules
    (r"(.+) changed after (\d+) SGD steps: (True|False)", r"\1 在 \2 步 SGD 之后是否改变：\3"),
    (r"all parameters float64 after \.to\(\): (True|False)", r"调用 .to() 之后所有参数都是 float64：\1"),
    (r"(.+) after \.eval\(\): (True|False)", r"调用 .eval() 之后的 \1：\2"),
    # save & load
    (r"(.+): refused by weights_only=True: (.+)", r"\1：被 weights_only=True 拒绝：\2"),
    (r"keys (\[.*\]); epoch (\d+); lr (\S+); optimizer step (\d+); state restored: (True|False)",
     r"键 \1；epoch \2；学习率 \3；优化器步数 \4；状态已恢复：\5"),
    (r"weights_only=False -> (\w+); safe_globals -> (\w+); same outputs: (True|False)",
     r"weights_only=False -> \1；safe_globals -> \2；输出相同：\3"),
    (r"function ran: (True|False)", r"函数被执行：\1"),
    (r"torch\.load: loaded without an error", "torch.load：没有报错，加载成功"),
    (r"torch (\S+): torch\.load\(path\) loaded the full model without an error",
     r"torch \1：torch.load(path) 没有报错，整个模型加载成功"),
    (r"torch (\S+): torch\.jit\.script emitted no deprecation warning", r"torch \1：torch.jit.script 没有发出弃用警告"),
    (r"(\w+): state_dict ([\d,]+) B, full model ([\d,]+) B \((.+)\)", r"\1：state_dict \2 B，整个模型 \3 B（\4）"),
    (r"save_model: (\d+) tensors stored for (\d+) state_dict entries; after load_model, (.+)",
     r"save_model：state_dict 的 \2 个条目存成了 \1 个张量；load_model 之后，\3"),
    (r"exported (\w+) → ([\d,]+ B) \.pt2; in a process that can't import (\w+)'s module \(import → (\w+)\), "
     r"the reloaded program gives the same output: (True|False)",
     r"导出的 \1 → \2 .pt2；在无法导入 \3 所在模块的进程里（import → \4），重新加载的程序输出相同：\5"),
    (r"torch\.save\(model\.state_dict\(\)\): loaded (.+)", r"torch.save(model.state_dict())：加载得到 \1"),
    # model summaries
    (r"real: (.+) \(float64, 8 bytes per parameter; torchsummary's “MB” are MiB: it divides by 1024²\)",
     r"实际：\1（float64，每个参数 8 字节；torchsummary 的“MB”其实是 MiB：它除以的是 1024²）"),
    (r"summary\(model, (.+)\) -> ran on CPU inputs", r"summary(model, \1) -> 在 CPU 输入上运行"),
    (r"forward hooks left: (.+)", r"残留的 forward 钩子：\1"),
    (r"(.+) afterwards -> (.+)", r"之后再调用 \1 -> \2"),
    (r"(\w+): torchinfo params size (.+) \(decimal: 10⁶ bytes\)", r"\1：torchinfo 的参数大小 \2（十进制：10⁶ 字节）"),
    # TensorBoard
    (r"event file: (\d+) bytes after SummaryWriter\(\), (\d+) bytes ([\d.]+) s after (\d+) add_scalar calls, no flush\(\)",
     r"事件文件：SummaryWriter() 之后 \1 字节；\4 次 add_scalar 调用后 \3 秒时 \2 字节，没有调用 flush()"),
)
PATTERNS = tuple((re.compile(pattern), replacement) for pattern, replacement in _ZH)


def line_zh(line: str) -> str:
    """One line of a check's output in Chinese: the first pattern matching the whole line."""
    for pattern, replacement in PATTERNS:
        if pattern.fullmatch(line):
            return pattern.sub(replacement, line)
    return line


def localize(shown: str, locale: str) -> str:
    """A check's output as the page in `locale` shows it."""
    if locale != "zh":
        return shown
    return "\n".join(line_zh(line) for line in shown.split("\n"))
