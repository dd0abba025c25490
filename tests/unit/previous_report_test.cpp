// Last month's report (`--previous`) is input from outside: its counts are checked before any
// month-over-month arithmetic sees them (issue #13, item 7).
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "casreport/aggregator.hpp"
#include "casreport/render.hpp"

namespace cr = casreport;

namespace {

/// A previous report whose counts are all `n` (as JSON text).
std::string previous_with(const std::string& n) {
    return R"({"schema_version": 1, "period": {"month": "2025-05", "timezone": "+09:00"},
        "input": {"records": )" +
           n + R"(, "accepted": )" + n + R"(},
        "overview": [{"service": "exchange", "atp": )" +
           n + R"(, "dlp": )" + n + R"(}],
        "other_services": [{"service": "slack", "atp": 0, "dlp": 0}],
        "sections": {"malware": {"total": )" +
           n + R"(, "distinct_users": )" + n + R"(,
            "top": [{"user": "a@x.jp", "count": )" +
           n + R"(, "percent": 100.0}],
            "outcomes": {"remediated": )" +
           n + R"(, "left_in_place": )" + n + R"(}},
          "virtual_analyzer": {"total": 0, "risk_levels": {"high": )" +
           n + R"(}},
          "dlp": {"total": 0, "channels": {"mail": )" +
           n + R"(}}},
        "findings": [{"rule": "ransomware", "count": )" +
           n + R"(}]})";
}

cr::report june() {
    cr::options o;
    o.period = cr::report_period::parse("2025-06");
    cr::aggregator agg(o);
    agg.feed(R"({"log_item_id":"1","service":"Exchange Online","event":"security_risk_scan",)"
             R"("message":{"affected_user":"a@x.jp","detection_time":"2025-06-02T00:00:00Z",)"
             R"("triggered_security_filter":"Malware Scanning","action":"Quarantine"}})"
             "\n");
    agg.finish();
    return agg.report();
}

}  // namespace

TEST(PreviousReport, CountsAboveTheLimitAreRefused) {
    for (const std::string& n :
         {std::string("9223372036854775807"), std::string("9223372036854775808"),
          std::string("18446744073709551615"), std::to_string(cr::max_count + 1)}) {
        std::error_code ec;
        (void)cr::parse_report_json(previous_with(n), ec);
        EXPECT_EQ(ec, cr::error::input) << n;
    }
    std::error_code ec;
    const cr::report r = cr::parse_report_json(previous_with(std::to_string(cr::max_count)), ec);
    ASSERT_FALSE(ec);
    EXPECT_EQ(r.at(cr::section::malware).total, cr::max_count);
    // One large count anywhere is enough.
    (void)cr::parse_report_json(
        R"({"schema_version": 1, "overview": [], "sections": {},
            "findings": [{"rule": "x", "subjects": [{"name": "y", "count": 1e30}]}]})",
        ec);
    EXPECT_EQ(ec, cr::error::input);
}

TEST(PreviousReport, OverviewTotalsPastTheLimitAreRefused) {
    const std::string half = std::to_string(cr::max_count / 2 + 1);
    std::error_code ec;
    (void)cr::parse_report_json(
        R"({"schema_version": 1, "sections": {}, "overview": [{"service": "box", "atp": )" + half +
            R"(}], "other_services": [{"service": "slack", "atp": )" + half + "}]}",
        ec);
    EXPECT_EQ(ec, cr::error::input);
    (void)cr::parse_report_json(
        R"({"schema_version": 1, "sections": {}, "overview": [{"service": "box", "atp": )" + half +
            R"(}, {"service": "gmail", "dlp": )" + half + "}]}",
        ec);
    EXPECT_FALSE(ec);  // ATP and DLP are separate totals
}

// The largest counts a previous report may hold, against a month of one detection: every
// change is exact in every format (UBSan checks the arithmetic in the asan build).
TEST(PreviousReport, TheLargestCountsCompareExactly) {
    const cr::report previous = cr::parse_report_json(previous_with(std::to_string(cr::max_count)));
    const cr::report now = june();
    const std::string down = std::to_string(1 - static_cast<std::int64_t>(cr::max_count));
    // People's formats group the digits: -4,611,686,018,427,387,903.
    std::string grouped = down.substr(1);
    for (auto i = static_cast<std::ptrdiff_t>(grouped.size()) - 3; i > 0; i -= 3) {
        grouped.insert(static_cast<std::size_t>(i), ",");
    }
    grouped.insert(0, "-");
    for (const cr::output_format f :
         {cr::output_format::json, cr::output_format::text, cr::output_format::markdown,
          cr::output_format::csv, cr::output_format::html}) {
        for (const cr::language lang : {cr::language::ja, cr::language::en}) {
            cr::render_options ro{f, lang, &previous, false};
            const std::string out = cr::render(now, ro);
            const bool raw = f == cr::output_format::json || f == cr::output_format::csv;
            EXPECT_NE(out.find(raw ? down : grouped), std::string::npos) << to_string(f);
        }
    }
}
