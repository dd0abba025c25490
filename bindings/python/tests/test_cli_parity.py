"""Python through ctypes reports exactly what the casreport CLI reports, for the golden inputs and
for dumps written by ../shared/data/gen_dump.py (independent of this project), with the input
fed in chunks of random sizes; and merged states of any split report as the whole."""

from __future__ import annotations

import pickle
import tempfile
import unittest
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, List

import casreport

from _support import (SAMPLE, SEED, available, feed_randomly, gen_dump, golden_cases, rng,
                      run_cli, without_rejection_lines)


def python_report(inputs, options: Dict[str, Any], salt: str, lang: str = "ja") -> str:
    with casreport.Aggregator(**options) as agg:
        for given, path in inputs:
            agg.begin_source(given)
            feed_randomly(agg, Path(path).read_bytes(), rng(f"{salt}:{given}"))
        agg.finish()
        return agg.render("json", lang)


def state_of(name: str, data: bytes, options: Dict[str, Any]) -> bytes:
    with casreport.Aggregator(**options) as agg:
        agg.begin_source(name)
        agg.feed(data)
        agg.finish()
        return agg.save_state()


def merged_report(states: List[bytes], options: Dict[str, Any]) -> str:
    with casreport.Aggregator(**options) as total:
        for s in states:
            with casreport.Aggregator.load_state(pickle.loads(pickle.dumps(s))) as part:
                total.merge(part)
        total.finish()
        return total.render("json")


def split_lines(data: bytes) -> List[bytes]:
    """The lines of `data`, each ending with a newline (so that lines can be moved around)."""
    lines = data.splitlines(keepends=True)
    if lines and not lines[-1].endswith(b"\n"):
        lines[-1] += b"\n"
    return lines


class GeneratedDumps:
    """Two dumps of gen_dump.py, made once per run."""

    _dir = None
    dumps: List[Path] = []

    @classmethod
    def get(cls) -> List[Path]:
        if cls._dir is None:
            cls._dir = tempfile.TemporaryDirectory(prefix="casreport-dumps-")
            made = [gen_dump(Path(cls._dir.name) / f"dump{seed}.ndjson", seed, 3000, 1000)
                    for seed in (7, 2026)]
            cls.dumps = [d for d in made if d is not None]
        return cls.dumps


def tearDownModule() -> None:
    if GeneratedDumps._dir is not None:
        GeneratedDumps._dir.cleanup()


class SameReportAsTheCli(unittest.TestCase):
    def test_golden_inputs(self) -> None:
        ran = 0
        for case in golden_cases():
            if not available(case):
                continue  # cases over ../shared/data need that directory
            with self.subTest(case=case.name, seed=SEED):
                expected = run_cli(["--format", "json", *case.cli_args,
                                    *[given for given, _ in case.inputs]], case.directory)
                self.assertEqual(python_report(case.inputs, case.options, case.name), expected)
                if all(given == path.name for given, path in case.inputs):
                    # The golden cases name sources by file name, as the CLI does here.
                    self.assertEqual(expected, (case.directory / "expected.json").read_text(
                        encoding="utf-8"))
                ran += 1
        self.assertGreaterEqual(ran, 5)

    def test_every_format_and_language(self) -> None:
        cwd = SAMPLE.parent
        for fmt, lang in [(f, l) for f in ("json", "text", "md", "csv", "html")
                          for l in ("ja", "en")]:
            with self.subTest(format=fmt, lang=lang):
                expected = run_cli(["--format", fmt, "--lang", lang, "--month", "2025-06",
                                    SAMPLE.name], cwd)
                with casreport.Aggregator(month="2025-06") as agg:
                    agg.feed_file(SAMPLE, chunk_size=333, source=SAMPLE.name)
                    agg.finish()
                    self.assertEqual(agg.render(fmt, lang), expected)

    def test_generated_dumps(self) -> None:
        dumps = GeneratedDumps.get()
        if not dumps:
            self.skipTest("../shared/data/gen_dump.py is not available")
        variants = [
            (["--month", "2026-10"], {"month": "2026-10"}),
            (["--month", "2026-10", "--tz", "+00:00", "--top", "3"],
             {"month": "2026-10", "tz": "+00:00", "top_n": 3}),
            (["--no-dedupe"], {"dedupe": False}),
        ]
        for dump in dumps:
            for cli_args, options in variants:
                with self.subTest(dump=dump.name, args=cli_args, seed=SEED):
                    expected = run_cli(["--format", "json", *cli_args, dump.name], dump.parent)
                    got = python_report([(dump.name, dump)], options, f"{dump.name}{cli_args}")
                    self.assertEqual(got, expected)


