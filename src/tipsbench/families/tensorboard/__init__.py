"""TensorBoard: what logging costs per call, next to one small training step."""

TIP = "tensorboard"
