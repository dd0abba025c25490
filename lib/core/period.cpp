// Report periods: calendar months in a UTC offset, computed with Boost.Date_Time.
#include "casreport/period.hpp"

#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <cstdio>

#include "casreport/detail/ascii.hpp"

namespace casreport {
namespace {

/// Microseconds from the Unix epoch to local midnight of `d` in `zone`.
timestamp local_midnight(const boost::gregorian::date& d, utc_offset zone) noexcept {
    static const boost::gregorian::date epoch(1970, 1, 1);
    const std::int64_t days = (d - epoch).days();
    const std::int64_t seconds = days * 86400 - std::int64_t{zone.minutes} * 60;
    return timestamp(std::chrono::seconds(seconds));
}

}  // namespace

std::optional<report_period> report_period::parse(std::string_view month,
                                                  utc_offset zone) noexcept {
    const std::string_view t = detail::trim(month);
    if (t.size() != 7 || t[4] != '-') return std::nullopt;
    int y = 0;
    int m = 0;
    for (std::size_t i = 0; i < 7; ++i) {
        if (i == 4) continue;
        if (!detail::is_ascii_digit(t[i])) return std::nullopt;
        (i < 4 ? y : m) = (i < 4 ? y : m) * 10 + (t[i] - '0');
    }
    // Boost.Date_Time's calendar covers 1400..9999; its constructors throw outside, so check
    // first (this function is noexcept).
    if (y < 1400 || y > 9999 || m < 1 || m > 12) return std::nullopt;
    if (zone.minutes < -(24 * 60 - 1) || zone.minutes > 24 * 60 - 1) return std::nullopt;
    if (y == 9999 && m == 12) return std::nullopt;  // its end lies outside the calendar
    const boost::gregorian::date first(static_cast<unsigned short>(y),
                                       static_cast<unsigned short>(m), 1);
    const boost::gregorian::date next = first + boost::gregorian::months(1);
    report_period p;
    p.year_ = y;
    p.month_ = m;
    p.zone_ = zone;
    p.start_ = local_midnight(first, zone);
    p.end_ = local_midnight(next, zone);
    return p;
}

std::string report_period::month_string() const {
    char buf[16];
    const int n = std::snprintf(buf, sizeof buf, "%04d-%02d", year_, month_);
    return {buf, static_cast<std::size_t>(n)};
}

}  // namespace casreport
