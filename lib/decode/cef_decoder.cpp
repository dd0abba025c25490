// CEF input: `CEF:0|Trend Micro|CAS|5.0|100,101|securityrisk|High rt=... cat=... ...`, one
// record per line (optionally after a syslog prefix), or one per string element of a JSON page's
// `security_events` (`format=cef`). Keys follow reference/cas-log-format.md section 9.3.
//
// The CAS API writes the severity and the extension separated by a space, not by the seventh
// `|` of the CEF specification (section 9.3's example, and the S16 parser expects it); both
// forms are read.
#include <algorithm>
#include <chrono>
#include <cstring>

#include "../core/utf8.hpp"
#include "casreport/detail/ascii.hpp"
#include "cef.hpp"

namespace casreport::detail {
namespace {

constexpr bool is_key_char(char c) noexcept {
    return is_ascii_alnum(c) || c == '_' || c == '.' || c == '-' || c == '[' || c == ']';
}

/// A field by its JSON name (`SecurityRiskName`, `security_risk_name`), or by the short forms
/// the CAS keys use after `TrendMicroCas` (`Filter`, `PolicyName`, `MailFileName`).
std::optional<raw_field> field_of_name(std::string_view name) noexcept {
    char buf[64];
    const std::string_view f = fold_into(buf, name, "_- ");
    if (f == "filter") return field_of(&raw_event::triggered_security_filter);
    if (f == "policyname") return field_of(&raw_event::triggered_policy_name);
    if (f == "mailfilename") return field_of(&raw_event::mail_message_file_name);
    return raw_field_by_name(f);
}

constexpr std::string_view vendor_prefix = "trendmicrocas";

/// The field an extension key gives: the keys of section 9.3, the CEF dictionary keys whose
/// meaning is plain (`fname`, `fileHash`), and `TrendMicroCas<JsonName>` for any other field
/// (`TrendMicroCasSecurityRiskName`, `TrendMicroCasRiskLevel`). Case-insensitive.
std::optional<raw_field> field_of_key(std::string_view key) noexcept {
    char buf[64];
    const std::string_view f = fold_into(buf, key, "_");
    if (f == "devicepayloadid") return field_of(&raw_event::log_item_id);
    if (f == "destinationservicename") return field_of(&raw_event::service);
    if (f == "cat") return field_of(&raw_event::event);
    if (f == "rt") return field_of(&raw_event::detection_time);
    if (f == "act") return field_of(&raw_event::action);
    if (f == "outcome") return field_of(&raw_event::action_result);
    if (f == "suid") return field_of(&raw_event::mail_message_id);
    if (f == "suser") return field_of(&raw_event::mail_message_sender);
    if (f == "fname") return field_of(&raw_event::file_name);
    if (f == "filehash") return field_of(&raw_event::file_sha1);
    if (f.substr(0, vendor_prefix.size()) == vendor_prefix) {
        return field_of_name(f.substr(vendor_prefix.size()));
    }
    return std::nullopt;
}

/// `csN` (N = 1..6) → N-1; `csNLabel` sets `label`. Anything else → -1.
int custom_index(std::string_view key, bool& label) noexcept {
    if (key.size() < 3 || ascii_lower(key[0]) != 'c' || ascii_lower(key[1]) != 's' ||
        key[2] < '1' || key[2] > '6') {
        return -1;
    }
    const std::string_view rest = key.substr(3);
    label = iequals(rest, "label");
    if (!rest.empty() && !label) return -1;
    return key[2] - '1';
}

/// The field a `csNLabel` names, by the same names as `TrendMicroCas<JsonName>` keys; spaces,
/// `_` and `-` ignored ("Security Risk Name", "security_risk_name").
std::optional<raw_field> field_of_label(std::string_view label) noexcept {
    char buf[64];
    std::string_view f = fold_into(buf, trim(label), "_- ");
    if (f.substr(0, vendor_prefix.size()) == vendor_prefix) f.remove_prefix(vendor_prefix.size());
    return field_of_name(f);
}

/// Header fields: `\|` and `\\` are escapes; any other backslash is kept.
void unescape_header(std::string_view s, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size() && (s[i + 1] == '|' || s[i + 1] == '\\')) ++i;
        out += s[i];
    }
}

