"""Checks HTML reports: well-formed XML (XHTML syntax), self-contained, and in the guide's order.

Usage: python3 check_html.py REPORT.html...   (exit status 1 on the first problem)
"""
import re
import sys
import xml.etree.ElementTree as ET

XHTML = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
SECTIONS = ["overview", "malware", "file_blocking", "web_reputation", "virtual_analyzer", "dlp",
            "ransomware"]
TITLES = {
    "ja": ["概要", "ウイルス/不正プログラム", "ファイルブロック", "Webレピュテーション",
           "仮想アナライザ", "情報漏えい対策", "ランサムウェア"],
    "en": ["Overview", "Virus/Malware", "File Blocking", "Web Reputation", "Virtual Analyzer",
           "Data Loss Prevention", "Ransomware"],
}


def text_of(element):
    return "".join(element.itertext()).strip()


def check(path):
    with open(path, encoding="utf-8") as f:
        source = f.read()
    root = ET.fromstring(source)  # raises on anything that is not well-formed
    problems = []
    if root.tag != XHTML + "html":
        problems.append("the root is not an XHTML <html>")
    lang = root.get("lang")
    # Nothing runs and nothing is fetched.
    for tag in ("script", "link", "iframe", "object", "embed", "img"):
        if any(True for _ in root.iter(XHTML + tag)):
            problems.append("has a <%s>" % tag)
    for element in root.iter():
        for name, value in element.attrib.items():
            if name.startswith("on"):
                problems.append("has an event handler %s" % name)
            if name in ("src", "href") and not value.startswith("#"):
                problems.append("refers outside: %s=%s" % (name, value))
            if re.search(r"(?i)(https?:|url\(|javascript:)", value):
                problems.append("attribute %s refers outside: %s" % (name, value))
    # And the browser is told so: the content policy forbids scripts and every load from
    # outside, whatever markup might slip through.
    policies = [m.get("content", "") for m in root.iter(XHTML + "meta")
                if m.get("http-equiv", "").lower() == "content-security-policy"]
    if len(policies) != 1 or "default-src 'none'" not in policies[0] \
            or "script-src" in policies[0] or "http" in policies[0]:
        problems.append("no content policy that forbids scripts and loads: %s" % policies)
    # Data may quote URLs as text (a threat's address); styles may load nothing.
    for style in root.iter(XHTML + "style"):
        css = style.text or ""
        if "@import" in css or "url(" in css or "@font-face" in css:
            problems.append("the CSS loads something")
    # The sections in the guide's order, with the guide's titles.
    pages = [s for s in root.iter(XHTML + "section") if "page" in s.get("class", "").split()]
    if [s.get("id") for s in pages] != SECTIONS:
        problems.append("sections %s" % [s.get("id") for s in pages])
    titles = [text_of(s.find(XHTML + "h2")) for s in pages]
    if lang in TITLES and titles != TITLES[lang]:
        problems.append("titles %s" % titles)
    if "size: A4" not in source or "counter(pages)" not in source:
        problems.append("no A4 pages numbered 'n / N'")
    # Charts: the top table of each non-empty section carries its bars; rings for risk levels
    # and channels.
    if not any(True for _ in root.iter(SVG + "svg")):
        problems.append("no SVG chart")
    for page in pages[1:]:
        empty = any("empty" in p.get("class", "").split() for p in page.iter(XHTML + "p"))
        tops = [t for t in page.iter(XHTML + "table") if "top" in t.get("class", "").split()]
        bars = [b for t in tops for b in t.iter(XHTML + "span")
                if "bar" in b.get("class", "").split()]
        if not empty and (len(tops) != 1 or not bars):
            problems.append("section %s has no top table with bars" % page.get("id"))
    return problems


def main(paths):
    failed = False
    for path in paths:
        try:
            problems = check(path)
        except ET.ParseError as e:
            problems = ["not well-formed: %s" % e]
        for p in problems:
            print("%s: %s" % (path, p))
            failed = True
    if not paths:
        print("no files to check")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
