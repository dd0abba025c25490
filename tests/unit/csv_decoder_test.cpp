// The CSV decoder: RFC 4180 quoting split anywhere, the header tables (English, Japanese, a
// user's map), how a row's kind is decided, and rejections with the line where a row starts.
#include <gtest/gtest.h>

#include <array>
#include <casreport/aggregator.hpp>
#include <string>

#include "decode/csv.hpp"
#include "decode/decoder.hpp"
#include "decode_test_util.hpp"

namespace cr = casreport;
using cr::test::decode_all;
using cr::test::log_t;
using cr::test::recorder;

namespace {

cr::options csv_options() {
    cr::options o = cr::test::with_format(cr::input_format::csv);
    o.naive_time_zone = cr::utc_offset{9 * 60};
    return o;
}

const std::string en_header =
    "Detection Time,Log Type,Scan Source,Affected User,Security Filter,Security Risk Name,"
    "Action,Triggered Policy,Sender,Log Item ID\r\n";

std::string en_row(std::string_view user, std::string_view id = "i") {
    return "2025-06-02 09:00:00,Security Risk Scan,Exchange Online," + std::string(user) +
           ",Malware Scanning,Malware: X,Quarantine,Default,<s@x.jp>," + std::string(id) + "\r\n";
}

}  // namespace

TEST(CsvDecoder, EnglishHeaderFieldsAndTheNaiveZone) {
    recorder r;
    EXPECT_EQ(decode_all(en_header + en_row("a@x.jp") + en_row("b@x.jp"), csv_options(), &r),
              (log_t{"E2:a@x.jp", "E3:b@x.jp"}));
    ASSERT_EQ(r.events.size(), 2U);
    const cr::test::event_copy& e = r.events[0];
    EXPECT_EQ(e.detection_time, "2025-06-02 09:00:00");
    EXPECT_EQ(e.naive_zone_minutes, 9 * 60);
    EXPECT_EQ(e.event, "Security Risk Scan");
    EXPECT_EQ(e.service, "Exchange Online");
    EXPECT_EQ(e.filter, "Malware Scanning");
    EXPECT_EQ(e.security_risk_name, "Malware: X");
    EXPECT_EQ(e.action, "Quarantine");
    EXPECT_EQ(e.policy, "Default");
    EXPECT_EQ(e.mail_message_sender, "<s@x.jp>");
    EXPECT_EQ(e.log_item_id, "i");
}

TEST(CsvDecoder, JapaneseHeaderWithBom) {
    recorder r;
    const std::string in =
        "\xEF\xBB\xBF検出日時,種類,検索元,影響を受けたユーザ,セキュリティフィルタ,処理,"
        "ポリシー,リスクレベル,送信者,ファイル名,SHA-1ハッシュ値,メッセージID,添付ファイル名\n"
        "2025/06/02 09:00:00,仮想アナライザ,OneDrive,a@x.jp,,隔離,P,高リスク,,f.exe,ab12,<m>,"
        "att.zip\n";
    EXPECT_EQ(decode_all(in, csv_options(), &r), (log_t{"E2:a@x.jp"}));
    ASSERT_EQ(r.events.size(), 1U);
    const cr::test::event_copy& e = r.events[0];
    EXPECT_EQ(e.event, "仮想アナライザ");
    EXPECT_EQ(e.service, "OneDrive");
    EXPECT_EQ(e.action, "隔離");
    EXPECT_EQ(e.policy, "P");
    EXPECT_EQ(e.risk_level, "高リスク");
    EXPECT_EQ(e.file_name, "f.exe");
    EXPECT_EQ(e.file_sha1, "ab12");
    EXPECT_EQ(e.mail_message_id, "<m>");
    EXPECT_EQ(e.mail_message_file_name, "att.zip");
}

TEST(CsvDecoder, TheSlashedDisplayFormOfTimes) {
    std::array<char, 64> buf{};
    const auto iso = [&buf](std::string_view t) {
        const auto r = cr::detail::slashed_time_to_iso(t, buf);
        return r ? std::string(*r) : std::string("-");
    };
    EXPECT_EQ(iso("2025/06/02 09:15:42"), "2025-06-02T09:15:42");
    EXPECT_EQ(iso(" 2025/6/2 9:15 "), "2025-06-02T09:15");
    EXPECT_EQ(iso("2025/6/2T9:15:42.5+09:00"), "2025-06-02T09:15:42.5+09:00");
    EXPECT_EQ(iso("2025/6/31 9:15"), "2025-06-31T09:15");  // normalize() rejects it
    for (const char* other : {"2025-06-02 09:15:42", "2025/6/2", "2025/6/2 ", "2025/006/2 0:15",
                              "25/6/2 0:15:00", "2025/6-2 0:15", "2025/6/2  0:15"}) {
        EXPECT_EQ(iso(other), "-") << other;
    }
    recorder r;
    decode_all(en_header + "2025/6/2 9:00," + en_row("a").substr(20), csv_options(), &r);
    ASSERT_EQ(r.events.size(), 1U);
    EXPECT_EQ(r.events[0].detection_time, "2025-06-02T09:00");
}

