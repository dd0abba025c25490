// aggregator::feed_file: a file read by several threads reports exactly as one sequential pass,
// rejection line numbers included, and falls back to one pass when a document spans a cut.
#include <gtest/gtest.h>

#include <casreport/casreport.hpp>
#include <filesystem>
#include <random>
#include <string>

#include "temp_file.hpp"

namespace cr = casreport;
using cr::test::temp_file;

namespace {

std::string event(int i, std::mt19937& rng) {
    const int id = static_cast<int>(rng() % 5000);  // repeats: duplicates across parts
    return "{\"log_item_id\":\"id" + std::to_string(id) +
           "\",\"service\":\"Exchange Online\",\"event\":\"security_risk_scan\",\"message\":{"
           "\"affected_user\":\"user" +
           std::to_string(rng() % 300) + "@x.jp\",\"detection_time\":\"2025-06-" +
           std::to_string(10 + i % 20) +
           "T00:00:00Z\",\"triggered_security_filter\":\"Malware Scanning\",\"action\":\"" +
           (i % 3 == 0 ? "Pass" : "Quarantine") +
           // Senders, threats and hashes: the pools each part builds and the merge translates,
           // and the targeted-attack finding that follows them to their users.
           "\",\"mail_message_sender\":\"s" + std::to_string(rng() % 40) +
           "@bad.example\",\"security_risk_name\":\"T" + std::to_string(rng() % 15) +
           "\",\"file_sha1\":\"" + std::to_string(100000 + rng() % 3000) + "\"}}\n";
}

std::string ndjson(int records, std::uint32_t seed, bool with_garbage) {
    std::mt19937 rng(seed);
    std::string s;
    for (int i = 0; i < records; ++i) {
        s += event(i, rng);
        if (with_garbage && i % 997 == 0) s += "garbage line\n";
    }
    return s;
}

std::string report_of(const std::string& path, unsigned threads) {
    cr::options o;
    o.period = cr::report_period::parse("2025-06");
    o.max_listed_rejections = 1000;
    cr::aggregator agg(o);
    cr::file_options fo;
    fo.threads = threads;
    fo.min_part_bytes = 64 << 10;  // split even this small file
    fo.read_size = 4096;
    std::atomic<std::uint64_t> read{0};
    fo.bytes_read = &read;
    agg.feed_file(path, fo);
    agg.finish();
    EXPECT_GE(read.load(), std::filesystem::file_size(path));
    return cr::to_json(agg.report());
}

}  // namespace

TEST(FeedFile, ThreadsReportExactlyLikeOnePass) {
    const temp_file f(ndjson(20000, 1, true));
    const std::string one = report_of(f.path(), 1);
    EXPECT_NE(one.find("\"line\": 998"), std::string::npos);  // rejections keep real lines
    for (unsigned t : {2U, 3U, 7U}) EXPECT_EQ(report_of(f.path(), t), one) << t << " threads";
}

TEST(FeedFile, ThreadsKeepUnknownServicesAndThePeriodLikeOnePass) {
    // Unknown services get codes of their own in each part, which the merge translates (their
    // records' kinds with them); records of other months are counted apart, in every part.
    std::mt19937 rng(5);
    std::string s;
    for (int i = 0; i < 20000; ++i) {
        std::string e = event(i, rng);
        if (i % 3 == 1) {
            const std::string known = "Exchange Online";
            e.replace(e.find(known), known.size(), "Mystery Box " + std::to_string(rng() % 7));
        }
        if (i % 5 == 2) e.replace(e.find("2025-06-"), 8, i % 2 == 0 ? "2025-05-" : "2025-07-");
        s += e;
    }
    const temp_file f(s);
    const std::string one = report_of(f.path(), 1);
    EXPECT_NE(one.find("mystery"), std::string::npos);
    for (unsigned t : {2U, 3U}) EXPECT_EQ(report_of(f.path(), t), one) << t << " threads";
}

TEST(FeedFile, ADocumentAcrossACutFallsBackToOnePass) {
    // A pretty-printed page in the middle: its lines that start with '{' (its elements at
    // column 0) look like cut points, but a part starting there would misread the page.
    std::string pretty = "{\"security_events\": [\n";
    std::mt19937 rng(9);
    for (int i = 0; i < 3000; ++i)
        pretty += (i ? ",\n" : "") + event(i, rng).substr(0, event(i, rng).size() - 1);
    pretty += "\n]}\n";
    const temp_file f(ndjson(5000, 2, false) + pretty + ndjson(5000, 3, true));
    const std::string one = report_of(f.path(), 1);
    for (unsigned t : {2U, 4U}) EXPECT_EQ(report_of(f.path(), t), one) << t << " threads";
}

TEST(FeedFile, SeveralFilesAndErrors) {
    const temp_file a(ndjson(3000, 4, false));
    const temp_file b(ndjson(3000, 4, true));  // the same events again: all duplicates
    cr::aggregator agg;
    cr::file_options fo;
    fo.threads = 2;
    fo.min_part_bytes = 16 << 10;
    agg.feed_file(a.path(), fo);
    agg.feed_file(b.path(), fo);
    std::error_code ec;
    agg.feed_file("/nonexistent/casreport.ndjson", fo, ec);
    EXPECT_EQ(ec, std::errc::no_such_file_or_directory);
    agg.finish();
    const cr::report& r = agg.report();
    EXPECT_EQ(r.input.records, 6000U + 4U);
    EXPECT_EQ(r.input.rejected, 4U);
    EXPECT_EQ(r.input.duplicates, 3000U + (3000U - r.input.accepted));
    EXPECT_EQ(r.input.rejections.front().source, b.path());
    agg.feed_file(a.path(), fo, ec);
    EXPECT_EQ(ec, cr::error::misuse);
}
