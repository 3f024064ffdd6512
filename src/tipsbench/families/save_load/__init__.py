"""Save & load: the whole model vs its state_dict vs safetensors, for time, size and safety."""

TIP = "save_load"
