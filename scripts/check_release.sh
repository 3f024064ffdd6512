#!/usr/bin/env bash
# The README's two commands (tests, then the strict site build) on a given torch release,
# the way a new user gets it: a fresh clone of the committed tree, a fresh environment,
# the newest patch of that release from PyPI (on Linux x86, a CUDA build), no GPU needed.
#
#   scripts/check_release.sh 2.4        # the oldest release tipsbench supports
#   scripts/check_release.sh 2.15       # the newest
#
# Needs uv (`pip install uv`) and ~6 GB of disk while it runs; everything it makes is
# removed at the end. Exit status: pytest's, or the build's if pytest passed.
set -euo pipefail
release=${1:?usage: scripts/check_release.sh X.Y (a torch minor release, e.g. 2.4)}
python=${PYTHON_VERSION:-3.11}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/tipsbench-release-$release.XXXXXX")
trap 'rm -rf "$work"' EXIT

git clone -q "$root" "$work/tipsbench"
uv venv -q --python "$python" "$work/venv"
uv pip install -q --python "$work/venv/bin/python" "torch==$release.*" -e "$work/tipsbench[dev]"
cd "$work/tipsbench"
. "$work/venv/bin/activate"
python -c 'import torch, numpy; print(f"check_release: torch {torch.__version__}, numpy {numpy.__version__}")'
echo "check_release: commit $(git log -1 --format=%h)"
status=0
pytest -q -p no:cacheprovider || status=$?
echo "check_release: pytest exited with $status"
if [ "$status" -eq 0 ]; then
  mkdocs build --strict --site-dir "$work/site" || status=$?
  echo "check_release: mkdocs build --strict exited with $status"
fi
exit "$status"
