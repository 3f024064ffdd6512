"""NumPy ↔ tensor conversions: which share memory, which copy, and what each costs."""

TIP = "numpy"
