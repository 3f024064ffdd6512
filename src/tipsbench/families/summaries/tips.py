"""The model-summary tip, with its verdict and evidence."""

from tipsbench.verdicts import OUTDATED, Tip, register

register(
    Tip(
        id="summaries.torchsummary", page="summaries", index=9, verdict=OUTDATED,
        seed={"zh": "pip install torchsummary；summary(model, input_size, batch_size=-1, device=torch.device('cuda:0'))",
              "en": "`pip install torchsummary`; `summary(model, input_size, batch_size=-1, device=torch.device('cuda:0'))`"},
        reason={"en": "that call fails before printing anything, and counts go wrong on shared layers, model-level parameters, LSTMs and non-float32 models; use torchinfo.",
                "zh": "这行调用还没打印任何内容就报错；共享层、模型自身的参数、LSTM 和非 float32 模型的参数量都会算错；改用 torchinfo。"},
        claims=("summary.seed_device_argument_fails", "summary.shared_layer_counted_twice",
                "summary.top_level_parameter_missed", "summary.assumes_4_bytes", "summary.lstm_crash",
                "summary.hooks_left_after_error", "summary.torchinfo_counts_right"),
    ),
)
