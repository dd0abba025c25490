"""Scale-out through the package (issue #16): states split into shards by record key, parts that
merge in any order, compact shards, merges into loaded states, and damaged states refused with
a clear error. The Dask plan itself is tested by dask_cluster.py."""

from __future__ import annotations

import random
import tempfile
import unittest
from pathlib import Path
from typing import List

import casreport
from _events import write_month
from _support import SEED, rng

MONTH = "2025-06"


def part_states(paths: List[str], shards: int, **options) -> List[List[bytes]]:
    out = []
    for i, p in enumerate(paths):
        with casreport.Aggregator(month=MONTH, part=i, **options) as agg:
            agg.feed_file(p)
            agg.finish()
            out.append(agg.save_state(shards=shards))
    return out


def identities(state: bytes) -> int:
    """The record identities a de-duplicating, not compact state holds: one per record kept."""
    with casreport.Aggregator.load_state(state) as agg:
        n = agg.counts()
        return n.accepted + n.out_of_period


def merged_shard(states: List[bytes], compact: bool = True) -> bytes:
    with casreport.merge_states(states) as agg:
        if compact:
            agg.compact()
        return agg.save_state()


class Shards(unittest.TestCase):
    def setUp(self) -> None:
        self._dir = tempfile.TemporaryDirectory()
        self.paths = write_month(Path(self._dir.name), files=6, per_file=300, seed=5)
        self.whole = casreport.report_files(self.paths, month=MONTH, threads=1)

    def tearDown(self) -> None:
        self._dir.cleanup()

    def test_the_case_has_what_it_tests(self) -> None:
        inp = self.whole["input"]
        self.assertGreater(inp["rejected"], 100)
        self.assertEqual(len(inp["rejections"]), 100)
        self.assertGreater(inp["duplicates"], 50)
        self.assertGreater(inp["out_of_period"], 20)
        self.assertIn("targeted_attack_company", {f["rule"] for f in self.whole["findings"]})

    def test_shards_merged_in_any_order_report_as_the_whole(self) -> None:
        r = rng("shards-any-order")
        for shards in (1, 3, 8):
            by_part = part_states(self.paths, shards)
            compact = []
            for s in range(shards):
                of_shard = [states[s] for states in by_part]
                r.shuffle(of_shard)
                compact.append(merged_shard(of_shard))
            r.shuffle(compact)
            with casreport.merge_states(compact) as total:
                self.assertEqual(total.report(), self.whole, f"{shards} shards, seed {SEED}")

    def test_no_shard_holds_more_than_a_quarter_of_the_identities(self) -> None:
        by_part = part_states(self.paths, 8)
        per_shard = [identities(merged_shard([p[s] for p in by_part], compact=False))
                     for s in range(8)]
        with casreport.merge_states(merged_shard([p[s] for p in by_part], compact=False)
                                    for s in range(8)) as total:
            n = total.counts()
            self.assertEqual(sum(per_shard), n.accepted + n.out_of_period)
        self.assertLessEqual(4 * max(per_shard), sum(per_shard), per_shard)

    def test_a_compact_state_does_not_grow_with_the_records(self) -> None:
        sizes = []
        with tempfile.TemporaryDirectory() as d:
            for records in (2000, 20000):
                [path] = write_month(Path(d), files=1, per_file=records, seed=6, gzip_last=False)
                with casreport.Aggregator(month=MONTH) as agg:
                    agg.feed_file(path)
                    agg.finish()
                    full = len(agg.save_state())
                    agg.compact()
                    sizes.append(len(agg.save_state()))
                    self.assertLess(sizes[-1], full)
        self.assertLess(sizes[1], 1.2 * sizes[0], sizes)

    def test_save_state_checks_shards(self) -> None:
        with casreport.Aggregator(month=MONTH) as agg:
            with self.assertRaises(casreport.MisuseError):
                agg.save_state(shards=2)  # not finished
            agg.feed_file(self.paths[0])
            agg.finish()
            for bad in (0, 4097, -1, True, 2.0, "3"):
                with self.assertRaises(casreport.InvalidArgumentError, msg=repr(bad)):
                    agg.save_state(shards=bad)  # type: ignore[arg-type]
            self.assertEqual(agg.save_state(shards=1), [agg.save_state()])
            shards = agg.save_state(shards=4)
            self.assertEqual(len(shards), 4)
            with casreport.Aggregator.load_state(shards[1]) as shard:
                with self.assertRaisesRegex(casreport.MisuseError, "split already"):
                    shard.save_state(shards=2)

    def test_part_is_a_whole_number(self) -> None:
        for bad in (-1, 2**32, 1.5, True):
            with self.assertRaises(casreport.InvalidArgumentError, msg=repr(bad)):
                casreport.Aggregator(part=bad)
        casreport.Aggregator(part=2**32 - 1).close()