TEST(CsvDecoder, HeaderNamesIgnoreCaseSpacesAndPunctuation) {
    recorder r;
    decode_all(" DETECTION_TIME ,log-type,affected　user,sha1\n2025-06-02T00:00:00Z,dlp,a,h\n",
               csv_options(), &r);
    ASSERT_EQ(r.events.size(), 1U);
    EXPECT_EQ(r.events[0].detection_time, "2025-06-02T00:00:00Z");
    EXPECT_EQ(r.events[0].event, "dlp");
    EXPECT_EQ(r.events[0].affected_user, "a");
    EXPECT_EQ(r.events[0].file_sha1, "h");
}

TEST(CsvDecoder, QuotingAcrossLinesAndTheLineWhereARowStarts) {
    recorder r;
    const std::string in = en_header +
                           "2025-06-02 09:00:00,dlp,Box,\"a@x.jp\",,\"Name, with \"\"quotes\"\"\","
                           "\"line 1\r\nline 2\nline 3\",P,,i1\r\n" +
                           en_row("b@x.jp") + "\"2025-06-02 09:00:00\",dlp,Box,c,,,,,\"\",\"\"\n";
    EXPECT_EQ(decode_all(in, csv_options(), &r), (log_t{"E2:a@x.jp", "E5:b@x.jp", "E6:c"}));
    EXPECT_EQ(r.events[0].security_risk_name, "Name, with \"quotes\"");
    EXPECT_EQ(r.events[0].action, "line 1\r\nline 2\nline 3");
    EXPECT_EQ(r.events[2].log_item_id, "");
}

TEST(CsvDecoder, BlankLinesAndEmptyRowsAreNotRecords) {
    EXPECT_EQ(
        decode_all("\n\r\n" + en_header + "\n" + en_row("a") + ",,,,,,,,,\r\n  \n" + en_row("b"),
                   csv_options()),
        (log_t{"E5:a", "E8:b"}));
    EXPECT_EQ(decode_all("", csv_options()), log_t{});
    EXPECT_EQ(decode_all("\n\n", csv_options()), log_t{});
}

TEST(CsvDecoder, TheLastRowNeedsNoLineBreak) {
    const std::string last = en_row("b");
    EXPECT_EQ(decode_all(en_header + en_row("a") + last.substr(0, last.size() - 2), csv_options()),
              (log_t{"E2:a", "E3:b"}));
}

TEST(CsvDecoder, MalformedRowsAreRejectedWithTheLineTheyStartOn) {
    recorder r;
    const std::string in = en_header + en_row("a") +                        // 2
                           "2025-06-02 09:00:00,dlp,Box,b\n" +              // 3: too few fields
                           en_row("c") +                                    // 4
                           "2025-06-02 09:00:00,dlp,Box,\"d\"x,,,,,,\n" +   // 5: text after quote
                           en_row("\xff") +                                 // 6: not UTF-8
                           "2025-06-02 09:00:00,dlp,Box,e,,,,,,,extra\n" +  // 7: too many
                           en_row("f") +                                    // 8
                           "2025-06-02 09:00:00,dlp,Box,\"g\n\nnever closed,,,,,,\n";  // 9
    EXPECT_EQ(decode_all(in, csv_options(), &r),
              (log_t{"E2:a", "R3:invalid_csv", "E4:c", "R5:invalid_csv", "R6:invalid_utf8",
                     "R7:invalid_csv", "E8:f", "R9:invalid_csv"}));
    EXPECT_EQ(r.details[0], "a row of 4 fields under a header of 10");
    EXPECT_EQ(r.details[1], "text after the closing quote of a field");
    EXPECT_EQ(r.details[3], "a row of 11 fields under a header of 10");
    EXPECT_EQ(r.details[4], "the input ends inside a quoted field");
}

