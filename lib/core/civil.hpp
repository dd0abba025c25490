// Proleptic Gregorian day arithmetic for instants (years 1..9999, as ISO-8601 writes them).
// Private to lib/.
#ifndef CASREPORT_LIB_CORE_CIVIL_HPP
#define CASREPORT_LIB_CORE_CIVIL_HPP

#include <cstdint>

namespace casreport::detail {

constexpr bool is_leap_year(int y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr int days_in_month(int y, int m) noexcept {
    constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return (m == 2 && is_leap_year(y)) ? 29 : days[m - 1];
}

/// Days from 1970-01-01 to y-m-d (the classic era-based computation: 400-year eras of
/// 146097 days, years starting in March so the leap day ends the year).
constexpr std::int64_t days_from_civil(int y, int m, int d) noexcept {
    const int yy = y - (m <= 2 ? 1 : 0);
    const int era = (yy >= 0 ? yy : yy - 399) / 400;
    const int yoe = yy - era * 400;                                  // [0, 399]
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;  // [0, 365]
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           // [0, 146096]
    return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

struct civil_date {
    int year;
    int month;
    int day;
};

/// Inverse of `days_from_civil`.
constexpr civil_date civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<int>(z - era * 146097);                    // [0, 146096]
    const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
    const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
    const int mp = (5 * doy + 2) / 153;                                     // [0, 11]
    const int d = doy - (153 * mp + 2) / 5 + 1;
    const int m = mp + (mp < 10 ? 3 : -9);
    const auto y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
    return {y, m, d};
}

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_CORE_CIVIL_HPP
