"""Chinese pages can't lag their English twins silently.

Each ``docs/x.zh.md`` records, in its front matter, which revision of ``docs/x.md`` it
matches (``en_revision``: the first 12 hex digits of the English file's SHA-256). When
the English page changes, the build warns (``--strict`` fails) until the Chinese page is
brought up to date and re-stamped:

    python -m tipsbench.translations --stamp docs/numpy.zh.md     # after updating it
    python -m tipsbench.translations --check docs/*.zh.md         # what CI's build checks
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

KEY = "en_revision"
ZH_SUFFIX = ".zh.md"
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def revision(text: str) -> str:
    """The English page's revision: its text's hash, blind to trailing whitespace."""
    normal = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:12]


def english_twin(zh_path: Path) -> Path | None:
    name = zh_path.name
    return zh_path.with_name(name[: -len(ZH_SUFFIX)] + ".md") if name.endswith(ZH_SUFFIX) else None


def recorded(zh_text: str) -> str | None:
    """The revision in the page's front matter, read as MkDocs reads page meta."""
    from mkdocs.utils.meta import get_data

    value = get_data(zh_text)[1].get(KEY)
    return None if value is None else str(value)


def problem(zh_path: Path, recorded_revision: str | None = None) -> str | None:
    """Why a Chinese page is out of date with its English twin, or None when it isn't."""
    twin = english_twin(zh_path)
    if twin is None or not twin.is_file():
        return None
    current = revision(twin.read_text(encoding="utf-8"))
    stamp = recorded_revision if recorded_revision is not None else recorded(zh_path.read_text(encoding="utf-8"))
    if stamp == current:
        return None
    shown = _shown(zh_path)
    if stamp is None:
        return (f"{zh_path.name} records no {KEY} of {twin.name}; translate it, then run "
                f"`python -m tipsbench.translations --stamp {shown}`")
    return (f"{zh_path.name} matches {twin.name} at revision {stamp}, but {twin.name} is now {current}: "
            f"bring the translation up to date, then run `python -m tipsbench.translations --stamp {shown}`")


def _shown(path: Path) -> Path:
    """The path as a command would take it: relative to the working directory when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def stamp(zh_path: Path) -> str:
    """Record the English twin's current revision in the Chinese page's front matter."""
    twin = english_twin(zh_path)
    if twin is None:
        raise ValueError(f"{zh_path}: not a Chinese page (x{ZH_SUFFIX})")
    current = revision(twin.read_text(encoding="utf-8"))
    text = zh_path.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    if match:
        body = re.sub(rf"^{KEY}:.*$\n?", "", match.group(1), flags=re.M).strip("\n")
        front = "\n".join(filter(None, [body, f'{KEY}: "{current}"']))
        text = f"---\n{front}\n---\n" + text[match.end():]
    else:
        # Quoted: unquoted YAML would read a hash of digits as a number (0123… as octal).
        text = f'---\n{KEY}: "{current}"\n---\n\n' + text
    zh_path.write_text(text, encoding="utf-8")
    return current


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tipsbench.translations", description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--check", action="store_true", help="list Chinese pages that lag their English twin")
    action.add_argument("--stamp", action="store_true", help="record the English twin's current revision")
    parser.add_argument("pages", nargs="+", type=Path)
    args = parser.parse_args(argv)
    status = 0
    for page in args.pages:
        if args.stamp:
            print(f"{page}: {KEY} {stamp(page)}")
        elif (found := problem(page)) is not None:
            print(found, file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
