// The honest peer of issue 17: the whole monthly report of an NDJSON dump, computed by one
// thread with simdjson On-Demand, read the way simdjson's documentation says NDJSON is read:
// large blocks (1 MiB) handed to `parser.iterate_many`. Each block is cut at its last line end
// and the rest carried to the front of the next one (a cut inside a UTF-8 sequence would fail
// the validation of the whole batch); what `truncated_bytes()` still reports is a document
// left unfinished at a line end, a rejected record.
//
// It computes what casreport's JSON report holds as numbers: the record accounting
// (de-duplication on a 128-bit key, the month in a time zone, rejections), the overview per
// service, each section's total, distinct users, top users, outcomes, risk levels and channels,
// the first and last detection, and the findings' counts and subjects. It follows DESIGN.md
// sections 2, 3 and 5 on its own (no casreport code): the alias tables, the time formats, the
// outcome words. bench/reference/compare_reports.py checks its report against casreport's, and
// bench/run.sh times it only once they are equal.
//
// What it does not do: other input shapes (API pages, CSV, CEF; a line holds an event or a bare
// array of events), the list of rejected records with their lines, recovery after a syntax
// error (the rest of that block counts as one rejected record), the findings' wording.
//
//   g++ -O3 -DNDEBUG -march=native -std=c++17 simdjson_report.cpp -lsimdjson -o simdjson_report
//   simdjson_report [--month YYYY-MM] [--tz ±HH:MM] [--top N] [--block BYTES] FILE
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <simdjson.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace {

using std::size_t;
using std::uint32_t;
using std::uint64_t;

// ---- ASCII text ------------------------------------------------------------------------------

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

bool starts_ci(std::string_view s, std::string_view lower_prefix) {
    if (s.size() < lower_prefix.size()) return false;
    for (size_t i = 0; i < lower_prefix.size(); ++i) {
        if (lower(s[i]) != lower_prefix[i]) return false;
    }
    return true;
}

bool equals_ci(std::string_view s, std::string_view lower_word) {
    return s.size() == lower_word.size() && starts_ci(s, lower_word);
}

bool contains_ci(std::string_view s, std::string_view lower_word) {
    for (size_t i = 0; i + lower_word.size() <= s.size(); ++i) {
        if (starts_ci(s.substr(i), lower_word)) return true;
    }
    return false;
}

void assign_lower(std::string& out, std::string_view s) {
    out.assign(s);
    for (char& c : out) c = lower(c);
}

/// Lower-cased, without `_`, `-` and spaces: how the alias tables compare.
std::string fold(std::string_view s) {
    std::string f;
    for (char c : trim(s)) {
        if (c != '_' && c != '-' && c != ' ') f.push_back(lower(c));
    }
    return f;
}

// ---- the alias tables (DESIGN section 2; reference/cas-log-format.md sections 4 and 7.1) ------

enum kind : int { no_kind = 0, security_risk = 1, virtual_analyzer = 2, ransomware = 3, dlp_kind = 4 };

int kind_of(std::string_view raw) {
    const std::string f = fold(raw);
    if (f == "securityriskscan" || f == "securityrisk" || f == "セキュリティリスク検索") return security_risk;
    if (f == "virtualanalyzer" || f == "virtualanalyzerscan" || f == "仮想アナライザ") return virtual_analyzer;
    if (f == "ransomware" || f == "ransomwarescan" || f == "ランサムウェア") return ransomware;
    if (f == "dlp" || f == "datalossprevention" || f == "dlpscan" || f == "情報漏えい対策") return dlp_kind;
    return no_kind;
}

// Services 0..9 are the overview rows, 10 is Exchange Server; unknown services get codes from 11.
constexpr std::array<const char*, 11> service_keys = {
    "box",        "dropbox",    "exchange",          "gmail", "google_drive", "onedrive",
    "salesforce_production", "salesforce_sandbox", "sharepoint", "teams", "exchange_server"};
constexpr int exchange = 2, gmail = 3, exchange_server = 10, first_other = 11;

std::string erase_all(std::string s, std::string_view word) {
    for (size_t at; (at = s.find(word)) != std::string::npos;) s.erase(at, word.size());
    return s;
}

int known_service(std::string_view raw) {
    const std::string f = erase_all(erase_all(fold(raw), "online"), "microsoft");
    if (f == "box") return 0;
    if (f == "dropbox") return 1;
    if (f == "exchange" || f == "office365") return exchange;
    if (f == "gmail" || f == "google") return gmail;
    if (f == "googledrive" || f == "googleドライブ") return 4;
    if (f == "onedrive" || f == "onedriveforbusiness") return 5;
    if (f == "salesforceproduction" || f == "salesforceprod" || f == "crm" || f == "salesforce本番環境") return 6;
    if (f == "salesforcesandbox") return 7;
    if (f == "sharepoint") return 8;
    if (f == "teams" || f == "teamschat") return 9;
    if (f == "exchangeserver") return exchange_server;
    return -1;
}

/// An unknown service's key: lower-cased, runs of other ASCII bytes as one `_`, "unknown" if empty.
std::string other_service_key(std::string_view raw) {
    std::string key;
    bool gap = false;
    for (char c : trim(raw)) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x80 || (c >= '0' && c <= '9') || (lower(c) >= 'a' && lower(c) <= 'z') || c == '@') {
            if (gap && !key.empty()) key.push_back('_');
            gap = false;
            key.push_back(lower(c));
        } else {
            gap = true;
        }
    }
    return key.empty() ? "unknown" : key;
}

bool is_mail(int service) { return service == exchange || service == gmail || service == exchange_server; }

