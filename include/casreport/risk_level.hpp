// Virtual Analyzer risk levels.
#ifndef CASREPORT_RISK_LEVEL_HPP
#define CASREPORT_RISK_LEVEL_HPP

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "casreport/detail/ascii.hpp"

namespace casreport {

/// Sandbox verdict, in the report's order. Values are mirrored by the C API; never renumber.
enum class risk_level : std::uint8_t { high = 0, medium = 1, low = 2, no_risk = 3, unknown = 4 };

inline constexpr std::size_t risk_level_count = 5;

constexpr std::string_view to_string(risk_level r) noexcept {
    switch (r) {
        case risk_level::high: return "high";
        case risk_level::medium: return "medium";
        case risk_level::low: return "low";
        case risk_level::no_risk: return "no_risk";
        case risk_level::unknown: return "unknown";
    }
    return "unknown";
}

/// By prefix of the trimmed, lower-cased value: "high", "med", "low", "no"; anything else
/// (including "Unrated" and empty) is `unknown`.
constexpr risk_level parse_risk_level(std::string_view raw) noexcept {
    const std::string_view t = detail::trim(raw);
    if (detail::istarts_with(t, "high")) return risk_level::high;
    if (detail::istarts_with(t, "med")) return risk_level::medium;
    if (detail::istarts_with(t, "low")) return risk_level::low;
    if (detail::istarts_with(t, "no")) return risk_level::no_risk;
    return risk_level::unknown;
}

}  // namespace casreport

#endif  // CASREPORT_RISK_LEVEL_HPP
