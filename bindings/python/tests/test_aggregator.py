"""The Aggregator: life cycle, buffers, options, errors (each status its own exception),
saved states, merges and threads."""

from __future__ import annotations

import array
import json
import os
import pickle
import tempfile
import threading
import unittest
from pathlib import Path

import casreport
from casreport import (Aggregator, CasreportError, IncompatibleError, InputError,
                       InvalidArgumentError, MisuseError, Status)

from _support import ROOT, SAMPLE, SEED, feed_randomly, rng, without_rejection_lines

SAMPLE_BYTES = SAMPLE.read_bytes()


def june(**extra) -> Aggregator:
    return Aggregator(month="2025-06", **extra)


def report_of(data: bytes, **options) -> str:
    with Aggregator(**options) as agg:
        agg.feed(data)
        agg.finish()
        return agg.render("json")


class LifeCycle(unittest.TestCase):
    def test_feed_finish_report(self) -> None:
        with june() as agg:
            agg.feed(SAMPLE_BYTES)
            agg.finish()
            report = agg.report()
        self.assertEqual(report["schema_version"], 1)
        self.assertEqual(report["period"]["month"], "2025-06")
        n = report["input"]
        self.assertEqual(n["records"],
                         n["accepted"] + n["rejected"] + n["duplicates"] + n["out_of_period"])
        self.assertEqual([row["service"] for row in report["overview"]][:3],
                         ["box", "dropbox", "exchange"])
        self.assertTrue(agg.closed)

    def test_counts_at_any_time(self) -> None:
        with june() as agg:
            self.assertEqual(agg.counts(), casreport.Counts(0, 0, 0, 0, 0))
            agg.feed(SAMPLE_BYTES)
            agg.finish()
            c = agg.counts()
            self.assertEqual(c.records, c.accepted + c.rejected + c.duplicates + c.out_of_period)
            self.assertEqual(c.records, agg.report()["input"]["records"])

    def test_report_and_render(self) -> None:
        with june() as agg:
            agg.feed(SAMPLE_BYTES)
            agg.finish()
            self.assertEqual(agg.report(), json.loads(agg.render("json", "ja")))
            self.assertEqual(agg.report("en"), json.loads(agg.render("json", "en")))
            text_en = agg.render("text", "en")
            self.assertIn("Cloud App Security", text_en)
            self.assertNotEqual(agg.render("text", "ja"), text_en)
            self.assertEqual(agg.render(), agg.render("text", "ja"))

    def test_close_is_idempotent_and_final(self) -> None:
        agg = june()
        agg.close()
        agg.close()
        self.assertTrue(agg.closed)
        for call in (lambda: agg.feed(b"x"), agg.finish, agg.counts, agg.reset,
                     lambda: agg.render("json"), agg.save_state):
            with self.assertRaises(MisuseError) as cm:
                call()
            self.assertIn("closed", cm.exception.message)

    def test_reset_keeps_the_options(self) -> None:
        with june() as agg:
            agg.feed(b'{"not": "an event"}\n')
            agg.finish()
            agg.reset()
            agg.feed(SAMPLE_BYTES)
            agg.finish()
            self.assertEqual(agg.render("json"), report_of(SAMPLE_BYTES, month="2025-06"))

    def test_sources_and_feed_file(self) -> None:
        with june() as agg:
            agg.feed_file(SAMPLE, chunk_size=7)
            agg.finish()
            rejected = agg.report()["input"]["rejections"]
        self.assertEqual(rejected[0]["source"], str(SAMPLE))
        with june() as agg:
            agg.feed_file(SAMPLE, source="六月.ndjson")
            agg.finish()
            self.assertEqual(agg.report()["input"]["rejections"][0]["source"], "六月.ndjson")
        with june() as agg:
            with self.assertRaises(FileNotFoundError):
                agg.feed_file(SAMPLE.parent / "no-such-file.ndjson")
            with self.assertRaises(ValueError):
                agg.feed_file(SAMPLE, chunk_size=0)

    def test_feed_file_by_the_library_on_threads(self) -> None:
        with june() as agg:
            agg.feed_file(SAMPLE, chunk_size=4096)
            agg.finish()
            expected = agg.report()
        for threads in (0, 1, 2, 3):
            with june() as agg:
                agg.feed_file(SAMPLE, threads=threads)
                agg.finish()
                self.assertEqual(agg.report(), expected, "%d threads" % threads)
        with june() as agg:
            with self.assertRaises(ValueError):
                agg.feed_file(SAMPLE, threads=-1)

    def test_feed_file_reads_a_fifo_and_refuses_a_directory(self) -> None:
        # Issue #13, 8: pipes and FIFOs work wherever a path does.
        with june() as agg:
            agg.feed_file(SAMPLE)
            agg.finish()
            expected = agg.report()
        with tempfile.TemporaryDirectory() as tmp:
            fifo = Path(tmp) / "events"
            os.mkfifo(fifo)
            for threads in (1, 0):
                writer = threading.Thread(target=lambda: fifo.write_bytes(SAMPLE_BYTES))
                writer.start()
                with june() as agg:
                    agg.feed_file(fifo, source=str(SAMPLE), threads=threads)
                    writer.join()
                    agg.finish()
                    self.assertEqual(agg.report(), expected)
            with june() as agg:
                with self.assertRaises(IsADirectoryError):
                    agg.feed_file(tmp)
                agg.feed(SAMPLE_BYTES)  # the aggregator goes on
                agg.finish()

    def test_report_files(self) -> None:
        report = casreport.report_files([SAMPLE], month="2025-06", lang="en", threads=2)
        with june() as agg:
            agg.feed_file(SAMPLE)
            agg.finish()
            self.assertEqual(report, agg.report("en"))


