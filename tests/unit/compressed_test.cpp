// Compressed sources, every codec alike: decompressed as they arrive, split anywhere, in front
// of every format; streams one after another; corrupt, truncated and trailing data make the
// source unusable with a message, and what came before counts; a second thread that
// decompresses ahead changes nothing.
#include <gtest/gtest.h>

#include <casreport/aggregator.hpp>
#include <casreport/render.hpp>
#include <string>
#include <vector>

#include <isa-l/crc.h>

#include "compress.hpp"
#include "decode/decoder.hpp"
#include "decode_test_util.hpp"
#include "temp_file.hpp"

namespace cr = casreport;
using cr::test::decode_all;
using cr::test::log_t;

namespace {

struct codec_case {
    const char* name;  // as the messages say it
    std::string (*compress)(std::string_view text);
    std::size_t magic_bytes;  // how many first bytes tell the codec
    bool zero_padding;        // zero bytes after the last stream are ignored
};

void PrintTo(const codec_case& c, std::ostream* os) { *os << c.name; }

const codec_case codecs[] = {
    {"gzip", cr::test::gzip, 2, true},
    {"zstd", cr::test::zstd, 4, false},
    {"xz", cr::test::xz, 6, true},
    {"bzip2", cr::test::bzip2, 10, false},
};

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

/// What reading `bytes` from a file with `threads` threads gives: the error, its message, the
/// report (of whatever counted before a failure) and the counts.
std::string read_as_file(const std::string& bytes, unsigned threads) {
    const cr::test::temp_file file(bytes);
    cr::aggregator agg;
    cr::file_options fo;
    fo.threads = threads;
    fo.source_name = "events";
    std::error_code ec;
    agg.feed_file(file.path(), fo, ec);
    const std::string outcome = ec.message() + " | " + agg.last_error();
    agg.finish(ec);
    return outcome + " | " + cr::to_json(agg.report());
}

class Compressed : public ::testing::TestWithParam<codec_case> {
protected:
    [[nodiscard]] std::string z(std::string_view text) const { return GetParam().compress(text); }
    [[nodiscard]] std::string name() const { return GetParam().name; }
};

}  // namespace

INSTANTIATE_TEST_SUITE_P(Codecs, Compressed, ::testing::ValuesIn(codecs),
                         [](const ::testing::TestParamInfo<codec_case>& p) {
                             return std::string(p.param.name);
                         });

TEST_P(Compressed, SameRecordsAsThePlainTextForEverySplit) {
    const std::string plain = ndjson(300);
    const log_t expected = decode_all(plain, detect);
    ASSERT_EQ(expected.size(), 300U);
    EXPECT_EQ(decode_all(z(plain), detect), expected);
    // A forced format applies to what is inside.
    EXPECT_EQ(decode_all(z(plain), cr::test::with_format(cr::input_format::ndjson)), expected);
}

TEST_P(Compressed, EveryFormatInside) {
    EXPECT_EQ(decode_all(z("\xEF\xBB\xBF"
                           "Detection Time,Log Type,User\r\n"
                           "2025-06-02 09:00,dlp,a\r\n"),
                         detect),
              (log_t{"E2:a"}));
    EXPECT_EQ(decode_all(z("CEF:0|Trend Micro|CAS|5.0|1|dlp|1 rt=2025-06-02T00:00:00Z "
                           "TrendMicroCasAffectedUser=a\n"),
                         detect),
              (log_t{"E1:a"}));
}

TEST_P(Compressed, StreamsOneAfterAnotherAreOneText) {
    const std::string a = ndjson(3, "a");
    const std::string b = ndjson(2, "b");
    EXPECT_EQ(decode_all(z(a) + z("") + z(b), detect), decode_all(a + b, detect));
    // A stream may end inside a line.
    EXPECT_EQ(decode_all(z(a.substr(0, 10)) + z(a.substr(10)), detect), decode_all(a, detect));
}

