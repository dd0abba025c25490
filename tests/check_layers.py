#!/usr/bin/env python3
"""The library's stages depend one way: a file of lib/<stage>/ includes headers of its own stage
and of the stages before it, never of a later one (docs/architecture.md). Fails naming every
include that runs upward, and every folder of lib/ that is not a known stage.

usage: check_layers.py LIB_DIR"""

import os
import re
import sys

STAGES = ["core", "io", "decode", "aggregate", "summarize", "render", "batch"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"\.\./([a-z_]+)/')


def main(lib):
    problems = []
    for stage in sorted(os.listdir(lib)):
        path = os.path.join(lib, stage)
        if not os.path.isdir(path):
            continue
        if stage not in STAGES:
            problems.append(f"lib/{stage}/ is not one of the stages {STAGES}")
            continue
        rank = STAGES.index(stage)
        for name in sorted(os.listdir(path)):
            if not name.endswith((".hpp", ".cpp", ".h")):
                continue
            with open(os.path.join(path, name), encoding="utf-8") as f:
                for number, line in enumerate(f, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    other = m.group(1)
                    if other not in STAGES:
                        problems.append(f"lib/{stage}/{name}:{number}: includes unknown lib/{other}/")
                    elif STAGES.index(other) > rank:
                        problems.append(f"lib/{stage}/{name}:{number}: {stage} includes the later "
                                        f"stage {other}: {line.strip()}")
    for p in problems:
        print(p, file=sys.stderr)
    print(f"layers: {len(problems)} upward includes" if problems
          else "layers: " + " -> ".join(STAGES) + ", no include runs upward")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
