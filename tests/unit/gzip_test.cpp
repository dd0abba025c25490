// gzip sources: inflated as they arrive, split anywhere, in front of every format; corrupt and
// truncated streams make the source unusable with a message.
#include <gtest/gtest.h>
#include <zlib.h>

#include <casreport/aggregator.hpp>
#include <casreport/render.hpp>
#include <stdexcept>
#include <string>

#include "decode/decoder.hpp"
#include "decode_test_util.hpp"
#include "temp_file.hpp"

namespace cr = casreport;
using cr::test::decode_all;
using cr::test::log_t;

namespace {

/// `text` as one gzip member.
std::string gzip(std::string_view text) {
    z_stream zs{};
    if (deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
        throw std::runtime_error("deflateInit2");
    }
    std::string out(deflateBound(&zs, static_cast<uLong>(text.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
    zs.avail_in = static_cast<uInt>(text.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw std::runtime_error("deflate");
    out.resize(zs.total_out);
    return out;
}

std::string ndjson(int n, std::string_view prefix = "u") {
    std::string s;
    for (int i = 0; i < n; ++i) {
        s += "{\"log_item_id\":\"" + std::string(prefix) + std::to_string(i) +
             "\",\"service\":\"Box\",\"event\":\"dlp\",\"message\":{\"affected_user\":\"" +
             std::string(prefix) + std::to_string(i % 7) +
             "\",\"detection_time\":\"2025-06-02T00:00:00Z\"}}\n";
    }
    return s;
}

const cr::options detect;

}  // namespace

TEST(Gzip, SameRecordsAsThePlainTextForEverySplit) {
    const std::string plain = ndjson(300);
    const log_t expected = decode_all(plain, detect);
    ASSERT_EQ(expected.size(), 300U);
    EXPECT_EQ(decode_all(gzip(plain), detect), expected);
    // A forced format applies to what is inside.
    EXPECT_EQ(decode_all(gzip(plain), cr::test::with_format(cr::input_format::ndjson)), expected);
}

TEST(Gzip, EveryFormatInside) {
    EXPECT_EQ(decode_all(gzip("\xEF\xBB\xBF"
                              "Detection Time,Log Type,User\r\n"
                              "2025-06-02 09:00,dlp,a\r\n"),
                         detect),
              (log_t{"E2:a"}));
    EXPECT_EQ(decode_all(gzip("CEF:0|Trend Micro|CAS|5.0|1|dlp|1 rt=2025-06-02T00:00:00Z "
                              "TrendMicroCasAffectedUser=a\n"),
                         detect),
              (log_t{"E1:a"}));
}

TEST(Gzip, MembersOneAfterAnotherAndZeroPadding) {
    const std::string a = ndjson(3, "a");
    const std::string b = ndjson(2, "b");
    EXPECT_EQ(decode_all(gzip(a) + gzip(b) + std::string(512, '\0'), detect),
              decode_all(a + b, detect));
    // A member may end inside a line: the text is one stream.
    EXPECT_EQ(decode_all(gzip(a.substr(0, 10)) + gzip(a.substr(10)), detect),
              decode_all(a, detect));
}

TEST(Gzip, CorruptTruncatedAndTrailingDataMakeTheSourceUnusable) {
    const std::string plain = ndjson(2000);
    const std::string z = gzip(plain);

    // Truncated: what was inflated counts (the cut line is rejected), then the error.
    const log_t cut = decode_all(z.substr(0, z.size() / 2), detect);
    ASSERT_GE(cut.size(), 3U);
    EXPECT_EQ(cut.front(), "E1:u0");
    EXPECT_EQ(cut[cut.size() - 2].substr(cut[cut.size() - 2].find(':')), ":invalid_json");
    EXPECT_EQ(cut.back(), "X:the gzip data ends early, after " + std::to_string(z.size() / 2) +
                              " compressed bytes (a truncated file?)");

    // The checksum at the end catches a changed byte even where inflate does not.
    std::string bad = z;
    bad[bad.size() / 2] = static_cast<char>(bad[bad.size() / 2] ^ 0x55);
    const log_t corrupt = decode_all(bad, detect);
    ASSERT_FALSE(corrupt.empty());
    EXPECT_EQ(corrupt.back().substr(0, 28), "X:the gzip data is corrupt (");

    const std::string empty = gzip("");
    EXPECT_EQ(decode_all(empty + "trailing", detect),
              (log_t{"X:there is data after the end of the gzip stream, at byte " +
                     std::to_string(empty.size())}));
    EXPECT_EQ(decode_all("\x1F\x8B", detect).back().substr(0, 28), "X:the gzip data ends early, ");
}

TEST(Gzip, OnlyTheMagicBytesMakeGzip) {
    // 1f without 8b is not gzip: the text detection has its say.
    EXPECT_EQ(decode_all("\x1F{}", detect).at(0).substr(0, 16), "X:not a CAS log ");
}

TEST(Gzip, TheSameReportAsThePlainFile) {
    const std::string plain = ndjson(500);
    const auto report_json = [](std::string_view bytes, std::size_t chunk) {
        cr::aggregator agg;
        agg.begin_source("events");
        for (std::size_t i = 0; i < bytes.size(); i += chunk) agg.feed(bytes.substr(i, chunk));
        agg.finish();
        return cr::to_json(agg.report());
    };
    const std::string expected = report_json(plain, plain.size());
    const std::string z = gzip(plain);
    for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{4096}, z.size()}) {
        EXPECT_EQ(report_json(z, chunk), expected) << "chunk size " << chunk;
    }
}

namespace {

/// What reading `bytes` from a file with `threads` threads gives: the error, its message, the
/// report (of whatever counted before a failure) and the counts.
std::string read_as_file(const std::string& bytes, unsigned threads) {
    const cr::test::temp_file file(bytes);
    cr::aggregator agg;
    cr::file_options fo;
    fo.threads = threads;
    fo.source_name = "events.gz";
    std::error_code ec;
    agg.feed_file(file.path(), fo, ec);
    const std::string outcome = ec.message() + " | " + agg.last_error();
    agg.finish(ec);
    return outcome + " | " + cr::to_json(agg.report());
}

}  // namespace

// With two threads a gzip file is inflated on one and decoded on the other: everything must
// come out as from one pass, failures included, whatever the size of the inflated chunks.
TEST(Gzip, InflatingAheadOnAnotherThreadChangesNothing) {
    const std::string plain = ndjson(30000);  // several inflated chunks
    const std::string z = gzip(plain);
    std::string corrupt = z;
    corrupt[corrupt.size() / 2] = static_cast<char>(corrupt[corrupt.size() / 2] ^ 0x55);
    std::string late_corrupt = z;  // only the checksum at the very end can tell
    late_corrupt[late_corrupt.size() - 6] =
        static_cast<char>(late_corrupt[late_corrupt.size() - 6] ^ 1);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"whole", z},
        {"members and padding",
         gzip(ndjson(5, "a")) + gzip(ndjson(3000, "b")) + std::string(100, '\0')},
        {"truncated", z.substr(0, z.size() / 2)},
        {"corrupt", corrupt},
        {"corrupt checksum", late_corrupt},
        {"data after the end", z + "more"},
        {"not a CAS log inside", gzip("hello, this is not a log\n")},
        {"empty inside", gzip("")},
        {"magic only", "\x1F\x8B"},
    };
    for (const auto& [name, bytes] : cases) {
        const std::string one = read_as_file(bytes, 1);
        EXPECT_EQ(read_as_file(bytes, 2), one) << name;
        EXPECT_EQ(read_as_file(bytes, 4), one) << name;
    }
    // The cases do fail as meant (the comparison above would also pass if both sides failed
    // the same wrong way).
    EXPECT_NE(read_as_file(z.substr(0, z.size() / 2), 2).find("ends early"), std::string::npos);
    EXPECT_NE(read_as_file(corrupt, 2).find("is corrupt"), std::string::npos);
    EXPECT_NE(read_as_file(z, 2).find("\"records\": 30000"), std::string::npos);
}
