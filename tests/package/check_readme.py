"""The README's consumer snippets are copies of the files the install tests run.

    check_readme.py README.md

Each fenced block right after a line `<!-- copied from PATH -->` must appear, line for line
and in one piece, in PATH (relative to the README's folder).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

MARK = re.compile(r"^<!-- copied from (\S+) -->$")


def main() -> int:
    readme = Path(sys.argv[1])
    lines = readme.read_text(encoding="utf-8").splitlines()
    failures, checked = [], 0
    for i, line in enumerate(lines):
        m = MARK.match(line)
        if not m:
            continue
        if i + 1 >= len(lines) or not lines[i + 1].startswith("```"):
            failures.append(f"line {i + 1}: no fenced block after the mark")
            continue
        end = next((j for j in range(i + 2, len(lines)) if lines[j].startswith("```")), None)
        if end is None:
            failures.append(f"line {i + 2}: the block does not end")
            continue
        block = lines[i + 2:end]
        source = readme.parent / m.group(1)
        text = source.read_text(encoding="utf-8").splitlines() if source.is_file() else None
        if text is None:
            failures.append(f"line {i + 1}: no file {m.group(1)}")
        elif not any(text[k:k + len(block)] == block for k in range(len(text) - len(block) + 1)):
            failures.append(f"line {i + 3}: the block is not a piece of {m.group(1)}")
        checked += 1
    if not checked:
        failures.append("no copied block at all")
    for f in failures:
        print(f"check_readme: {readme}: {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
