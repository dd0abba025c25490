// CSV input: the console's log export. A header row names the columns; each later row is one
// record. The header names the console writes are not published (cas-log-format.md section
// 10), so several spellings per field are accepted, in English and Japanese, and
// `options::csv_columns` adds or overrides names.
#include <array>
#include <cstring>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../core/utf8.hpp"
#include "casreport/detail/ascii.hpp"
#include "csv.hpp"

namespace casreport::detail {
namespace {

/// A header name for comparison: ASCII lower-cased; spaces (ASCII and U+3000), tabs, `_`, `-`,
/// `.` and `/` dropped. "Detection Time", "detection_time" and "DETECTION-TIME" are one name.
std::string fold_header(std::string_view h) {
    constexpr std::string_view ideographic_space = "\xE3\x80\x80";
    std::string out;
    out.reserve(h.size());
    for (std::size_t i = 0; i < h.size(); ++i) {
        const char c = h[i];
        if (h.substr(i, 3) == ideographic_space) {
            i += 2;
        } else if (c != ' ' && c != '\t' && c != '_' && c != '-' && c != '.' && c != '/') {
            out += ascii_lower(c);
        }
    }
    return out;
}

struct column_name {
    std::string_view name;
    raw_field field;
};

// The built-in names, as people write them (compared folded). English: the console's column
// and facet names (section 10 and S12) and their likely variants; Japanese: the JP console's
// facet labels and their likely variants. None is confirmed by a real export yet.
constexpr column_name builtin_names[] = {
    {"Log Item ID", raw_field::log_item_id},
    {"Log ID", raw_field::log_item_id},
    {"Event ID", raw_field::log_item_id},
    {"ログID", raw_field::log_item_id},
    {"ログアイテムID", raw_field::log_item_id},
    {"ログ項目ID", raw_field::log_item_id},

    {"Scan Source", raw_field::service},
    {"Service", raw_field::service},
    {"Service Name", raw_field::service},
    {"Protected Service", raw_field::service},
    {"検索元", raw_field::service},
    {"サービス", raw_field::service},
    {"サービス名", raw_field::service},
    {"保護対象サービス", raw_field::service},

    {"Log Type", raw_field::event},
    {"Event", raw_field::event},
    {"Event Type", raw_field::event},
    {"ログの種類", raw_field::event},
    {"ログタイプ", raw_field::event},
    {"ログ種別", raw_field::event},
    {"種類", raw_field::event},
    {"イベント", raw_field::event},
    {"イベントの種類", raw_field::event},

    {"Affected User", raw_field::affected_user},
    {"Affected Users", raw_field::affected_user},
    {"Affected Account", raw_field::affected_user},
    {"User", raw_field::affected_user},
    {"影響を受けたユーザ", raw_field::affected_user},
    {"影響を受けたユーザー", raw_field::affected_user},
    {"対象ユーザ", raw_field::affected_user},
    {"対象ユーザー", raw_field::affected_user},
    {"ユーザ", raw_field::affected_user},
    {"ユーザー", raw_field::affected_user},

    {"Detection Time", raw_field::detection_time},
    {"Detected Time", raw_field::detection_time},
    {"Detection Date", raw_field::detection_time},
    {"Detected", raw_field::detection_time},
    {"Date/Time", raw_field::detection_time},
    {"Date", raw_field::detection_time},
    {"Time", raw_field::detection_time},
    {"Timestamp", raw_field::detection_time},
    {"Event Time", raw_field::detection_time},
    {"検出日時", raw_field::detection_time},
    {"検出時刻", raw_field::detection_time},
    {"検出時間", raw_field::detection_time},
    {"検出日", raw_field::detection_time},
    {"日時", raw_field::detection_time},
    {"発生日時", raw_field::detection_time},

    {"Security Filter", raw_field::triggered_security_filter},
    {"Triggered Security Filter", raw_field::triggered_security_filter},
    {"Filter", raw_field::triggered_security_filter},
    {"セキュリティフィルタ", raw_field::triggered_security_filter},
    {"セキュリティフィルター", raw_field::triggered_security_filter},

    {"Triggered Policy", raw_field::triggered_policy_name},
    {"Triggered Policy Name", raw_field::triggered_policy_name},
    {"Policy", raw_field::triggered_policy_name},
    {"Policy Name", raw_field::triggered_policy_name},
    {"ポリシー", raw_field::triggered_policy_name},
    {"ポリシー名", raw_field::triggered_policy_name},
    {"適用されたポリシー", raw_field::triggered_policy_name},

    {"Action", raw_field::action},
    {"Action Taken", raw_field::action},
    {"処理", raw_field::action},
    {"アクション", raw_field::action},
    {"実行された処理", raw_field::action},
    {"処理内容", raw_field::action},

    {"Action Result", raw_field::action_result},
    {"Result", raw_field::action_result},
    {"Outcome", raw_field::action_result},
    {"処理結果", raw_field::action_result},
    {"結果", raw_field::action_result},

    {"Risk Level", raw_field::risk_level},
    {"Risk", raw_field::risk_level},
    {"リスクレベル", raw_field::risk_level},
    {"リスク", raw_field::risk_level},
    {"危険度", raw_field::risk_level},

    {"Security Risk Name", raw_field::security_risk_name},
    {"Security Risk", raw_field::security_risk_name},
    {"Threat Name", raw_field::security_risk_name},
    {"Threat", raw_field::security_risk_name},
    {"Virus Name", raw_field::security_risk_name},
    {"Virus/Malware Name", raw_field::security_risk_name},
    {"Malware Name", raw_field::security_risk_name},
    {"Ransomware Name", raw_field::security_risk_name},
    {"Detection Name", raw_field::security_risk_name},
    {"セキュリティリスク名", raw_field::security_risk_name},
    {"セキュリティリスク", raw_field::security_risk_name},
    {"ウイルス名", raw_field::security_risk_name},
    {"不正プログラム名", raw_field::security_risk_name},
    {"脅威名", raw_field::security_risk_name},
    {"脅威", raw_field::security_risk_name},
    {"ランサムウェア名", raw_field::security_risk_name},
    {"検出名", raw_field::security_risk_name},

    {"SHA-1", raw_field::file_sha1},
    {"File SHA-1", raw_field::file_sha1},
    {"SHA-1 Hash", raw_field::file_sha1},
    {"SHA-1 Hash Value", raw_field::file_sha1},
    {"SHA-1ハッシュ値", raw_field::file_sha1},
    {"SHA-1ハッシュ", raw_field::file_sha1},
    {"ファイルSHA-1", raw_field::file_sha1},
    {"ファイルのSHA-1", raw_field::file_sha1},

    {"File Name", raw_field::file_name},
    {"File", raw_field::file_name},
    {"Detected File", raw_field::file_name},
    {"ファイル名", raw_field::file_name},
    {"ファイル", raw_field::file_name},
    {"検出ファイル", raw_field::file_name},

    {"Message ID", raw_field::mail_message_id},
    {"Mail Message ID", raw_field::mail_message_id},
    {"Email Message ID", raw_field::mail_message_id},
    {"Internet Message ID", raw_field::mail_message_id},
    {"メッセージID", raw_field::mail_message_id},
    {"メールメッセージID", raw_field::mail_message_id},

    {"Attachment", raw_field::mail_message_file_name},
    {"Attachments", raw_field::mail_message_file_name},
    {"Attachment Name", raw_field::mail_message_file_name},
    {"Attachment File Name", raw_field::mail_message_file_name},
    {"Mail File Name", raw_field::mail_message_file_name},
    {"添付ファイル", raw_field::mail_message_file_name},
    {"添付ファイル名", raw_field::mail_message_file_name},

    {"Sender", raw_field::mail_message_sender},
    {"Mail Sender", raw_field::mail_message_sender},
    {"Email Sender", raw_field::mail_message_sender},
    {"Sender Address", raw_field::mail_message_sender},
    {"From", raw_field::mail_message_sender},
    {"送信者", raw_field::mail_message_sender},
    {"差出人", raw_field::mail_message_sender},
    {"送信者アドレス", raw_field::mail_message_sender},
    {"メール送信者", raw_field::mail_message_sender},
};

struct kind_signature {
    std::string_view part;  // a piece of the column name, compared folded
    event_kind kind;
};

// Columns only one log type's export has (section 10: ransomware adds its name; DLP its
// triggered template/rule and violating content; Virtual Analyzer its summary report). They
// decide the kind of a file without a log-type column. The exact names are not confirmed, and
// the Japanese ones not even documented, so a column whose folded name contains one of these
// pieces counts ("Triggered Template/Rule", "テンプレート/ルール", "違反内容" all say DLP).
constexpr kind_signature kind_signatures[] = {
    {"Ransomware", event_kind::ransomware},
    {"ランサムウェア", event_kind::ransomware},
    {"Template", event_kind::dlp},
    {"Triggered Rule", event_kind::dlp},
    {"Violat", event_kind::dlp},
    {"テンプレート", event_kind::dlp},
    {"違反", event_kind::dlp},
    {"Summary Report", event_kind::virtual_analyzer},
    {"Analysis Report", event_kind::virtual_analyzer},
    {"レポート", event_kind::virtual_analyzer},
};

// The tables above folded once: a header of many columns (a hostile one holds up to 1 MiB
// of them) costs one lookup a column, not a fold of every name for every column.
raw_field builtin_field(const std::string& folded) {
    static const std::unordered_map<std::string, raw_field> by_name = [] {
        std::unordered_map<std::string, raw_field> t;
        for (const column_name& c : builtin_names) t.emplace(fold_header(c.name), c.field);
        return t;
    }();
    const auto it = by_name.find(folded);
    return it == by_name.end() ? raw_field::none : it->second;
}

std::optional<event_kind> signature_kind(std::string_view folded) {
    static const std::vector<std::pair<std::string, event_kind>> parts = [] {
        std::vector<std::pair<std::string, event_kind>> t;
        for (const kind_signature& s : kind_signatures) t.emplace_back(fold_header(s.part), s.kind);
        return t;
    }();
    for (const auto& [part, kind] : parts) {
        if (folded.find(part) != std::string_view::npos) return kind;
    }
    return std::nullopt;
}

}  // namespace

std::optional<raw_field> csv_field_by_name(std::string_view name) noexcept {
    const std::string_view t = trim(name);
    if (t.empty()) return raw_field::none;
    return raw_field_by_name(t);
}

std::string check_csv_columns(const options& opts) {
    for (const auto& [header, field] : opts.csv_columns) {
        if (!csv_field_by_name(field)) {
            std::string why = "the CSV column map sends " + quoted_excerpt(header, 40) + " to " +
                              quoted_excerpt(field, 40) + ", which is not a field; the fields are ";
            for (std::string_view n : raw_field_names) why += std::string(n) + ", ";
            return why + "or \"\" to ignore the column";
        }
    }
    return {};
}

csv_header read_csv_header(const std::vector<std::string_view>& names, const options& opts) {
    csv_header h;
    std::unordered_map<std::string, raw_field> user;  // the last entry for a name wins
    for (const auto& [header, field] : opts.csv_columns) {
        if (const auto f = csv_field_by_name(field)) user.insert_or_assign(fold_header(header), *f);
    }
    std::optional<event_kind> signed_kind;
    bool mixed = false;
    bool has_filter = false;
    for (std::string_view name : names) {
        const std::string folded = fold_header(trim(name));
        const auto by_user = user.find(folded);
        const raw_field f = by_user != user.end() ? by_user->second : builtin_field(folded);
        h.columns.push_back(f);
        if (f != raw_field::none) ++h.known;
        if (f == raw_field::detection_time) h.has_time = true;
        if (f == raw_field::event) h.has_kind_column = true;
        if (f == raw_field::triggered_security_filter) has_filter = true;
        if (const auto k = signature_kind(folded)) {
            if (signed_kind && *signed_kind != *k) mixed = true;
            signed_kind = k;
        }
    }

    if (!h.has_time) {
        std::string cols;
        for (std::size_t i = 0; i < names.size() && i < 8; ++i) {
            cols += (i == 0 ? "" : ", ") + quoted_excerpt(trim(names[i]), 40);
        }
        if (names.size() > 8) cols += ", …";
        h.problem = "the CSV header (" + cols +
                    ") has no detection-time column such as \"Detection Time\" or \"検出日時\"; "
                    "name yours in a CSV column map (--csv-map)";
        return h;
    }
    if (opts.csv_event_kind) {
        h.kind = opts.csv_event_kind;
    } else if (signed_kind && !mixed) {
        h.kind = signed_kind;
    } else if (!signed_kind && has_filter) {
        h.kind = event_kind::security_risk;  // the security filter column, and no other type's
    }
    if (!h.kind && !h.has_kind_column) {
        h.problem = mixed ? "the CSV header has columns of several log types"
                          : "the CSV header has no log-type column, and no column that only one "
                            "log type has";
        h.problem += ", so the log type of its rows is unknown; give it (--csv-kind)";
    }
    return h;
}

namespace {

/// Copies 1 or 2 digits at `s[i..]` to `out` as two, advancing `i`.
bool two_digits(std::string_view s, std::size_t& i, char* out) noexcept {
    if (i >= s.size() || !is_ascii_digit(s[i])) return false;
    const bool two = i + 1 < s.size() && is_ascii_digit(s[i + 1]);
    out[0] = two ? s[i] : '0';
    out[1] = two ? s[i + 1] : s[i];
    i += two ? 2 : 1;
    return true;
}

}  // namespace

std::optional<std::string_view> slashed_time_to_iso(std::string_view text,
                                                    std::array<char, 64>& buf) noexcept {
    const std::string_view s = trim(text);
    if (s.size() < 12 || s[4] != '/') return std::nullopt;
    for (std::size_t k = 0; k < 4; ++k) {
        if (!is_ascii_digit(s[k])) return std::nullopt;
        buf[k] = s[k];
    }
    std::size_t i = 5;
    buf[4] = '-';
    if (!two_digits(s, i, &buf[5]) || i >= s.size() || s[i] != '/') return std::nullopt;
    ++i;
    buf[7] = '-';
    if (!two_digits(s, i, &buf[8]) || i >= s.size() || (s[i] != ' ' && s[i] != 'T')) {
        return std::nullopt;
    }
    ++i;
    buf[10] = 'T';
    if (!two_digits(s, i, &buf[11])) return std::nullopt;
    const std::string_view rest = s.substr(i);  // ":MM[:SS][.fraction][zone]", for normalize()
    if (13 + rest.size() > buf.size()) return std::nullopt;
    rest.copy(&buf[13], rest.size());
    return std::string_view(buf.data(), 13 + rest.size());
}

bool csv_tokenizer::row::blank() const noexcept {
    if (!error.empty()) return false;
    for (std::size_t i = 0; i < size(); ++i) {
        if (!trim(field(i)).empty()) return false;
    }
    return true;
}

namespace {

class csv_decoder final : public decoder {
public:
    csv_decoder(event_sink& sink, const options& opts) : sink_(sink), opts_(opts) {}

