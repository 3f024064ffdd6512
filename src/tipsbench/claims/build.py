"""Which torch this is, in the terms claims are scoped by: the minor release ("2.13")
and the build ("cpu", "cuda-no-gpu", "cuda-gpu"…).

The build matters as much as the release: the same torch 2.15 says "Cannot access
accelerator device when none is available" as a CPU build and "Found no NVIDIA driver
on your system" as the CUDA build that ``pip install torch`` gives on Linux.
"""

from __future__ import annotations

import functools
import re
from importlib import metadata

BUILDS = ("cpu", "cuda-no-gpu", "cuda-gpu", "rocm-no-gpu", "rocm-gpu")
BUILD_NAMES = {
    "cpu": {"en": "CPU build", "zh": "CPU 构建"},
    "cuda-no-gpu": {"en": "CUDA build, no usable GPU", "zh": "CUDA 构建，无可用 GPU"},
    "cuda-gpu": {"en": "CUDA build with a GPU", "zh": "CUDA 构建，有 GPU"},
    "rocm-no-gpu": {"en": "ROCm build, no usable GPU", "zh": "ROCm 构建，无可用 GPU"},
    "rocm-gpu": {"en": "ROCm build with a GPU", "zh": "ROCm 构建，有 GPU"},
}
_RELEASE = re.compile(r"(\d+)\.(\d+)")


def release_key(version: str) -> tuple[int, int]:
    """(2, 13) for "2.13", "2.13.0" or "2.13.0+cpu": releases compare as numbers
    ("2.10" comes after "2.9")."""
    found = _RELEASE.match(version)
    if found is None:
        raise ValueError(f"not a torch version: {version!r}")
    return int(found.group(1)), int(found.group(2))


def release_of(version: str) -> str:
    """The minor release of a full version: "2.13.0+cpu" -> "2.13"."""
    major, minor = release_key(version)
    return f"{major}.{minor}"


_VERSION_LINE = re.compile(r"^__version__\s*=\s*['\"]([^'\"]+)['\"]", re.M)


@functools.cache
def installed_version() -> str:
    """torch.__version__ of the installed torch ("2.15.0+cu132"), without importing it: its
    version.py says it. The package metadata can't: PyPI's CUDA wheels are "2.15.0" there."""
    from tipsbench.buildcache import torch_version_file

    found = _VERSION_LINE.search(torch_version_file() or "")
    if found:
        return found.group(1)
    try:
        return metadata.version("torch")
    except metadata.PackageNotFoundError:  # torch from a path, not installed: ask it
        import torch

        return torch.__version__


def installed_release() -> str:
    """The installed torch's minor release, without importing torch."""
    return release_of(installed_version())


@functools.cache
def installed_build() -> str:
    """The installed torch's build and whether it sees a GPU, asked once per process (a
    site build judges every claim box against it). A CPU build says so in its version.py,
    read without importing torch. Asking CUDA whether a device is available starts its
    driver in this process, which the claims never rely on: the checks that care run in
    child processes."""
    from tipsbench.buildcache import built_without_accelerators, torch_version_file

    version_file = torch_version_file()
    if version_file is not None and built_without_accelerators(version_file):
        return "cpu"
    import torch

    if torch.version.cuda:
        base = "cuda"
    elif getattr(torch.version, "hip", None):
        base = "rocm"
    else:
        return "cpu"
    return f"{base}-gpu" if torch.cuda.is_available() else f"{base}-no-gpu"
