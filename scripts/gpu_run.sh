#!/usr/bin/env bash
# The one command a contributor with a GPU runs: check the devices, time the CPU <-> GPU
# transfer suite (full profile: 4 KiB to 1 GiB, every visible GPU; with two or more, the
# GPU -> GPU peer copies too), and write a compact
# results file into results/ (or $TIPSBENCH_GPU_OUT). Open a pull request with that file.
#
#   bash scripts/gpu_run.sh                          # full sweep, about 2-5 minutes per GPU
#   TIPSBENCH_PROFILE=quick bash scripts/gpu_run.sh  # three sizes, a first look
#   CUDA_VISIBLE_DEVICES=1 bash scripts/gpu_run.sh   # one GPU only
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
OUT_DIR=${TIPSBENCH_GPU_OUT:-results}
export TIPSBENCH_PROFILE=${TIPSBENCH_PROFILE:-full}

# doctor exits non-zero when CUDA/MPS is present but broken: no point timing then.
"$PYTHON" -m tipsbench.doctor

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$PYTHON" -m pytest benchmarks/test_transfer.py -q -rs -p no:cacheprovider \
    --benchmark-json "$work/raw.json"

"$PYTHON" - "$work/raw.json" "$OUT_DIR" <<'PY'
import json
import sys
from pathlib import Path

from tipsbench import results, storage

raw, out_dir = sys.argv[1], Path(sys.argv[2])
# pytest-benchmark writes no file at all when every benchmark was skipped.
data = json.loads(Path(raw).read_text(encoding="utf-8")) if Path(raw).exists() else {}
timed = [b for b in data.get("benchmarks", []) if b.get("extra_info", {}).get("tip") == "transfer"]
if not timed:
    sys.exit("gpu_run: no transfer benchmark was timed (no CUDA/MPS device found, see the skips above); nothing written")
path = storage.save_run(out_dir, data)
results.load_run(path)  # the file we ship must load
print(f"wrote {path} ({len(timed)} transfer benchmarks); open a pull request with it")
PY