GOLDEN = SAMPLE.parent.parent.parent / "tests" / "golden" / "same_events"


class Sources(unittest.TestCase):
    def test_an_unusable_file_raises_input_error_and_the_others_count(self) -> None:
        with tempfile.TemporaryDirectory() as d:
            junk = Path(d) / "junk.txt"
            junk.write_bytes(b"hello world\nthis is not a log\n")
            with june() as agg:
                with self.assertRaises(InputError) as cm:
                    agg.feed_file(junk)
                self.assertIn("junk.txt", cm.exception.message)
                agg.feed_file(SAMPLE)
                agg.finish()
                counts = agg.counts()
            with self.assertRaises(InputError):
                casreport.report_files([junk, SAMPLE], month="2025-06")
        with june() as whole:
            whole.feed(SAMPLE_BYTES)
            whole.finish()
            self.assertEqual(counts, whole.counts())

    def test_compressed_csv_and_cef_report_like_ndjson(self) -> None:
        expected = report_of((GOLDEN / "input.ndjson").read_bytes(), month="2025-06")
        for name in ("input.ndjson.gz", "input.ndjson.zst", "input.ndjson.xz",
                     "input.ndjson.bz2", "events_en.csv", "events_ja.csv", "events.cef",
                     "events_cef_pages.json"):
            with self.subTest(name=name):
                self.assertEqual(report_of((GOLDEN / name).read_bytes(), month="2025-06"),
                                 expected)

    def test_csv_options(self) -> None:
        csv = (GOLDEN / "events_en.csv").read_bytes()
        expected = report_of(csv, month="2025-06")
        renamed = csv.replace(b"Detection Time", b"Seen At", 1)
        with self.assertRaises(InputError):
            report_of(renamed, month="2025-06")
        for columns in ({"Seen At": "detection_time"}, '{"Seen At": "detection_time"}'):
            self.assertEqual(report_of(renamed, month="2025-06", csv_columns=columns), expected)
        only_dlp = json.loads(report_of(csv, month="2025-06", csv_event_kind="dlp",
                                        csv_columns={"Log Type": ""}))
        # Every row is DLP now.
        self.assertEqual(only_dlp["sections"]["dlp"]["total"], only_dlp["input"]["accepted"])
        self.assertGreater(only_dlp["sections"]["dlp"]["total"], 0)
        self.assertEqual(only_dlp["sections"]["malware"]["total"], 0)
        for bad in ({"csv_columns": {"x": "no_such_field"}}, {"csv_columns": "[1]"},
                    {"csv_event_kind": "spam"}):
            with self.subTest(options=bad), self.assertRaises(InvalidArgumentError):
                Aggregator(**bad)


