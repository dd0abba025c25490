"""Small months of CAS events for the scale-out tests, made here (no ../shared needed).

A month is cut into files, in order. Campaigns (one sender, threat and attachment each) reach
several of a few users by mail, so the targeted-attack findings fire; some records repeat an
earlier record's log_item_id with other content (another user, another day: which copy counts
shows in the report), some repeat an earlier line that has no id, some fall outside the month,
some cannot be read (more than the 100 rejections a report lists), and one service is unknown.
"""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path
from typing import List

CAMPAIGNS = [  # service, event, filter, action, risk level
    ("Exchange Online", "security_risk_scan", "Malware Scanning", "Quarantine", ""),
    ("Gmail", "security_risk_scan", "Web Reputation", "Pass", ""),
    ("Exchange Online", "virtual_analyzer", "", "Log only", "High risk"),
    ("OneDrive", "security_risk_scan", "File Blocking", "Delete", ""),
    ("Exchange Online", "data_loss_prevention", "", "Pass", ""),
    ("Slack Chat", "ransomware", "", "Quarantine", ""),
    ("Box", "security_risk_scan", "Advanced Spam Protection", "Quarantine", ""),
    ("Gmail", "security_risk_scan", "Malware Scanning", "Log only", ""),
]


def month_lines(records: int, seed: int, users: int = 12) -> List[str]:
    """`records` lines of June 2025 (and a little of May), NDJSON."""
    r = random.Random(seed)
    lines: List[str] = []
    ids: List[str] = []
    id_less: List[str] = []
    for i in range(records):
        roll = r.randrange(100)
        if roll < 5:
            lines.append('{"log_item_id": "broken-%d", oops\n' % i)
            continue
        if roll < 7 and id_less:
            lines.append(r.choice(id_less))
            continue
        c = r.randrange(len(CAMPAIGNS))
        service, event, filt, action, risk = CAMPAIGNS[c]
        record_id = None
        if roll < 13 and ids:
            record_id = r.choice(ids)  # seen before, perhaps with another user or day
        elif roll >= 17:
            record_id = f"id-{seed}-{i}"
            ids.append(record_id)
        month = 5 if r.randrange(100) < 4 else 6
        day, hour, minute = r.randint(1, 30), r.randrange(24), r.randrange(60)
        when = "yesterday" if roll == 16 else \
            f"2025-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00Z"
        event_obj = {}
        if record_id is not None:
            event_obj["log_item_id"] = record_id
        event_obj.update({
            "service": service,
            "event": event,
            "message": {
                "affected_user": f"User{r.randrange(users)}@Example.jp",
                "detection_time": when,
                "mail_message_sender": f"Evil {c} <bad{c}@evil.example>",
                "triggered_security_filter": filt,
                "action": action,
                "action_result": "success",
                "security_risk_name": f"TROJ_{c}",
                "file_sha1": "0123456789abcdef"[c] * 40,
                "risk_level": risk,
            },
        })
        line = json.dumps(event_obj, separators=(",", ":")) + "\n"
        if record_id is None:
            id_less.append(line)
        lines.append(line)
    return lines


def write_month(directory: Path, files: int, per_file: int, seed: int = 1,
                gzip_last: bool = True) -> List[str]:
    """The month cut into `files` files of `per_file` lines in `directory`, the last one
    gzipped; their paths, in order."""
    lines = month_lines(files * per_file, seed)
    paths = []
    for k in range(files):
        text = "".join(lines[k * per_file:(k + 1) * per_file]).encode("utf-8")
        if gzip_last and k == files - 1:
            path = directory / f"part{k}.ndjson.gz"
            path.write_bytes(gzip.compress(text, mtime=0))
        else:
            path = directory / f"part{k}.ndjson"
            path.write_bytes(text)
        paths.append(str(path))
    return paths
