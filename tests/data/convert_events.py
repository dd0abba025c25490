#!/usr/bin/env python3
"""Writes the same CAS events in every input form casreport reads, for the golden tests that
check that every form gives the same report (tests/golden/same_events*).

    python3 tests/data/convert_events.py IN.ndjson OUT_DIR

IN.ndjson holds one event object per line (the shape of a `security_events` element); lines
that are not such objects are skipped. OUT_DIR receives:

  events_en.csv    a console-style CSV export with English headers: UTF-8 BOM, CRLF, times in
                   Japan time without a zone ("2025-06-02 16:25:12.230"), quoted fields
                   holding commas, quotes and line breaks (in columns casreport ignores)
  events_ja.csv    the same with Japanese headers and the Japanese console's log-type and
                   security-filter labels, LF, times as "2025/06/02 16:25:12.230"
  events.cef       one CEF record per line as the CAS API writes them (a space between the
                   severity and the extension); every fifth `rt` in epoch milliseconds, every
                   seventh line behind a syslog prefix
  events_cef_pages.json
                   the CEF records as the string elements of two API pages (format=cef)

The NDJSON itself, compressed by the command-line tools, gives the compressed forms:
`gzip -n -9` (input.ndjson.gz), `pzstd -p 2 -3` (input.ndjson.zst, a skippable frame
before the frame), `xz -6` (input.ndjson.xz) and `bzip2 -9` (input.ndjson.bz2). casreport's own reading of these files is what the tests check; this
script only writes them.
"""
import datetime
import json
import os
import sys

JST = datetime.timezone(datetime.timedelta(hours=9))

# The fields a report uses, then two that casreport ignores (to exercise quoting).
COLUMNS = [
    # (event field, message?, English header, Japanese header)
    ("detection_time", True, "Detection Time", "検出日時"),
    ("event", False, "Log Type", "ログの種類"),
    ("service", False, "Scan Source", "検索元"),
    ("affected_user", True, "Affected User", "影響を受けたユーザ"),
    ("triggered_security_filter", True, "Security Filter", "セキュリティフィルタ"),
    ("security_risk_name", True, "Security Risk Name", "セキュリティリスク名"),
    ("risk_level", True, "Risk Level", "リスクレベル"),
    ("action", True, "Action", "処理"),
    ("action_result", True, "Action Result", "処理結果"),
    ("triggered_policy_name", True, "Triggered Policy", "ポリシー"),
    ("mail_message_sender", True, "Sender", "送信者"),
    ("mail_message_id", True, "Message ID", "メッセージID"),
    ("mail_message_file_name", True, "Attachment Name", "添付ファイル名"),
    ("file_name", True, "File Name", "ファイル名"),
    ("file_sha1", True, "SHA-1", "SHA-1ハッシュ値"),
    ("log_item_id", False, "Log Item ID", "ログID"),
    ("location", True, "Location", "場所"),
    ("mail_message_subject", True, "Subject", "件名"),
]

JA_KIND = {
    "security_risk_scan": "セキュリティリスク検索",
    "virtual_analyzer": "仮想アナライザ",
    "ransomware": "ランサムウェア",
    "data_loss_prevention": "情報漏えい対策",
}
JA_FILTER = {
    "Malware Scanning": "不正プログラム検索",
    "File Blocking": "ファイルブロック",
    "Web Reputation": "Webレピュテーション",
    "Advanced Spam Protection": "高度なスパムメール対策",
}
REQUEST_KIND = {  # the CEF header's name: the request event type
    "security_risk_scan": "securityrisk",
    "virtual_analyzer": "virtualanalyzer",
    "ransomware": "ransomware",
    "data_loss_prevention": "dlp",
}
CEF_KEYS = [  # (event field, message?, CEF key)
    ("log_item_id", False, "DevicePayloadId"),
    ("service", False, "destinationServiceName"),
    ("event", False, "cat"),
    ("scan_type", True, "msg"),
    ("affected_user", True, "TrendMicroCasAffectedUser"),
    ("location", True, "TrendMicroCasLocation"),
    ("detection_time", True, "rt"),
    ("triggered_policy_name", True, "TrendMicroCasPolicyName"),
    ("triggered_security_filter", True, "TrendMicroCasFilter"),
    ("action", True, "act"),
    ("outcome", True, "outcome"),
    ("mail_message_id", True, "suid"),
    ("mail_message_sender", True, "suser"),
    ("mail_message_subject", True, "TrendMicroCasMailSubject"),
    ("mail_message_file_name", True, "TrendMicroCasMailFileName"),
    ("file_name", True, "fname"),
    ("file_sha1", True, "fileHash"),
    ("security_risk_name", True, "TrendMicroCasSecurityRiskName"),
    ("risk_level", True, "TrendMicroCasRiskLevel"),
]


