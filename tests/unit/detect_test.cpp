// Format detection per source (input_format::auto_detect): JSON, CEF, CSV, and a clear
// message for anything else, whatever the chunk size.
#include <gtest/gtest.h>

#include <casreport/aggregator.hpp>
#include <string>

#include "decode/decoder.hpp"
#include "decode_test_util.hpp"

namespace cr = casreport;
using cr::test::decode_all;
using cr::test::log_t;

namespace {

const cr::options detect;  // auto_detect

std::string json_event(std::string_view user) {
    return "{\"service\":\"Box\",\"event\":\"dlp\",\"message\":{\"affected_user\":\"" +
           std::string(user) + "\",\"detection_time\":\"2025-06-02T00:00:00Z\"}}";
}

std::string cef_line(std::string_view user) {
    return "CEF:0|Trend Micro|CAS|5.0|100|dlp|3 rt=2025-06-02T00:00:00Z "
           "TrendMicroCasAffectedUser=" +
           std::string(user);
}

}  // namespace

TEST(Detect, Json) {
    EXPECT_EQ(decode_all(json_event("a") + "\n" + json_event("b") + "\n", detect),
              (log_t{"E1:a", "E2:b"}));
    EXPECT_EQ(decode_all("\n  \r\n  [\n" + json_event("a") + "\n]\n", detect), (log_t{"E4:a"}));
    EXPECT_EQ(decode_all("{\"security_events\":[" + json_event("a") + "]}", detect),
              (log_t{"E1:a"}));
    // Lines before the first document are that format's garbage.
    EXPECT_EQ(decode_all("42\nnot json\n" + json_event("a") + "\n", detect),
              (log_t{"R1:not_an_object", "R2:invalid_json", "E3:a"}));
}

TEST(Detect, Cef) {
    EXPECT_EQ(decode_all(cef_line("a") + "\n" + cef_line("b"), detect), (log_t{"E1:a", "E2:b"}));
    EXPECT_EQ(decode_all("<134>Jun  2 09:15:42 cas-host " + cef_line("a") + "\n", detect),
              (log_t{"E1:a"}));
    EXPECT_EQ(decode_all("\xEF\xBB\xBF\n" + cef_line("a"), detect), (log_t{"E2:a"}));
    EXPECT_EQ(decode_all("junk line\n" + cef_line("a") + "\n", detect),
              (log_t{"R1:invalid_cef", "E2:a"}));
}

TEST(Detect, Csv) {
    EXPECT_EQ(decode_all("Detection Time,Log Type,Affected User\n2025-06-02 09:00,dlp,a\n", detect),
              (log_t{"E2:a"}));
    EXPECT_EQ(decode_all("\xEF\xBB\xBF検出日時,種類,影響を受けたユーザ\r\n2025/6/2 9:00,dlp,a\r\n",
                         detect),
              (log_t{"E2:a"}));
    // A CSV whose kind cannot be told is still CSV: the CSV decoder says what is missing.
    const log_t unsure = decode_all("Detection Time,Affected User\n2025-06-02 09:00,a\n", detect);
    ASSERT_EQ(unsure.size(), 1U);
    EXPECT_EQ(unsure[0].substr(0, 43), "X:the CSV header has no log-type column, an");
    // A column map makes a header known.
    cr::options mapped;
    mapped.csv_columns = {{"Zeit", "detection_time"}, {"Wer", "affected_user"}, {"Art", "event"}};
    EXPECT_EQ(decode_all("Zeit,Wer,Art\n2025-06-02 09:00,a,dlp\n", mapped), (log_t{"E2:a"}));
}

TEST(Detect, NothingButBlankLinesIsAnEmptySource) {
    EXPECT_EQ(decode_all("", detect), log_t{});
    EXPECT_EQ(decode_all("\n \r\n\t\n", detect), log_t{});
    EXPECT_EQ(decode_all("\xEF\xBB\xBF", detect), log_t{});
}

TEST(Detect, AnythingElseIsUnusableWithAMessageThatSaysWhatItSaw) {
    EXPECT_EQ(decode_all("\nhello world\nfoo\n", detect),
              (log_t{"X:not a CAS log in a format casreport reads: no line starts a JSON "
                     "document ({ or [) or a CEF record (CEF:0|...), and line 2 \"hello "
                     "world\" is not a CSV export header"}));
    EXPECT_EQ(decode_all("42", detect).at(0).substr(0, 44),
              "X:not a CAS log in a format casreport reads:");
    EXPECT_EQ(decode_all("Name,Email,Phone\nbob,b@x.jp,1\n", detect),
              (log_t{"X:not JSON or CEF, and not a CSV export casreport can read: the CSV "
                     "header (\"Name\", \"Email\", \"Phone\") has no detection-time column "
                     "such as \"Detection Time\" or \"検出日時\"; name yours in a CSV column "
                     "map (--csv-map)"}));
    // A sentence with a comma is not taken for a header.
    EXPECT_EQ(decode_all("Notes for June, not a log\n", detect).at(0).substr(0, 44),
              "X:not a CAS log in a format casreport reads:");
    EXPECT_EQ(decode_all(std::string("PK\x03\x04\x14\x00\x00\x00", 8), detect),
              (log_t{"X:not a CAS log: it is a zip archive: casreport reads gzip, zstd, xz and "
                     "bzip2 but not zip; unzip it first"}));
    EXPECT_EQ(decode_all("\x8c\x9f\x8f\x6f\x93\xfa\x8e\x9e,x\n", detect),
              (log_t{"X:not a CAS log: line 1 is not UTF-8 text (a Japanese CSV export saved "
                     "as Shift_JIS? convert it first: iconv -f CP932 -t UTF-8)"}));
}

