// The second peer of bench/run.sh: DuckDB's read_ndjson doing the report's counting in SQL, on
// one thread. It de-duplicates by counting distinct keys (log_item_id, else the content tuple),
// places each event in the month in Japan time, and counts the overview per service and, per
// section, the total, distinct users, top users, outcomes, risk levels and channels. It prints
// those members in the shape of casreport's JSON report, so compare_reports.py --subset can
// check them. It has no findings, no first and last detection, and no rejections: a line that
// read_ndjson cannot read stops it.
//
//   node duckdb_counts.mjs MODULE_DIR DUMP [YYYY-MM]
//
// MODULE_DIR holds node_modules/@duckdb/node-api (npm install @duckdb/node-api, which brings
// the DuckDB library in @duckdb/node-bindings-linux-x64). Run by bench/run.sh when
// CASREPORT_DUCKDB names that folder.
import { createRequire } from "node:module";
import path from "node:path";

const [moduleDir, dump, month = "2026-10"] = process.argv.slice(2);
if (!moduleDir || !dump) {
    console.error("usage: node duckdb_counts.mjs MODULE_DIR DUMP [YYYY-MM]");
    process.exit(1);
}
const require = createRequire(path.join(path.resolve(moduleDir), "package.json"));
const { DuckDBInstance } = await import(require.resolve("@duckdb/node-api"));

const [year, mon] = month.split("-").map(Number);
const next = mon === 12 ? `${year + 1}-01` : `${year}-${String(mon + 1).padStart(2, "0")}`;
const quote = (s) => "'" + s.replaceAll("'", "''") + "'";

// Folded as the alias tables compare: lower case, no spaces, '_' or '-', no "online"/"microsoft".
const fold = (col) =>
    `replace(replace(regexp_replace(lower(trim(coalesce(${col}, ''))), '[ _-]', '', 'g'), 'online', ''), 'microsoft', '')`;
const sql = `
WITH raw AS (
    SELECT * FROM read_ndjson(${quote(dump)}, format = 'newline_delimited', columns = {
        log_item_id: 'VARCHAR', service: 'VARCHAR', event: 'VARCHAR',
        message: 'STRUCT(log_item_id VARCHAR, affected_user VARCHAR, detection_time VARCHAR,
                         triggered_security_filter VARCHAR, triggered_policy_name VARCHAR,
                         action VARCHAR, action_result VARCHAR, risk_level VARCHAR,
                         security_risk_name VARCHAR, file_sha1 VARCHAR, file_name VARCHAR,
                         mail_message_id VARCHAR, mail_message_file_name VARCHAR)'})
), folded AS (
    SELECT *, ${fold("event")} AS kind_f, ${fold("service")} AS service_f,
           lower(trim(coalesce(message.triggered_security_filter, ''))) AS filter_f,
           lower(trim(coalesce(message.affected_user, ''))) AS usr,
           TRY_CAST(message.detection_time AS TIMESTAMPTZ) AS t
    FROM raw
), events AS (
    SELECT
        coalesce(nullif(log_item_id, ''), nullif(message.log_item_id, ''),
                 concat_ws(chr(1), service_f, kind_f, t::VARCHAR, usr, message.triggered_security_filter,
                           message.security_risk_name, message.file_sha1, message.file_name,
                           message.mail_message_id, message.mail_message_file_name)) AS k,
        usr, t,
        t >= TIMESTAMPTZ '${month}-01 00:00:00+09' AND t < TIMESTAMPTZ '${next}-01 00:00:00+09' AS inside,
        CASE WHEN kind_f IN ('securityriskscan', 'securityrisk') THEN 1
             WHEN kind_f IN ('virtualanalyzer', 'virtualanalyzerscan') THEN 2
             WHEN kind_f IN ('ransomware', 'ransomwarescan') THEN 3
             WHEN kind_f IN ('dlp', 'datalossprevention', 'dlpscan') THEN 4 END AS kind,
        CASE service_f WHEN 'box' THEN 'box' WHEN 'dropbox' THEN 'dropbox'
             WHEN 'exchange' THEN 'exchange' WHEN 'office365' THEN 'exchange'
             WHEN 'gmail' THEN 'gmail' WHEN 'google' THEN 'gmail'
             WHEN 'googledrive' THEN 'google_drive' WHEN 'onedrive' THEN 'onedrive'
             WHEN 'onedriveforbusiness' THEN 'onedrive'
             WHEN 'salesforceproduction' THEN 'salesforce_production'
             WHEN 'salesforceprod' THEN 'salesforce_production' WHEN 'crm' THEN 'salesforce_production'
             WHEN 'salesforcesandbox' THEN 'salesforce_sandbox' WHEN 'sharepoint' THEN 'sharepoint'
             WHEN 'teams' THEN 'teams' WHEN 'teamschat' THEN 'teams'
             WHEN 'exchangeserver' THEN 'exchange_server'
             ELSE coalesce(nullif(trim(regexp_replace(lower(trim(coalesce(service, ''))), '[^a-z0-9@\\x{80}-\\x{10FFFF}]+', '_', 'g'), '_'), ''), 'unknown')
        END AS svc,
        filter_f,
        CASE WHEN lower(trim(coalesce(message.action_result, ''))) NOT IN ('', 'success') THEN 'failed'
             WHEN coalesce(message.triggered_policy_name, '') ILIKE '%(monitor only)%' THEN 'left_in_place'
             WHEN regexp_matches(lower(coalesce(message.action, '')), 'quarantin|delet|replac|block|remov|clean|strip') THEN 'remediated'
             WHEN trim(coalesce(message.action, '')) = '' THEN 'left_in_place'
             WHEN regexp_matches(lower(coalesce(message.action, '')), 'pass|log|monitor|deliver|tag|label') THEN 'left_in_place'
             ELSE 'unknown' END AS outcome,
        CASE WHEN lower(trim(coalesce(message.risk_level, ''))) LIKE 'high%' THEN 'high'
             WHEN lower(trim(coalesce(message.risk_level, ''))) LIKE 'med%' THEN 'medium'
             WHEN lower(trim(coalesce(message.risk_level, ''))) LIKE 'low%' THEN 'low'
             WHEN lower(trim(coalesce(message.risk_level, ''))) LIKE 'no%' THEN 'no_risk'
             ELSE 'unknown' END AS risk
    FROM folded
), valid AS (
    SELECT *,
        CASE WHEN kind = 1 AND filter_f IN ('malware scanning', '不正プログラム検索') THEN 'malware'
             WHEN kind = 1 AND filter_f IN ('file blocking', 'ファイルブロック') THEN 'file_blocking'
             WHEN kind = 1 AND filter_f IN ('web reputation', 'webレピュテーション') THEN 'web_reputation'
             WHEN kind = 2 THEN 'virtual_analyzer' WHEN kind = 3 THEN 'ransomware'
             WHEN kind = 4 THEN 'dlp' END AS section,
        svc IN ('exchange', 'exchange_server', 'gmail') AS mail
    FROM events WHERE t IS NOT NULL AND kind IS NOT NULL
), firsts AS (  -- one row per distinct key: duplicates repeat their first occurrence
    SELECT DISTINCT ON (k) * FROM valid
)
SELECT 'input' AS part, NULL AS a, NULL AS b, NULL AS c,
       (SELECT count(*) FROM raw) AS n1,
       (SELECT count(*) FROM raw) - (SELECT count(*) FROM valid) AS n2,
       (SELECT count(*) FROM valid) - (SELECT count(DISTINCT k) FROM valid) AS n3,
       (SELECT count(*) FILTER (NOT inside) FROM firsts) AS n4
UNION ALL
SELECT 'service', svc, NULL, NULL, count(*) FILTER (kind <> 4), count(*) FILTER (kind = 4), NULL, NULL
FROM firsts WHERE inside GROUP BY svc
UNION ALL
SELECT 'user', section, usr, NULL, count(DISTINCT k), NULL, NULL, NULL
FROM valid WHERE inside AND section IS NOT NULL GROUP BY section, usr
UNION ALL
SELECT 'outcome', section, outcome, NULL, count(*), NULL, NULL, NULL
FROM firsts WHERE inside AND section IS NOT NULL GROUP BY section, outcome
UNION ALL
SELECT 'risk', section, risk, NULL, count(*), NULL, NULL, NULL
FROM firsts WHERE inside AND section = 'virtual_analyzer' GROUP BY section, risk
UNION ALL
SELECT 'channel', section, CASE WHEN mail THEN 'mail' ELSE 'storage' END, NULL, count(*), NULL, NULL, NULL
FROM firsts WHERE inside AND section = 'dlp' GROUP BY section, mail
`;