TEST_P(Compressed, ZeroBytesAfterTheLastStreamArePaddingWhereTheCodecSaysSo) {
    const std::string a = ndjson(3, "a");
    const std::string za = z(a);
    log_t expected = decode_all(a, detect);
    if (!GetParam().zero_padding) {
        expected.push_back("X:there is data after the end of the " + name() + " stream, at byte " +
                           std::to_string(za.size()));
    }
    EXPECT_EQ(decode_all(za + std::string(512, '\0'), detect), expected);
}

TEST_P(Compressed, TruncatedDataCountsWhatCameBeforeThenFails) {
    const std::string plain = ndjson(2000);
    const std::string whole = z(plain);
    // Three quarters: a codec that writes its text block by block (zstd's are 128 KiB of text)
    // has written some by then.
    const std::string cut_bytes = whole.substr(0, whole.size() * 3 / 4);
    const log_t cut = decode_all(cut_bytes, detect);
    ASSERT_GE(cut.size(), 3U);
    EXPECT_EQ(cut.front(), "E1:u0");
    // The cut line is rejected, then the source fails.
    EXPECT_EQ(cut[cut.size() - 2].substr(cut[cut.size() - 2].find(':')), ":invalid_json");
    EXPECT_EQ(cut.back(), "X:the " + name() + " data ends early, after " +
                              std::to_string(cut_bytes.size()) +
                              " compressed bytes (a truncated file?)");
    // The magic bytes alone are a stream cut short, not text.
    const std::size_t m = GetParam().magic_bytes;
    EXPECT_EQ(decode_all(whole.substr(0, m), detect),
              (log_t{"X:the " + name() + " data ends early, after " + std::to_string(m) +
                     " compressed bytes (a truncated file?)"}));
}

TEST_P(Compressed, CorruptDataMakesTheSourceUnusable) {
    const std::string whole = z(ndjson(2000));
    for (const std::size_t at : {whole.size() / 2, whole.size() - 6}) {
        std::string bad = whole;
        bad[at] = static_cast<char>(bad[at] ^ 0x55);
        const log_t corrupt = decode_all(bad, detect);
        ASSERT_FALSE(corrupt.empty());
        const std::string prefix = "X:the " + name() + " data is corrupt (";
        EXPECT_EQ(corrupt.back().substr(0, prefix.size()), prefix) << "byte " << at;
    }
}

TEST_P(Compressed, DataAfterTheEndMakesTheSourceUnusable) {
    const std::string empty = z("");
    EXPECT_EQ(decode_all(empty + "trailing", detect),
              (log_t{"X:there is data after the end of the " + name() + " stream, at byte " +
                     std::to_string(empty.size())}));
}

TEST_P(Compressed, TheSameReportAsThePlainText) {
    const std::string plain = ndjson(500);
    const auto report_json = [](std::string_view bytes, std::size_t chunk) {
        cr::aggregator agg;
        agg.begin_source("events");
        for (std::size_t i = 0; i < bytes.size(); i += chunk) agg.feed(bytes.substr(i, chunk));
        agg.finish();
        return cr::to_json(agg.report());
    };
    const std::string expected = report_json(plain, plain.size());
    const std::string zp = z(plain);
    for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{4096}, zp.size()}) {
        EXPECT_EQ(report_json(zp, chunk), expected) << "chunk size " << chunk;
    }
}