TEST(Detect, ASourceThatStartsWithMoreBlanksThanAreLookedAtSaysSo) {
    const std::string blanks(std::size_t{64} << 10, ' ');
    EXPECT_EQ(decode_all(blanks + "\n" + json_event("a"), detect),
              (log_t{"X:not a CAS log: its first 64 KiB are blank (spaces, tabs and line ends), "
                     "and no record starts in them"}));
    std::string lines;
    while (lines.size() < blanks.size()) lines += "  \t\r\n";
    EXPECT_EQ(decode_all(lines + json_event("a"), detect).at(0).substr(0, 40),
              "X:not a CAS log: its first 64 KiB are bl");
    // Short of the bound, blanks are only blank lines.
    EXPECT_EQ(decode_all(blanks.substr(1000) + "\n" + json_event("a"), detect), (log_t{"E2:a"}));
}

TEST(Detect, OnlyTheFirst64KiBDecideWhateverArrivesWithThem) {
    // decode_all feeds whole and in pieces: the decisions must agree.
    const std::string pad(std::size_t{70} << 10, 'x');
    // A syslog prefix is enough to know CEF, however long its line.
    const log_t cef = decode_all("<134>Jun  2 09:15:42 cas-host " + cef_line("a") + pad, detect);
    ASSERT_EQ(cef.size(), 1U);
    EXPECT_EQ(cef[0].substr(0, 2), "E1");
    // A first line longer than the window is not a CSV header casreport can read.
    EXPECT_EQ(
        decode_all("Detection Time,Log Type,Affected User," + pad + "\n2025-06-02 09:00,dlp,a\n",
                   detect)
            .at(0)
            .substr(0, 44),
        "X:not a CAS log in a format casreport reads:");
    const log_t wide = decode_all("Detection Time,Log Type," + pad + "\n", detect);
    ASSERT_EQ(wide.size(), 1U);
    EXPECT_NE(wide[0].find("is not a CSV export header (it runs past the first 64 KiB, the most "
                           "that is read to tell a source's format; --input-format csv reads it)"),
              std::string::npos)
        << wide[0];
}

TEST(Detect, AMessageQuotesTheLogWithItsHiddenCharactersShown) {
    // A bidi override, a C1 CSI, ESC and a noncharacter in the first line, which the message
    // quotes: none reaches a terminal or a log file as it is.
    const log_t line = decode_all("hi \u202E \u009B31m \x1b[31m \uFFFF\n", detect);
    ASSERT_EQ(line.size(), 1U);
    EXPECT_NE(line[0].find(R"("hi \u202E \u009B31m  [31m )"
                           "\uFFFD\""),
              std::string::npos)
        << line[0];
    // The same for the column names of a CSV header casreport cannot read.
    const log_t header = decode_all("Name\u2066,Email\u200B,Phone\nbob,b@x.jp,1\n", detect);
    ASSERT_EQ(header.size(), 1U);
    EXPECT_NE(header[0].find(R"(("Name\u2066", "Email\u200B", "Phone"))"), std::string::npos)
        << header[0];
    for (const std::string& m : {line[0], header[0]}) {
        for (const char* raw : {"\u202E", "\u009B", "\x1b", "\uFFFF", "\u2066", "\u200B"}) {
            EXPECT_EQ(m.find(raw), std::string::npos) << m;
        }
    }
}

TEST(Detect, OnlyTheFirstEightLinesAreLookedAt) {
    std::string in;
    for (int i = 0; i < 7; ++i) in += "junk\n";
    EXPECT_EQ(decode_all(in + json_event("a"), detect).back(), "E8:a");
    EXPECT_EQ(decode_all(in + "junk\n" + json_event("a"), detect).at(0).substr(0, 16),
              "X:not a CAS log ");
}

TEST(Detect, ALongFirstLineIsDecidedByItsFirstByte) {
    std::string page = "{\"security_events\":[";
    for (int i = 0; i < 2000; ++i) page += json_event("a") + ",";
    page += json_event("b") + "]}";
    EXPECT_EQ(decode_all(page, detect).size(), 2001U);
}

TEST(Detect, TheAggregatorNamesTheSourceThatFailed) {
    cr::aggregator agg;
    std::error_code ec;
    agg.begin_source("notes.txt", ec);
    agg.feed("hello\n", ec);
    EXPECT_FALSE(ec);  // undecided until more lines or the end
    agg.finish(ec);
    EXPECT_EQ(ec, cr::error::input);
    EXPECT_EQ(agg.last_error().substr(0, 27), "notes.txt: not a CAS log in");
    EXPECT_EQ(agg.counts().records, 0U);

    cr::aggregator thrower;
    thrower.begin_source("a.zip");
    try {
        thrower.feed(std::string("PK\x03\x04", 4) + std::string(70000, 'x'));
        FAIL() << "no exception";
    } catch (const cr::error_exception& e) {
        EXPECT_EQ(e.code(), cr::error::input);
        EXPECT_EQ(std::string(e.what()).substr(0, 25), "a.zip: not a CAS log: it ");
    }
}
