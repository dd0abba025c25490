// CSV input: the console's log export. A header row names the columns; each later row is one
// record. The header names the console writes are not published (cas-log-format.md section
// 10), so several spellings per field are accepted, in English and Japanese, and
// `options::csv_columns` adds or overrides names.
#include <array>
#include <cstring>

#include "casreport/detail/ascii.hpp"
#include "csv.hpp"
#include "utf8.hpp"

namespace casreport::detail {
namespace {

/// JSON names of the fields, in csv_field order (the names a column map uses).
constexpr std::array<std::string_view, csv_field_count> field_names = {
    "log_item_id",           "service",
    "event",                 "affected_user",
    "detection_time",        "triggered_security_filter",
    "triggered_policy_name", "action",
    "action_result",         "risk_level",
    "security_risk_name",    "file_sha1",
    "file_name",             "mail_message_id",
    "mail_message_file_name", "mail_message_sender",
};

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
    csv_field field;
};

// The built-in names, as people write them (compared folded). English: the console's column
// and facet names (section 10 and S12) and their likely variants; Japanese: the JP console's
// facet labels and their likely variants. None is confirmed by a real export yet.
constexpr column_name builtin_names[] = {
    {"Log Item ID", csv_field::log_item_id},
    {"Log ID", csv_field::log_item_id},
    {"Event ID", csv_field::log_item_id},
    {"ログID", csv_field::log_item_id},
    {"ログアイテムID", csv_field::log_item_id},
    {"ログ項目ID", csv_field::log_item_id},

    {"Scan Source", csv_field::service},
    {"Service", csv_field::service},
    {"Service Name", csv_field::service},
    {"Protected Service", csv_field::service},
    {"検索元", csv_field::service},
    {"サービス", csv_field::service},
    {"サービス名", csv_field::service},
    {"保護対象サービス", csv_field::service},

    {"Log Type", csv_field::event},
    {"Event", csv_field::event},
    {"Event Type", csv_field::event},
    {"ログの種類", csv_field::event},
    {"ログタイプ", csv_field::event},
    {"ログ種別", csv_field::event},
    {"種類", csv_field::event},
    {"イベント", csv_field::event},
    {"イベントの種類", csv_field::event},

    {"Affected User", csv_field::affected_user},
    {"Affected Users", csv_field::affected_user},
    {"Affected Account", csv_field::affected_user},
    {"User", csv_field::affected_user},
    {"影響を受けたユーザ", csv_field::affected_user},
    {"影響を受けたユーザー", csv_field::affected_user},
    {"対象ユーザ", csv_field::affected_user},
    {"対象ユーザー", csv_field::affected_user},
    {"ユーザ", csv_field::affected_user},
    {"ユーザー", csv_field::affected_user},

    {"Detection Time", csv_field::detection_time},
    {"Detected Time", csv_field::detection_time},
    {"Detection Date", csv_field::detection_time},
    {"Detected", csv_field::detection_time},
    {"Date/Time", csv_field::detection_time},
    {"Date", csv_field::detection_time},
    {"Time", csv_field::detection_time},
    {"Timestamp", csv_field::detection_time},
    {"Event Time", csv_field::detection_time},
    {"検出日時", csv_field::detection_time},
    {"検出時刻", csv_field::detection_time},
    {"検出時間", csv_field::detection_time},
    {"検出日", csv_field::detection_time},
    {"日時", csv_field::detection_time},
    {"発生日時", csv_field::detection_time},

    {"Security Filter", csv_field::triggered_security_filter},
    {"Triggered Security Filter", csv_field::triggered_security_filter},
    {"Filter", csv_field::triggered_security_filter},
    {"セキュリティフィルタ", csv_field::triggered_security_filter},
    {"セキュリティフィルター", csv_field::triggered_security_filter},

    {"Triggered Policy", csv_field::triggered_policy_name},
    {"Triggered Policy Name", csv_field::triggered_policy_name},
    {"Policy", csv_field::triggered_policy_name},
    {"Policy Name", csv_field::triggered_policy_name},
    {"ポリシー", csv_field::triggered_policy_name},
    {"ポリシー名", csv_field::triggered_policy_name},
    {"適用されたポリシー", csv_field::triggered_policy_name},

    {"Action", csv_field::action},
    {"Action Taken", csv_field::action},
    {"処理", csv_field::action},
    {"アクション", csv_field::action},
    {"実行された処理", csv_field::action},
    {"処理内容", csv_field::action},

    {"Action Result", csv_field::action_result},
    {"Result", csv_field::action_result},
    {"Outcome", csv_field::action_result},
    {"処理結果", csv_field::action_result},
    {"結果", csv_field::action_result},

    {"Risk Level", csv_field::risk_level},
    {"Risk", csv_field::risk_level},
    {"リスクレベル", csv_field::risk_level},
    {"リスク", csv_field::risk_level},
    {"危険度", csv_field::risk_level},

    {"Security Risk Name", csv_field::security_risk_name},
    {"Security Risk", csv_field::security_risk_name},
    {"Threat Name", csv_field::security_risk_name},
    {"Threat", csv_field::security_risk_name},
    {"Virus Name", csv_field::security_risk_name},
    {"Virus/Malware Name", csv_field::security_risk_name},
    {"Malware Name", csv_field::security_risk_name},
    {"Ransomware Name", csv_field::security_risk_name},
    {"Detection Name", csv_field::security_risk_name},
    {"セキュリティリスク名", csv_field::security_risk_name},
    {"セキュリティリスク", csv_field::security_risk_name},
    {"ウイルス名", csv_field::security_risk_name},
    {"不正プログラム名", csv_field::security_risk_name},
    {"脅威名", csv_field::security_risk_name},
    {"脅威", csv_field::security_risk_name},
    {"ランサムウェア名", csv_field::security_risk_name},
    {"検出名", csv_field::security_risk_name},

    {"SHA-1", csv_field::file_sha1},
    {"File SHA-1", csv_field::file_sha1},
    {"SHA-1 Hash", csv_field::file_sha1},
    {"SHA-1 Hash Value", csv_field::file_sha1},
    {"SHA-1ハッシュ値", csv_field::file_sha1},
    {"SHA-1ハッシュ", csv_field::file_sha1},
    {"ファイルSHA-1", csv_field::file_sha1},
    {"ファイルのSHA-1", csv_field::file_sha1},

    {"File Name", csv_field::file_name},
    {"File", csv_field::file_name},
    {"Detected File", csv_field::file_name},
    {"ファイル名", csv_field::file_name},
    {"ファイル", csv_field::file_name},
    {"検出ファイル", csv_field::file_name},

    {"Message ID", csv_field::mail_message_id},
    {"Mail Message ID", csv_field::mail_message_id},
    {"Email Message ID", csv_field::mail_message_id},
    {"Internet Message ID", csv_field::mail_message_id},
    {"メッセージID", csv_field::mail_message_id},
    {"メールメッセージID", csv_field::mail_message_id},

    {"Attachment", csv_field::mail_message_file_name},
    {"Attachments", csv_field::mail_message_file_name},
    {"Attachment Name", csv_field::mail_message_file_name},
    {"Attachment File Name", csv_field::mail_message_file_name},
    {"Mail File Name", csv_field::mail_message_file_name},
    {"添付ファイル", csv_field::mail_message_file_name},
    {"添付ファイル名", csv_field::mail_message_file_name},

    {"Sender", csv_field::mail_message_sender},
    {"Mail Sender", csv_field::mail_message_sender},
    {"Email Sender", csv_field::mail_message_sender},
    {"Sender Address", csv_field::mail_message_sender},
    {"From", csv_field::mail_message_sender},
    {"送信者", csv_field::mail_message_sender},
    {"差出人", csv_field::mail_message_sender},
    {"送信者アドレス", csv_field::mail_message_sender},
    {"メール送信者", csv_field::mail_message_sender},
};

struct kind_signature {
    std::string_view name;
    event_kind kind;
};

// Columns only one log type's export has (section 10: ransomware adds its name; DLP its
// template, rule and violating content; Virtual Analyzer its summary report). They decide the
// kind of a file without a log-type column.
constexpr kind_signature kind_signatures[] = {
    {"Ransomware Name", event_kind::ransomware},
    {"ランサムウェア名", event_kind::ransomware},
    {"Triggered Template", event_kind::dlp},
    {"Triggered DLP Template", event_kind::dlp},
    {"DLP Template", event_kind::dlp},
    {"Template", event_kind::dlp},
    {"Triggered Rule", event_kind::dlp},
    {"Violating Content", event_kind::dlp},
    {"テンプレート", event_kind::dlp},
    {"違反コンテンツ", event_kind::dlp},
    {"違反したコンテンツ", event_kind::dlp},
    {"Summary Report", event_kind::virtual_analyzer},
    {"Analysis Report", event_kind::virtual_analyzer},
    {"概要レポート", event_kind::virtual_analyzer},
    {"分析レポート", event_kind::virtual_analyzer},
    {"サマリレポート", event_kind::virtual_analyzer},
    {"サマリーレポート", event_kind::virtual_analyzer},
};

/// A header cell for a message: as written, cut to a readable length.
std::string quoted_name(std::string_view n) {
    constexpr std::size_t max = 40;
    if (n.size() > max) {
        std::size_t cut = max;
        while (cut > 0 && (static_cast<unsigned char>(n[cut]) & 0xC0U) == 0x80U) --cut;
        return "\"" + std::string(n.substr(0, cut)) + "…\"";
    }
    return "\"" + std::string(n) + "\"";
}

csv_field builtin_field(std::string_view folded) {
    for (const column_name& c : builtin_names) {
        if (fold_header(c.name) == folded) return c.field;
    }
    return csv_field::none;
}

std::optional<event_kind> signature_kind(std::string_view folded) {
    for (const kind_signature& s : kind_signatures) {
        if (fold_header(s.name) == folded) return s.kind;
    }
    return std::nullopt;
}

}  // namespace

