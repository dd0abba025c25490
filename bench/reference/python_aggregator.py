#!/usr/bin/env python3
"""Yardstick of bench/run.sh: the report's counting done with Python's json module, line by line.

Only the counting (overview per service, per-section users and outcomes, VA risk levels, DLP
channels; no de-duplication, no month, no validation of times). Only timed.
"""
import json
import sys
from collections import Counter, defaultdict

MAIL = {"Exchange Online", "Gmail", "Exchange Server"}
SECTION = {"Malware Scanning": "malware", "File Blocking": "file_blocking",
           "Web Reputation": "web_reputation"}
REMEDIATED = ("quarantin", "delet", "replac", "block", "remov", "clean", "strip")
KEPT = ("pass", "log", "monitor", "deliver", "tag", "label")


def outcome(action, result, policy):
    if result and result != "success":
        return "failed"
    if "(monitor only)" in policy.lower():
        return "left_in_place"
    a = action.lower()
    if any(w in a for w in REMEDIATED):
        return "remediated"
    if not a or any(w in a for w in KEPT):
        return "left_in_place"
    return "unknown"


def main(path):
    users = defaultdict(Counter)
    outcomes = defaultdict(Counter)
    services = defaultdict(lambda: [0, 0])
    risk = Counter()
    channels = Counter()
    records = errors = 0
    with open(path, "rb") as f:
        for line in f:
            if not line.strip():
                continue
            records += 1
            try:
                e = json.loads(line)
                m = e.get("message") or {}
            except ValueError:
                errors += 1
                continue
            event = e.get("event", "")
            dlp = event == "data_loss_prevention"
            services[e.get("service", "")][1 if dlp else 0] += 1
            section = {"virtual_analyzer": "virtual_analyzer", "ransomware": "ransomware",
                       "data_loss_prevention": "dlp"}.get(event)
            if event == "security_risk_scan":
                section = SECTION.get(m.get("triggered_security_filter") or "")
            if section is None:
                continue
            users[section][(m.get("affected_user") or "").strip().lower()] += 1
            outcomes[section][outcome(m.get("action") or "", m.get("action_result") or "",
                                      m.get("triggered_policy_name") or "")] += 1
            if section == "virtual_analyzer":
                risk[(m.get("risk_level") or "").lower()[:3]] += 1
            if dlp:
                channels["mail" if e.get("service") in MAIL else "storage"] += 1
    print("records %d errors %d users %d" % (records, errors,
                                              len(set().union(*[set(u) for u in users.values()]))))
    for s in ("malware", "file_blocking", "web_reputation", "virtual_analyzer", "dlp", "ransomware"):
        print("%s total %d distinct_users %d" % (s, sum(users[s].values()), len(users[s])))


if __name__ == "__main__":
    main(sys.argv[1])
