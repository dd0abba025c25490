// The fields of raw_event as the CAS JSON names them: the one table every decoder takes its
// keys from (the JSON decoder, the NDJSON fast path, CSV column maps and CEF keys). Adding a
// field is a member of raw_event, a row here, and its use. Private to lib/.
#ifndef CASREPORT_LIB_DECODE_RAW_FIELDS_HPP
#define CASREPORT_LIB_DECODE_RAW_FIELDS_HPP

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "casreport/detail/ascii.hpp"
#include "casreport/record.hpp"

namespace casreport::detail {

/// Where a key sits in a CAS event object: at its top level, or inside its `message` object.
enum class field_scope : std::uint8_t { top, message };

using raw_member = std::string_view raw_event::*;

/// One field: its JSON key, the object that holds the key, and the member it fills.
struct raw_field_row {
    std::string_view key;
    field_scope scope;
    raw_member member;
};

/// In raw_event order (the decoders' value arrays are indexed by row).
inline constexpr raw_field_row raw_fields[] = {
    {"log_item_id", field_scope::top, &raw_event::log_item_id},
    {"service", field_scope::top, &raw_event::service},
    {"event", field_scope::top, &raw_event::event},
    {"log_item_id", field_scope::message, &raw_event::message_log_item_id},
    {"affected_user", field_scope::message, &raw_event::affected_user},
    {"detection_time", field_scope::message, &raw_event::detection_time},
    {"triggered_security_filter", field_scope::message, &raw_event::triggered_security_filter},
    {"triggered_policy_name", field_scope::message, &raw_event::triggered_policy_name},
    {"action", field_scope::message, &raw_event::action},
    {"action_result", field_scope::message, &raw_event::action_result},
    {"risk_level", field_scope::message, &raw_event::risk_level},
    {"security_risk_name", field_scope::message, &raw_event::security_risk_name},
    {"file_sha1", field_scope::message, &raw_event::file_sha1},
    {"file_name", field_scope::message, &raw_event::file_name},
    {"mail_message_id", field_scope::message, &raw_event::mail_message_id},
    {"mail_message_file_name", field_scope::message, &raw_event::mail_message_file_name},
    {"mail_message_sender", field_scope::message, &raw_event::mail_message_sender},
};
inline constexpr std::size_t raw_field_count = std::size(raw_fields);

/// A row of `raw_fields` by number; `none` for a column or key that fills nothing.
enum class raw_field : std::uint8_t { none = 0xff };

/// The row of the field that fills `m`.
[[nodiscard]] constexpr raw_field field_of(raw_member m) noexcept {
    for (std::size_t i = 0; i < raw_field_count; ++i) {
        if (raw_fields[i].member == m) return static_cast<raw_field>(i);
    }
    return raw_field::none;
}

/// The row of the key `k` in `scope`, or `none`.
[[nodiscard]] constexpr raw_field field_by_key(field_scope scope, std::string_view k) noexcept {
    for (std::size_t i = 0; i < raw_field_count; ++i) {
        if (raw_fields[i].scope == scope && raw_fields[i].key == k)
            return static_cast<raw_field>(i);
    }
    return raw_field::none;
}

/// Whether the flat formats (CSV column maps, CEF keys) name row `i` by its key: every row but
/// one whose key an earlier row has (`message.log_item_id`, which only the JSON shape tells
/// from the top-level one).
[[nodiscard]] constexpr bool is_flat(std::size_t i) noexcept {
    for (std::size_t j = 0; j < i; ++j) {
        if (raw_fields[j].key == raw_fields[i].key) return false;
    }
    return true;
}

/// A field by its JSON key, ASCII case-insensitive, `_` ignored: "file_sha1", "FileSha1".
[[nodiscard]] inline std::optional<raw_field> raw_field_by_name(std::string_view name) noexcept {
    char a[40];
    char b[40];
    const std::string_view f = fold_into(a, name, "_");
    if (f.empty()) return std::nullopt;
    for (std::size_t i = 0; i < raw_field_count; ++i) {
        if (is_flat(i) && fold_into(b, raw_fields[i].key, "_") == f) {
            return static_cast<raw_field>(i);
        }
    }
    return std::nullopt;
}

/// A raw_event whose fields view `v[row]` (strings or string views).
template <class Values>
[[nodiscard]] raw_event make_raw_event(const Values& v) {
    raw_event r;
    for (std::size_t i = 0; i < raw_field_count; ++i) r.*raw_fields[i].member = v[i];
    return r;
}

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_DECODE_RAW_FIELDS_HPP
