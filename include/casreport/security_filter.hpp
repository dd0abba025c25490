// The ATP security filter that triggered a security-risk event.
#ifndef CASREPORT_SECURITY_FILTER_HPP
#define CASREPORT_SECURITY_FILTER_HPP

#include <cstdint>
#include <string_view>

#include "casreport/detail/ascii.hpp"

namespace casreport {

/// `triggered_security_filter`. Values are mirrored by the C API; never renumber.
enum class security_filter : std::uint8_t {
    none = 0,  ///< empty or missing
    malware_scanning = 1,
    file_blocking = 2,
    web_reputation = 3,
    advanced_spam_protection = 4,
    other = 5,  ///< any other value
};

constexpr std::string_view to_string(security_filter f) noexcept {
    switch (f) {
        case security_filter::none: return "none";
        case security_filter::malware_scanning: return "malware_scanning";
        case security_filter::file_blocking: return "file_blocking";
        case security_filter::web_reputation: return "web_reputation";
        case security_filter::advanced_spam_protection: return "advanced_spam_protection";
        case security_filter::other: return "other";
    }
    return "other";
}

/// Trimmed, ASCII case-insensitive; the Japanese console labels are aliases.
constexpr security_filter parse_security_filter(std::string_view raw) noexcept {
    const std::string_view t = detail::trim(raw);
    if (t.empty()) return security_filter::none;
    if (detail::iequals(t, "malware scanning") || t == "不正プログラム検索") {
        return security_filter::malware_scanning;
    }
    if (detail::iequals(t, "file blocking") || t == "ファイルブロック") {
        return security_filter::file_blocking;
    }
    if (detail::iequals(t, "web reputation") || detail::iequals(t, "webレピュテーション")) {
        return security_filter::web_reputation;
    }
    if (detail::iequals(t, "advanced spam protection") || t == "高度なスパムメール対策") {
        return security_filter::advanced_spam_protection;
    }
    return security_filter::other;
}

}  // namespace casreport

#endif  // CASREPORT_SECURITY_FILTER_HPP