    void feed(std::string_view bytes) override {
        if (failed_) return;
        tok_.feed(bytes, [this](const csv_tokenizer::row& r) { on_row(r); });
    }

    void finish() override {
        if (failed_) return;
        tok_.finish([this](const csv_tokenizer::row& r) { on_row(r); });
    }

private:
    void unusable(const std::string& why) {
        failed_ = true;
        sink_.on_unusable(why);
    }

    void on_row(const csv_tokenizer::row& r) {
        if (failed_ || r.blank()) return;
        if (!header_) {
            read_header(r);
            return;
        }
        if (!r.error.empty()) {
            sink_.on_reject(r.line, reject_reason::invalid_csv, r.error);
            return;
        }
        if (r.size() != header_->columns.size()) {
            sink_.on_reject(r.line, reject_reason::invalid_csv,
                            "a row of " + std::to_string(r.size()) + " fields under a header of " +
                                std::to_string(header_->columns.size()));
            return;
        }
        // Field by field: the row's text holds its fields without their separators, so two
        // halves of a sequence cut by a `,` (found by fuzz_csv) would read as one character.
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (!is_valid_utf8(r.field(i))) {
                sink_.on_reject(r.line, reject_reason::invalid_utf8, "a CSV row that is not UTF-8");
                return;
            }
        }
        std::array<std::string_view, raw_field_count> v{};
        for (std::size_t i = 0; i < r.size(); ++i) {
            const raw_field f = header_->columns[i];
            if (f == raw_field::none) continue;
            std::string_view& slot = v[static_cast<std::size_t>(f)];
            // Two columns for one field: the first that is not empty.
            if (trim(slot).empty()) slot = r.field(i);
        }
        std::string_view& event = v[static_cast<std::size_t>(raw_field::event)];
        if (trim(event).empty() && header_->kind) event = to_string(*header_->kind);
        std::string_view& time = v[static_cast<std::size_t>(raw_field::detection_time)];
        if (const auto iso = slashed_time_to_iso(time, time_buf_)) time = *iso;
        const raw_event ev = make_raw_event(v);
        sink_.on_event(ev, r.line, opts_.naive_time_zone);
    }