TEST(CsvDecoder, AStrayQuoteInsideAnUnquotedFieldIsData) {
    recorder r;
    decode_all(en_header + en_row("o\"brien"), csv_options(), &r);
    ASSERT_EQ(r.events.size(), 1U);
    EXPECT_EQ(r.events[0].affected_user, "o\"brien");
}

TEST(CsvDecoder, AnOverlongRowIsRejectedAndNotHeld) {
    const std::string huge = "2025-06-02 09:00:00,dlp,Box,a,,\"" +
                             std::string(cr::detail::max_text_record_bytes, 'x') + "\n,\",,,,\n";
    EXPECT_EQ(decode_all(en_header + huge + en_row("b"), csv_options()),
              (log_t{"R2:invalid_csv", "E4:b"}));
}

TEST(CsvDecoder, TwoColumnsForOneFieldTheFirstNonEmptyWins) {
    recorder r;
    decode_all(
        "Detection Time,Virus Name,Security Risk Name,User,Log Type\n"
        "2025-06-02 09:00:00,,Malware: X,a,dlp\n"
        "2025-06-02 09:00:00,V,Malware: Y,b,dlp\n",
        csv_options(), &r);
    ASSERT_EQ(r.events.size(), 2U);
    EXPECT_EQ(r.events[0].security_risk_name, "Malware: X");
    EXPECT_EQ(r.events[1].security_risk_name, "V");
}

TEST(CsvDecoder, TheKindOfAFileWithoutALogTypeColumn) {
    const std::string rows = "\n2025-06-02 09:00:00,a,x\n";
    recorder r;
    // A column only the ransomware export has.
    decode_all("Detection Time,Affected User,Ransomware Name" + rows, csv_options(), &r);
    ASSERT_EQ(r.events.size(), 1U);
    EXPECT_EQ(r.events[0].event, "ransomware");
    // The security filter, and no other type's column: security risk.
    recorder r2;
    decode_all("Detection Time,Affected User,セキュリティフィルタ" + rows, csv_options(), &r2);
    ASSERT_EQ(r2.events.size(), 1U);
    EXPECT_EQ(r2.events[0].event, "security_risk");
    // The option wins over the columns; a row's own kind wins over both.
    cr::options forced = csv_options();
    forced.csv_event_kind = cr::event_kind::dlp;
    recorder r3;
    decode_all(
        "Detection Time,Affected User,Ransomware Name,Log Type\n"
        "2025-06-02 09:00:00,a,x,\n2025-06-02 09:00:00,b,x,ransomware\n",
        forced, &r3);
    ASSERT_EQ(r3.events.size(), 2U);
    EXPECT_EQ(r3.events[0].event, "dlp");
    EXPECT_EQ(r3.events[1].event, "ransomware");
}

TEST(CsvDecoder, TheKindColumnsAsTheExportsMayNameThem) {
    // Section 10 names DLP's column "Triggered Template/Rule" and gives no Japanese names: a
    // column whose name holds a telling piece decides, next to the security filter column
    // every export has.
    const std::string rows = "\n2025-06-02 09:00:00,a,,x\n";
    const std::pair<const char*, const char*> headers[] = {
        {"Triggered Template/Rule", "dlp"},
        {"テンプレート/ルール", "dlp"},
        {"違反内容", "dlp"},
        {"Violation Details", "dlp"},
        {"Ransomware Family", "ransomware"},
        {"ランサムウェアの名前", "ransomware"},
        {"Summary Report", "virtual_analyzer"},
        {"概要レポート", "virtual_analyzer"},
        {"Spam Category", "security_risk"},  // no other type's column
    };
    for (const auto& [header, kind] : headers) {
        recorder r;
        decode_all(std::string("Detection Time,Affected User,Security Filter,") + header + rows,
                   csv_options(), &r);
        ASSERT_EQ(r.events.size(), 1U) << header;
        EXPECT_EQ(r.events[0].event, kind) << header;
    }
}

TEST(CsvDecoder, AFileWhoseKindCannotBeToldIsUnusable) {
    const log_t none =
        decode_all("Detection Time,Affected User,Location\n2025-06-02,a,x\n", csv_options());
    ASSERT_EQ(none.size(), 1U);
    EXPECT_EQ(none[0],
              "X:the CSV header has no log-type column, and no column that only one log type "
              "has, so the log type of its rows is unknown; give it (--csv-kind)");
    const log_t mixed = decode_all(
        "Detection Time,Affected User,Ransomware Name,Violating Content\n2025-06-02,a,x,y\n",
        csv_options());
    ASSERT_EQ(mixed.size(), 1U);
    EXPECT_EQ(mixed[0].substr(0, 52), "X:the CSV header has columns of several log types, s");
}