const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
const connection = await instance.connect();
const rows = (await connection.runAndReadAll(sql)).getRows();

const overviewKeys = ["box", "dropbox", "exchange", "gmail", "google_drive", "onedrive",
    "salesforce_production", "salesforce_sandbox", "sharepoint", "teams"];
const sectionKeys = ["malware", "file_blocking", "web_reputation", "virtual_analyzer", "dlp", "ransomware"];
const n = (v) => Number(v ?? 0);
const report = { input: {}, overview: [], other_services: [], sections: {} };
const services = new Map();
const users = new Map(sectionKeys.map((s) => [s, []]));
for (const s of sectionKeys) {
    report.sections[s] = { total: 0, distinct_users: 0, top: [],
        outcomes: { remediated: 0, left_in_place: 0, failed: 0, unknown: 0 } };
}
report.sections.virtual_analyzer.risk_levels = { high: 0, medium: 0, low: 0, no_risk: 0, unknown: 0 };
report.sections.dlp.channels = { mail: 0, storage: 0 };
for (const [part, a, b, , n1, n2, n3, n4] of rows) {
    if (part === "input") {
        const dups = n(n3);
        Object.assign(report.input, { records: n(n1), rejected: n(n2), duplicates: dups,
            out_of_period: n(n4), accepted: n(n1) - n(n2) - dups - n(n4) });
    } else if (part === "service") {
        services.set(a, [n(n1), n(n2)]);
    } else if (part === "user") {
        users.get(a).push([b, n(n1)]);
    } else if (part === "outcome") {
        report.sections[a].outcomes[b] = n(n1);
    } else if (part === "risk") {
        report.sections[a].risk_levels[b] = n(n1);
    } else if (part === "channel") {
        report.sections[a].channels[b] = n(n1);
    }
}
for (const key of overviewKeys) {
    const [atp, dlp] = services.get(key) ?? [0, 0];
    report.overview.push({ service: key, atp, dlp });
}
for (const key of [...services.keys()].filter((k) => !overviewKeys.includes(k)).sort()) {
    const [atp, dlp] = services.get(key);
    if (atp + dlp > 0) report.other_services.push({ service: key, atp, dlp });
}
const bytes = (s) => Buffer.from(s, "utf8");
for (const s of sectionKeys) {
    const list = users.get(s);
    const total = list.reduce((sum, [, c]) => sum + c, 0);
    list.sort((x, y) => y[1] - x[1] || Buffer.compare(bytes(x[0]), bytes(y[0])));
    const section = report.sections[s];
    section.total = total;
    section.distinct_users = list.length;
    section.top = list.slice(0, 10).map(([user, count]) => ({ user, count,
        percent: Math.floor((2000 * count + total) / (2 * total)) / 10 }));
}
process.stdout.write(JSON.stringify(report) + "\n");