enum filter : int { no_filter, malware_scanning, file_blocking, web_reputation, other_filter };

int filter_of(std::string_view raw) {
    const std::string_view t = trim(raw);
    if (t.empty()) return no_filter;
    if (equals_ci(t, "malware scanning") || t == "不正プログラム検索") return malware_scanning;
    if (equals_ci(t, "file blocking") || t == "ファイルブロック") return file_blocking;
    if (equals_ci(t, "web reputation") || equals_ci(t, "webレピュテーション")) return web_reputation;
    return other_filter;
}

enum section : int { malware, file_blocking_s, web_reputation_s, va, dlp, ransomware_s, overview_only = 6 };
constexpr std::array<const char*, 6> section_keys = {"malware", "file_blocking", "web_reputation",
                                                     "virtual_analyzer", "dlp", "ransomware"};

int section_of(int k, int f) {
    if (k == security_risk) {
        return f == malware_scanning ? malware
               : f == file_blocking  ? file_blocking_s
               : f == web_reputation ? web_reputation_s
                                     : overview_only;
    }
    return k == virtual_analyzer ? va : k == ransomware ? ransomware_s : dlp;
}

enum risk : int { high, medium, low, no_risk, unknown_risk };

int risk_of(std::string_view raw) {
    const std::string_view t = trim(raw);
    return starts_ci(t, "high") ? high
           : starts_ci(t, "med") ? medium
           : starts_ci(t, "low") ? low
           : starts_ci(t, "no")  ? no_risk
                                 : unknown_risk;
}

enum outcome : int { remediated, left_in_place, failed, unknown_outcome };

int action_outcome(std::string_view raw) {
    const std::string_view a = trim(raw);
    for (std::string_view w : {"quarantin", "delet", "replac", "block", "remov", "clean", "strip"}) {
        if (contains_ci(a, w)) return remediated;
    }
    if (a.empty()) return left_in_place;
    for (std::string_view w : {"pass", "log", "monitor", "deliver", "tag", "label"}) {
        if (contains_ci(a, w)) return left_in_place;
    }
    return unknown_outcome;
}

bool failed_result(std::string_view raw) {
    const std::string_view r = trim(raw);
    return !r.empty() && !equals_ci(r, "success");
}

bool monitor_only(std::string_view policy) { return contains_ci(policy, "(monitor only)"); }

bool attack_signal(int s, int r) {
    return s == malware || s == web_reputation_s || (s == va && (r == high || r == medium));
}

// ---- time ------------------------------------------------------------------------------------

int64_t days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    return int64_t{era} * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

int days_in_month(int y, int m) {
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

bool digits(std::string_view s, size_t at, size_t n, int& out) {
    if (at + n > s.size()) return false;
    out = 0;
    for (size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

/// `±HH:MM`, `±HHMM` or `±HH`, in minutes.
std::optional<int> offset_minutes(std::string_view s) {
    int h = 0, m = 0;
    if (s.size() < 3 || (s[0] != '+' && s[0] != '-') || !digits(s, 1, 2, h)) return std::nullopt;
    if (s.size() == 6 && s[3] == ':') {
        if (!digits(s, 4, 2, m)) return std::nullopt;
    } else if (s.size() == 5) {
        if (!digits(s, 3, 2, m)) return std::nullopt;
    } else if (s.size() != 3) {
        return std::nullopt;
    }
    if (h > 23 || m > 59) return std::nullopt;
    return (s[0] == '-' ? -1 : 1) * (h * 60 + m);
}

/// ISO-8601 `YYYY-MM-DD[T ]HH:MM[:SS[.frac]][Z|±HH:MM]` → microseconds since the epoch, UTC;
/// without a zone, in `naive_offset` minutes.
std::optional<int64_t> parse_time(std::string_view raw, int naive_offset) {
    const std::string_view s = trim(raw);
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
    if (s.size() < 16 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
        !digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi)) {
        return std::nullopt;
    }
    size_t i = 16;
    if (i < s.size() && s[i] == ':') {
        if (!digits(s, i + 1, 2, sec)) return std::nullopt;
        i += 3;
    }
    int64_t micros = 0;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        const size_t first = ++i;
        for (int64_t scale = 100000; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10) {
            micros += (s[i] - '0') * scale;
        }
        if (i == first) return std::nullopt;
    }
    int offset = naive_offset;
    const std::string_view zone = s.substr(i);
    if (zone == "Z" || zone == "z") {
        offset = 0;
    } else if (!zone.empty()) {
        const auto o = offset_minutes(zone);
        if (!o) return std::nullopt;
        offset = *o;
    }
    if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59) {
        return std::nullopt;
    }
    const int64_t t =
        ((days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) - int64_t{offset} * 60) *
            1000000 + micros;
    const int64_t lo = days_from_civil(1, 1, 1) * 86400 * 1000000;
    const int64_t hi = days_from_civil(10000, 1, 1) * 86400 * 1000000;
    if (t < lo || t >= hi) return std::nullopt;
    return t;
}

std::string format_utc(int64_t t) {
    int64_t secs = t / 1000000, micros = t % 1000000;
    if (micros < 0) micros += 1000000, --secs;
    int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) rem += 86400, --days;
    // civil_from_days
    const int64_t z = days + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const int64_t m = mp < 10 ? mp + 3 : mp - 9;
    const int64_t y = yoe + era * 400 + (m <= 2);
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld", (long long)y,
                          (long long)m, (long long)d, (long long)(rem / 3600),
                          (long long)(rem % 3600 / 60), (long long)(rem % 60));
    if (micros % 1000 == 0) {
        n += std::snprintf(buf + n, sizeof buf - n, ".%03lldZ", (long long)(micros / 1000));
    } else {
        n += std::snprintf(buf + n, sizeof buf - n, ".%06lldZ", (long long)micros);
    }
    return {buf, static_cast<size_t>(n)};
}

