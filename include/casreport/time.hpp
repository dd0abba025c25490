// Detection instants: microseconds since the Unix epoch, UTC.
#ifndef CASREPORT_TIME_HPP
#define CASREPORT_TIME_HPP

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace casreport {

/// An instant, UTC, to the microsecond (the precision of the CAS log and of ISO-8601 as most
/// tools write it; further fraction digits are truncated).
using timestamp = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;

/// The instants casreport reads, keeps and writes: 0001-01-01T00:00:00Z to
/// 9999-12-31T23:59:59.999999Z, so every one prints with a four-digit year. `parse_timestamp`
/// gives nothing outside this range, and a saved state holding another instant is refused.
inline constexpr timestamp min_timestamp{std::chrono::microseconds{-62135596800LL * 1000000}};
inline constexpr timestamp max_timestamp{std::chrono::microseconds{253402300800LL * 1000000 - 1}};

/// Whether `t` is within [min_timestamp, max_timestamp].
[[nodiscard]] constexpr bool in_timestamp_range(timestamp t) noexcept {
    return t >= min_timestamp && t <= max_timestamp;
}

/// A fixed offset from UTC, in minutes (-23:59 .. +23:59).
struct utc_offset {
    int minutes = 0;
    friend constexpr bool operator==(utc_offset a, utc_offset b) noexcept {
        return a.minutes == b.minutes;
    }
    friend constexpr bool operator!=(utc_offset a, utc_offset b) noexcept { return !(a == b); }
};

/// Japan Standard Time, the default zone of a report period.
inline constexpr utc_offset jst{9 * 60};

/// Parses an ISO-8601 date-time: `YYYY-MM-DD`, `T` (or `t` or a space), `HH:MM[:SS[.fraction]]`,
/// then `Z`, `±HH:MM`, `±HHMM`, `±HH` or nothing (UTC). Surrounding ASCII space is ignored.
/// Returns nothing for anything else, including impossible dates (2025-02-30) and times.
[[nodiscard]] std::optional<timestamp> parse_timestamp(std::string_view text) noexcept;

/// Like `parse_timestamp`, but a text without a zone is read in `zone` instead of UTC
/// (console CSV exports show local time).
[[nodiscard]] std::optional<timestamp> parse_timestamp(std::string_view text,
                                                       utc_offset zone) noexcept;

/// `2025-06-01T00:15:42.000Z`: milliseconds always, microseconds when they are not zero.
[[nodiscard]] std::string format_utc(timestamp t);

/// `2025-06-01T09:15:42+09:00` in the given zone, to the second.
[[nodiscard]] std::string format_in_zone(timestamp t, utc_offset zone);

/// A day of the calendar (proleptic Gregorian), as people write it on a report.
struct calendar_date {
    int year = 1970;
    int month = 1;  ///< 1..12
    int day = 1;    ///< 1..31

    friend constexpr bool operator==(calendar_date a, calendar_date b) noexcept {
        return a.year == b.year && a.month == b.month && a.day == b.day;
    }
    friend constexpr bool operator!=(calendar_date a, calendar_date b) noexcept {
        return !(a == b);
    }
};

/// Parses `YYYY-MM-DD` (years 1..9999); nothing for anything else or an impossible date.
[[nodiscard]] std::optional<calendar_date> parse_date(std::string_view text) noexcept;

/// `2025-07-01`.
[[nodiscard]] std::string to_string(calendar_date d);

/// The day `t` falls on in `zone`.
[[nodiscard]] calendar_date date_in_zone(timestamp t, utc_offset zone) noexcept;

/// Parses `±HH:MM`, `±HHMM`, `±HH`, `Z` or `UTC`.
[[nodiscard]] std::optional<utc_offset> parse_utc_offset(std::string_view text) noexcept;

/// `+09:00`, `-05:30`, `+00:00`.
[[nodiscard]] std::string to_string(utc_offset z);

}  // namespace casreport

#endif  // CASREPORT_TIME_HPP