// With two threads a compressed file is decompressed on one and decoded on the other:
// everything must come out as from one pass, failures included, whatever the size of the
// chunks.
TEST_P(Compressed, DecompressingAheadOnAnotherThreadChangesNothing) {
    const std::string plain = ndjson(30000);  // several chunks of text
    const std::string whole = z(plain);
    std::string corrupt = whole;
    corrupt[corrupt.size() / 2] = static_cast<char>(corrupt[corrupt.size() / 2] ^ 0x55);
    std::string late_corrupt = whole;  // a checksum at the very end
    late_corrupt[late_corrupt.size() - 6] =
        static_cast<char>(late_corrupt[late_corrupt.size() - 6] ^ 1);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"whole", whole},
        {"streams", z(ndjson(5, "a")) + z(ndjson(3000, "b"))},
        {"padding", z(ndjson(3000, "b")) + std::string(100, '\0')},
        {"truncated", whole.substr(0, whole.size() / 2)},
        {"corrupt", corrupt},
        {"corrupt at the end", late_corrupt},
        {"data after the end", whole + "more"},
        {"not a CAS log inside", z("hello, this is not a log\n")},
        {"empty inside", z("")},
        {"magic only", whole.substr(0, GetParam().magic_bytes)},
    };
    for (const auto& [what, bytes] : cases) {
        const std::string one = read_as_file(bytes, 1);
        EXPECT_EQ(read_as_file(bytes, 2), one) << what;
        EXPECT_EQ(read_as_file(bytes, 4), one) << what;
    }
    // The cases do fail as meant (the comparison above would also pass if both sides failed
    // the same wrong way).
    EXPECT_NE(read_as_file(whole.substr(0, whole.size() / 2), 2).find("ends early"),
              std::string::npos);
    EXPECT_NE(read_as_file(corrupt, 2).find("is corrupt"), std::string::npos);
    EXPECT_NE(read_as_file(whole, 2).find("\"records\": 30000"), std::string::npos);
}

TEST(Compressed, OnlyTheWholeMagicMakesCompressedData) {
    // 1f without 8b is not gzip, nor 28 b5 without 2f fd zstd: the text detection has its say.
    EXPECT_EQ(decode_all("\x1F{}", detect).at(0).substr(0, 16), "X:not a CAS log ");
    EXPECT_EQ(decode_all("\x28\xB5{}", detect).at(0).substr(0, 16), "X:not a CAS log ");
    // bzip2's "BZh" and a block size may start a text; its block marker may not.
    EXPECT_EQ(decode_all("BZh9 is how these notes start\n", detect).at(0).substr(0, 16),
              "X:not a CAS log ");
    // A JSON array starts with a byte a zstd skippable frame may start with.
    EXPECT_EQ(decode_all("[" + ndjson(1).substr(0, ndjson(1).size() - 1) + "]\n", detect),
              (log_t{"E1:u0"}));
}

TEST(Zstd, SkippableFramesArePassedOver) {
    const std::string a = ndjson(3, "a");
    const std::string b = ndjson(2, "b");
    using cr::test::zstd;
    using cr::test::zstd_skippable;
    EXPECT_EQ(decode_all(zstd_skippable("pzstd says") + zstd(a) + zstd_skippable("", 15) + zstd(b) +
                             zstd_skippable(std::string(300, 'x'), 7),
                         detect),
              decode_all(a + b, detect));
    // Text after a frame that starts like a skippable frame is still data after the end.
    const std::string za = zstd(a);
    log_t expected = decode_all(a, detect);
    expected.push_back("X:there is data after the end of the zstd stream, at byte " +
                       std::to_string(za.size()));
    EXPECT_EQ(decode_all(za + "[1, 2]\n", detect), expected);
}

TEST(Zstd, AWindowOver128MiBIsRefusedWithItsReason) {
    // A frame whose header asks for a 256 MiB window (window descriptor 0x90: 2^(10+18)),
    // then one raw block of 2 bytes.
    const std::string frame("\x28\xB5\x2F\xFD\x00\x90\x11\x00\x00{}", 11);
    EXPECT_EQ(decode_all(frame, detect),
              (log_t{"X:the zstd data is corrupt (its window is larger than 128 MiB "
                     "(compressed with --long?))"}));
}