class MergedSplitsReportAsTheWhole(unittest.TestCase):
    def check_splits(self, name: str, data: bytes, options: Dict[str, Any], cuts: int) -> None:
        lines = split_lines(data)
        r = rng(f"splits:{name}")
        points = sorted({0, 1, len(lines) - 1, len(lines)} |
                        {r.randint(0, len(lines)) for _ in range(cuts)})
        for cut in points:
            # The last record of the first part is repeated at the start of the second: a
            # duplicate that straddles the split (the whole input holds it too). A byte order
            # mark counts only at the start of a source, so the copy goes without it.
            first = lines[:cut]
            copy = [lines[cut - 1].removeprefix(b"\xef\xbb\xbf")] if cut > 0 else []
            second = copy + lines[cut:]
            whole = b"".join(first + second)
            with self.subTest(input=name, cut=cut, seed=SEED):
                with casreport.Aggregator(**options) as agg:
                    agg.begin_source(name)
                    agg.feed(whole)
                    agg.finish()
                    expected = agg.render("json")
                    expected_counts = agg.counts()
                states = [state_of(name, b"".join(first), options),
                          state_of(name, b"".join(second), options)]
                got = merged_report(states, options)
                self.assertEqual(without_rejection_lines(got), without_rejection_lines(expected))
                with casreport.Aggregator(**options) as total:
                    for s in states:
                        with casreport.Aggregator.load_state(s) as part:
                            total.merge(part)
                    self.assertEqual(total.counts(), expected_counts)

    def test_sample_every_split(self) -> None:
        data = SAMPLE.read_bytes()
        self.check_splits("sample.ndjson", data, {"month": "2025-06"}, cuts=len(data))

    def test_ndjson_golden_inputs(self) -> None:
        for case in golden_cases():
            for given, path in case.inputs:
                if path.suffix == ".ndjson" and path.is_file():
                    self.check_splits(f"{case.name}/{given}", path.read_bytes(), case.options, 8)

    def test_generated_dumps(self) -> None:
        dumps = GeneratedDumps.get()
        if not dumps:
            self.skipTest("../shared/data/gen_dump.py is not available")
        for dump in dumps:
            self.check_splits(dump.name, dump.read_bytes(), {"month": "2026-10"}, cuts=3)
            self.check_splits(dump.name, dump.read_bytes(), {"dedupe": False}, cuts=1)

    def test_files_aggregated_on_threads_merge_exactly(self) -> None:
        """Each file of a golden case on its own thread, merged in order: the very same report
        as one aggregator over all files (line numbers included, as each part is a file)."""
        for case in golden_cases():
            if len(case.inputs) < 2 or not available(case):
                continue
            with self.subTest(case=case.name):
                expected = run_cli(["--format", "json", *case.cli_args,
                                    *[given for given, _ in case.inputs]], case.directory)

                def part(item):
                    given, path = item
                    return state_of(given, path.read_bytes(), case.options)

                with ThreadPoolExecutor(max_workers=len(case.inputs)) as pool:
                    states = list(pool.map(part, case.inputs))
                self.assertEqual(merged_report(states, case.options), expected)


if __name__ == "__main__":
    unittest.main()