// ---- de-duplication: a set of 128-bit keys, open addressing ----------------------------------

class key_set {
public:
    /// Adds `k`; false if it was there already.
    bool insert(XXH128_hash_t k) {
        if (k.low64 == 0 && k.high64 == 0) k.low64 = 1;  // the empty slot's value
        if ((size_ + 1) * 2 > slots_.size()) grow();
        for (size_t i = slot_of(k);; i = (i + 1) & (slots_.size() - 1)) {
            XXH128_hash_t& s = slots_[i];
            if (s.low64 == 0 && s.high64 == 0) {
                s = k;
                ++size_;
                return true;
            }
            if (s.low64 == k.low64 && s.high64 == k.high64) return false;
        }
    }

    void prefetch(XXH128_hash_t k) const {
        if (!slots_.empty()) __builtin_prefetch(&slots_[slot_of(k)]);
    }

    /// Room for `n` keys without growing (a dump's size tells about how many it holds).
    void reserve(size_t n) {
        while (slots_.size() < 2 * n) grow();
    }

private:
    size_t slot_of(XXH128_hash_t k) const { return k.low64 & (slots_.size() - 1); }

    void grow() {
        std::vector<XXH128_hash_t> old(slots_.empty() ? 1 << 16 : slots_.size() * 2, XXH128_hash_t{0, 0});
        old.swap(slots_);
        size_ = 0;
        for (const XXH128_hash_t& k : old) {
            if (k.low64 != 0 || k.high64 != 0) insert(k);
        }
    }

    std::vector<XXH128_hash_t> slots_;
    size_t size_ = 0;
};

/// Strings by id, each stored once: an open-addressing table of (hash, id) over one buffer of
/// characters, looked up by view, so a string that is there already costs no copy.
class interner {
public:
    uint32_t id(std::string_view s) {
        const uint64_t h = XXH3_64bits(s.data(), s.size());
        if ((size() + 1) * 2 > slots_.size()) grow();
        const size_t mask = slots_.size() - 1;
        for (size_t i = h & mask;; i = (i + 1) & mask) {
            slot& x = slots_[i];
            if (x.id_plus_1 == 0) {
                x = {h, static_cast<uint32_t>(size()) + 1};
                chars_.append(s);
                ends_.push_back(chars_.size());
                return x.id_plus_1 - 1;
            }
            if (x.hash == h && name(x.id_plus_1 - 1) == s) return x.id_plus_1 - 1;
        }
    }
    std::string_view name(uint32_t id) const {
        const size_t begin = id == 0 ? 0 : ends_[id - 1];
        return {chars_.data() + begin, ends_[id] - begin};
    }
    size_t size() const { return ends_.size(); }

private:
    struct slot {
        uint64_t hash = 0;
        uint32_t id_plus_1 = 0;  // 0: empty
    };
    void grow() {
        std::vector<slot> old(slots_.empty() ? 1024 : slots_.size() * 2);
        old.swap(slots_);
        const size_t mask = slots_.size() - 1;
        for (const slot& x : old) {
            if (x.id_plus_1 == 0) continue;
            size_t i = x.hash & mask;
            while (slots_[i].id_plus_1 != 0) i = (i + 1) & mask;
            slots_[i] = x;
        }
    }

    std::vector<slot> slots_;
    std::string chars_;
    std::vector<size_t> ends_;
};

/// What each of the few hundred distinct values of a field means, worked out once: they repeat
/// in millions of records.
template <class T>
class memo {
public:
    template <class F>
    T get(std::string_view raw, F&& compute) {
        const uint32_t id = values_.id(raw);
        if (id == meanings_.size()) meanings_.push_back(compute(raw));
        return meanings_[id];
    }

private:
    interner values_;
    std::vector<T> meanings_;
};

// ---- the report's counters -------------------------------------------------------------------

/// One field of an event as the dump spells it, unescaped; empty for "", null or missing.
struct fields {
    std::string_view log_item_id, message_log_item_id, service, event, affected_user,
        detection_time, filter, policy, action, action_result, risk_level, security_risk_name,
        file_sha1, file_name, mail_message_id, mail_message_file_name, mail_message_sender;
};

struct section_counts {
    uint64_t total = 0;
    std::array<uint64_t, 4> outcomes{};
    std::array<uint64_t, 5> risks{};
    std::array<uint64_t, 2> channels{};
    uint64_t signals = 0;       // attack signals (all of DLP): the targeted-attack share's base
    uint64_t unremediated = 0;  // threats left in place or failed
    std::vector<uint64_t> by_user, mail_by_user, unremediated_by_user, risky_by_user;
};

/// A mail detection that is an attack signal: its user, section and subjects (sender, threat,
/// attachment hash; `none` when empty), for targeted_attack_company.
struct mail_detection {
    uint32_t user;
    uint32_t subject[3];
    int where;
};
constexpr uint32_t none = 0xffffffffU;

struct report_state {
    // options
    bool period = false;
    int64_t start = 0, end = 0;
    int naive_offset = 0;  // JSON times without a zone are UTC (DESIGN section 2)
    size_t top_n = 10;
    size_t max_field = 4096;
    // accounting
    uint64_t records = 0, accepted = 0, rejected = 0, duplicates = 0, out_of_period = 0;
    bool any = false;
    int64_t first = 0, last = 0;
    key_set seen;
    // counts
    std::vector<std::array<uint64_t, 2>> by_service = std::vector<std::array<uint64_t, 2>>(first_other);
    std::vector<std::string> other_keys;  // code - first_other → key
    std::array<section_counts, 6> sections;
    interner users;
    std::array<interner, 3> subjects;  // senders, threats, files
    std::vector<mail_detection> mail_detections;  // in input order
    // memos of the few values that repeat
    memo<int> kind_memo, filter_memo, risk_memo, outcome_memo;
    memo<bool> monitor_memo, failed_memo;
    memo<int> service_memo;
    std::string buf, key;

