// The raw_event fields the text decoders (CSV, CEF) fill, by number and by JSON name.
// Private to lib/.
#ifndef CASREPORT_LIB_DECODE_RAW_FIELDS_HPP
#define CASREPORT_LIB_DECODE_RAW_FIELDS_HPP

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "casreport/detail/ascii.hpp"
#include "casreport/record.hpp"

namespace casreport::detail {

/// In raw_event order. `none`: a column or key that fills nothing.
enum class raw_field : std::uint8_t {
    log_item_id,
    service,
    event,
    affected_user,
    detection_time,
    triggered_security_filter,
    triggered_policy_name,
    action,
    action_result,
    risk_level,
    security_risk_name,
    file_sha1,
    file_name,
    mail_message_id,
    mail_message_file_name,
    mail_message_sender,
    none,
};
inline constexpr std::size_t raw_field_count = static_cast<std::size_t>(raw_field::none);

/// The JSON names, in raw_field order: what a CSV column map and CEF keys and labels use.
inline constexpr std::array<std::string_view, raw_field_count> raw_field_names = {
    "log_item_id",
    "service",
    "event",
    "affected_user",
    "detection_time",
    "triggered_security_filter",
    "triggered_policy_name",
    "action",
    "action_result",
    "risk_level",
    "security_risk_name",
    "file_sha1",
    "file_name",
    "mail_message_id",
    "mail_message_file_name",
    "mail_message_sender",
};

/// A field by its JSON name, ASCII case-insensitive, `_` ignored: "file_sha1", "FileSha1".
[[nodiscard]] inline std::optional<raw_field> raw_field_by_name(std::string_view name) noexcept {
    char a[40];
    char b[40];
    const std::string_view f = fold_into(a, name, "_");
    if (f.empty()) return std::nullopt;
    for (std::size_t i = 0; i < raw_field_names.size(); ++i) {
        if (fold_into(b, raw_field_names[i], "_") == f) return static_cast<raw_field>(i);
    }
    return std::nullopt;
}

/// A raw_event whose fields view `v[raw_field]` (strings or string views).
template <class Values>
[[nodiscard]] raw_event make_raw_event(const Values& v) {
    const auto at = [&v](raw_field f) { return std::string_view(v[static_cast<std::size_t>(f)]); };
    raw_event r;
    r.log_item_id = at(raw_field::log_item_id);
    r.service = at(raw_field::service);
    r.event = at(raw_field::event);
    r.affected_user = at(raw_field::affected_user);
    r.detection_time = at(raw_field::detection_time);
    r.triggered_security_filter = at(raw_field::triggered_security_filter);
    r.triggered_policy_name = at(raw_field::triggered_policy_name);
    r.action = at(raw_field::action);
    r.action_result = at(raw_field::action_result);
    r.risk_level = at(raw_field::risk_level);
    r.security_risk_name = at(raw_field::security_risk_name);
    r.file_sha1 = at(raw_field::file_sha1);
    r.file_name = at(raw_field::file_name);
    r.mail_message_id = at(raw_field::mail_message_id);
    r.mail_message_file_name = at(raw_field::mail_message_file_name);
    r.mail_message_sender = at(raw_field::mail_message_sender);
    return r;
}

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_DECODE_RAW_FIELDS_HPP
