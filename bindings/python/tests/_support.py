"""Shared helpers of the casreport Python tests (stdlib unittest only).

Environment (ctest sets it; see tests/CMakeLists.txt):
  CASREPORT_LIBRARY      the libcasreport.so under test
  CASREPORT_CLI          the casreport command-line tool, for the same-numbers checks
  CASREPORT_GOLDEN_DIR   tests/golden of the source tree (default: found from this file)
  CASREPORT_SHARED_DATA  ../shared/data (the shared sample and gen_dump.py), when present
  CASREPORT_TEST_SEED    the seed of the random chunk sizes (default: a new one per run)
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import unittest
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import casreport

ROOT = Path(__file__).resolve().parents[3]
GOLDEN_DIR = Path(os.environ.get("CASREPORT_GOLDEN_DIR", ROOT / "tests" / "golden"))
SAMPLE = ROOT / "examples" / "data" / "sample.ndjson"
CLI = os.environ.get("CASREPORT_CLI")
SHARED_DATA = Path(os.environ["CASREPORT_SHARED_DATA"]) if os.environ.get(
    "CASREPORT_SHARED_DATA") else ROOT.parent / "shared" / "data"
SEED = int(os.environ.get("CASREPORT_TEST_SEED", random.SystemRandom().randrange(1 << 32)))


def rng(salt: str) -> random.Random:
    """A generator seeded by SEED and `salt`, so each test's sizes repeat with the seed."""
    return random.Random(f"{SEED}:{salt}")


def chunk_sizes(r: random.Random):
    """Endless random chunk sizes: many tiny (a split inside every token), many middling, some
    large."""
    while True:
        x = r.random()
        if x < 0.3:
            yield r.randint(1, 16)
        elif x < 0.8:
            yield r.randint(17, 4096)
        else:
            yield r.randint(4097, 1 << 18)


def feed_randomly(agg: casreport.Aggregator, data: bytes, r: random.Random) -> int:
    """Feeds `data` in chunks of random sizes, as bytes, bytearray views or memoryviews;
    returns the number of chunks."""
    pos = 0
    chunks = 0
    buf = bytearray(data)
    view = memoryview(buf)
    sizes = chunk_sizes(r)
    while pos < len(data):
        n = min(next(sizes), len(data) - pos)
        kind = r.randrange(3)
        if kind == 0:
            agg.feed(data[pos:pos + n])
        elif kind == 1:
            agg.feed(view[pos:pos + n])  # writable: passed without a copy
        else:
            agg.feed(memoryview(data)[pos:pos + n])  # read-only
        pos += n
        chunks += 1
    return chunks


@dataclass
class Case:
    """A golden case (tests/golden/<name>/case.conf) as CLI arguments and Aggregator options."""

    name: str
    directory: Path
    inputs: List[Tuple[str, Path]]  # (path as given to the CLI, file)
    cli_args: List[str] = field(default_factory=list)
    options: Dict[str, Any] = field(default_factory=dict)


def golden_cases() -> List[Case]:
    cases = []
    for conf in sorted(GOLDEN_DIR.glob("*/case.conf")):
        kv = {}
        for line in conf.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#") and "=" in line:
                k, v = line.split("=", 1)
                kv[k.strip()] = v.strip()
        case = Case(conf.parent.name, conf.parent, [])
        for given in kv.get("inputs", "").split():
            if given.startswith("shared:"):
                path = SHARED_DATA / given[len("shared:"):]
                case.inputs.append((str(path), path))
            else:
                case.inputs.append((given, conf.parent / given))
        if "month" in kv:
            case.cli_args += ["--month", kv["month"]]
            case.options["month"] = kv["month"]
        if "tz" in kv:
            case.cli_args += ["--tz", kv["tz"]]
            case.options["tz"] = kv["tz"]
        if "top" in kv:
            case.cli_args += ["--top", kv["top"]]
            case.options["top_n"] = int(kv["top"])
        if kv.get("dedupe") == "off":
            case.cli_args.append("--no-dedupe")
            case.options["dedupe"] = False
        if "input-format" in kv:
            case.cli_args += ["--input-format", kv["input-format"]]
            case.options["input_format"] = kv["input-format"]
        cases.append(case)
    return cases


def available(case: Case) -> bool:
    return all(path.is_file() for _, path in case.inputs)


def run_cli(args: Sequence[str], cwd: Path) -> str:
    """The CLI's standard output (it must succeed)."""
    if CLI is None:
        raise unittest.SkipTest("CASREPORT_CLI is not set")
    done = subprocess.run([CLI, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          check=False)
    if done.returncode != 0:
        raise AssertionError(f"casreport {' '.join(args)} exited {done.returncode}: "
                             f"{done.stderr.decode(errors='replace')}")
    return done.stdout.decode("utf-8")


def without_rejection_lines(report_json: str) -> Dict[str, Any]:
    """The report with the line numbers of listed rejections removed: a part of a split input
    numbers its lines from 1."""
    report = json.loads(report_json)
    for r in report["input"]["rejections"]:
        del r["line"]
    return report


def gen_dump(out: Path, seed: int, events: int, users: int) -> Optional[Path]:
    """A dump written by ../shared/data/gen_dump.py (independent of this project), or None."""
    script = SHARED_DATA / "gen_dump.py"
    if not script.is_file():
        return None
    subprocess.run([sys.executable, str(script), "--events", str(events), "--users", str(users),
                    "--seed", str(seed), "-o", str(out)], check=True)
    return out