    int service_code(std::string_view raw) {
        return service_memo.get(raw, [&](std::string_view r) {
            const int known = known_service(r);
            if (known >= 0) return known;
            const std::string k = other_service_key(r);
            const auto at = std::find(other_keys.begin(), other_keys.end(), k);
            if (at != other_keys.end()) return first_other + static_cast<int>(at - other_keys.begin());
            other_keys.push_back(k);
            by_service.push_back({0, 0});
            return first_other + static_cast<int>(other_keys.size()) - 1;
        });
    }

    std::string_view service_name(int code) const {
        if (code < first_other) return service_keys[code];
        return other_keys[code - first_other];
    }

    /// Trimmed and lower-cased; most values already are, and then need no copy.
    std::string_view normalized(std::string_view raw, std::string& into) {
        const std::string_view t = trim(raw);
        for (const char c : t) {
            if (c >= 'A' && c <= 'Z') {
                assign_lower(into, t);
                return into;
            }
        }
        return t;
    }

    uint32_t user_id(std::string_view raw) {
        const uint32_t id = users.id(normalized(raw, buf));
        if (id == users.size() - 1 && sections[0].by_user.size() < users.size()) {
            for (section_counts& s : sections) {
                for (auto* v : {&s.by_user, &s.mail_by_user, &s.unremediated_by_user, &s.risky_by_user}) {
                    v->resize(users.size());
                }
            }
        }
        return id;
    }

    uint32_t subject_id(int kind, std::string_view value) {
        return value.empty() ? none : subjects[kind].id(value);
    }

    static void put(std::string& b, std::string_view s) {
        const auto n = static_cast<uint32_t>(s.size());
        b.append(reinterpret_cast<const char*>(&n), 4);
        b.append(s);
    }

    void add(const fields& f) {
        ++records;
        // Rejected: a field too long, no valid time, an unknown kind (DESIGN section 2, in order).
        for (std::string_view v :
             {f.log_item_id, f.message_log_item_id, f.service, f.event, f.affected_user, f.detection_time,
              f.filter, f.policy, f.action, f.action_result, f.risk_level, f.security_risk_name, f.file_sha1,
              f.file_name, f.mail_message_id, f.mail_message_file_name, f.mail_message_sender}) {
            if (v.size() > max_field) {
                ++rejected;
                return;
            }
        }
        // De-duplication: log_item_id, else the content tuple; the first one counts. The key's
        // slot is fetched from memory while the rest of the record is read.
        const std::string_view id = f.log_item_id.empty() ? f.message_log_item_id : f.log_item_id;
        XXH128_hash_t h{};
        if (!id.empty()) {
            h = XXH3_128bits_withSeed(id.data(), id.size(), 1);
            seen.prefetch(h);
        }
        const std::optional<int64_t> when = parse_time(f.detection_time, naive_offset);
        const int k = kind_memo.get(f.event, kind_of);
        if (!when || k == no_kind) {
            ++rejected;
            return;
        }
        const int code = service_code(f.service);
        const int where = section_of(k, filter_memo.get(f.filter, filter_of));
        const uint32_t u = user_id(f.affected_user);
        if (id.empty()) {
            key.clear();
            put(key, service_name(code));
            key.push_back(static_cast<char>(k));
            key.append(reinterpret_cast<const char*>(&*when), 8);
            put(key, users.name(u));
            for (std::string_view v : {f.filter, f.security_risk_name, f.file_sha1, f.file_name,
                                       f.mail_message_id, f.mail_message_file_name}) {
                put(key, v);
            }
            h = XXH3_128bits_withSeed(key.data(), key.size(), 2);
        }
        if (!seen.insert(h)) {
            ++duplicates;
            return;
        }
        if (period && (*when < start || *when >= end)) {
            ++out_of_period;
            return;
        }
        ++accepted;
        if (!any || *when < first) first = *when;
        if (!any || *when > last) last = *when;
        any = true;

        by_service[code][where == dlp ? 1 : 0] += 1;
        if (where == overview_only) return;
        const int r = risk_memo.get(f.risk_level, risk_of);
        const bool fails = f.action_result != "success" && failed_memo.get(f.action_result, failed_result);
        const int result = fails ? failed
                           : monitor_memo.get(f.policy, monitor_only)      ? left_in_place
                                                     : outcome_memo.get(f.action, action_outcome);
        const bool mail = is_mail(code);
        section_counts& s = sections[where];
        s.total += 1;
        s.outcomes[result] += 1;
        s.by_user[u] += 1;
        const bool signal = attack_signal(where, r);
        if ((signal || where == ransomware_s) && (result == left_in_place || result == failed)) {
            s.unremediated += 1;
            s.unremediated_by_user[u] += 1;
        }
        if (where == va) {
            s.risks[r] += 1;
            if (r == high || r == medium) s.risky_by_user[u] += 1;
        }
        if (where == dlp) s.channels[mail ? 0 : 1] += 1;
        if (where == dlp || signal) {
            s.signals += 1;
            if (mail) s.mail_by_user[u] += 1;
        }
        if (signal && mail) {
            // The sender's address without display name or angle brackets, lower-cased.
            std::string_view sender = trim(f.mail_message_sender);
            if (const size_t open = sender.rfind('<'); open != std::string_view::npos) {
                const size_t close = sender.find('>', open + 1);
                sender = sender.substr(open + 1, close == std::string_view::npos ? close : close - open - 1);
            }
            const uint32_t sid = subject_id(0, normalized(sender, buf));
            const uint32_t tid = subject_id(1, trim(f.security_risk_name));
            const uint32_t fid = subject_id(2, normalized(f.file_sha1, buf));
            mail_detections.push_back({u, {sid, tid, fid}, where});
        }
    }
};