TEST(CsvDecoder, AHeaderWithoutADetectionTimeIsUnusable) {
    EXPECT_EQ(decode_all("When,Who,Log Type\n2025-06-02,a,dlp\n", csv_options()),
              (log_t{"X:the CSV header (\"When\", \"Who\", \"Log Type\") has no detection-time "
                     "column such as \"Detection Time\" or \"検出日時\"; name yours in a CSV "
                     "column map (--csv-map)"}));
    EXPECT_EQ(decode_all("\xff\xfe,x\n", csv_options()).at(0).substr(0, 31),
              "X:the CSV header is not UTF-8 (");
}

TEST(CsvDecoder, AColumnMapAddsAndOverridesNames) {
    cr::options o = csv_options();
    o.csv_columns = {{"When", "detection_time"},
                     {"who", "AFFECTED_USER"},
                     {"Action", ""},
                     {"Log type", "event"}};
    recorder r;
    EXPECT_EQ(decode_all("WHEN,Who,Action,Log Type\n2025-06-02 00:00,a,Pass,dlp\n", o, &r),
              (log_t{"E2:a"}));
    EXPECT_EQ(r.events[0].detection_time, "2025-06-02 00:00");
    EXPECT_EQ(r.events[0].action, "");  // ignored
}

TEST(CsvDecoder, ParseColumnMap) {
    std::error_code ec;
    const auto m = cr::parse_csv_columns(R"({"When": "detection_time", "Noise": ""})", ec);
    EXPECT_FALSE(ec);
    EXPECT_EQ(m, (std::vector<std::pair<std::string, std::string>>{{"When", "detection_time"},
                                                                   {"Noise", ""}}));
    (void)cr::parse_csv_columns(R"({"When": "time"})", ec);
    EXPECT_EQ(ec, cr::error::invalid_argument);
    (void)cr::parse_csv_columns(R"(["When"])", ec);
    EXPECT_EQ(ec, cr::error::invalid_argument);
    (void)cr::parse_csv_columns(R"({"When": 3})", ec);
    EXPECT_EQ(ec, cr::error::invalid_argument);
    (void)cr::parse_csv_columns("{", ec);
    EXPECT_EQ(ec, cr::error::invalid_argument);
    try {
        (void)cr::parse_csv_columns(R"({"When": "time"})");
        FAIL() << "no exception";
    } catch (const cr::error_exception& e) {
        EXPECT_NE(std::string(e.what()).find("\"When\" to \"time\", which is not a field"),
                  std::string::npos)
            << e.what();
    }
}

TEST(CsvDecoder, TheAggregatorRefusesAColumnMapToAnUnknownField) {
    cr::options o = csv_options();
    o.csv_columns = {{"When", "detection_tim"}};
    cr::aggregator agg(o);
    std::error_code ec;
    agg.feed("x", ec);
    EXPECT_EQ(ec, cr::error::invalid_argument);
    EXPECT_NE(agg.last_error().find("\"detection_tim\", which is not a field"), std::string::npos);
}

TEST(CsvDecoder, AnUnusableSourceIsAnInputErrorThatNamesIt) {
    cr::aggregator agg(csv_options());
    std::error_code ec;
    agg.begin_source("export.csv", ec);
    agg.feed(en_header + en_row("a"), ec);
    EXPECT_FALSE(ec);
    // Found by feed: reported there, and for every later byte of that source.
    agg.begin_source("other.csv", ec);
    EXPECT_FALSE(ec);
    agg.feed("When,Who\n2025", ec);
    EXPECT_EQ(ec, cr::error::input);
    EXPECT_EQ(agg.last_error().substr(0, 27), "other.csv: the CSV header (");
    agg.feed("-06-02,a\n", ec);
    EXPECT_EQ(ec, cr::error::input);
    agg.end_source(ec);
    EXPECT_FALSE(ec);
    EXPECT_EQ(agg.last_error(), "");
    // Found at the end of the source: reported there.
    agg.begin_source("third.csv", ec);
    agg.feed("When,Who", ec);
    EXPECT_FALSE(ec);
    agg.finish(ec);
    EXPECT_EQ(ec, cr::error::input);
    EXPECT_EQ(agg.last_error().substr(0, 27), "third.csv: the CSV header (");
    EXPECT_TRUE(agg.finished());
    EXPECT_EQ(agg.counts().records, 1U);
}
