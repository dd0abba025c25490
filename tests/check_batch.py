#!/usr/bin/env python3
"""`casreport batch` as an MSP runs it on the first of the month: four tenants (one in Japanese,
one in English with redaction and gzip and a hidden file, one with a file that is no log, one
with an unknown tenant.json key) give exit status 3, the expected summary, per-tenant reports
equal to single runs with the same options, an index page that is well-formed, byte-identical
files on a second run, and a next month that picks up this month's reports as previous. Python's
casreport.batch (through the C ABI) gives the same summary.

usage: check_batch.py CASREPORT SAMPLE NOT_A_LOG WORKDIR   (PYTHONPATH and CASREPORT_LIBRARY set
for the binding)"""

import gzip
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET


def main(cli, sample, not_a_log, work):
    problems = []

    def expect(cond, what):
        if not cond:
            problems.append(what)

    shutil.rmtree(work, ignore_errors=True)
    tenants = os.path.join(work, "tenants")
    out = os.path.join(work, "out")
    data = open(sample, "rb").read()

    def tenant(tid, files, config=None):
        d = os.path.join(tenants, tid)
        os.makedirs(d, exist_ok=True)
        for name, body in files.items():
            p = os.path.join(d, name)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            open(p, "wb").write(body)
        if config is not None:
            open(os.path.join(d, "tenant.json"), "w", encoding="utf-8").write(json.dumps(config))

    tenant("acme", {"logs/2025-06.ndjson": data},
           {"name": "株式会社サンプル", "provider": "Example MSP"})
    tenant("globex", {"june.ndjson.gz": gzip.compress(data), ".DS_Store": b"\x00junk",
                      ".hidden/x.ndjson": b"not read"},
           {"name": "Globex", "lang": "en", "redact": True, "formats": ["json", "md"], "top": 3})
    tenant("initech", {"notes.txt": open(not_a_log, "rb").read()})
    tenant("umbrella", {"a.ndjson": data}, {"colour": "red"})

    def batch(month, *extra):
        return subprocess.run([cli, "batch", "--month", month, "--out", out, "--jobs", "2",
                               "--issued", "2025-07-01", *extra, tenants],
                              capture_output=True, text=True)

    r = batch("2025-06")
    expect(r.returncode == 3, f"exit {r.returncode}, expected 3: {r.stderr}")
    month_dir = os.path.join(out, "2025-06")
    summary = json.load(open(os.path.join(month_dir, "summary.json"), encoding="utf-8"))
    rows = {t["id"]: t for t in summary["tenants"]}
    expect(sorted(rows) == ["acme", "globex", "initech", "umbrella"], f"tenants {sorted(rows)}")
    expect(rows["acme"]["status"] == "ok" and rows["globex"]["status"] == "ok", "ok tenants")
    expect(rows["acme"]["records"] == 44 and rows["acme"]["accepted"] == 41, "acme's counts")
    expect(rows["initech"]["status"] == "error" and "notes.txt" in rows["initech"]["error"],
           f"initech: {rows['initech']}")
    expect(rows["umbrella"]["status"] == "error" and "tenant.json" in rows["umbrella"]["error"]
           and "'colour'" in rows["umbrella"]["error"], f"umbrella: {rows['umbrella']}")
    csv = open(os.path.join(month_dir, "summary.csv"), encoding="utf-8-sig").read().splitlines()
    expect(csv[0] == "id,name,status,records,accepted,rejected,atp,dlp,critical,high,medium,"
           "info,error", f"summary.csv header {csv[0]!r}")
    expect(len(csv) == 5, "summary.csv rows")

    # Each tenant's report is the single run's with the same options.
    def single(args, path):
        s = subprocess.run([cli, "--month", "2025-06", "--issued", "2025-07-01", *args, path],
                           capture_output=True)
        return s.stdout

    acme_json = open(os.path.join(month_dir, "acme", "report.json"), "rb").read()
    # (Sources are named by their path under TENANTS, as a single run given that path names them.)
    acme_log = os.path.join(tenants, "acme", "logs", "2025-06.ndjson")
    expect(acme_json == single(["--format", "json", "--customer", "株式会社サンプル",
                                "--provider", "Example MSP"], acme_log), "acme's report.json")
    expect(os.path.exists(os.path.join(month_dir, "acme", "report.html")), "acme's html")
    globex_md = open(os.path.join(month_dir, "globex", "report.md"), "rb").read()
    gz = os.path.join(tenants, "globex", "june.ndjson.gz")
    expect(globex_md == single(["--format", "md", "--lang", "en", "--redact", "--top", "3",
                                "--customer", "Globex"], gz), "globex's report.md")
    expect(not os.path.exists(os.path.join(month_dir, "globex", "report.html")),
           "globex asked for json and md only")
    expect(os.path.exists(os.path.join(month_dir, "globex", "state.bin")), "globex's state")

    # The index: well-formed, the failures first, links to the reports.
    root = ET.parse(os.path.join(month_dir, "index.html")).getroot()
    ns = "{http://www.w3.org/1999/xhtml}"
    body_rows = [tr for tr in root.iter(ns + "tr") if tr.find(ns + "td") is not None]
    first = [tr.find(ns + "td").text for tr in body_rows]
    expect(first[:2] == ["initech", "umbrella"], f"index order {first}")
    links = [a.get("href") for a in root.iter(ns + "a")]
    expect("acme/report.html" in links and "globex/report.md" in links, f"links {links}")
    policy = [m.get("content", "") for m in root.iter(ns + "meta")
              if m.get("http-equiv") == "Content-Security-Policy"]
    expect(len(policy) == 1 and "default-src 'none'" in policy[0],
           f"the index forbids scripts and loads: {policy}")

    # Byte-identical on a second run.
    before = {}
    for d, _, files in os.walk(month_dir):
        for f in files:
            p = os.path.join(d, f)
            before[p] = open(p, "rb").read()
    r = batch("2025-06")
    for p, b in before.items():
        expect(open(p, "rb").read() == b, f"{p} differs on a second run")

    # July picks up June's reports as previous.
    r = batch("2025-07")
    expect(r.returncode == 3, f"July exit {r.returncode}")
    july = json.load(open(os.path.join(out, "2025-07", "acme", "report.json"), encoding="utf-8"))
    expect("previous" in july and july["previous"]["period"]["month"] == "2025-06",
           "July's acme report compares with June")
    expect(july["change"]["sections"]["malware"]["total"] == -12, "July's change")

    # Python through the C ABI: the same round, the same summary.
    sys.path.insert(0, os.environ.get("CASREPORT_PYTHONPATH", ""))
    import casreport
    py_out = os.path.join(work, "py-out")
    py_rows = casreport.batch(tenants, py_out, month="2025-06", jobs=2, issued="2025-07-01")
    expect([(t["id"], t["status"]) for t in py_rows] ==
           [(t["id"], t["status"]) for t in summary["tenants"]], "Python's summary")
    expect(open(os.path.join(py_out, "2025-06", "acme", "report.json"), "rb").read() == acme_json,
           "Python's acme report")

    # --defaults: every tenant's keys, a tenant's own file winning key by key.
    defaults = os.path.join(work, "msp.json")
    open(defaults, "w", encoding="utf-8").write(json.dumps({"provider": "Default MSP", "top": 2}))
    d_out = os.path.join(work, "defaults-out")
    r = subprocess.run([cli, "batch", "--month", "2025-06", "--out", d_out, "--defaults", defaults,
                        "--formats", "md", "--issued", "2025-07-01", tenants],
                       capture_output=True, text=True)
    expect(r.returncode == 3, f"--defaults exit {r.returncode}: {r.stderr}")
    g = open(os.path.join(d_out, "2025-06", "globex", "report.md"), encoding="utf-8").read()
    a = open(os.path.join(d_out, "2025-06", "acme", "report.md"), encoding="utf-8").read()
    expect("Prepared by: Default MSP" in g, "globex takes the default provider")
    expect("\n| 3 | `" in g, "globex's own top 3 wins over the default top 2")
    expect("提供: Example MSP" in a and "| 3 | `" not in a, "acme keeps its provider, takes top 2")
    open(defaults, "w").write('{"colour": 1}')
    r = subprocess.run([cli, "batch", "--month", "2025-06", "--out", d_out, "--defaults", defaults,
                        tenants], capture_output=True, text=True)
    expect(r.returncode == 1 and "colour" in r.stderr, f"bad --defaults: {r.returncode} {r.stderr}")

    # Usage errors.
    r = subprocess.run([cli, "batch", "--out", out, tenants], capture_output=True, text=True)
    expect(r.returncode == 1 and "--month" in r.stderr, f"no --month: {r.returncode}")

    for p in problems:
        print(p, file=sys.stderr)
    print(f"batch: {len(problems)} problems" if problems else "batch: all checked")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