// ---- reading: iterate_many over large blocks -------------------------------------------------

/// A field's key, read in place when it holds no escape (always, in CAS logs), else unescaped.
simdjson::error_code key_of(simdjson::ondemand::field& field, std::string_view& key) {
    const char* raw = field.key().raw();
    const char* end = raw;
    while (*end != '"' && *end != '\\') ++end;
    if (*end == '"') {
        key = {raw, static_cast<size_t>(end - raw)};
        return simdjson::SUCCESS;
    }
    return field.unescaped_key().get(key);
}

/// Whether `key` is `name`: a compare of known size, which the compiler inlines.
template <size_t N>
bool is(std::string_view key, const char (&name)[N]) {
    return key.size() == N - 1 && std::memcmp(key.data(), name, N - 1) == 0;
}

/// The fields of one event object; false if it does not parse.
bool read_event(simdjson::ondemand::object top, fields& f) {
    using namespace simdjson;
    f = {};
    for (auto result : top) {
        ondemand::field field;
        std::string_view k;
        if (std::move(result).get(field) != SUCCESS || key_of(field, k) != SUCCESS) return false;
        ondemand::value v = field.value();
        std::string_view* dst = nullptr;
        if (is(k, "message")) {
            ondemand::object msg;
            const error_code e = v.get_object().get(msg);
            if (e == INCORRECT_TYPE) continue;  // not an object: nothing of ours
            if (e != SUCCESS) return false;
            f.message_log_item_id = f.affected_user = f.detection_time = f.filter = f.policy = f.action =
                f.action_result = f.risk_level = f.security_risk_name = f.file_sha1 = f.file_name =
                    f.mail_message_id = f.mail_message_file_name = f.mail_message_sender = {};
            for (auto result_m : msg) {
                ondemand::field m;
                std::string_view mk;
                if (std::move(result_m).get(m) != SUCCESS || key_of(m, mk) != SUCCESS) return false;
                std::string_view* md = nullptr;
                switch (mk.size()) {
                    case 6: md = is(mk, "action") ? &f.action : nullptr; break;
                    case 9: md = is(mk, "file_name") ? &f.file_name : is(mk, "file_sha1") ? &f.file_sha1 : nullptr; break;
                    case 10: md = is(mk, "risk_level") ? &f.risk_level : nullptr; break;
                    case 11: md = is(mk, "log_item_id") ? &f.message_log_item_id : nullptr; break;
                    case 13:
                        md = is(mk, "affected_user")   ? &f.affected_user
                             : is(mk, "action_result") ? &f.action_result
                                                     : nullptr;
                        break;
                    case 14: md = is(mk, "detection_time") ? &f.detection_time : nullptr; break;
                    case 15: md = is(mk, "mail_message_id") ? &f.mail_message_id : nullptr; break;
                    case 18: md = is(mk, "security_risk_name") ? &f.security_risk_name : nullptr; break;
                    case 19: md = is(mk, "mail_message_sender") ? &f.mail_message_sender : nullptr; break;
                    case 21: md = is(mk, "triggered_policy_name") ? &f.policy : nullptr; break;
                    case 22: md = is(mk, "mail_message_file_name") ? &f.mail_message_file_name : nullptr; break;
                    case 25: md = is(mk, "triggered_security_filter") ? &f.filter : nullptr; break;
                    default: break;
                }
                if (md == nullptr) continue;  // skipped unread by On-Demand
                ondemand::value mv = m.value();
                std::string_view s;
                const error_code e = mv.get_string().get(s);
                if (e == SUCCESS) {
                    *md = s;
                } else if (e == INCORRECT_TYPE) {
                    *md = {};  // null, a number...: nothing
                } else {
                    return false;
                }
            }
            continue;
        }
        dst = is(k, "log_item_id") ? &f.log_item_id
              : is(k, "service")   ? &f.service
              : is(k, "event")     ? &f.event
                                 : nullptr;
        if (dst == nullptr) continue;
        std::string_view s;
        const error_code e = v.get_string().get(s);
        if (e == SUCCESS) {
            *dst = s;
        } else if (e == INCORRECT_TYPE) {
            *dst = {};
        } else {
            return false;
        }
    }
    return true;
}

/// A line: one event object, or a bare array of them (each element a record).
void read_document(simdjson::ondemand::document_reference doc, fields& f, report_state& st) {
    using namespace simdjson;
    const auto event = [&](simdjson_result<ondemand::object> o) {
        ondemand::object obj;
        if (std::move(o).get(obj) == SUCCESS && read_event(obj, f)) {
            st.add(f);
        } else {
            ++st.records;
            ++st.rejected;
        }
    };
    ondemand::json_type type;
    if (doc.type().get(type) == SUCCESS && type == ondemand::json_type::array) {
        ondemand::array elements;
        if (doc.get_array().get(elements) != SUCCESS) return event(INCORRECT_TYPE);
        for (auto element : elements) event(element.get_object());
        return;
    }
    event(doc.get_object());
}

