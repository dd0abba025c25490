// raw_event → record: the normalization rules of DESIGN section 2.
#include "casreport/record.hpp"

namespace casreport {

std::optional<reject_reason> normalize(const raw_event& raw, record& out, record_scratch& scratch,
                                       utc_offset naive_time_zone) {
    const auto when = parse_timestamp(raw.detection_time, naive_time_zone);
    if (!when) return reject_reason::invalid_detection_time;
    const auto kind = parse_event_kind(raw.event);
    if (!kind) return reject_reason::unknown_event_kind;

    out.kind = *kind;
    out.detection_time = *when;
    out.svc = parse_service(raw.service);
    if (out.svc == service::other) {
        scratch.service_key = other_service_key(raw.service);
        out.service_key = scratch.service_key;
    } else {
        out.service_key = to_string(out.svc);
    }
    out.filter = parse_security_filter(raw.triggered_security_filter);
    out.risk = parse_risk_level(raw.risk_level);
    out.result = classify_outcome(raw.action, raw.action_result, raw.triggered_policy_name);
    out.user = normalized_user(raw.affected_user, scratch.user);
    normalize_address(raw.mail_message_sender, scratch.sender);
    out.sender = scratch.sender;
    out.log_item_id = record_id(raw);
    return std::nullopt;
}

}  // namespace casreport
