"""The package with the rest of Python: pickled and copied aggregators, file objects fed like
paths, and merge_states over saved states."""

from __future__ import annotations

import copy
import gzip
import io
import pickle
import unittest

import casreport
from casreport import (Aggregator, IncompatibleError, InputError, InvalidArgumentError,
                       MisuseError)

from _support import SAMPLE, without_rejection_lines

SAMPLE_BYTES = SAMPLE.read_bytes()


def finished(data: bytes = SAMPLE_BYTES, **options) -> Aggregator:
    agg = Aggregator(**options)
    agg.feed(data)
    agg.finish()
    return agg


class Pickle(unittest.TestCase):
    def test_a_finished_aggregator_pickles_with_its_report_and_options(self) -> None:
        with finished(month="2025-06", top_n=2, tz="+00:00") as agg:
            expected, counts = agg.render("json"), agg.counts()
            for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
                with pickle.loads(pickle.dumps(agg, protocol)) as restored:
                    self.assertIsInstance(restored, Aggregator)
                    self.assertEqual(restored.render("json"), expected, protocol)
                    self.assertEqual(restored.counts(), counts)
            for copied in (copy.copy(agg), copy.deepcopy(agg)):
                with copied:
                    self.assertEqual(copied.render("json"), expected)
            self.assertEqual(agg.render("json"), expected)  # the original is untouched

    def test_subclasses_come_back_as_themselves(self) -> None:
        class Mine(Aggregator):
            pass

        with Mine(month="2025-06") as agg:
            agg.feed(SAMPLE_BYTES)
            agg.finish()
            with copy.copy(agg) as copied:
                self.assertIs(type(copied), Mine)

    def test_unfinished_or_closed_aggregators_do_not_pickle(self) -> None:
        with Aggregator() as agg:
            agg.feed(SAMPLE_BYTES)
            with self.assertRaises(MisuseError):
                pickle.dumps(agg)
        with self.assertRaises(MisuseError):
            pickle.dumps(agg)  # closed


class FileObjects(unittest.TestCase):
    def expected(self, source: str) -> dict:
        with Aggregator(month="2025-06") as agg:
            agg.feed_file(SAMPLE, source=source)
            agg.finish()
            return agg.report()

    def report_of(self, f, **kwargs) -> dict:
        with Aggregator(month="2025-06") as agg:
            agg.feed_file(f, **kwargs)
            agg.finish()
            return agg.report()

    def test_a_binary_file_reports_as_its_path(self) -> None:
        with open(SAMPLE, "rb") as f:
            self.assertEqual(self.report_of(f), self.expected(str(SAMPLE)))
            self.assertFalse(f.closed)  # the caller's file stays open
        for buffering in (0, -1):
            with open(SAMPLE, "rb", buffering=buffering) as f:
                self.assertEqual(self.report_of(f, chunk_size=7), self.expected(str(SAMPLE)))

    def test_objects_without_a_name_or_readinto(self) -> None:
        self.assertEqual(self.report_of(io.BytesIO(SAMPLE_BYTES)), self.expected("input"))
        self.assertEqual(self.report_of(io.BytesIO(SAMPLE_BYTES), source="june"),
                         self.expected("june"))

        class ReadOnly:  # read() only, short reads
            def __init__(self, data: bytes) -> None:
                self.data = data

            def read(self, n: int) -> bytes:
                chunk, self.data = self.data[:min(n, 5)], self.data[min(n, 5):]
                return chunk

        self.assertEqual(self.report_of(ReadOnly(SAMPLE_BYTES)), self.expected("input"))

    def test_a_gzip_stream_and_several_files_in_a_row(self) -> None:
        packed = io.BytesIO(gzip.compress(SAMPLE_BYTES))
        with gzip.open(packed) as f:
            self.assertEqual(self.report_of(f, source="sample"), self.expected("sample"))
        with Aggregator(month="2025-06") as agg:
            agg.feed_file(io.BytesIO(SAMPLE_BYTES))
            agg.feed_file(io.BytesIO(SAMPLE_BYTES))  # the same events again: duplicates
            agg.finish()
            counts = agg.counts()
            self.assertEqual((counts.records, counts.accepted), (88, 41))

    def test_text_files_are_refused(self) -> None:
        with Aggregator() as agg:
            with open(SAMPLE, encoding="utf-8") as f, self.assertRaises(TypeError):
                agg.feed_file(f)
            with self.assertRaises(TypeError):
                agg.feed_file(io.StringIO("{}"))
            with self.assertRaises(ValueError):
                agg.feed_file(io.BytesIO(b""), chunk_size=0)

    def test_an_unusable_stream_raises_input_error_and_ends_its_source(self) -> None:
        with Aggregator(month="2025-06") as agg:
            with self.assertRaises(InputError):
                agg.feed_file(io.BytesIO(b"PK\x03\x04 a zip archive"), source="logs.zip")
            agg.feed_file(io.BytesIO(SAMPLE_BYTES))
            agg.finish()
            self.assertEqual(agg.counts().accepted, 41)


class MergeStates(unittest.TestCase):
    def states(self, parts: int, **options) -> list:
        lines = SAMPLE_BYTES.splitlines(keepends=True)
        size = -(-len(lines) // parts)
        out = []
        for i in range(0, len(lines), size):
            with finished(b"".join(lines[i:i + size]), **options) as agg:
                out.append(agg.save_state())
        return out

    def test_parts_merge_to_the_whole_with_the_first_options(self) -> None:
        with finished(month="2025-06", top_n=3) as whole:
            expected = without_rejection_lines(whole.render("json"))
        for parts in (1, 2, 5):
            states = self.states(parts, month="2025-06", top_n=3)
            # Any iterable of bytes-like objects, even a one-pass generator.
            with casreport.merge_states(memoryview(s) for s in states) as total:
                self.assertEqual(without_rejection_lines(total.render("json")), expected)
                self.assertEqual(total.report()["sections"]["malware"]["top"][3:], [])
                with self.assertRaises(MisuseError):
                    total.feed(b"{}")  # finished

    def test_errors(self) -> None:
        with self.assertRaises(InvalidArgumentError):
            casreport.merge_states([])
        june = self.states(2, month="2025-06")
        july = self.states(1, month="2025-07")
        with self.assertRaises(IncompatibleError):
            casreport.merge_states(june + july)
        with self.assertRaises(InputError):
            casreport.merge_states([june[0], b"not a state"])


if __name__ == "__main__":
    unittest.main()
