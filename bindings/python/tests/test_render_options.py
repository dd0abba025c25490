"""Every option of a report gives the same document from the CLI and from Python (through the C
ABI's casreport_aggregator_render_with): identity, month over month, redaction, thresholds, top
N, language, every format; and PDF comes back as bytes."""

from __future__ import annotations

import datetime
import json
import tempfile
import unittest
from pathlib import Path

import casreport

from _support import GOLDEN_DIR, SAMPLE, run_cli

PREVIOUS = GOLDEN_DIR / "bundled_sample" / "previous.json"
LOGO = (b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        b'<rect width="40" height="20" fill="#1e5a96"/></svg>')


class EveryOptionAsTheCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.tmp = tempfile.TemporaryDirectory(prefix="casreport-render-")
        cls.logo = Path(cls.tmp.name) / "logo.svg"
        cls.logo.write_bytes(LOGO)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.tmp.cleanup()

    def aggregator(self) -> casreport.Aggregator:
        agg = casreport.Aggregator(month="2025-06")
        agg.feed_file(SAMPLE)
        agg.finish()
        return agg

    def test_same_document_for_the_same_options(self) -> None:
        cases = [
            # (CLI arguments, Python keywords)
            (["--customer", "株式会社サンプル", "--provider", "Example MSP",
              "--issued", "2025-07-01", "--logo", str(self.logo)],
             dict(customer="株式会社サンプル", provider="Example MSP",
                  issued=datetime.date(2025, 7, 1), logo=LOGO)),
            (["--top", "3", "--redact", "--previous", str(PREVIOUS)],
             dict(top=3, redact=True, previous=PREVIOUS)),
            (["--company-min-users", "2", "--individual-min-count", "2",
              "--individual-min-share", "20", "--file-blocking-min-count", "9",
              "--max-subjects", "1", "--customer", "Sample Co.", "--issued", "2025-07-02"],
             dict(company_min_users=2, individual_min_count=2, individual_min_share_tenths=200,
                  file_blocking_min_count=9, max_subjects=1, customer="Sample Co.",
                  issued="2025-07-02")),
        ]
        with self.aggregator() as agg:
            for cli_args, keywords in cases:
                for fmt in ("json", "text", "md", "csv", "html"):
                    for lang in ("ja", "en"):
                        with self.subTest(args=cli_args, format=fmt, lang=lang):
                            cli = run_cli(["--month", "2025-06", "--format", fmt, "--lang", lang,
                                           *cli_args, str(SAMPLE)], SAMPLE.parent)
                            self.assertEqual(agg.render(fmt, lang, **keywords), cli)

    def test_thresholds_change_the_findings(self) -> None:
        with self.aggregator() as agg:
            plain = agg.report()
            rules = {f["rule"] for f in plain["findings"]}
            self.assertIn("file_blocking_review", rules)
            raised = json.loads(agg.render("json", file_blocking_min_count=100, top=2))
            self.assertNotIn("file_blocking_review", {f["rule"] for f in raised["findings"]})
            self.assertTrue(all(len(s["top"]) <= 2 for s in raised["sections"].values()))
            # The aggregator's own report is unchanged.
            self.assertEqual(agg.report(), plain)

    def test_bad_options_are_refused(self) -> None:
        with self.aggregator() as agg:
            with self.assertRaises(casreport.InvalidArgumentError):
                agg.render("html", issued="2025-02-30")
            with self.assertRaises(casreport.InvalidArgumentError):
                agg.render("html", logo=b"GIF89a not an image")
            with self.assertRaises(casreport.InputError):
                agg.render("json", previous=b"{}")
            with self.assertRaises(casreport.UnavailableError) as cm:
                agg.render("pdf", chromium="/nonexistent/chromium")
            self.assertIn("/nonexistent/chromium", cm.exception.message)
            # None of these poisoned the aggregator.
            self.assertEqual(agg.report()["input"]["records"], 44)

    def test_pdf_is_bytes(self) -> None:
        # Needs Debian's chromium, which the README's test command installs.
        with self.aggregator() as agg:
            pdf = agg.render("pdf", "en", customer="Sample Co.")
            self.assertIsInstance(pdf, bytes)
            self.assertTrue(pdf.startswith(b"%PDF-"))


if __name__ == "__main__":
    unittest.main()
