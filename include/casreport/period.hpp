// The report period: one calendar month in a fixed UTC offset.
#ifndef CASREPORT_PERIOD_HPP
#define CASREPORT_PERIOD_HPP

#include <optional>
#include <string>
#include <string_view>

#include "casreport/time.hpp"

namespace casreport {

/// A calendar month read in a zone, as the half-open interval [start, end).
/// Events outside it are counted as `out_of_period`.
class report_period {
public:
    /// `month` is `YYYY-MM` (1..9999); the default zone is Japan's (+09:00).
    [[nodiscard]] static std::optional<report_period> parse(std::string_view month,
                                                            utc_offset zone = jst) noexcept;

    [[nodiscard]] int year() const noexcept { return year_; }
    [[nodiscard]] int month() const noexcept { return month_; }
    [[nodiscard]] utc_offset zone() const noexcept { return zone_; }
    [[nodiscard]] timestamp start() const noexcept { return start_; }
    [[nodiscard]] timestamp end() const noexcept { return end_; }

    [[nodiscard]] bool contains(timestamp t) const noexcept { return t >= start_ && t < end_; }

    /// `2025-06`.
    [[nodiscard]] std::string month_string() const;

    friend bool operator==(const report_period& a, const report_period& b) noexcept {
        return a.year_ == b.year_ && a.month_ == b.month_ && a.zone_ == b.zone_;
    }
    friend bool operator!=(const report_period& a, const report_period& b) noexcept {
        return !(a == b);
    }

private:
    report_period() = default;
    int year_ = 1970;
    int month_ = 1;
    utc_offset zone_{};
    timestamp start_{};
    timestamp end_{};
};

}  // namespace casreport

#endif  // CASREPORT_PERIOD_HPP