std::optional<csv_field> csv_field_by_name(std::string_view name) noexcept {
    const std::string_view t = trim(name);
    if (t.empty()) return csv_field::none;
    for (std::size_t i = 0; i < field_names.size(); ++i) {
        if (iequals(t, field_names[i])) return static_cast<csv_field>(i);
    }
    return std::nullopt;
}

std::string check_csv_columns(const options& opts) {
    for (const auto& [header, field] : opts.csv_columns) {
        if (!csv_field_by_name(field)) {
            std::string why = "the CSV column map sends " + quoted_name(header) + " to " +
                              quoted_name(field) + ", which is not a field; the fields are ";
            for (std::string_view n : field_names) why += std::string(n) + ", ";
            return why + "or \"\" to ignore the column";
        }
    }
    return {};
}

csv_header read_csv_header(const std::vector<std::string_view>& names, const options& opts) {
    csv_header h;
    std::vector<std::pair<std::string, csv_field>> user;
    for (const auto& [header, field] : opts.csv_columns) {
        if (const auto f = csv_field_by_name(field)) user.emplace_back(fold_header(header), *f);
    }
    std::optional<event_kind> signed_kind;
    bool mixed = false;
    bool has_filter = false;
    for (std::string_view name : names) {
        const std::string folded = fold_header(trim(name));
        csv_field f = csv_field::none;
        bool mapped_by_user = false;
        for (const auto& [h_name, h_field] : user) {
            if (h_name == folded) {
                f = h_field;
                mapped_by_user = true;
            }
        }
        if (!mapped_by_user) f = builtin_field(folded);
        h.columns.push_back(f);
        if (f != csv_field::none) ++h.known;
        if (f == csv_field::detection_time) h.has_time = true;
        if (f == csv_field::event) h.has_kind_column = true;
        if (f == csv_field::triggered_security_filter) has_filter = true;
        if (const auto k = signature_kind(folded)) {
            if (signed_kind && *signed_kind != *k) mixed = true;
            signed_kind = k;
        }
    }

    if (!h.has_time) {
        std::string cols;
        for (std::size_t i = 0; i < names.size() && i < 8; ++i) {
            cols += (i == 0 ? "" : ", ") + quoted_name(trim(names[i]));
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
        if (!is_valid_utf8(r.text)) {
            sink_.on_reject(r.line, reject_reason::invalid_utf8, "a CSV row that is not UTF-8");
            return;
        }
        std::array<std::string_view, csv_field_count> v{};
        for (std::size_t i = 0; i < r.size(); ++i) {
            const csv_field f = header_->columns[i];
            if (f == csv_field::none) continue;
            std::string_view& slot = v[static_cast<std::size_t>(f)];
            // Two columns for one field: the first that is not empty.
            if (trim(slot).empty()) slot = r.field(i);
        }
        const auto at = [&v](csv_field f) { return v[static_cast<std::size_t>(f)]; };
        raw_event ev;
        ev.log_item_id = at(csv_field::log_item_id);
        ev.service = at(csv_field::service);
        ev.event = at(csv_field::event);
        if (trim(ev.event).empty() && header_->kind) ev.event = to_string(*header_->kind);
        ev.affected_user = at(csv_field::affected_user);
        ev.detection_time = at(csv_field::detection_time);
        if (const auto iso = slashed_time_to_iso(ev.detection_time, time_buf_)) {
            ev.detection_time = *iso;
        }
        ev.triggered_security_filter = at(csv_field::triggered_security_filter);
        ev.triggered_policy_name = at(csv_field::triggered_policy_name);
        ev.action = at(csv_field::action);
        ev.action_result = at(csv_field::action_result);
        ev.risk_level = at(csv_field::risk_level);
        ev.security_risk_name = at(csv_field::security_risk_name);
        ev.file_sha1 = at(csv_field::file_sha1);
        ev.file_name = at(csv_field::file_name);
        ev.mail_message_id = at(csv_field::mail_message_id);
        ev.mail_message_file_name = at(csv_field::mail_message_file_name);
        ev.mail_message_sender = at(csv_field::mail_message_sender);
        sink_.on_event(ev, r.line, opts_.naive_time_zone);
    }

    void read_header(const csv_tokenizer::row& r) {
        if (!r.error.empty()) {
            return unusable("the CSV header row (line " + std::to_string(r.line) +
                            ") cannot be read: " + std::string(r.error));
        }
        if (!is_valid_utf8(r.text)) {
            return unusable("the CSV header is not UTF-8 (a Japanese export saved as Shift_JIS? "
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
