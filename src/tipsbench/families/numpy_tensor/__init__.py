"""NumPy ↔ tensor conversions: which share memory, which copy, and what each costs."""

TIP = "numpy"
# The dtypes the full profile measures and the quick one; here, not in the catalog (which
# imports torch), because the site's views name them too.
DTYPES_FULL = ("float32", "float64", "int64")
DTYPES_QUICK = ("float32",)