// Streams one after another, with padding between where the codec allows it, split in two at
// every byte: a stream may end in either piece, with the next one's magic cut anywhere. (The
// input that made ISA-L give back bytes of an earlier call at a member's end is the fuzz_feed
// corpus file crash_gzip_bytes_given_back, replayed by the fuzz.fuzz_feed test.)
TEST_P(Compressed, StreamsOneAfterAnotherSplitAnywhereInTwo) {
    const std::string a = ndjson(3, "a");
    const std::string b = ndjson(2, "b");
    const std::string bytes = z(a) + (GetParam().zero_padding ? std::string(5, '\0') : "") +
                              z(b) + z(ndjson(1, "c"));
    const auto report_of = [](std::string_view first, std::string_view second) {
        cr::aggregator agg;
        agg.feed(first);
        agg.feed(second);
        std::error_code ec;
        agg.finish(ec);
        return agg.last_error() + " | " + cr::to_json(agg.report());
    };
    const std::string whole = report_of(bytes, {});
    ASSERT_EQ(whole.find("error"), std::string::npos) << whole;
    for (std::size_t k = 1; k < bytes.size(); ++k) {
        ASSERT_EQ(report_of(std::string_view(bytes).substr(0, k), std::string_view(bytes).substr(k)),
                  whole)
            << "split at " << k << " of " << bytes.size();
    }
}

namespace {

/// `text` as one gzip member whose header has every optional part: an extra field, a name, a
/// comment and the header's own CRC-16 (`crc_delta` added to it, to make it wrong), with
/// `flags` or-ed into the flag byte.
std::string gzip_with_full_header(std::string_view text, unsigned crc_delta = 0,
                                  unsigned flags = 0) {
    const std::string plain = cr::test::gzip(text);
    std::string h = "\x1f\x8b\x08";
    h += static_cast<char>(0x1e | flags);  // FHCRC, FEXTRA, FNAME, FCOMMENT
    h += std::string("\x00\x00\x00\x00\x00\x03", 6);
    h += std::string("\x04\x00" "ab\x00d", 6);  // XLEN 4, then 4 bytes (a zero among them)
    h += std::string("events.ndjson\0", 14);
    h += std::string("a comment\0", 10);
    const std::uint32_t crc =
        crc32_gzip_refl(0, reinterpret_cast<const unsigned char*>(h.data()), h.size()) +
        crc_delta;
    h += static_cast<char>(crc & 0xffU);
    h += static_cast<char>((crc >> 8) & 0xffU);
    return h + plain.substr(10);  // ISA-L's own header is the plain 10 bytes
}

}  // namespace

TEST(Gzip, EveryHeaderPartIsReadHoweverTheBytesArrive) {
    const std::string text = ndjson(40);
    const log_t plain = decode_all(text, detect);
    // decode_all also feeds it 1, 2, 3, 7, 64 and 4096 bytes at a time.
    EXPECT_EQ(decode_all(gzip_with_full_header(text), detect), plain);
    const std::string twice = gzip_with_full_header(text) + gzip_with_full_header(ndjson(3, "b"));
    EXPECT_EQ(decode_all(twice, detect).size(), plain.size() + 3);
}

TEST(Gzip, ABadHeaderChecksumOrAReservedFlagIsRefusedHoweverTheBytesArrive) {
    // ISA-L checks the header's CRC-16 only when the whole header comes in one call; read here,
    // a bad one is noticed whatever the split (decode_all compares every split with the whole).
    const std::string text = ndjson(5);
    EXPECT_EQ(decode_all(gzip_with_full_header(text, 1), detect),
              (log_t{"X:the gzip data is corrupt (invalid gzip header)"}));
    // RFC 1952: a reader refuses the reserved flag bits.
    EXPECT_EQ(decode_all(gzip_with_full_header(text, 0, 0x20), detect),
              (log_t{"X:the gzip data is corrupt (invalid gzip header)"}));
    // A second member with a bad header: the first one counts.
    const log_t two =
        decode_all(gzip_with_full_header(text) + gzip_with_full_header(text, 7), detect);
    EXPECT_EQ(two.size(), decode_all(text, detect).size() + 1);
    EXPECT_EQ(two.back(), "X:the gzip data is corrupt (invalid gzip header)");
}

