"""casreport.dask on a 2-worker LocalCluster (issue #16): over 8 generated files with duplicates
across files, the report is the command-line tool's, for 1, 3 and 8 shards and whatever order
the parts finish and merge in; no shard holds more than its share of the record identities.

A script, not a test_*.py module: Dask's worker processes start by importing the main module,
which must therefore be guarded by `if __name__ == "__main__"`, and it needs an interpreter with
Dask's distributed scheduler (Debian's python3-distributed belongs to /usr/bin/python3). ctest
runs it as python.dask, with the environment of the other Python tests (CASREPORT_LIBRARY,
PYTHONPATH, CASREPORT_CLI).
"""

from __future__ import annotations

import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path
from typing import List, Optional

import casreport
import casreport.dask
from _events import write_month
from _support import SEED, rng

MONTH = "2025-06"
CLI = os.environ.get("CASREPORT_CLI")

_dir: Optional[tempfile.TemporaryDirectory] = None
_cluster = None
_client = None
PATHS: List[str] = []


def setUpModule() -> None:
    global _dir, _cluster, _client, PATHS
    from distributed import Client, LocalCluster

    _dir = tempfile.TemporaryDirectory()
    PATHS = write_month(Path(_dir.name), files=8, per_file=250, seed=11)
    # Workers log the failures the tests cause on purpose: errors only.
    _cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                            dashboard_address=None, silence_logs=logging.ERROR)
    _client = Client(_cluster)


def tearDownModule() -> None:
    _client.close()
    _cluster.close()
    _dir.cleanup()


def expected_json() -> str:
    """The report of the files read in order: the command-line tool's, or the package's."""
    if CLI:
        return subprocess.run([CLI, "--format", "json", "--month", MONTH, *PATHS],
                              check=True, capture_output=True, text=True).stdout
    with casreport.Aggregator(month=MONTH) as agg:
        for p in PATHS:
            agg.feed_file(p)
        agg.finish()
        return agg.render("json")


def _part_after(delay: float, *args) -> List[bytes]:
    """part_states, after a pause: the parts finish in the order the pauses give."""
    time.sleep(delay)
    return casreport.dask.part_states(*args)


def _identities(states: List[bytes]) -> int:
    """The record identities the merge of one shard holds (one per record kept)."""
    with casreport.merge_states(states) as agg:
        n = agg.counts()
        return n.accepted + n.out_of_period


class Plan(unittest.TestCase):
    def test_the_report_is_the_command_line_tools_for_any_shards(self) -> None:
        expected = json.loads(expected_json())
        self.assertGreater(expected["input"]["duplicates"], 50)
        self.assertGreater(expected["input"]["rejected"], 100)
        for shards in (1, 3, 8):
            got = casreport.dask.report(PATHS, client=_client, shards=shards, month=MONTH)
            self.assertEqual(got, expected, f"{shards} shards")
        self.assertEqual(casreport.dask.render(PATHS, client=_client, shards=3, format="json",
                                               month=MONTH), expected_json())

    def test_parts_finishing_and_merging_in_any_order(self) -> None:
        expected = expected_json()
        r = rng("dask-order")
        for shards in (3, 8):
            delays = [r.uniform(0, 0.4) for _ in PATHS]
            maps = [_client.submit(_part_after, delays[i], p, i, shards, {"month": MONTH}, 1, p,
                                   pure=False)
                    for i, p in enumerate(PATHS)]
            compact = []
            for s in range(shards):
                order = list(range(len(PATHS)))
                r.shuffle(order)
                picked = [_client.submit(casreport.dask._nth, maps[i], s) for i in order]
                compact.append(_client.submit(casreport.dask.merge_shard, picked))
            r.shuffle(compact)
            got = _client.submit(casreport.dask.combine, compact, "json").result()
            self.assertEqual(got, expected, f"{shards} shards, seed {SEED}")

    def test_no_shard_holds_more_than_a_quarter_of_the_identities(self) -> None:
        maps = [_client.submit(casreport.dask.part_states, p, i, 8, {"month": MONTH}, pure=False)
                for i, p in enumerate(PATHS)]
        per_shard = _client.gather([
            _client.submit(_identities, [_client.submit(casreport.dask._nth, m, s) for m in maps])
            for s in range(8)])
        whole = json.loads(expected_json())["input"]
        self.assertEqual(sum(per_shard), whole["accepted"] + whole["out_of_period"])
        self.assertLessEqual(4 * max(per_shard), sum(per_shard), per_shard)

    def test_shards_follow_the_input_size_by_default(self) -> None:
        self.assertEqual(casreport.dask.shards_for(0), 1)
        self.assertEqual(casreport.dask.shards_for(casreport.dask.INPUT_BYTES_PER_SHARD + 1), 2)
        self.assertEqual(casreport.dask.shards_for(1 << 60), 4096)
        got = casreport.dask.report(PATHS, client=_client, month=MONTH)
        self.assertEqual(got, json.loads(expected_json()))

    def test_errors_come_back_as_the_librarys(self) -> None:
        not_a_log = Path(_dir.name) / "notes.txt"
        not_a_log.write_text("These are my notes\n", encoding="utf-8")
        with self.assertRaisesRegex(casreport.InputError, "notes.txt"):
            casreport.dask.report([PATHS[0], str(not_a_log)], client=_client, month=MONTH)
        with self.assertRaises(casreport.InvalidArgumentError):
            casreport.dask.report(PATHS, client=_client, month="2025-13")
        with self.assertRaises(casreport.InvalidArgumentError):
            casreport.dask.report(PATHS, client=_client, shards=0)
        with self.assertRaises(TypeError):
            casreport.dask.report(PATHS, client=_client, part=3)

    def test_the_command_line_form(self) -> None:
        out = subprocess.run(
            [sys.executable, "-m", "casreport.dask", "--scheduler", _cluster.scheduler_address,
             "--month", MONTH, "--format", "json", "--shards", "4", *PATHS],
            capture_output=True, text=True, timeout=300)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout, expected_json())
        bad = subprocess.run(
            [sys.executable, "-m", "casreport.dask", "--scheduler", _cluster.scheduler_address,
             "--month", "2025-13", *PATHS], capture_output=True, text=True, timeout=300)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("month", bad.stderr)


if __name__ == "__main__":
    random.seed(SEED)
    unittest.main(verbosity=2)