/// Extension values: `\\`, `\=`, `\n`, `\r`, and `\|` (not required by the specification, but
/// written by some producers); any other backslash is kept.
void unescape_value(std::string_view s, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            const char next = s[i + 1];
            if (next == '\\' || next == '=' || next == '|') {
                out += next;
                ++i;
                continue;
            }
            if (next == 'n' || next == 'r') {
                out += next == 'n' ? '\n' : '\r';
                ++i;
                continue;
            }
        }
        out += s[i];
    }
}

/// The position of the next `|` at or after `from` that is not escaped, or npos.
std::size_t find_separator(std::string_view s, std::size_t from) noexcept {
    for (std::size_t j = from; j < s.size(); ++j) {
        if (s[j] == '\\') {
            ++j;
        } else if (s[j] == '|') {
            return j;
        }
    }
    return std::string_view::npos;
}

/// Whether `key=` starts at `p`.
bool pair_starts_at(std::string_view e, std::size_t p) noexcept {
    std::size_t q = p;
    while (q < e.size() && is_key_char(e[q])) ++q;
    return q > p && q < e.size() && e[q] == '=';
}

bool all_digits(std::string_view s) noexcept {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_ascii_digit);
}

/// `rt` in milliseconds since the epoch (the CEF specification's other form of a time stamp)
/// → ISO-8601 UTC; `out` is left alone for any other text.
void epoch_millis_to_iso(std::string& value) {
    const std::string_view t = trim(value);
    if (!all_digits(t) || t.size() > 15) return;
    std::int64_t ms = 0;
    for (char c : t) ms = ms * 10 + (c - '0');
    value = format_utc(timestamp(std::chrono::milliseconds(ms)));
}

}  // namespace

void cef_record_parser::set(raw_field f, std::string_view escaped) {
    unescape_value(escaped, scratch_);
    if (trim(scratch_).empty()) return;  // empty means absent: an earlier value stays
    values_[static_cast<std::size_t>(f)].swap(scratch_);
}

bool cef_record_parser::parse(std::string_view text, std::string& why) {
    for (std::string& v : values_) v.clear();
    for (std::string& v : custom_) v.clear();
    for (std::string& v : custom_label_) v.clear();
    name_.clear();

    const std::size_t at = text.find("CEF:");
    if (at == std::string_view::npos) {
        why = "not a CEF record: no \"CEF:\" header";
        return false;
    }
    const std::string_view s = text.substr(at + 4);
    // Version, vendor, product, device version, signature id, name: six fields, six `|`.
    std::array<std::string_view, 6> header;
    std::size_t start = 0;
    for (std::size_t k = 0; k < header.size(); ++k) {
        const std::size_t bar = find_separator(s, start);
        if (bar == std::string_view::npos) {
            why = "the CEF header ends after " + std::to_string(k + 1) + " of its 7 fields";
            return false;
        }
        header[k] = s.substr(start, bar - start);
        start = bar + 1;
    }
    if (!all_digits(trim(header[0]))) {
        why = "the CEF version is not a number";
        return false;
    }
    unescape_header(header[5], name_);

    // Severity, then the extension: after a `|` when one comes before the first `=`
    // (the specification), else after the first space (the CAS API).
    const std::size_t bar = find_separator(s, start);
    const std::size_t eq = s.find('=', start);
    std::size_t ext = s.size();
    if (bar != std::string_view::npos && (eq == std::string_view::npos || bar < eq)) {
        ext = bar + 1;
    } else if (const std::size_t sp = s.find(' ', start); sp != std::string_view::npos) {
        ext = sp + 1;
    }
    const std::string_view e = s.substr(ext);

    std::size_t i = 0;
    while (i < e.size()) {
        if (e[i] == ' ' || e[i] == '\t' || e[i] == '\r' || e[i] == '\n') {
            ++i;
            continue;
        }
        const std::size_t k0 = i;
        while (i < e.size() && is_key_char(e[i])) ++i;
        if (i == k0 || i == e.size() || e[i] != '=') {
            // Cut on a character boundary and never inside an address (excerpt_cut).
            const std::string_view rest = e.substr(k0);
            why = "CEF extension text that is not key=value, at \"" +
                  std::string(rest.substr(0, excerpt_cut(rest, 20))) + "\"";
            return false;
        }
        const std::string_view key = e.substr(k0, i - k0);
        const std::size_t v0 = ++i;
        std::size_t vend = e.size();
        for (std::size_t j = v0; j < e.size(); ++j) {
            if (e[j] == '\\') {
                ++j;
            } else if (e[j] == ' ' && pair_starts_at(e, j + 1)) {
                vend = j;
                break;
            }
        }
        std::string_view value = e.substr(v0, vend - v0);
        while (!value.empty() && is_ascii_space(value.back())) value.remove_suffix(1);
        i = vend;

        bool label = false;
        if (const int c = custom_index(key, label); c >= 0) {
            unescape_value(value, label ? custom_label_[c] : custom_[c]);
        } else if (const auto f = field_of_key(key)) {
            set(*f, value);
        }
    }

    // csN values fill the fields their labels name, unless a named key gave them already.
    for (std::size_t c = 0; c < custom_.size(); ++c) {
        if (custom_[c].empty() || custom_label_[c].empty()) continue;
        if (const auto f = field_of_label(custom_label_[c])) {
            std::string& v = values_[static_cast<std::size_t>(*f)];
            if (v.empty()) v = custom_[c];
        }
    }
    std::string& event = values_[static_cast<std::size_t>(field_of(&raw_event::event))];
    if (trim(event).empty()) event = name_;
    epoch_millis_to_iso(values_[static_cast<std::size_t>(field_of(&raw_event::detection_time))]);
    return true;
}

