// One security event: as the log spells it (`raw_event`) and normalized (`record`).
#ifndef CASREPORT_RECORD_HPP
#define CASREPORT_RECORD_HPP

#include <optional>
#include <string>
#include <string_view>

#include "casreport/error.hpp"
#include "casreport/event_kind.hpp"
#include "casreport/outcome.hpp"
#include "casreport/risk_level.hpp"
#include "casreport/security_filter.hpp"
#include "casreport/service.hpp"
#include "casreport/time.hpp"

namespace casreport {

/// The fields of one event that the report uses, unescaped, exactly as the input spells them.
/// An empty view means empty, null or missing: the three are the same (DESIGN section 2).
/// Every decoder (JSON, CSV, CEF) fills this; the views live as long as the decoder's callback.
struct raw_event {
    std::string_view log_item_id;          ///< top level
    std::string_view message_log_item_id;  ///< `message.log_item_id`, if the top one is empty
    std::string_view service;
    std::string_view event;
    std::string_view affected_user;
    std::string_view detection_time;
    std::string_view triggered_security_filter;
    std::string_view triggered_policy_name;
    std::string_view action;
    std::string_view action_result;
    std::string_view risk_level;
    std::string_view security_risk_name;
    std::string_view file_sha1;
    std::string_view file_name;
    std::string_view mail_message_id;
    std::string_view mail_message_file_name;
    std::string_view mail_message_sender;
};

/// Calls `f(name, value)` for every field of `r`, named as the JSON event names it.
template <class F>
constexpr void for_each_field(const raw_event& r, F&& f) {
    f("log_item_id", r.log_item_id);
    f("message.log_item_id", r.message_log_item_id);
    f("service", r.service);
    f("event", r.event);
    f("affected_user", r.affected_user);
    f("detection_time", r.detection_time);
    f("triggered_security_filter", r.triggered_security_filter);
    f("triggered_policy_name", r.triggered_policy_name);
    f("action", r.action);
    f("action_result", r.action_result);
    f("risk_level", r.risk_level);
    f("security_risk_name", r.security_risk_name);
    f("file_sha1", r.file_sha1);
    f("file_name", r.file_name);
    f("mail_message_id", r.mail_message_id);
    f("mail_message_file_name", r.mail_message_file_name);
    f("mail_message_sender", r.mail_message_sender);
}

/// A normalized event: what the aggregator counts.
struct record {
    event_kind kind = event_kind::security_risk;
    service svc = service::other;
    security_filter filter = security_filter::none;
    risk_level risk = risk_level::unknown;
    outcome result = outcome::unknown;
    timestamp detection_time{};
    /// Overview key of the service: `to_string(svc)`, or `other_service_key(raw)` for `other`.
    std::string_view service_key;
    /// `affected_user`, trimmed and ASCII-lower-cased; empty is the unknown user.
    std::string_view user;
    /// `mail_message_sender` reduced to the address: no display name, no angle brackets,
    /// lower-cased.
    std::string_view sender;
    std::string_view log_item_id;  ///< top level, else inside `message`; may be empty
};

/// Buffers that back the views of a `record`; reuse one per decoder to avoid allocations.
struct record_scratch {
    std::string user;
    std::string sender;
    std::string service_key;
};

/// Trims and ASCII-lower-cases an address-like value into `out`.
inline void normalize_user(std::string_view raw, std::string& out) {
    out.clear();
    detail::append_lower(out, detail::trim(raw));
}

/// `normalize_user` without a copy where none is needed: a view of `raw` itself when it is
/// already trimmed and lower-case (the usual case), else of `buf` holding the normalized text.
inline std::string_view normalized_user(std::string_view raw, std::string& buf) {
    std::string_view t = raw;
    if (!t.empty() && (detail::is_ascii_space(t.front()) || detail::is_ascii_space(t.back()))) {
        t = detail::trim(t);
    }
    if (!detail::has_ascii_upper(t)) return t;
    normalize_user(t, buf);
    return buf;
}

/// The id of an event for de-duplication: the top-level `log_item_id`, else the one inside
/// `message`; empty when it has neither.
constexpr std::string_view record_id(const raw_event& raw) noexcept {
    return raw.log_item_id.empty() ? raw.message_log_item_id : raw.log_item_id;
}

/// Reduces a mail address such as `"Name" <a@b.jp>` or `<a@b.jp>` to `a@b.jp`, lower-cased.
inline void normalize_address(std::string_view raw, std::string& out) {
    std::string_view t = detail::trim(raw);
    const std::size_t open = t.rfind('<');
    if (open != std::string_view::npos) {
        const std::size_t close = t.find('>', open + 1);
        t = t.substr(open + 1,
                     close == std::string_view::npos ? std::string_view::npos : close - open - 1);
    }
    normalize_user(t, out);
}

/// Normalizes one event, checking in the order of DESIGN section 2: a valid detection time
/// first, then a known event kind. On success fills `out` (views into `raw` and `scratch`)
/// and returns nothing; otherwise returns the reason to reject the record. Each field goes
/// through one public rule (`parse_timestamp`, `parse_event_kind`, `parse_service`,
/// `classify_outcome_by`, `normalized_user`, `normalize_address`, `record_id`...); the
/// aggregator calls the same rules, each memoized by the string it reads.
[[nodiscard]] std::optional<reject_reason> normalize(const raw_event& raw, record& out,
                                                     record_scratch& scratch,
                                                     utc_offset naive_time_zone = {});

}  // namespace casreport

#endif  // CASREPORT_RECORD_HPP