def value(ev, field, in_message):
    v = (ev.get("message") or {}).get(field) if in_message else ev.get(field)
    if field == "outcome":
        v = (ev.get("message") or {}).get("action_result")
    return v if isinstance(v, str) else ""


def instant(iso):
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))


def local_time(iso, slashed):
    t = instant(iso).astimezone(JST)
    s = t.strftime("%Y/%m/%d %H:%M:%S" if slashed else "%Y-%m-%d %H:%M:%S")
    if t.microsecond:
        s += ".%03d" % (t.microsecond // 1000)
    return s


def csv_cell(s):
    if any(c in s for c in ',"\r\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def write_csv(events, path, japanese):
    rows = [[c[3] if japanese else c[2] for c in COLUMNS]]
    for ev in events:
        row = []
        for field, in_message, _, _ in COLUMNS:
            v = value(ev, field, in_message)
            if field == "detection_time":
                v = local_time(v, slashed=japanese)
            elif japanese and field == "event":
                v = JA_KIND.get(v, v)
            elif japanese and field == "triggered_security_filter":
                v = JA_FILTER.get(v, v)
            elif field == "mail_message_subject" and v:
                v = v + ', "fw"\nsecond line'  # quoting and a line break inside a field
            row.append(v)
        rows.append(row)
    eol = "\n" if japanese else "\r\n"
    text = eol.join(",".join(csv_cell(c) for c in r) for r in rows) + eol
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text if japanese else "\ufeff" + text)


def cef_escape(s):
    return (s.replace("\\", "\\\\").replace("=", "\\=").replace("\r", "\\r")
            .replace("\n", "\\n"))


def cef_record(ev, n):
    kind = ev.get("event", "")
    severity = "High" if kind in ("virtual_analyzer", "ransomware") else "Medium"
    head = "CEF:0|Trend Micro|CAS|5.0|100|%s|%s" % (REQUEST_KIND.get(kind, kind), severity)
    pairs = []
    for field, in_message, key in CEF_KEYS:
        v = value(ev, field, in_message)
        if not v:
            continue
        if key == "rt" and n % 5 == 0:
            v = str(int(instant(v).timestamp() * 1000 + 0.5))
        pairs.append("%s=%s" % (key, cef_escape(v)))
    return head + " " + " ".join(pairs)


def main():
    src, out = sys.argv[1], sys.argv[2]
    events = []
    with open(src, encoding="utf-8") as f:
        for line in f:
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            if isinstance(ev, dict):
                events.append(ev)
    os.makedirs(out, exist_ok=True)
    write_csv(events, os.path.join(out, "events_en.csv"), japanese=False)
    write_csv(events, os.path.join(out, "events_ja.csv"), japanese=True)
    records = [cef_record(ev, n) for n, ev in enumerate(events)]
    with open(os.path.join(out, "events.cef"), "w", encoding="utf-8", newline="") as f:
        for n, r in enumerate(records):
            prefix = "<134>Jun 30 23:59:59 cas-relay " if n % 7 == 3 else ""
            f.write(prefix + r + "\n")
    half = len(records) // 2
    with open(os.path.join(out, "events_cef_pages.json"), "w", encoding="utf-8") as f:
        for page, next_link in ((records[:half], "https://api.example/next"),
                                (records[half:], "")):
            f.write(json.dumps({"current_link": "", "next_link": next_link,
                                "security_events": page}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
