// ISO-8601 instants, UTC offsets and report periods.
#include "casreport/time.hpp"

#include <gtest/gtest.h>

#include <string>

#include "casreport/period.hpp"

namespace cr = casreport;

namespace {

std::int64_t us(std::string_view text) {
    const auto t = cr::parse_timestamp(text);
    EXPECT_TRUE(t.has_value()) << text;
    return t ? t->time_since_epoch().count() : 0;
}

constexpr std::int64_t june_2_0015_42 = 1748823342;  // 2025-06-02T00:15:42Z, seconds

}  // namespace

TEST(Timestamp, AcceptedForms) {
    const std::int64_t base = june_2_0015_42 * 1'000'000;
    EXPECT_EQ(us("2025-06-02T00:15:42Z"), base);
    EXPECT_EQ(us("2025-06-02T00:15:42.000Z"), base);
    EXPECT_EQ(us("2025-06-02T00:15:42.999Z"), base + 999'000);
    EXPECT_EQ(us("2024-02-29T00:15:42.001Z"), us("2024-02-29T00:15:42.001+00:00"));
    EXPECT_EQ(us("2025-06-02T00:15:42.5Z"), base + 500'000);
    EXPECT_EQ(us("2025-06-02T00:15:42.123456Z"), base + 123'456);
    EXPECT_EQ(us("2025-06-02T00:15:42.1234567891Z"), base + 123'456);  // truncated to µs
    EXPECT_EQ(us("2025-06-02T00:15:42"), base);                        // no zone: UTC
    EXPECT_EQ(us("2025-06-02T00:15:42+00:00"), base);
    EXPECT_EQ(us("2025-06-02T09:15:42+09:00"), base);
    EXPECT_EQ(us("2025-06-02T09:15:42+0900"), base);
    EXPECT_EQ(us("2025-06-02T09:15:42+09"), base);
    EXPECT_EQ(us("2025-06-01T19:15:42-05:00"), base);
    EXPECT_EQ(us("2025-06-02 00:15:42Z"), base);
    EXPECT_EQ(us("2025-06-02t00:15:42z"), base);
    EXPECT_EQ(us("  2025-06-02T00:15:42Z  "), base);
    EXPECT_EQ(us("2025-06-02T00:15Z"), base - 42'000'000);
    EXPECT_EQ(us("2025-06-02T00:15:42,5Z"), base + 500'000);
}

TEST(Timestamp, CalendarEdges) {
    EXPECT_EQ(us("1970-01-01T00:00:00Z"), 0);
    EXPECT_EQ(us("1969-12-31T23:59:59Z"), -1'000'000);
    EXPECT_TRUE(cr::parse_timestamp("2024-02-29T12:00:00Z"));  // leap year
    EXPECT_TRUE(cr::parse_timestamp("2000-02-29T12:00:00Z"));  // leap century
    EXPECT_TRUE(cr::parse_timestamp("0001-01-01T00:00:00Z"));
    EXPECT_TRUE(cr::parse_timestamp("9999-12-31T23:59:59Z"));
    EXPECT_EQ(us("2025-12-31T23:59:59Z") + 1'000'000, us("2026-01-01T00:00:00Z"));
}

TEST(Timestamp, Rejected) {
    for (const char* bad :
         {"", "   ", "yesterday", "2025-06-02", "2025-06-02T", "2025-6-2T00:15:42Z",
          "2025-13-01T00:00:00Z", "2025-00-01T00:00:00Z", "2025-02-29T00:00:00Z",
          "1900-02-29T00:00:00Z", "2025-04-31T00:00:00Z", "2025-06-02T24:00:00Z",
          "2025-06-02T23:60:00Z", "2025-06-02T23:59:60Z", "2025-06-02T00:15:42.Z",
          "2025-06-02T00:15:42ZZ", "2025-06-02T00:15:42+24:00", "2025-06-02T00:15:42+09:60",
          "2025-06-02T00:15:42 +09:00", "2025-06-02T00:15:42+9", "0000-01-01T00:00:00Z",
          "2025-06-02T00:15:42.000Zjunk", "１２３４-06-02T00:15:42Z", "1748823342",
          // the 24-character form CAS writes, read by its own fast path
          "2025-13-01T00:00:00.000Z", "2025-02-29T00:00:00.000Z", "2025-06-02T24:00:00.000Z",
          "2025-06-0xT00:00:00.000Z", "2025-06-02T00:60:00.000Z", "0000-06-02T00:00:00.000Z",
          "2025-06-02T00:00:00.0a0Z", "2025-06-02T00:00:60.000Z"}) {
        EXPECT_FALSE(cr::parse_timestamp(bad)) << bad;
    }
}

// The 24-byte form CAS writes has its own fast reader; a leading space sends the same text
// through the general one. Both must agree on every byte of every position.
TEST(Timestamp, TheCanonicalFormReadsAsTheGeneralForm) {
    const std::string good[] = {"2025-06-02T00:15:42.123Z", "2024-02-29T23:59:59.999Z",
                                "0001-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z",
                                "2025-02-29T00:00:00.000Z", "2025-13-01T00:00:00.000Z",
                                "2025-06-02T24:00:00.000Z", "2025-06-02T00:60:00.000Z",
                                "2025-06-02T00:00:60.000Z", "0000-06-02T00:00:00.000Z"};
    for (const std::string& text : good) {
        for (std::size_t at = 0; at < text.size(); ++at) {
            for (const char c : {'0', '9', '/', ':', 'a', ' ', '\x80', '\xff', '\xfa', '-', 'T'}) {
                std::string t = text;
                t[at] = c;
                const auto fast = cr::parse_timestamp(t);
                const auto general = cr::parse_timestamp(" " + t);
                EXPECT_EQ(fast.has_value(), general.has_value()) << t;
                if (fast && general) {
                    EXPECT_EQ(*fast, *general) << t;
                }
            }
        }
    }
    EXPECT_TRUE(cr::parse_timestamp("2024-02-29T23:59:59.999Z").has_value());
    EXPECT_FALSE(cr::parse_timestamp("2025-02-29T00:00:00.000Z").has_value());
}

TEST(Timestamp, NaiveTimesReadInAGivenZone) {
    const auto t = cr::parse_timestamp("2025-06-02 09:15:42", cr::jst);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->time_since_epoch().count(), june_2_0015_42 * 1'000'000);
    // An explicit zone wins over the default.
    EXPECT_EQ(cr::parse_timestamp("2025-06-02T00:15:42Z", cr::jst)->time_since_epoch().count(),
              june_2_0015_42 * 1'000'000);
}

TEST(Timestamp, Formatting) {
    const auto t = *cr::parse_timestamp("2025-05-31T16:30:00Z");
    EXPECT_EQ(cr::format_utc(t), "2025-05-31T16:30:00.000Z");
    EXPECT_EQ(cr::format_utc(*cr::parse_timestamp("2025-05-31T16:30:00.0405Z")),
              "2025-05-31T16:30:00.040500Z");
    EXPECT_EQ(cr::format_in_zone(t, cr::jst), "2025-06-01T01:30:00+09:00");
    EXPECT_EQ(cr::format_utc(*cr::parse_timestamp("1969-12-31T23:59:59.250Z")),
              "1969-12-31T23:59:59.250Z");
}

TEST(UtcOffset, ParseAndPrint) {
    EXPECT_EQ(cr::parse_utc_offset("+09:00")->minutes, 540);
    EXPECT_EQ(cr::parse_utc_offset("-05:30")->minutes, -330);
    EXPECT_EQ(cr::parse_utc_offset("+0530")->minutes, 330);
    EXPECT_EQ(cr::parse_utc_offset("Z")->minutes, 0);
    EXPECT_EQ(cr::parse_utc_offset("UTC")->minutes, 0);
    EXPECT_FALSE(cr::parse_utc_offset("09:00"));
    EXPECT_FALSE(cr::parse_utc_offset("+25:00"));
    EXPECT_FALSE(cr::parse_utc_offset("JST"));
    EXPECT_EQ(cr::to_string(cr::utc_offset{540}), "+09:00");
    EXPECT_EQ(cr::to_string(cr::utc_offset{-330}), "-05:30");
    EXPECT_EQ(cr::to_string(cr::utc_offset{0}), "+00:00");
}

TEST(ReportPeriod, JapaneseMonthBoundaries) {
    const auto p = cr::report_period::parse("2025-06");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->zone(), cr::jst);
    EXPECT_EQ(p->month_string(), "2025-06");
    EXPECT_EQ(cr::format_in_zone(p->start(), p->zone()), "2025-06-01T00:00:00+09:00");
    EXPECT_EQ(cr::format_in_zone(p->end(), p->zone()), "2025-07-01T00:00:00+09:00");
    EXPECT_EQ(cr::format_utc(p->start()), "2025-05-31T15:00:00.000Z");
    // 16:30Z on May 31 is June 1 in Japan; 14:59:59Z is still May.
    EXPECT_TRUE(p->contains(*cr::parse_timestamp("2025-05-31T16:30:00Z")));
    EXPECT_TRUE(p->contains(*cr::parse_timestamp("2025-05-31T15:00:00Z")));
    EXPECT_FALSE(p->contains(*cr::parse_timestamp("2025-05-31T14:59:59.999999Z")));
    EXPECT_TRUE(p->contains(*cr::parse_timestamp("2025-06-30T14:59:59.999Z")));
    EXPECT_FALSE(p->contains(*cr::parse_timestamp("2025-06-30T15:00:00Z")));
}

TEST(ReportPeriod, OtherZonesAndYearEnds) {
    const auto utc = cr::report_period::parse("2025-06", cr::utc_offset{0});
    ASSERT_TRUE(utc);
    EXPECT_FALSE(utc->contains(*cr::parse_timestamp("2025-05-31T16:30:00Z")));
    const auto dec = cr::report_period::parse("2025-12", cr::utc_offset{-300});
    ASSERT_TRUE(dec);
    EXPECT_EQ(cr::format_in_zone(dec->end(), dec->zone()), "2026-01-01T00:00:00-05:00");
    EXPECT_EQ(cr::format_utc(dec->end()), "2026-01-01T05:00:00.000Z");
    const auto feb = cr::report_period::parse("2024-02");
    EXPECT_EQ(cr::format_in_zone(feb->end(), feb->zone()), "2024-03-01T00:00:00+09:00");
}

TEST(ReportPeriod, RejectsBadMonths) {
    for (const char* bad : {"", "2025", "2025-6", "2025-13", "2025-00", "2025/06", "25-06",
                            "2025-06-01", "abcd-ef", "1399-12"}) {
        EXPECT_FALSE(cr::report_period::parse(bad)) << bad;
    }
}