bool read_dump(const char* path, size_t block, report_state& st) {
    const int fd = open(path, O_RDONLY);
    if (fd < 0) {
        std::perror(path);
        return false;
    }
    if (struct stat about; fstat(fd, &about) == 0 && about.st_size > 0) {
        st.seen.reserve(static_cast<size_t>(about.st_size) / 1024);  // CAS events: ~0.9 KB a line
    }
    simdjson::ondemand::parser parser;
#ifdef SIMDJSON_THREADS_ENABLED
    parser.threaded = false;  // one thread: no stage-1 lookahead thread either
#endif
    std::vector<char> buf(block + simdjson::SIMDJSON_PADDING);
    size_t have = 0;
    bool eof = false;
    fields f;
    while (!eof || have > 0) {
        while (!eof && have < block) {
            const ssize_t n = read(fd, buf.data() + have, block - have);
            if (n < 0) {
                std::perror("read");
                close(fd);
                return false;
            }
            eof = n == 0;
            have += static_cast<size_t>(n);
        }
        // The block goes to simdjson up to its last line end: a cut anywhere else can split a
        // UTF-8 sequence, which fails the validation of the whole batch. The rest, and whatever
        // simdjson reports as truncated, starts the next block.
        size_t cut = have;
        if (!eof) {
            const void* nl = memrchr(buf.data(), '\n', have);
            if (nl == nullptr) {  // a line longer than the block: grow it
                block *= 2;
                buf.resize(block + simdjson::SIMDJSON_PADDING);
                continue;
            }
            cut = static_cast<size_t>(static_cast<const char*>(nl) - buf.data()) + 1;
        }
        simdjson::ondemand::document_stream stream;
        if (parser.iterate_many(buf.data(), cut, block).get(stream) != simdjson::SUCCESS) {
            std::fprintf(stderr, "%s: iterate_many failed\n", path);
            close(fd);
            return false;
        }
        for (auto it = stream.begin(); it != stream.end(); ++it) {
            if (it.error() != simdjson::SUCCESS) {
                // No resynchronization: the rest of the block is one rejected record.
                ++st.records;
                ++st.rejected;
                break;
            }
            read_document(*it, f, st);
        }
        const size_t truncated = stream.truncated_bytes();
        if (truncated > 0 && !trim({buf.data() + cut - truncated, truncated}).empty()) {
            ++st.records;  // an unfinished document before a line end: not JSON
            ++st.rejected;
        }
        std::memmove(buf.data(), buf.data() + cut, have - cut);
        have -= cut;
    }
    close(fd);
    return true;
}

// ---- the report as JSON ----------------------------------------------------------------------

void put_string(std::string& out, std::string_view s) {
    out.push_back('"');
    for (const char c : s) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char esc[8];
            std::snprintf(esc, sizeof esc, "\\u%04x", c);
            out.append(esc);
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
}

void put_number(std::string& out, uint64_t n) { out.append(std::to_string(n)); }

uint32_t percent_tenths(uint64_t count, uint64_t total) {
    if (total == 0) return 0;
    return static_cast<uint32_t>((static_cast<unsigned __int128>(2000) * count + total) / (2 * total));
}

struct subject {
    int type;  // 0 user, 1 sender, 2 threat, 3 file
    std::string name;
    uint64_t count;
    uint64_t distinct_users;
};

/// Users by count descending, then name ascending by bytes: at most `max`, those with a count
/// of at least `min`; `more` is how many more qualified.
std::vector<subject> top_users(const std::vector<uint64_t>& counts, const interner& users, size_t max,
                               uint64_t& more, uint64_t min = 1, bool skip_unknown = false) {
    std::vector<std::pair<uint64_t, uint32_t>> ranked;
    for (uint32_t id = 0; id < counts.size(); ++id) {
        if (counts[id] == 0 || counts[id] < min || (skip_unknown && users.name(id).empty())) continue;
        ranked.emplace_back(counts[id], id);
    }
    const size_t k = std::min(max, ranked.size());
    std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(k), ranked.end(),
                      [&](const auto& a, const auto& b) {
                          return a.first != b.first ? a.first > b.first : users.name(a.second) < users.name(b.second);
                      });
    std::vector<subject> out;
    for (size_t i = 0; i < k; ++i) out.push_back({0, std::string(users.name(ranked[i].second)), ranked[i].first, 0});
    more = ranked.size() - k;
    return out;
}

struct finding {
    std::string rule;
    int severity;  // 0 critical, 1 high, 2 medium, 3 info
    int where;     // section
    uint64_t count;
    std::vector<subject> subjects;
    uint64_t more = 0;
};