class Buffers(unittest.TestCase):
    def test_every_buffer_type_and_split_gives_the_same_report(self) -> None:
        expected = report_of(SAMPLE_BYTES, month="2025-06")
        buffers = {
            "bytes": SAMPLE_BYTES,
            "bytearray": bytearray(SAMPLE_BYTES),
            "memoryview": memoryview(bytearray(SAMPLE_BYTES)),
            "readonly memoryview": memoryview(SAMPLE_BYTES),
        }
        for kind, buf in buffers.items():
            with self.subTest(kind=kind):
                self.assertEqual(report_of(buf, month="2025-06"), expected)
        for attempt in range(5):
            with self.subTest(attempt=attempt, seed=SEED), june() as agg:
                feed_randomly(agg, SAMPLE_BYTES, rng(f"buffers:{attempt}"))
                agg.finish()
                self.assertEqual(agg.render("json"), expected)

    def test_wide_items_and_empty_buffers(self) -> None:
        padded = SAMPLE_BYTES + b" " * (-len(SAMPLE_BYTES) % 4)
        words = array.array("I")
        words.frombytes(padded)
        self.assertEqual(report_of(memoryview(words), month="2025-06"),
                         report_of(padded, month="2025-06"))
        with june() as agg:
            for empty in (b"", bytearray(), memoryview(b"")):
                agg.feed(empty)
            self.assertEqual(agg.counts().records, 0)

    def test_other_types_are_refused(self) -> None:
        with june() as agg:
            for bad in ("text", 42, None, [1, 2]):
                with self.assertRaises(TypeError):
                    agg.feed(bad)  # type: ignore[arg-type]

    def test_the_caller_may_reuse_its_buffer_at_once(self) -> None:
        buf = bytearray(SAMPLE_BYTES)
        with june() as agg:
            half = len(buf) // 2
            agg.feed(memoryview(buf)[:half])
            buf[:half] = b"x" * half  # the library copied what it keeps
            agg.feed(memoryview(buf)[half:])
            agg.finish()
            self.assertEqual(agg.render("json"), report_of(SAMPLE_BYTES, month="2025-06"))


class Options(unittest.TestCase):
    def test_each_option_reaches_the_report(self) -> None:
        base = json.loads(report_of(SAMPLE_BYTES, month="2025-06"))
        top1 = json.loads(report_of(SAMPLE_BYTES, month="2025-06", top_n=1))
        self.assertEqual(len(top1["sections"]["malware"]["top"]), 1)
        self.assertGreater(len(base["sections"]["malware"]["top"]), 1)
        utc = json.loads(report_of(SAMPLE_BYTES, month="2025-06", tz="+00:00"))
        self.assertEqual(utc["period"]["timezone"], "+00:00")
        self.assertEqual(json.loads(report_of(SAMPLE_BYTES, month="2025-06", tz=0)), utc)
        self.assertEqual(json.loads(report_of(SAMPLE_BYTES, month="2025-06", tz="Z")), utc)
        india = json.loads(report_of(SAMPLE_BYTES, month="2025-06", tz="+0530"))
        self.assertEqual(india["period"]["timezone"], "+05:30")
        copies = json.loads(report_of(SAMPLE_BYTES, month="2025-06", dedupe=False))
        self.assertEqual(copies["input"]["duplicates"], 0)
        self.assertGreater(base["input"]["duplicates"], 0)
        everything = json.loads(report_of(SAMPLE_BYTES))
        self.assertIsNone(everything["period"])
        self.assertEqual(everything["input"]["out_of_period"], 0)
        unlisted = json.loads(report_of(SAMPLE_BYTES, max_listed_rejections=0))
        self.assertEqual(unlisted["input"]["rejections"], [])
        self.assertEqual(json.loads(report_of(SAMPLE_BYTES, month="2025-06",
                                              input_format="ndjson"))["input"],
                         base["input"])
        # The findings thresholds are accepted (their rules live in the report issue).
        june(company_min_users=2, individual_min_count=1, individual_min_share_tenths=1,
             file_blocking_min_count=1, max_subjects=3).close()

    def test_max_field_bytes(self) -> None:
        # Issue #13, 4: a record with a field past the limit (4096 bytes by default) is
        # rejected as field_too_long, nothing of it kept.
        line = (b'{"log_item_id":"1","service":"Exchange Online","event":"security_risk_scan",'
                b'"message":{"affected_user":"' + b"u" * 5000 + b'@x.jp",'
                b'"detection_time":"2025-06-02T00:00:00Z"}}\n')
        rejected = json.loads(report_of(line))["input"]
        self.assertEqual(rejected["rejected"], 1)
        self.assertEqual(rejected["rejections"][0]["reason"], "field_too_long")
        self.assertEqual(json.loads(report_of(line, max_field_bytes=8192))["input"]["accepted"], 1)
        with self.assertRaises(InvalidArgumentError):
            Aggregator(max_field_bytes=0)

    def test_bad_options_raise_invalid_argument(self) -> None:
        bad = [
            {"month": "2025-13"}, {"month": "June"}, {"month": ""}, {"month": 202506},
            {"tz": "JST"}, {"tz": "+24:00"}, {"tz": 24 * 60}, {"tz": True},
            {"top_n": -1}, {"top_n": 2**32}, {"top_n": 1.5}, {"top_n": True},
            {"input_format": "xml"}, {"input_format": 99}, {"max_subjects": -3},
        ]
        for options in bad:
            with self.subTest(options=options):
                with self.assertRaises(InvalidArgumentError) as cm:
                    Aggregator(**options)
                e = cm.exception
                self.assertIsInstance(e, ValueError)
                self.assertEqual(e.code, Status.INVALID_ARGUMENT)
                self.assertEqual(e.name, "invalid_argument")
        with self.assertRaises(TypeError):
            Aggregator(mnth="2025-06")  # type: ignore[call-arg]


