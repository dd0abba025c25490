// The four CAS event types (the log API's `event` request values).
#ifndef CASREPORT_EVENT_KIND_HPP
#define CASREPORT_EVENT_KIND_HPP

#include <cstdint>
#include <optional>
#include <string_view>

#include "casreport/detail/ascii.hpp"

namespace casreport {

/// Kind of a security event. Values are mirrored by the C API; never renumber.
enum class event_kind : std::uint8_t {
    security_risk = 1,     ///< `security_risk_scan`: malware, file blocking, web reputation, spam
    virtual_analyzer = 2,  ///< sandbox analysis of a suspicious file or URL
    ransomware = 3,
    dlp = 4,  ///< data loss prevention
};

/// Stable English key of a kind ("security_risk", "virtual_analyzer", "ransomware", "dlp").
constexpr std::string_view to_string(event_kind k) noexcept {
    switch (k) {
        case event_kind::security_risk: return "security_risk";
        case event_kind::virtual_analyzer: return "virtual_analyzer";
        case event_kind::ransomware: return "ransomware";
        case event_kind::dlp: return "dlp";
    }
    return "unknown";
}

/// Reads the `event` field through the alias table of reference/cas-log-format.md section 4.
/// Case, `_`, `-` and spaces are ignored; the console's Japanese log-type labels are accepted
/// too. Returns nothing for an unknown or empty value (the record is then rejected).
constexpr std::optional<event_kind> parse_event_kind(std::string_view raw) noexcept {
    char buf[48] = {};
    const std::string_view f = detail::fold_into(buf, detail::trim(raw), "_- ");
    if (f.empty()) return std::nullopt;
    if (f == "securityriskscan" || f == "securityrisk" || f == "セキュリティリスク検索") {
        return event_kind::security_risk;
    }
    if (f == "virtualanalyzer" || f == "virtualanalyzerscan" || f == "仮想アナライザ") {
        return event_kind::virtual_analyzer;
    }
    if (f == "ransomware" || f == "ransomwarescan" || f == "ランサムウェア") {
        return event_kind::ransomware;
    }
    if (f == "dlp" || f == "datalossprevention" || f == "dlpscan" || f == "情報漏えい対策") {
        return event_kind::dlp;
    }
    return std::nullopt;
}

}  // namespace casreport

#endif  // CASREPORT_EVENT_KIND_HPP