void targeted_attack_company(report_state& st, std::vector<finding>& out) {
    // Each subject's distinct users: detections ordered by user, one "last user" mark a subject.
    std::vector<mail_detection> by_user = st.mail_detections;
    std::sort(by_user.begin(), by_user.end(), [](const auto& a, const auto& b) { return a.user < b.user; });
    struct state {
        uint32_t mark = none;
        uint64_t distinct = 0;
        std::array<uint64_t, 6> by_section{};
        int home = -1;
    };
    std::array<std::vector<state>, 3> subjects;
    for (int kind = 0; kind < 3; ++kind) subjects[kind].resize(st.subjects[kind].size());
    for (const mail_detection& d : by_user) {
        for (int kind = 0; kind < 3; ++kind) {
            if (d.subject[kind] == none) continue;
            state& s = subjects[kind][d.subject[kind]];
            if (s.mark != d.user) s.mark = d.user, ++s.distinct;
            s.by_section[d.where] += 1;
        }
    }
    std::array<std::vector<subject>, 6> groups;
    for (int kind = 0; kind < 3; ++kind) {
        for (uint32_t id = 0; id < subjects[kind].size(); ++id) {
            state& s = subjects[kind][id];
            if (s.distinct < 3) continue;
            int home = 0;
            for (int i = 1; i < 6; ++i) {
                if (s.by_section[i] > s.by_section[home]) home = i;
            }
            s.home = home;
            uint64_t count = 0;
            for (uint64_t n : s.by_section) count += n;
            groups[home].push_back({kind + 1, std::string(st.subjects[kind].name(id)), count, s.distinct});
        }
    }
    std::array<uint64_t, 6> counts{};
    for (const mail_detection& d : st.mail_detections) {
        std::array<bool, 6> hit{};
        for (int kind = 0; kind < 3; ++kind) {
            if (d.subject[kind] != none && subjects[kind][d.subject[kind]].home >= 0) {
                hit[subjects[kind][d.subject[kind]].home] = true;
            }
        }
        for (int i = 0; i < 6; ++i) counts[i] += hit[i];
    }
    for (int s = 0; s < 6; ++s) {
        std::vector<subject>& g = groups[s];
        if (g.empty()) continue;
        std::sort(g.begin(), g.end(), [](const subject& a, const subject& b) {
            if (a.distinct_users != b.distinct_users) return a.distinct_users > b.distinct_users;
            if (a.count != b.count) return a.count > b.count;
            if (a.type != b.type) return a.type < b.type;
            return a.name < b.name;
        });
        finding f{"targeted_attack_company", 1, s, counts[s], std::move(g)};
        if (f.subjects.size() > 10) {
            f.more = f.subjects.size() - 10;
            f.subjects.resize(10);
        }
        out.push_back(std::move(f));
    }
}

std::vector<finding> findings(report_state& st) {
    std::vector<finding> out;
    const auto& sec = st.sections;
    uint64_t more = 0;
    for (int s : {malware, web_reputation_s, va, ransomware_s}) {
        if (sec[s].unremediated == 0) continue;
        auto subjects = top_users(sec[s].unremediated_by_user, st.users, 10, more);
        out.push_back({"threat_left_in_place", s == ransomware_s ? 0 : 1, s, sec[s].unremediated,
                       std::move(subjects), more});
    }
    for (int s : {malware, web_reputation_s, va}) {
        std::vector<uint64_t> qualified(sec[s].mail_by_user.size());
        uint64_t all = 0;
        for (size_t u = 0; u < qualified.size(); ++u) {
            const uint64_t n = sec[s].mail_by_user[u];
            if (n >= 5 && percent_tenths(n, sec[s].signals) >= 500) qualified[u] = n, all += n;
        }
        auto subjects = top_users(qualified, st.users, 10, more, 1, true);
        if (subjects.empty()) continue;
        uint64_t n = 0;
        for (const subject& x : subjects) n += x.count;
        out.push_back({"targeted_attack_individual", 2, s, more > 0 ? all : n, std::move(subjects), more});
    }
    const section_counts& d = sec[dlp];
    if (d.channels[0] > 0) {
        auto subjects = top_users(d.mail_by_user, st.users, 10, more);
        out.push_back({"dlp_mail", 1, dlp, d.channels[0], std::move(subjects), more});
    }
    if (d.channels[1] > 0) {
        std::vector<uint64_t> storage(d.by_user.size());
        for (size_t u = 0; u < storage.size(); ++u) storage[u] = d.by_user[u] - d.mail_by_user[u];
        auto subjects = top_users(storage, st.users, 10, more);
        out.push_back({"dlp_storage", 2, dlp, d.channels[1], std::move(subjects), more});
    }
    const uint64_t risky = sec[va].risks[high] + sec[va].risks[medium];
    if (risky > 0) {
        auto subjects = top_users(sec[va].risky_by_user, st.users, 10, more);
        out.push_back({"va_risky", sec[va].risks[high] > 0 ? 1 : 2, va, risky, std::move(subjects), more});
    }
    if (sec[ransomware_s].total > 0) {
        auto subjects = top_users(sec[ransomware_s].by_user, st.users, 10, more);
        out.push_back({"ransomware", 0, ransomware_s, sec[ransomware_s].total, std::move(subjects), more});
    }
    {
        auto subjects = top_users(sec[file_blocking_s].by_user, st.users, 10, more, 5);
        if (!subjects.empty()) {
            uint64_t n = 0;
            for (uint64_t c : sec[file_blocking_s].by_user) n += c >= 5 ? c : 0;
            out.push_back({"file_blocking_review", 3, file_blocking_s, n, std::move(subjects), more});
        }
    }
    targeted_attack_company(st, out);
    std::stable_sort(out.begin(), out.end(), [](const finding& a, const finding& b) {
        if (a.severity != b.severity) return a.severity < b.severity;
        if (a.where != b.where) return a.where < b.where;
        if (a.count != b.count) return a.count > b.count;
        return a.rule < b.rule;
    });
    return out;
}

