"""Rebuild docs/assets/tensorboard-scalars.png: TensorBoard showing the page's example run.

Runs the TensorBoard notebook's logging example (scripts/make_notebooks.py) in a temporary
directory, starts the real tensorboard server on 127.0.0.1 only, captures its scalars
dashboard with headless Chromium, and stops the server by its PID. Run it on demand
(the PNG is committed; neither the tests nor the site build run this):

    python scripts/tensorboard_screenshot.py [--out PATH] [--chromium /usr/bin/chromium]
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "docs" / "assets" / "tensorboard-scalars.png"
# With fallback_to_default: false, mkdocs-static-i18n gives the zh build only assets with
# its own suffix (an unsuffixed image is an "en" asset and is dropped), so the Chinese
# page needs its own copy. TensorBoard's UI has no Chinese, so it is the same picture.
LOCALIZED_COPIES = ("zh",)
WINDOW = "1280,860"
STARTUP_TIMEOUT_S = 60
# Time the page's JavaScript gets to load the runs and draw the charts before capture.
RENDER_BUDGET_MS = 20000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def log_example(workdir: Path) -> None:
    """Run the notebook's example in a fresh interpreter, writing runs/ under workdir."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from make_notebooks import TENSORBOARD_EXAMPLE

    subprocess.run([sys.executable, "-c", TENSORBOARD_EXAMPLE], cwd=workdir, check=True)


def wait_for_runs(port: int, server: subprocess.Popen) -> list[str]:
    """Poll the server until it lists the example's runs (it loads event files lazily)."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"tensorboard exited with {server.returncode} before serving")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/data/runs", timeout=2) as r:
                runs = json.load(r)
            if any(run.startswith("sine") for run in runs):
                return runs
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"tensorboard on 127.0.0.1:{port} listed no run within {STARTUP_TIMEOUT_S} s")


def capture(chromium: str, url: str, out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="tipsbench-chromium-") as profile:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", f"--user-data-dir={profile}", f"--window-size={WINDOW}",
                        "--hide-scrollbars", f"--virtual-time-budget={RENDER_BUDGET_MS}",
                        f"--screenshot={out}", url],
                       check=True, capture_output=True, timeout=120)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    if not Path(args.chromium).exists():
        print(f"tensorboard_screenshot: no Chromium at {args.chromium} (apt-get install chromium)", file=sys.stderr)
        return 1
    tensorboard = Path(sys.executable).parent / "tensorboard"
    with tempfile.TemporaryDirectory(prefix="tipsbench-tb-shot-") as tmp:
        workdir = Path(tmp)
        log_example(workdir)
        port = free_port()
        # Loopback only: the screenshot needs no other machine to reach this server.
        server = subprocess.Popen([str(tensorboard), "--logdir", "runs", "--host", "127.0.0.1",
                                   "--port", str(port)], cwd=workdir,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            runs = wait_for_runs(port, server)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            capture(args.chromium, f"http://127.0.0.1:{port}/#scalars", args.out)
            for locale in LOCALIZED_COPIES:
                shutil.copyfile(args.out, args.out.with_suffix(f".{locale}{args.out.suffix}"))
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    print(f"wrote {args.out} (runs: {', '.join(sorted(runs))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
