#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/seed_*) from the
golden inputs, the hostile-input cases and a few large inputs, deterministically, and their
libFuzzer dictionaries (tests/fuzz/dict/<target>.dict).

    tests/fuzz/make_seeds.py [--cli build/dev/examples/casreport]

With --cli, saved states of the golden inputs are written too (fuzz_state). Files that do not
start with "seed_" (past crashes, inputs a campaign kept) are left alone. Each target reads a
few settings bytes before its input (see the target's source); seeds put neutral ones first.
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import json
import lzma
import os
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FUZZ = ROOT / "tests" / "fuzz" / "corpus"
GOLDEN = ROOT / "tests" / "golden"
SAME = GOLDEN / "same_events"
SAMPLE = ROOT / "examples" / "data" / "sample.ndjson"
HOSTILE_STATES = ROOT / "tests" / "data" / "hostile" / "states"


def event(i: int, user: str, service: str = "Exchange Online", sender: str = "<bad@evil.example>",
          threat: str = "Malware: TROJ_X", time: str = "2025-06-02T00:15:42.000Z") -> dict:
    return {"log_item_id": f"id-{i}", "service": service, "event": "security_risk_scan",
            "message": {"affected_user": user, "detection_time": time,
                        "triggered_security_filter": "Malware Scanning", "action": "Quarantine",
                        "action_result": "success", "mail_message_sender": sender,
                        "security_risk_name": threat, "file_sha1": f"{i:040x}"}}


# Strings an attacker puts in log fields: terminal escapes, bidi controls, noncharacters,
# markup, formulas, addresses, very long values.
HOSTILE_STRINGS = [
    "\x1b[31mred\x1b[0m@x.jp", "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07",
    "a\rb\bc\x07d\x00e@x.jp", "\u202eexe.txt", "\ufffe\uffff", "www.evil.example",
    "https://evil.example/a_b*c", "<script>alert(1)</script>", "=HYPERLINK(\"x\")",
    "| pipe | `tick` *star*", "trent@corp.example", "\u0085next\u2028line",
    "x" * 5000 + "@x.jp",
]


def hostile_ndjson() -> bytes:
    lines = []
    for i, s in enumerate(HOSTILE_STRINGS):
        lines.append(json.dumps(event(i, s, service=s if i % 3 == 0 else "Exchange Online",
                                      sender=s, threat=s)))
    lines.append('{"message":{"affected_user":"a@x.jp","detection_time":"0001-01-01T00:00:00+09:00"'
                 ',"event":"dlp"},"event":"dlp"}')
    lines.append("[" * 2000 + "]" * 2000)
    lines.append('{"event":"dlp","message":{"affected_user":"\xff\xfe","detection_time":"x"}}')
    return ("\n".join(lines) + "\n").encode("utf-8", "surrogateescape")


def large_ndjson(n: int = 400) -> bytes:
    return "".join(json.dumps(event(i, f"user{i % 37}@example.co.jp")) + "\n"
                   for i in range(n)).encode()


# Dictionary words, as the bytes they stand for (write_dict escapes them).
JSON_WORDS = [
    "log_item_id", "service", "event", "message", "security_events", "next_link",
    "current_link", "affected_user", "detection_time", "triggered_security_filter",
    "triggered_policy_name", "action", "action_result", "risk_level", "security_risk_name",
    "file_sha1", "file_name", "mail_message_id", "mail_message_file_name", "mail_message_sender",
    "Exchange Online", "exchange", "Box", "Gmail", "teams_chat", "Exchange Server",
    "security_risk_scan", "virtual_analyzer", "ransomware", "dlp", "Malware Scanning",
    "File Blocking", "Web Reputation", "Quarantine", "Delete", "Pass", "success", "failure",
    "(Monitor Only)", "high", "medium", "2025-06-02T00:15:42.000Z", "2025-06-30T23:59:59+09:00",
    r"\u0040", r"\ud83d\ude00", r"\"", "null", "true", "false", "CEF:0|Trend Micro|",
]
CSV_WORDS = [
    "Detection Time", "Log Type", "Scan Source", "Affected User", "Security Filter",
    "Triggered Policy", "Action", "Action Result", "Risk Level", "Security Risk Name", "SHA-1",
    "File Name", "Message ID", "Attachment", "Sender", "Log Item ID", "検出日時", "ログの種類",
    "検索元", "影響を受けたユーザー", "セキュリティフィルタ", "処理", "不正プログラム検索",
    "2025/6/2 9:15:42", '""', "\r\n", "\ufeff", "Zeitpunkt", "Benutzer",
]
CEF_WORDS = [
    "CEF:0|Trend Micro|CAS|", "|securityrisk|High ", "<134>Jun  2 09:15:42 relay ",
    "DevicePayloadId=", "destinationServiceName=", "cat=", "TrendMicroCasAffectedUser=", "rt=",
    "TrendMicroCasPolicyName=", "TrendMicroCasFilter=", "act=", "outcome=", "suid=", "suser=",
    "TrendMicroCasMailFileName=", "fname=", "fileHash=", "TrendMicroCasSecurityRiskName=",
    "cs1Label=", "cs1=", r"\=", r"\|", r"\n", "1749000000000",
]
GZIP_WORDS = [b"\x1f\x8b\x08\x00", b"\x1f\x8b\x08\x08", b"\x00\x00\x00\x00", b"\x03\x00",
              b"\x28\xb5\x2f\xfd", b"\xfd7zXZ\x00", b"BZh9", b"1AY&SY"]
STATE_WORDS = [b"CASRSTAT", b"\x01\x00\x00\x00", b"\xe9\x07\x00\x00", b"\x06\x00\x00\x00",
               b"\x1c\x02\x00\x00", b"\xff\xff\xff\xff\xff\xff\xff\x7f",
               b"\x00\x00\x00\x00\x00\x00\x00\x80", b"\xff\xff\xff\xff\xff\x00\x00\x00", b"a@x.jp"]
REPORT_WORDS = [
    "schema_version", "generator", "period", "month", "timezone", "input", "records",
    "accepted", "rejected", "duplicates", "out_of_period", "first_detection", "last_detection",
    "rejections", "overview", "other_services", "sections", "malware", "file_blocking",
    "web_reputation", "virtual_analyzer", "ransomware", "dlp", "total", "distinct_users", "top",
    "user", "count", "percent", "outcomes", "risk_levels", "channels", "findings", "subjects",
    "1099511627775", "1099511627776", "9223372036854775808", "18446744073709551615", "-1", "1e30",
]
RENDER_WORDS = ["\x1b[", "\x1b]8;;", "\x07", "\x00", "\r", "\x08", "\u202e", "\ufffe", "\uffff",
                "\u0085", "www.", "https://", "@", "<", "&", "`", "|", "=", "\n"]


def write_dict(target: str, words: list) -> None:
    """A libFuzzer dictionary: one "..." word a line, bytes outside printable ASCII (and the
    backslash and quote) written as \\xNN."""
    d = ROOT / "tests" / "fuzz" / "dict"
    d.mkdir(parents=True, exist_ok=True)
    lines = [f"# {target}: written by tests/fuzz/make_seeds.py"]
    for w in words:
        raw = w if isinstance(w, bytes) else w.encode("utf-8")
        lines.append('"' + "".join(chr(b) if 0x20 <= b < 0x7f and b not in (0x22, 0x5c)
                                   else f"\\x{b:02x}" for b in raw) + '"')
    (d / f"{target}.dict").write_text("\n".join(lines) + "\n")


def write(target: str, name: str, data: bytes, prefix: bytes = b"") -> None:
    d = FUZZ / target
    d.mkdir(parents=True, exist_ok=True)
    (d / f"seed_{name}").write_bytes(prefix + data)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", help="the casreport tool, to save states of the golden inputs")
    args = ap.parse_args()

    sample = SAMPLE.read_bytes()
    ndjson = (SAME / "input.ndjson").read_bytes()
    pages = (GOLDEN / "pages_and_arrays" / "input.json").read_bytes()
    quirks = (GOLDEN / "quirks_ndjson" / "input.ndjson").read_bytes()
    cef_pages = (SAME / "events_cef_pages.json").read_bytes()
    csv_en = (SAME / "events_en.csv").read_bytes()
    csv_ja = (SAME / "events_ja.csv").read_bytes()
    csv_bad = (GOLDEN / "csv_cef_rejections" / "input.csv").read_bytes()
    cef = (SAME / "events.cef").read_bytes()
    cef_bad = (GOLDEN / "csv_cef_rejections" / "input.cef").read_bytes()
    hostile = hostile_ndjson()
    large = large_ndjson()

    # JSON shapes, both layouts (first byte: layout and field limit; second: the split).
    for name, data in [("sample", sample), ("ndjson", ndjson), ("pages", pages),
                       ("quirks", quirks), ("cef_pages", cef_pages), ("hostile", hostile),
                       ("large", large)]:
        write("fuzz_json", name, data, b"\x00\x07")
    write("fuzz_json", "strict_small_limit", quirks, b"\x13\x02")

    # CSV exports (first byte: log type, column map, zone).
    big_csv = csv_en + b"\n".join(csv_en.splitlines()[1:]) * 12
    for name, data in [("en", csv_en), ("ja", csv_ja), ("rejections", csv_bad),
                       ("mapped", (ROOT / "tests" / "cli" / "mapped.csv").read_bytes()),
                       ("no_log_type", (ROOT / "tests" / "cli" / "no_log_type.csv").read_bytes()),
                       ("large", big_csv)]:
        write("fuzz_csv", name, data, b"\x98\x05")

    for name, data in [("events", cef), ("rejections", cef_bad),
                       ("large", cef * 6), ("hostile", b"<134>Jun  2 09:15:42 relay CEF:0|Trend "
                        b"Micro|CAS|1|100|securityrisk|High rt=1749000000000 cs1Label=Security "
                        b"Risk Name cs1=\x1b[2J suser=trent@corp.example fname=a\\=b\\\\c\n")]:
        write("fuzz_cef", name, data, b"\x03")

    members = gzip.compress(sample[:4000]) + gzip.compress(sample[4000:])
    for name, data in [("one", (SAME / "input.ndjson.gz").read_bytes()),
                       ("members", members), ("trailing_zeros", members + b"\0" * 64),
                       ("truncated", members[:-9]), ("trailing_junk", members + b"junk"),
                       ("bomb_1m", gzip.compress(b"\n" * (1 << 20), compresslevel=9))]:
        write("fuzz_gzip", name, data, b"\x00\x05")
    # The first byte chooses the codec: 0x40 xz, 0x60 bzip2 (0x20 zstd: no seed, Python has none).
    write("fuzz_gzip", "xz", lzma.compress(sample[:8000]), b"\x40\x05")
    write("fuzz_gzip", "bzip2", bz2.compress(sample[:8000]), b"\x60\x05")

    for path in sorted(HOSTILE_STATES.glob("*.state")):
        write("fuzz_state", path.stem, path.read_bytes())
    if args.cli:
        with tempfile.TemporaryDirectory() as tmp:
            for name, extra, src in [("sample", [], SAMPLE), ("sample_no_dedupe", ["--no-dedupe"], SAMPLE),
                                     ("all_months", [], GOLDEN / "multi_file" / "a.ndjson"),
                                     ("csv_cef", [], GOLDEN / "csv_cef_rejections" / "input.cef")]:
                out = Path(tmp) / "s"
                month = [] if name == "all_months" else ["--month", "2025-06"]
                subprocess.run([args.cli, "-q", *month, *extra, "--save-state", str(out), str(src)],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                write("fuzz_state", name, out.read_bytes())

    for case in sorted(GOLDEN.glob("*/expected.json")):
        write("fuzz_previous", case.parent.name, case.read_bytes())
    write("fuzz_previous", "previous", (GOLDEN / "bundled_sample" / "previous.json").read_bytes())
    write("fuzz_previous", "count_2p63",
          (ROOT / "tests" / "data" / "hostile" / "previous_count_2p63.json").read_bytes())

    write("fuzz_render", "hostile", "\n".join(HOSTILE_STRINGS).encode(), b"\x00\x03\x05\x07")
    for choice in range(5):
        write("fuzz_render", f"format_{choice}", "\n".join(HOSTILE_STRINGS[choice:]).encode(),
              bytes([choice | 0x18 | 0x20, 9, 1, 4]))

    # The whole aggregator (first bytes: format, options, field limit, split).
    feed_inputs = [("sample", sample), ("pages", pages), ("csv_ja", csv_ja), ("cef", cef),
                   ("gzip", (SAME / "input.ndjson.gz").read_bytes()), ("hostile", hostile),
                   ("large", large)]
    for i, (name, data) in enumerate(feed_inputs):
        write("fuzz_feed", name, data, b"\x00\x02\x40\x11")
        # The third byte picks the format, the language and last month: each seed another.
        write("fuzz_feed_render", name, data, b"\x00\x32" + bytes([i * 7 % 32]))

    for target in ["fuzz_fast_scan", "fuzz_json"]:
        write_dict(target, JSON_WORDS)
    write_dict("fuzz_csv", CSV_WORDS)
    write_dict("fuzz_cef", CEF_WORDS)
    write_dict("fuzz_gzip", GZIP_WORDS)
    write_dict("fuzz_state", STATE_WORDS)
    write_dict("fuzz_previous", REPORT_WORDS)
    write_dict("fuzz_render", RENDER_WORDS)
    for target in ["fuzz_feed", "fuzz_feed_render"]:
        write_dict(target, JSON_WORDS + CSV_WORDS + CEF_WORDS + GZIP_WORDS)


if __name__ == "__main__":
    main()