std::string to_json(report_state& st) {
    std::string o;
    const auto num = [&](const char* key, uint64_t n) {
        put_string(o, key);
        o.push_back(':');
        put_number(o, n);
    };
    o += "{\"input\":{";
    num("records", st.records), o += ',', num("accepted", st.accepted), o += ',';
    num("rejected", st.rejected), o += ',', num("duplicates", st.duplicates), o += ',';
    num("out_of_period", st.out_of_period);
    o += ",\"first_detection\":";
    st.any ? put_string(o, format_utc(st.first)) : void(o += "null");
    o += ",\"last_detection\":";
    st.any ? put_string(o, format_utc(st.last)) : void(o += "null");
    o += "},\"overview\":[";
    for (int i = 0; i < 10; ++i) {
        o += i ? ",{\"service\":" : "{\"service\":";
        put_string(o, service_keys[i]);
        o += ',', num("atp", st.by_service[i][0]), o += ',', num("dlp", st.by_service[i][1]), o += '}';
    }
    o += "],\"other_services\":[";
    std::vector<std::pair<std::string, std::array<uint64_t, 2>>> others;  // by key, merged
    for (size_t code = 10; code < st.by_service.size(); ++code) {
        const auto& c = st.by_service[code];
        if (c[0] == 0 && c[1] == 0) continue;
        const std::string name(st.service_name(static_cast<int>(code)));
        auto at = std::find_if(others.begin(), others.end(), [&](const auto& x) { return x.first == name; });
        if (at == others.end()) at = others.insert(others.end(), {name, {0, 0}});
        at->second[0] += c[0], at->second[1] += c[1];
    }
    std::sort(others.begin(), others.end());
    for (size_t i = 0; i < others.size(); ++i) {
        o += i ? ",{\"service\":" : "{\"service\":";
        put_string(o, others[i].first);
        o += ',', num("atp", others[i].second[0]), o += ',', num("dlp", others[i].second[1]), o += '}';
    }
    o += "],\"sections\":{";
    static constexpr const char* outcome_keys[] = {"remediated", "left_in_place", "failed", "unknown"};
    static constexpr const char* risk_keys[] = {"high", "medium", "low", "no_risk", "unknown"};
    for (int s = 0; s < 6; ++s) {
        const section_counts& c = st.sections[s];
        if (s) o += ',';
        put_string(o, section_keys[s]);
        o += ":{", num("total", c.total);
        uint64_t more = 0;
        const auto top = top_users(c.by_user, st.users, st.top_n, more);
        o += ',', num("distinct_users", top.size() + more), o += ",\"top\":[";
        for (size_t i = 0; i < top.size(); ++i) {
            o += i ? ",{\"user\":" : "{\"user\":";
            put_string(o, top[i].name);
            o += ',', num("count", top[i].count);
            const uint32_t p = percent_tenths(top[i].count, c.total);
            o += ",\"percent\":" + std::to_string(p / 10) + "." + std::to_string(p % 10) + "}";
        }
        o += "],\"outcomes\":{";
        for (int i = 0; i < 4; ++i) (i ? o += "," : o), num(outcome_keys[i], c.outcomes[i]);
        o += '}';
        if (s == va) {
            o += ",\"risk_levels\":{";
            for (int i = 0; i < 5; ++i) (i ? o += "," : o), num(risk_keys[i], c.risks[i]);
            o += '}';
        }
        if (s == dlp) o += ",\"channels\":{", num("mail", c.channels[0]), o += ',', num("storage", c.channels[1]), o += '}';
        o += '}';
    }
    o += "},\"findings\":[";
    static constexpr const char* severities[] = {"critical", "high", "medium", "info"};
    static constexpr const char* types[] = {"user", "sender", "threat", "file"};
    const auto list = findings(st);
    for (size_t i = 0; i < list.size(); ++i) {
        const finding& f = list[i];
        o += i ? ",{\"rule\":" : "{\"rule\":";
        put_string(o, f.rule);
        o += ",\"severity\":", put_string(o, severities[f.severity]);
        o += ",\"section\":", put_string(o, section_keys[f.where]);
        o += ',', num("count", f.count), o += ",\"subjects\":[";
        for (size_t j = 0; j < f.subjects.size(); ++j) {
            const subject& x = f.subjects[j];
            o += j ? ",{\"type\":" : "{\"type\":";
            put_string(o, types[x.type]);
            o += ",\"name\":", put_string(o, x.name);
            o += ',', num("count", x.count);
            if (x.type != 0) o += ',', num("distinct_users", x.distinct_users);
            o += '}';
        }
        o += ']';
        if (f.more > 0) o += ',', num("more_subjects", f.more);
        o += '}';
    }
    o += "]}\n";
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    report_state st;
    size_t block = size_t{1} << 20;
    const char* path = nullptr;
    const char* usage =
        "usage: simdjson_report [--month YYYY-MM] [--tz ±HH:MM] [--top N] [--block BYTES] FILE\n";
    std::string month;
    int zone = 9 * 60;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if ((a == "--month" || a == "--tz" || a == "--top" || a == "--block") && i + 1 < argc) {
            const char* v = argv[++i];
            if (a == "--month") month = v;
            if (a == "--top") st.top_n = std::strtoul(v, nullptr, 10);
            if (a == "--block") block = std::max<size_t>(std::strtoul(v, nullptr, 10), 4096);
            if (a == "--tz") {
                const auto o = offset_minutes(v);
                if (!o) return std::fputs(usage, stderr), 1;
                zone = *o;
            }
        } else if (path == nullptr && !a.empty() && a[0] != '-') {
            path = argv[i];
        } else {
            return std::fputs(usage, stderr), 1;
        }
    }
    if (path == nullptr) return std::fputs(usage, stderr), 1;
    if (!month.empty()) {
        int y = 0, m = 0;
        if (month.size() != 7 || month[4] != '-' || !digits(month, 0, 4, y) || !digits(month, 5, 2, m) ||
            m < 1 || m > 12) {
            return std::fputs(usage, stderr), 1;
        }
        st.period = true;
        st.start = (days_from_civil(y, m, 1) * 86400 - int64_t{zone} * 60) * 1000000;
        st.end = (days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) * 86400 - int64_t{zone} * 60) *
                 1000000;
    }
    if (!read_dump(path, block, st)) return 1;
    const std::string json = to_json(st);
    std::fwrite(json.data(), 1, json.size(), stdout);
    return 0;
}
