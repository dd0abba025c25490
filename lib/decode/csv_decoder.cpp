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
    {"Log Item ID", field_of(&raw_event::log_item_id)},
    {"Log ID", field_of(&raw_event::log_item_id)},
    {"Event ID", field_of(&raw_event::log_item_id)},
    {"ログID", field_of(&raw_event::log_item_id)},
    {"ログアイテムID", field_of(&raw_event::log_item_id)},
    {"ログ項目ID", field_of(&raw_event::log_item_id)},

    {"Scan Source", field_of(&raw_event::service)},
    {"Service", field_of(&raw_event::service)},
    {"Service Name", field_of(&raw_event::service)},
    {"Protected Service", field_of(&raw_event::service)},
    {"検索元", field_of(&raw_event::service)},
    {"サービス", field_of(&raw_event::service)},
    {"サービス名", field_of(&raw_event::service)},
    {"保護対象サービス", field_of(&raw_event::service)},

    {"Log Type", field_of(&raw_event::event)},
    {"Event", field_of(&raw_event::event)},
    {"Event Type", field_of(&raw_event::event)},
    {"ログの種類", field_of(&raw_event::event)},
    {"ログタイプ", field_of(&raw_event::event)},
    {"ログ種別", field_of(&raw_event::event)},
    {"種類", field_of(&raw_event::event)},
    {"イベント", field_of(&raw_event::event)},
    {"イベントの種類", field_of(&raw_event::event)},

    {"Affected User", field_of(&raw_event::affected_user)},
    {"Affected Users", field_of(&raw_event::affected_user)},
    {"Affected Account", field_of(&raw_event::affected_user)},
    {"User", field_of(&raw_event::affected_user)},
    {"影響を受けたユーザ", field_of(&raw_event::affected_user)},
    {"影響を受けたユーザー", field_of(&raw_event::affected_user)},
    {"対象ユーザ", field_of(&raw_event::affected_user)},
    {"対象ユーザー", field_of(&raw_event::affected_user)},
    {"ユーザ", field_of(&raw_event::affected_user)},
    {"ユーザー", field_of(&raw_event::affected_user)},

    {"Detection Time", field_of(&raw_event::detection_time)},
    {"Detected Time", field_of(&raw_event::detection_time)},
    {"Detection Date", field_of(&raw_event::detection_time)},
    {"Detected", field_of(&raw_event::detection_time)},
    {"Date/Time", field_of(&raw_event::detection_time)},
    {"Date", field_of(&raw_event::detection_time)},
    {"Time", field_of(&raw_event::detection_time)},
    {"Timestamp", field_of(&raw_event::detection_time)},
    {"Event Time", field_of(&raw_event::detection_time)},
    {"検出日時", field_of(&raw_event::detection_time)},
    {"検出時刻", field_of(&raw_event::detection_time)},
    {"検出時間", field_of(&raw_event::detection_time)},
    {"検出日", field_of(&raw_event::detection_time)},
    {"日時", field_of(&raw_event::detection_time)},
    {"発生日時", field_of(&raw_event::detection_time)},

    {"Security Filter", field_of(&raw_event::triggered_security_filter)},
    {"Triggered Security Filter", field_of(&raw_event::triggered_security_filter)},
    {"Filter", field_of(&raw_event::triggered_security_filter)},
    {"セキュリティフィルタ", field_of(&raw_event::triggered_security_filter)},
    {"セキュリティフィルター", field_of(&raw_event::triggered_security_filter)},

    {"Triggered Policy", field_of(&raw_event::triggered_policy_name)},
    {"Triggered Policy Name", field_of(&raw_event::triggered_policy_name)},
    {"Policy", field_of(&raw_event::triggered_policy_name)},
    {"Policy Name", field_of(&raw_event::triggered_policy_name)},
    {"ポリシー", field_of(&raw_event::triggered_policy_name)},
    {"ポリシー名", field_of(&raw_event::triggered_policy_name)},
    {"適用されたポリシー", field_of(&raw_event::triggered_policy_name)},

    {"Action", field_of(&raw_event::action)},
    {"Action Taken", field_of(&raw_event::action)},
    {"処理", field_of(&raw_event::action)},
    {"アクション", field_of(&raw_event::action)},
    {"実行された処理", field_of(&raw_event::action)},
    {"処理内容", field_of(&raw_event::action)},

    {"Action Result", field_of(&raw_event::action_result)},
    {"Result", field_of(&raw_event::action_result)},
    {"Outcome", field_of(&raw_event::action_result)},
    {"処理結果", field_of(&raw_event::action_result)},
    {"結果", field_of(&raw_event::action_result)},

    {"Risk Level", field_of(&raw_event::risk_level)},
    {"Risk", field_of(&raw_event::risk_level)},
    {"リスクレベル", field_of(&raw_event::risk_level)},
    {"リスク", field_of(&raw_event::risk_level)},
    {"危険度", field_of(&raw_event::risk_level)},

    {"Security Risk Name", field_of(&raw_event::security_risk_name)},
    {"Security Risk", field_of(&raw_event::security_risk_name)},
    {"Threat Name", field_of(&raw_event::security_risk_name)},
    {"Threat", field_of(&raw_event::security_risk_name)},
    {"Virus Name", field_of(&raw_event::security_risk_name)},
    {"Virus/Malware Name", field_of(&raw_event::security_risk_name)},
    {"Malware Name", field_of(&raw_event::security_risk_name)},
    {"Ransomware Name", field_of(&raw_event::security_risk_name)},
    {"Detection Name", field_of(&raw_event::security_risk_name)},
    {"セキュリティリスク名", field_of(&raw_event::security_risk_name)},
    {"セキュリティリスク", field_of(&raw_event::security_risk_name)},
    {"ウイルス名", field_of(&raw_event::security_risk_name)},
    {"不正プログラム名", field_of(&raw_event::security_risk_name)},
    {"脅威名", field_of(&raw_event::security_risk_name)},
    {"脅威", field_of(&raw_event::security_risk_name)},
    {"ランサムウェア名", field_of(&raw_event::security_risk_name)},
    {"検出名", field_of(&raw_event::security_risk_name)},

    {"SHA-1", field_of(&raw_event::file_sha1)},
    {"File SHA-1", field_of(&raw_event::file_sha1)},
    {"SHA-1 Hash", field_of(&raw_event::file_sha1)},
    {"SHA-1 Hash Value", field_of(&raw_event::file_sha1)},
    {"SHA-1ハッシュ値", field_of(&raw_event::file_sha1)},
    {"SHA-1ハッシュ", field_of(&raw_event::file_sha1)},
    {"ファイルSHA-1", field_of(&raw_event::file_sha1)},
    {"ファイルのSHA-1", field_of(&raw_event::file_sha1)},

    {"File Name", field_of(&raw_event::file_name)},
    {"File", field_of(&raw_event::file_name)},
    {"Detected File", field_of(&raw_event::file_name)},
    {"ファイル名", field_of(&raw_event::file_name)},
    {"ファイル", field_of(&raw_event::file_name)},
    {"検出ファイル", field_of(&raw_event::file_name)},

    {"Message ID", field_of(&raw_event::mail_message_id)},
    {"Mail Message ID", field_of(&raw_event::mail_message_id)},
    {"Email Message ID", field_of(&raw_event::mail_message_id)},
    {"Internet Message ID", field_of(&raw_event::mail_message_id)},
    {"メッセージID", field_of(&raw_event::mail_message_id)},
    {"メールメッセージID", field_of(&raw_event::mail_message_id)},

    {"Attachment", field_of(&raw_event::mail_message_file_name)},
    {"Attachments", field_of(&raw_event::mail_message_file_name)},
    {"Attachment Name", field_of(&raw_event::mail_message_file_name)},
    {"Attachment File Name", field_of(&raw_event::mail_message_file_name)},
    {"Mail File Name", field_of(&raw_event::mail_message_file_name)},
    {"添付ファイル", field_of(&raw_event::mail_message_file_name)},
    {"添付ファイル名", field_of(&raw_event::mail_message_file_name)},

    {"Sender", field_of(&raw_event::mail_message_sender)},
    {"Mail Sender", field_of(&raw_event::mail_message_sender)},
    {"Email Sender", field_of(&raw_event::mail_message_sender)},
    {"Sender Address", field_of(&raw_event::mail_message_sender)},
    {"From", field_of(&raw_event::mail_message_sender)},
    {"送信者", field_of(&raw_event::mail_message_sender)},
    {"差出人", field_of(&raw_event::mail_message_sender)},
    {"送信者アドレス", field_of(&raw_event::mail_message_sender)},
    {"メール送信者", field_of(&raw_event::mail_message_sender)},
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
            for (std::size_t i = 0; i < raw_field_count; ++i) {
                if (is_flat(i)) why += std::string(raw_fields[i].key) + ", ";
            }
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
        if (f == field_of(&raw_event::detection_time)) h.has_time = true;
        if (f == field_of(&raw_event::event)) h.has_kind_column = true;
        if (f == field_of(&raw_event::triggered_security_filter)) has_filter = true;
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
        std::string_view& event = v[static_cast<std::size_t>(field_of(&raw_event::event))];
        if (trim(event).empty() && header_->kind) event = to_string(*header_->kind);
        std::string_view& time = v[static_cast<std::size_t>(field_of(&raw_event::detection_time))];
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
