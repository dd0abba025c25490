// What happened to the detected threat: the action classes of DESIGN section 3.
#ifndef CASREPORT_OUTCOME_HPP
#define CASREPORT_OUTCOME_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "casreport/detail/ascii.hpp"

namespace casreport {

/// Values are mirrored by the C API; never renumber.
enum class outcome : std::uint8_t {
    remediated = 0,     ///< quarantined, deleted, replaced, blocked, removed, cleaned, stripped
    left_in_place = 1,  ///< passed, logged, monitored, delivered, tagged: the threat is still there
    failed = 2,         ///< the action did not succeed
    unknown = 3,
};

inline constexpr std::size_t outcome_count = 4;

constexpr std::string_view to_string(outcome o) noexcept {
    switch (o) {
        case outcome::remediated: return "remediated";
        case outcome::left_in_place: return "left_in_place";
        case outcome::failed: return "failed";
        case outcome::unknown: return "unknown";
    }
    return "unknown";
}

/// Classifies one event. A non-empty `action_result` other than "success" is `failed` (this wins);
/// a policy whose name contains "(Monitor Only)" leaves the threat in place whatever the action;
/// otherwise the action decides by substring, case-insensitively, remediation words first.
constexpr outcome classify_outcome(std::string_view action, std::string_view action_result,
                                   std::string_view policy_name) noexcept {
    const std::string_view result = detail::trim(action_result);
    if (!result.empty() && !detail::iequals(result, "success")) return outcome::failed;
    if (detail::icontains(policy_name, "(monitor only)")) return outcome::left_in_place;
    const std::string_view a = detail::trim(action);
    constexpr std::array<std::string_view, 7> remediation = {
        "quarantin", "delet", "replac", "block", "remov", "clean", "strip"};
    for (std::string_view w : remediation) {
        if (detail::icontains(a, w)) return outcome::remediated;
    }
    if (a.empty()) return outcome::left_in_place;
    constexpr std::array<std::string_view, 6> kept = {"pass",    "log", "monitor",
                                                      "deliver", "tag", "label"};
    for (std::string_view w : kept) {
        if (detail::icontains(a, w)) return outcome::left_in_place;
    }
    return outcome::unknown;
}

}  // namespace casreport

#endif  // CASREPORT_OUTCOME_HPP