void cef_record_parser::decode(std::string_view text, std::uint64_t line, event_sink& sink) {
    if (!is_valid_utf8(text)) {
        sink.on_reject(line, reject_reason::invalid_utf8, "a CEF record that is not UTF-8");
        return;
    }
    std::string why;
    if (!parse(text, why)) {
        sink.on_reject(line, reject_reason::invalid_cef, why);
        return;
    }
    sink.on_event(make_raw_event(values_), line, utc_offset{});
}

namespace {

/// One CEF record per line; blank lines are not records. A line longer than
/// `max_text_record_bytes` is rejected without being held.
class cef_decoder final : public decoder {
public:
    explicit cef_decoder(event_sink& sink) : sink_(sink) {}

    void feed(std::string_view bytes) override {
        while (!bytes.empty()) {
            const void* found = std::memchr(bytes.data(), '\n', bytes.size());
            if (found == nullptr) {
                hold(bytes);
                return;
            }
            const std::size_t n =
                static_cast<std::size_t>(static_cast<const char*>(found) - bytes.data());
            if (skipping_) {
                skipping_ = false;
            } else if (partial_.size() + n > max_text_record_bytes) {
                reject_overlong();
                skipping_ = false;
            } else if (partial_.empty()) {
                record(bytes.substr(0, n));
            } else {
                partial_.append(bytes.substr(0, n));
                record(partial_);
                partial_.clear();
            }
            ++line_;
            bytes.remove_prefix(n + 1);
        }
    }

    void finish() override {
        if (!skipping_ && !partial_.empty()) record(partial_);
        partial_.clear();
        skipping_ = false;
    }

private:
    void hold(std::string_view rest) {
        if (skipping_) return;
        if (partial_.size() + rest.size() > max_text_record_bytes) {
            reject_overlong();
            return;
        }
        partial_.append(rest);
    }

    /// The current line is too long to hold: reject it and skip to its end.
    void reject_overlong() {
        sink_.on_reject(
            line_, reject_reason::invalid_cef,
            "a CEF line longer than " + std::to_string(max_text_record_bytes) + " bytes");
        partial_.clear();
        partial_.shrink_to_fit();
        skipping_ = true;
    }

    void record(std::string_view text) {
        if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
        if (trim(text).empty()) return;
        parser_.decode(text, line_, sink_);
    }

    event_sink& sink_;
    cef_record_parser parser_;
    std::string partial_;  // the current line, when it spans chunks
    std::uint64_t line_ = 1;
    bool skipping_ = false;  // inside an over-long line that was rejected
};

}  // namespace

std::unique_ptr<decoder> make_cef_decoder(event_sink& sink) {
    return std::make_unique<cef_decoder>(sink);
}

}  // namespace casreport::detail