namespace {

/// A damaged frame of the shape fuzz_gzip found: the magic number, the descriptor byte,
/// `zeros` zero bytes (header fields, then empty blocks), a block header byte 05, `more`
/// zeros, and "AF\0".
std::string fuzzed_zstd_frame(char descriptor, std::size_t zeros, std::size_t more) {
    return std::string("\x28\xb5\x2f\xfd", 4) + descriptor + std::string(zeros, '\0') + '\x05' +
           std::string(more, '\0') + std::string("AF\0", 3);
}

}  // namespace

TEST(Zstd, DamageGivesOneReasonHoweverTheBytesArrive) {
    // A frame (single segment, a checksum, content size 0) whose blocks do not add up: given
    // whole, zstd reports corruption; given in pieces, a checksum mismatch. One reason serves
    // both (fuzz_gzip, corpus/fuzz_gzip/crash_zstd_reason_depends_on_split).
    const std::string frame = fuzzed_zstd_frame('\x25', 16, 10);
    EXPECT_EQ(decode_all(frame, detect),
              (log_t{"X:the zstd data is corrupt (bad frame data or checksum)"}));
    // Text before the damage still counts, and the reason is the same.
    const std::string damaged = cr::test::zstd(ndjson(3)) + frame;
    const log_t log = decode_all(damaged, detect);
    ASSERT_EQ(log.size(), 4U);
    EXPECT_EQ(log.back(), "X:the zstd data is corrupt (bad frame data or checksum)");
}

TEST(Zstd, RawBlocksAreReadHoweverTheBytesArrive) {
    // zstd stores data it cannot compress as raw blocks. Fed in pieces, the last bytes of a raw
    // block that came in an earlier piece are held until written out; a call that then reads
    // nothing must write them before giving up (fuzz_gzip,
    // corpus/fuzz_gzip/crash_zstd_raw_block_end_held).
    const std::string text = ndjson(40);
    std::string frame("\x28\xb5\x2f\xfd\x00\x50", 6);  // no checksum, a 1 MiB window
    for (std::size_t at = 0; at < text.size(); at += 1000) {
        const std::size_t n = std::min<std::size_t>(1000, text.size() - at);
        const std::uint32_t header =
            static_cast<std::uint32_t>(n << 3) | (at + n == text.size() ? 1U : 0U);  // raw
        frame += static_cast<char>(header & 0xffU);
        frame += static_cast<char>((header >> 8) & 0xffU);
        frame += static_cast<char>((header >> 16) & 0xffU);
        frame.append(text, at, n);
    }
    EXPECT_EQ(decode_all(frame, detect), decode_all(text, detect));
}

TEST(Zstd, AFrameOfNoTextIsReadTheSameWholeOrInPieces) {
    // A frame that declares no text (content size 0, no checksum) and then has blocks: given
    // whole in the call that reads its header, zstd would decode it in one pass, which refuses
    // it; streamed, it ends after its last block and the rest is data after the end. Headers
    // now reach zstd in a call of their own, so every frame is streamed (fuzz_gzip,
    // corpus/fuzz_gzip/crash_zstd_empty_frame_in_one_pass).
    const std::string frame = fuzzed_zstd_frame('\x23', 17, 9);
    EXPECT_EQ(decode_all(frame, detect),
              (log_t{"X:there is data after the end of the zstd stream, at byte 25"}));
}

TEST(Zstd, AnOldFramesMagicInsideAHeaderIsNotReadAsOne) {
    // After a frame, 28 then 25 b5 2f fd: no zstd frame, but the last four bytes are the magic
    // number of a pre-1.0 one. Handed the header from its second byte on, zstd would try to
    // read that old frame; given the header from its first byte, it sees no frame at all.
    // Headers now reach zstd whole, from their first byte (fuzz_gzip,
    // corpus/fuzz_gzip/crash_zstd_old_frame_seen_mid_header).
    const std::string first = cr::test::zstd(ndjson(3));
    const log_t log = decode_all(first + std::string("\x28\x25\xb5\x2f\xfd\xfd\x08", 7), detect);
    ASSERT_EQ(log.size(), 4U);
    EXPECT_EQ(log.back(), "X:there is data after the end of the zstd stream, at byte " +
                              std::to_string(first.size()));
}