class Errors(unittest.TestCase):
    def assertStatus(self, cm, cls, code: int, name: str, words: str) -> None:
        e = cm.exception
        self.assertIs(type(e), cls)
        self.assertIsInstance(e, CasreportError)
        self.assertEqual((e.code, e.name), (code, name))
        self.assertIn(words, e.message)
        self.assertEqual(str(e), e.message)

    def test_misuse(self) -> None:
        with june() as agg:
            with self.assertRaises(MisuseError) as cm:
                agg.report()
            self.assertStatus(cm, MisuseError, -2, "misuse", "casreport_aggregator_render")
            with self.assertRaises(MisuseError):
                agg.save_state()
            agg.finish()
            with self.assertRaises(MisuseError) as cm:
                agg.feed(b"{}")
            self.assertStatus(cm, MisuseError, -2, "misuse", "finished")
            with self.assertRaises(MisuseError):
                agg.begin_source("x")
            with self.assertRaises(MisuseError):
                agg.end_source()
            agg.finish()  # again: harmless
            agg.report()  # misuse poisons nothing

    def test_invalid_arguments_from_the_library(self) -> None:
        with june() as agg:
            agg.finish()
            with self.assertRaises(InvalidArgumentError) as cm:
                agg.render("rtf")
            self.assertStatus(cm, InvalidArgumentError, -1, "invalid_argument", "format")
            with self.assertRaises(InvalidArgumentError) as cm:
                agg.render("json", "fr")
            self.assertStatus(cm, InvalidArgumentError, -1, "invalid_argument", "language")
            with self.assertRaises(InvalidArgumentError):
                agg.merge(agg)
        with june() as agg, self.assertRaises(InvalidArgumentError):
            agg.begin_source("a\0b")

    def test_bad_state_bytes(self) -> None:
        with june() as agg:
            agg.feed(SAMPLE_BYTES)
            agg.finish()
            state = agg.save_state()
        for bad in (b"", b"junk", state[:-1], state[:len(state) // 2], b"x" + state):
            with self.subTest(size=len(bad)):
                with self.assertRaises(InputError) as cm:
                    Aggregator.load_state(bad)
                self.assertStatus(cm, InputError, -3, "input", "casreport_aggregator_load")

    def test_crafted_states_are_refused(self) -> None:
        # Issue #13, 1: states with a correct checksum whose counts wrap, whose times are out
        # of range, whose period disagrees with their records or whose users are not UTF-8
        # (tests/data/hostile/states, written by the unit tests).
        states = sorted((ROOT / "tests" / "data" / "hostile" / "states").glob("*.state"))
        self.assertGreaterEqual(len(states), 6)
        for path in states:
            with self.subTest(state=path.name):
                with self.assertRaises(InputError):
                    Aggregator.load_state(path.read_bytes())

    def test_incompatible_merge(self) -> None:
        with Aggregator(month="2025-05") as may:
            may.finish()
            with june() as agg:
                half = len(SAMPLE_BYTES) // 2
                agg.feed(SAMPLE_BYTES[:half])
                with self.assertRaises(IncompatibleError) as cm:
                    agg.merge(may)
                self.assertStatus(cm, IncompatibleError, -4, "incompatible", "month")
                agg.feed(SAMPLE_BYTES[half:])  # nothing changed, nothing poisoned
                agg.finish()
                self.assertEqual(agg.render("json"), report_of(SAMPLE_BYTES, month="2025-06"))

    def test_merge_order_and_types(self) -> None:
        with june() as open_, june() as other:
            with self.assertRaises(MisuseError):
                open_.merge(other)  # the other has not finished
            with self.assertRaises(TypeError):
                open_.merge(b"state")  # type: ignore[arg-type]

    def test_errors_pickle_with_their_fields(self) -> None:
        try:
            Aggregator.load_state(b"junk")
        except InputError as e:
            again = pickle.loads(pickle.dumps(e))
            self.assertIs(type(again), InputError)
            self.assertEqual((again.code, again.name, again.message), (e.code, e.name, e.message))
        else:
            self.fail("no InputError")


class States(unittest.TestCase):
    def test_round_trip(self) -> None:
        with june() as agg:
            agg.feed(SAMPLE_BYTES)
            agg.finish()
            state = agg.save_state()
            expected = agg.render("json")
            expected_counts = agg.counts()
        with Aggregator.load_state(state) as loaded:
            self.assertEqual(loaded.render("json"), expected)
            self.assertEqual(loaded.counts(), expected_counts)
            self.assertEqual(loaded.save_state(), state)
            with self.assertRaises(MisuseError):
                loaded.feed(b"{}")  # a loaded state is finished
        for buf in (bytearray(state), memoryview(state)):
            with Aggregator.load_state(buf) as loaded:
                self.assertEqual(loaded.render("json"), expected)

    def test_loaded_states_keep_their_options(self) -> None:
        with Aggregator(month="2025-06", top_n=2, tz="+00:00") as agg:
            agg.feed(SAMPLE_BYTES)
            agg.finish()
            expected = agg.render("json")
            state = agg.save_state()
        with Aggregator.load_state(state) as loaded:
            self.assertEqual(loaded.render("json"), expected)

    def test_halves_merge_to_the_whole(self) -> None:
        lines = SAMPLE_BYTES.splitlines(keepends=True)
        half = len(lines) // 2
        whole = report_of(SAMPLE_BYTES, month="2025-06")
        states = []
        for part in (lines[:half], lines[half:]):
            with june() as agg:
                agg.feed(b"".join(part))
                agg.finish()
                states.append(agg.save_state())
        with june() as total:
            for s in states:
                with Aggregator.load_state(s) as part:
                    total.merge(part)
            total.finish()
            merged = total.render("json")
        # Each part numbers its lines from 1.
        self.assertEqual(without_rejection_lines(merged), without_rejection_lines(whole))


class Threads(unittest.TestCase):
    def test_separate_aggregators_in_parallel(self) -> None:
        expected = report_of(SAMPLE_BYTES, month="2025-06")
        results = [None] * 6
        errors = []

        def work(i: int) -> None:
            try:
                for round_ in range(3):
                    with june() as agg:
                        feed_randomly(agg, SAMPLE_BYTES, rng(f"thread:{i}:{round_}"))
                        agg.finish()
                        results[i] = agg.render("json")
            except Exception as e:  # reported below, on the main thread
                errors.append(e)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(results))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(results, [expected] * len(results))

    def test_one_aggregator_shared_by_threads(self) -> None:
        lines = SAMPLE_BYTES.splitlines(keepends=True)
        with june(dedupe=False) as agg:
            def work() -> None:
                for line in lines:
                    agg.feed(line)  # whole lines: any interleaving gives the same numbers

            threads = [threading.Thread(target=work) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            agg.finish()
            c = agg.counts()
        with june(dedupe=False) as one:
            one.feed(SAMPLE_BYTES)
            one.finish()
            self.assertEqual(c.records, 4 * one.counts().records)
            self.assertEqual(c.accepted, 4 * one.counts().accepted)

    def test_errors_are_reported_on_their_own_thread(self) -> None:
        messages = {}

        def fail(name: str, month: str) -> None:
            try:
                Aggregator(month=month)
            except InvalidArgumentError as e:
                messages[name] = e.message

        threads = [threading.Thread(target=fail, args=(str(i), "2025-13")) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(messages), 4)
        self.assertTrue(all("month" in m for m in messages.values()))


if __name__ == "__main__":
    unittest.main()