    void read_header(const csv_tokenizer::row& r) {
        if (!r.error.empty()) {
            return unusable("the CSV header row (line " + std::to_string(r.line) +
                            ") cannot be read: " + std::string(r.error));
        }
        bool utf8 = true;  // field by field, as rows are
        for (std::size_t i = 0; i < r.size() && utf8; ++i) utf8 = is_valid_utf8(r.field(i));
        if (!utf8) {
            return unusable(
                "the CSV header is not UTF-8 (a Japanese export saved as Shift_JIS? "
                "convert it first: iconv -f CP932 -t UTF-8)");
        }
        std::vector<std::string_view> names;
        names.reserve(r.size());
        for (std::size_t i = 0; i < r.size(); ++i) names.push_back(r.field(i));
        header_ = read_csv_header(names, opts_);
        if (!header_->problem.empty()) unusable(header_->problem);
    }

    event_sink& sink_;
    options opts_;
    csv_tokenizer tok_;
    std::optional<csv_header> header_;
    std::array<char, 64> time_buf_{};
    bool failed_ = false;
};

}  // namespace

std::unique_ptr<decoder> make_csv_decoder(event_sink& sink, const options& opts) {
    return std::make_unique<csv_decoder>(sink, opts);
}

}  // namespace casreport::detail
