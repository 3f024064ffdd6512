"""Building blocks the claim checks share: what a call raised, and a fresh Python
process for checks that must not run in ours (they crash it, warn once per process,
or need a module to be absent).

A fresh process costs an interpreter start and `import torch`: over a second each, and a
cold site build needs half a dozen. So on Linux a child is, where it can be, a fork of a
*zygote*: an interpreter started once per process that imports torch and numpy and then
does nothing but fork (Android starts its apps this way; DataLoader forks its workers
after `import torch` too). The fork has imported what a child's first lines import, and
has run nothing else: no check, no warning, no module of ours. A child that must differ
from that (other environment variables, which CUDA reads only at process start; `-I`
mode) gets a new interpreter as before, and so does every child where fork is
unavailable. A caller whose environment changed gets a new zygote that has it.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping

# A child imports torch (a few seconds on a busy machine) and does a little work.
CHILD_TIMEOUT_S = 120


def raised(fn: Callable[[], object]) -> tuple[str, str]:
    """(exception type name, message) of what fn raises, or ("", "") when it doesn't."""
    try:
        fn()
    except Exception as exc:  # the type is part of what a claim checks
        return type(exc).__name__, str(exc).strip()
    return "", ""


def run_child(code: str, *args: str, env: Mapping[str, str] | None = None, isolated: bool = False,
              cwd: str | os.PathLike | None = None) -> subprocess.CompletedProcess:
    """Run `code` as `python -c code args...` would, in a fresh process: a fork of the
    zygote where it can be, else a new interpreter (`env` replaces the environment;
    `isolated`, -I, ignores PYTHONPATH and the current directory)."""
    command = [sys.executable, *(["-I"] if isolated else []), "-c", code, *args]
    if env is None and not isolated:
        done = _Zygote.run(command, code, args, cwd)
        if done is not None:
            return done
    return subprocess.run(command, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S,
                          env=None if env is None else dict(env), cwd=cwd, check=False)


def child_json(code: str, *args: str, **options) -> dict:
    """Run `code` in a child whose last line of output is JSON, and return it.

    Raises RuntimeError with the child's exit status and last error line when it fails.
    """
    done = run_child(code, *args, **options)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"child process exited with {done.returncode}: {tail}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# The zygote's own code: it reads one JSON request per line and answers one JSON line per
# child. A child gets /dev/null as stdin, files as stdout and stderr, the request's
# directory and argv, and an alarm at the timeout; its exit status is what `python -c`
# would return (1 after an uncaught exception, the signal's negative number if killed).
_ZYGOTE = r"""
import json, os, signal, sys, tempfile, traceback, types
import numpy, torch

replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)  # whatever else writes to stdout can't be taken for a reply
replies.write("ready\n")
replies.flush()
for line in sys.stdin:
    request = json.loads(line)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                if request["cwd"] is not None:
                    os.chdir(request["cwd"])
                sys.argv = ["-c", *request["args"]]
                signal.alarm(request["timeout"])
                main = sys.modules["__main__"] = types.ModuleType("__main__")  # an empty one, as -c has
                try:
                    exec(compile(request["code"], "<string>", "exec"), main.__dict__)
                    status = 0
                except SystemExit as exc:
                    if exc.code is None or isinstance(exc.code, int):
                        status = exc.code or 0
                    else:
                        print(exc.code, file=sys.stderr)
                except BaseException:
                    traceback.print_exc()
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(status & 0xFF)
        _, status = os.waitpid(pid, 0)
        out.seek(0)
        err.seek(0)
        reply = {"returncode": os.waitstatus_to_exitcode(status),
                 "stdout": out.read().decode("utf-8", "replace"), "stderr": err.read().decode("utf-8", "replace")}
    replies.write(json.dumps(reply) + "\n")
    replies.flush()
"""


class _Zygote:
    """The zygote of this process: started on first use, stopped at exit; None where it
    can't serve (not Linux, failed to start, died)."""

    process: subprocess.Popen | None = None
    environ: dict[str, str] = {}
    broken = False

    @classmethod
    def start(cls) -> None:
        """Start it now (its `import torch` then overlaps the caller's work)."""
        if cls.process is not None or cls.broken or not sys.platform.startswith("linux"):
            return
        cls.environ = dict(os.environ)
        try:
            cls.process = subprocess.Popen([sys.executable, "-c", _ZYGOTE], stdin=subprocess.PIPE,
                                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                           encoding="utf-8")
        except OSError:
            cls.broken = True
        else:
            atexit.register(cls.stop)

    @classmethod
    def run(cls, command: list[str], code: str, args: tuple[str, ...],
            cwd: str | os.PathLike | None) -> subprocess.CompletedProcess | None:
        """The child's outcome, or None: then the caller starts a new interpreter."""
        if cls.process is not None and dict(os.environ) != cls.environ:
            cls.stop()  # the caller's environment changed since: a zygote with the new one
        cls.start()
        if cls.process is None:
            return None
        request = {"code": code, "args": list(args), "cwd": None if cwd is None else os.fspath(cwd),
                   "timeout": CHILD_TIMEOUT_S}
        try:
            assert cls.process.stdin is not None and cls.process.stdout is not None
            cls.process.stdin.write(json.dumps(request) + "\n")
            cls.process.stdin.flush()
            line = cls.process.stdout.readline()
            if line == "ready\n":
                line = cls.process.stdout.readline()
            reply = json.loads(line)
        except (OSError, ValueError):  # it died (torch failed to import?): new interpreters from now on
            cls.stop()
            cls.broken = True
            return None
        if reply["returncode"] == -signal.SIGALRM:
            raise subprocess.TimeoutExpired(command, CHILD_TIMEOUT_S, reply["stdout"], reply["stderr"])
        return subprocess.CompletedProcess(command, reply["returncode"], reply["stdout"], reply["stderr"])

    @classmethod
    def stop(cls) -> None:
        process, cls.process = cls.process, None
        if process is not None:
            if process.poll() is None:
                process.kill()
            process.wait()
            for stream in (process.stdin, process.stdout):
                if stream:
                    stream.close()


start_zygote = _Zygote.start
