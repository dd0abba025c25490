// The report object: every number of the monthly report. Renderers draw from it alone.
#ifndef CASREPORT_REPORT_HPP
#define CASREPORT_REPORT_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "casreport/error.hpp"
#include "casreport/outcome.hpp"
#include "casreport/period.hpp"
#include "casreport/risk_level.hpp"
#include "casreport/section.hpp"
#include "casreport/service.hpp"
#include "casreport/time.hpp"

namespace casreport {

/// One record the decoders could not use.
struct rejection {
    std::string source;      ///< file name, "-" for standard input
    std::uint64_t line = 0;  ///< 1-based line where the record starts
    reject_reason reason = reject_reason::invalid_json;
    std::string detail;  ///< human-readable explanation
};

/// Accounting of the input: records = accepted + rejected + duplicates + out_of_period.
struct input_summary {
    std::uint64_t records = 0;
    std::uint64_t accepted = 0;
    std::uint64_t rejected = 0;
    std::uint64_t duplicates = 0;
    std::uint64_t out_of_period = 0;
    std::optional<timestamp> first_detection;  ///< over accepted records
    std::optional<timestamp> last_detection;
    std::vector<rejection> rejections;  ///< the first `options::max_listed_rejections`
};

/// ATP and DLP detections of one service.
struct service_counts {
    std::string key;  ///< "box", ..., "exchange_server", or an unknown service's key
    std::uint64_t atp = 0;
    std::uint64_t dlp = 0;
};

/// The largest count a report holds: 2^40 - 1, about 1.1e12 records, far more than any month of
/// any tenant (some 300 TB of logs). Below it every count, sum and change of the report fits a
/// signed 64-bit integer with room to spare, and reads exactly in every JSON reader (JavaScript
/// holds integers up to 2^53). Saved states and previous reports that claim more are refused,
/// and a merge that would pass it fails; feeding records one by one never comes near it.
inline constexpr std::uint64_t max_count = (std::uint64_t{1} << 40) - 1;

/// `count / total` in units of `1 / unit`, rounded half up (0 when `total` is 0): exact for any
/// counts, the products being taken in 128 bits; a share above 1 (a count larger than its total,
/// which no report built by casreport holds) saturates at 2^32 - 1.
[[nodiscard]] constexpr std::uint32_t rounded_share(std::uint64_t count, std::uint64_t total,
                                                    std::uint32_t unit) noexcept {
    if (total == 0) return 0;
    __extension__ typedef unsigned __int128 wide;  // GCC and Clang; -Wpedantic stays quiet
    const wide share = (wide{2} * unit * count + total) / (wide{2} * total);
    return share > 0xffffffffU ? 0xffffffffU : static_cast<std::uint32_t>(share);
}

/// Share of a section total in tenths of a percent, rounded half up: 1 of 8 is 125 (12.5 %).
[[nodiscard]] constexpr std::uint32_t percent_tenths(std::uint64_t count,
                                                     std::uint64_t total) noexcept {
    return rounded_share(count, total, 1000);
}

/// `a + b`, or `max_count` when the sum would pass it: for totals of counts that may come
/// from outside (a previous report), so that no sum wraps.
[[nodiscard]] constexpr std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) noexcept {
    if (a > max_count || b > max_count - a) return max_count;
    return a + b;
}

/// The change from `before` to `now` as a signed number, for month-over-month comparisons:
/// exact whenever the change fits an int64 (always, for reports casreport builds or reads), else
/// clamped to the int64 range. Never overflows, whatever the counts.
[[nodiscard]] constexpr std::int64_t change_between(std::uint64_t now,
                                                    std::uint64_t before) noexcept {
    constexpr std::uint64_t limit = 0x7fffffffffffffffULL;  // INT64_MAX
    if (now >= before) {
        const std::uint64_t up = now - before;
        return up > limit ? static_cast<std::int64_t>(limit) : static_cast<std::int64_t>(up);
    }
    const std::uint64_t down = before - now;
    return down > limit ? -static_cast<std::int64_t>(limit) - 1 : -static_cast<std::int64_t>(down);
}

/// One row of a top-users table.
struct user_row {
    std::string user;  ///< normalized address; empty is the unknown user
    std::uint64_t count = 0;
    std::uint32_t percent_tenths = 0;  ///< of the section total
};

struct outcome_counts {
    std::array<std::uint64_t, outcome_count> by_outcome{};  ///< indexed by `outcome`
    [[nodiscard]] std::uint64_t operator[](outcome o) const noexcept {
        return by_outcome[static_cast<std::size_t>(o)];
    }
};

/// One detail section.
struct section_report {
    section id = section::malware;
    std::uint64_t total = 0;
    std::uint64_t distinct_users = 0;
    std::vector<user_row> top;  ///< count descending, then user ascending by bytes
    outcome_counts outcomes;
    /// Virtual Analyzer only: indexed by `risk_level`.
    std::array<std::uint64_t, risk_level_count> risk_levels{};
    /// DLP only: indexed by `channel` (mail, storage).
    std::array<std::uint64_t, 2> channels{};
};

enum class severity : std::uint8_t { critical = 0, high = 1, medium = 2, info = 3 };

constexpr std::string_view to_string(severity s) noexcept {
    switch (s) {
        case severity::critical: return "critical";
        case severity::high: return "high";
        case severity::medium: return "medium";
        case severity::info: return "info";
    }
    return "info";
}

/// Who or what a finding concerns.
struct finding_subject {
    enum class kind : std::uint8_t { user = 0, sender = 1, threat = 2, file = 3 };
    kind type = kind::user;
    std::string name;
    std::uint64_t count = 0;           ///< detections
    std::uint64_t distinct_users = 0;  ///< for senders, threats and files
};

/// A rule of DESIGN section 5 that fired. Titles and actions are rendered per language.
struct finding {
    std::string rule;  ///< "threat_left_in_place", ...
    severity level = severity::info;
    std::optional<section> where;  ///< the section it concerns
    std::uint64_t count = 0;
    std::vector<finding_subject> subjects;  ///< at most `finding_policy::max_subjects`
    /// Subjects that qualified but were left out of `subjects` ("ほか 3件").
    std::uint64_t more_subjects = 0;
};

struct report {
    int schema_version = 1;
    std::string generator;  ///< "casreport X.Y.Z"
    std::optional<report_period> period;
    std::size_t top_n = 10;
    input_summary input;
    /// Exactly the ten services of the overview, in order (`overview_services`).
    std::array<service_counts, overview_service_count> overview;
    /// Exchange Server and unknown services with at least one detection, by key.
    std::vector<service_counts> other_services;
    /// Indexed by `section`.
    std::array<section_report, section_count> sections;
    std::vector<finding> findings;

    [[nodiscard]] const section_report& at(section s) const noexcept {
        return sections[static_cast<std::size_t>(s)];
    }
};

}  // namespace casreport

#endif  // CASREPORT_REPORT_HPP
