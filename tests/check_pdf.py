#!/usr/bin/env python3
"""The PDF a customer receives, checked as a reader would: A4, at most six pages for the bundled
sample, the customer on the first page, every section title, page numbers "n / N" in the footer
of every page; and, with no Chromium to print, a clear error and no file.

usage: check_pdf.py CASREPORT SAMPLE WORKDIR
Needs Debian's chromium, fonts-noto-cjk and poppler-utils (the README's test command installs
them)."""

import os
import re
import subprocess
import sys

SECTIONS = {
    "ja": ["指摘事項", "概要", "ウイルス/不正プログラム", "ファイルブロック", "Webレピュテーション",
           "仮想アナライザ", "情報漏えい対策", "ランサムウェア"],
    "en": ["Findings", "Overview", "Virus/Malware", "File Blocking", "Web Reputation",
           "Virtual Analyzer", "Data Loss Prevention", "Ransomware"],
}
TITLE = {"ja": "Cloud App Security 月次セキュリティレポート",
         "en": "Cloud App Security monthly security report"}
CUSTOMER = {"ja": "株式会社サンプル", "en": "Sample Trading Co."}


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def check(cli, sample, work, lang):
    problems = []
    pdf = os.path.join(work, f"report.{lang}.pdf")
    r = run([cli, "--format", "pdf", "--lang", lang, "--customer", CUSTOMER[lang],
             "--provider", "Example MSP", "--issued", "2025-07-01", "--month", "2025-06",
             sample, "-o", pdf])
    if r.returncode != 0:
        return [f"{lang}: casreport exited {r.returncode}: {r.stderr.strip()}"]
    info = run(["pdfinfo", pdf]).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
    width, height = float(size.group(1)), float(size.group(2))
    if abs(width - 595.3) > 2 or abs(height - 841.9) > 2:
        problems.append(f"{lang}: page size {width} x {height} pts is not A4")
    if not 1 <= pages <= 6:
        problems.append(f"{lang}: {pages} pages, at most 6 expected")
    for n in range(1, pages + 1):
        text = run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", pdf, "-"]).stdout
        if not re.search(rf"(?m)^\s*{n}\s*/\s*{pages}\s*$", text):
            problems.append(f"{lang}: page {n} has no footer '{n} / {pages}'")
        if n == 1:
            for must in (CUSTOMER[lang], "Example MSP", TITLE[lang]):
                if must not in text:
                    problems.append(f"{lang}: the first page does not show {must!r}")
    whole = run(["pdftotext", "-layout", pdf, "-"]).stdout
    for title in SECTIONS[lang]:
        if title not in whole:
            problems.append(f"{lang}: no section titled {title!r}")
    return problems


def check_no_browser(cli, sample, work):
    problems = []
    out = os.path.join(work, "none.pdf")
    env = dict(os.environ, PATH="/nonexistent", CASREPORT_CHROMIUM="")
    r = run([cli, "--format", "pdf", "--month", "2025-06", sample, "-o", out], env=env)
    if r.returncode != 1:
        problems.append(f"without Chromium: exit {r.returncode}, expected 1")
    if "chromium" not in r.stderr:
        problems.append(f"without Chromium: the error does not name the package: {r.stderr!r}")
    if os.path.exists(out):
        problems.append("without Chromium: a file was written all the same")
    r = run([cli, "--format", "pdf", "--chromium", "/nonexistent/chrome", sample, "-o", out])
    if r.returncode != 1 or "/nonexistent/chrome" not in r.stderr or os.path.exists(out):
        problems.append(f"--chromium naming no program: exit {r.returncode}: {r.stderr!r}")
    return problems


def main(cli, sample, work):
    os.makedirs(work, exist_ok=True)
    problems = check(cli, sample, work, "ja") + check(cli, sample, work, "en")
    problems += check_no_browser(cli, sample, work)
    for p in problems:
        print(p, file=sys.stderr)
    print(f"{3 - min(3, len(problems))} passed, {len(problems)} failed" if problems
          else "pdf: A4, numbered pages, customer, sections, no-browser error: all checked")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