class Merges(unittest.TestCase):
    def setUp(self) -> None:
        self._dir = tempfile.TemporaryDirectory()
        self.paths = write_month(Path(self._dir.name), files=3, per_file=200, seed=7)

    def tearDown(self) -> None:
        self._dir.cleanup()

    def states(self, **options) -> List[bytes]:
        return [s[0] for s in part_states(self.paths, 1, **options)]

    def test_a_loaded_state_is_merged_into_with_its_own_options(self) -> None:
        states = self.states(top_n=3)
        expected = casreport.report_files(self.paths, month=MONTH, top_n=3, threads=1)
        with casreport.Aggregator.load_state(states[2]) as total:
            for s in (states[0], states[1]):
                with casreport.Aggregator.load_state(s) as part:
                    total.merge(part)
            self.assertEqual(total.report(), expected)
            with self.assertRaises(casreport.MisuseError):
                total.feed(b"{}\n")  # it holds other parts now

    def test_incompatible_states_say_why(self) -> None:
        june = self.states()
        with casreport.Aggregator(month="2025-07") as july:
            july.finish()
            with casreport.Aggregator.load_state(june[0]) as total:
                with self.assertRaisesRegex(casreport.IncompatibleError,
                                            "different months: 2025-06 .* and 2025-07"):
                    total.merge(july)

    def test_compact_states_take_no_more_records(self) -> None:
        states = self.states()
        with casreport.merge_states(states) as total:
            before = total.report()
            total.compact()
            self.assertEqual(total.report(), before)
            with casreport.Aggregator.load_state(states[0]) as part:
                with self.assertRaisesRegex(casreport.IncompatibleError,
                                            "compact state takes no more records"):
                    total.merge(part)
            self.assertEqual(total.report(), before)

    def test_a_compact_aggregator_pickles_as_its_state(self) -> None:
        import pickle
        with casreport.merge_states(self.states()) as total:
            total.compact()
            copy = pickle.loads(pickle.dumps(total))
            self.assertEqual(copy.report(), total.report())
            copy.close()


class DamagedStates(unittest.TestCase):
    def setUp(self) -> None:
        with casreport.Aggregator(month=MONTH) as agg:
            agg.feed(b'{"service":"Box","event":"ransomware","message":{"affected_user":"a@x.jp",'
                     b'"detection_time":"2025-06-10T00:00:00Z"}}\n')
            agg.finish()
            self.state = agg.save_state()

    def refused(self, data: bytes) -> str:
        with self.assertRaises(casreport.InputError) as cm:
            casreport.Aggregator.load_state(data)
        return cm.exception.message

    def test_truncated_damaged_and_other_versions_are_refused_by_name(self) -> None:
        self.assertIn("truncated", self.refused(self.state[:-1]))
        self.assertIn("truncated", self.refused(self.state[:30]))
        r = random.Random(f"{SEED}:flip")
        for _ in range(50):
            bit = r.randrange(8 * 8, 8 * len(self.state))
            bad = bytearray(self.state)
            bad[bit // 8] ^= 1 << (bit % 8)
            message = self.refused(bytes(bad))
            self.assertTrue("damaged" in message or "truncated" in message, message)
        other = bytearray(self.state)
        other[8] = 9  # format version 9
        self.assertIn("format version 9", self.refused(bytes(other)))
        self.assertIn("CASRSTAT", self.refused(b"not a state at all"))


if __name__ == "__main__":
    unittest.main()
