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

/// Whether an `action_result` says the action failed: non-empty and not "success".
constexpr bool is_failed_result(std::string_view action_result) noexcept {
    const std::string_view result = detail::trim(action_result);
    return !result.empty() && !detail::iequals(result, "success");
}

/// Whether a policy only monitors: its name contains "(Monitor Only)", in any case.
constexpr bool is_monitor_only(std::string_view policy_name) noexcept {
    return detail::icontains(policy_name, "(monitor only)");
}

/// The class of an action string alone: remediation words first, then the words (or an empty
/// action) that leave the threat in place, else unknown.
constexpr outcome action_outcome(std::string_view action) noexcept {
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

/// Classifies one event. A failed `action_result` wins; a "(Monitor Only)" policy leaves the
/// threat in place whatever the action; otherwise the action decides.
constexpr outcome classify_outcome(std::string_view action, std::string_view action_result,
                                   std::string_view policy_name) noexcept;

/// The same rule with each of its three tests given as a function, called only when the rule
/// gets to it: what the aggregator uses, with the tests memoized by their strings.
template <class Failed, class MonitorOnly, class ByAction>
constexpr outcome classify_outcome_by(Failed&& failed, MonitorOnly&& monitor_only,
                                      ByAction&& by_action) {
    if (failed()) return outcome::failed;
    if (monitor_only()) return outcome::left_in_place;
    return by_action();
}

constexpr outcome classify_outcome(std::string_view action, std::string_view action_result,
                                   std::string_view policy_name) noexcept {
    return classify_outcome_by([&] { return is_failed_result(action_result); },
                               [&] { return is_monitor_only(policy_name); },
                               [&] { return action_outcome(action); });
}

}  // namespace casreport

#endif  // CASREPORT_OUTCOME_HPP
