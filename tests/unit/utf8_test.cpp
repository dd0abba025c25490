// The one UTF-8 module: its checks agree with RFC 3629 written out as code points.
#include "core/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

namespace d = casreport::detail;

/// Whether `cp`, written in `n` bytes, is a scalar value in its shortest form.
bool well_formed(std::uint32_t cp, std::size_t n) {
    const std::uint32_t least[5] = {0, 0, 0x80, 0x800, 0x10000};
    return cp >= least[n] && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff);
}

std::string bytes(std::initializer_list<unsigned> b) {
    std::string s;
    for (unsigned c : b) s += static_cast<char>(c);
    return s;
}

TEST(Utf8, EveryTwoAndThreeByteSequenceIsJudgedByItsCodePoint) {
    for (unsigned a = 0xc0; a <= 0xff; ++a) {
        for (unsigned b = 0; b <= 0xff; ++b) {
            const std::string two = bytes({a, b});
            const bool cont2 = (b & 0xc0) == 0x80;
            const bool ok2 = a < 0xe0 && cont2 && well_formed((a & 0x1f) << 6 | (b & 0x3f), 2);
            EXPECT_EQ(d::is_valid_utf8(two), ok2) << a << ' ' << b;
            std::uint32_t cp = 0;
            EXPECT_EQ(d::decode_utf8(two, 0, cp), ok2 ? 2U : 0U);
            if (a < 0xe0 || a > 0xef || !cont2) continue;
            for (unsigned c = 0x7f; c <= 0xc0; ++c) {
                const std::string three = bytes({a, b, c});
                const std::uint32_t v = (a & 0x0f) << 12 | (b & 0x3f) << 6 | (c & 0x3f);
                const bool ok3 = (c & 0xc0) == 0x80 && well_formed(v, 3);
                EXPECT_EQ(d::is_valid_utf8(three), ok3);
                EXPECT_EQ(d::decode_utf8(three, 0, cp), ok3 ? 3U : 0U);
                if (ok3) {
                    EXPECT_EQ(cp, v);
                }
                EXPECT_EQ(d::is_common_3byte(a, b, c), ok3 && a != 0xe0 && a != 0xed);
            }
        }
    }
}

TEST(Utf8, FourByteBoundsAndTruncation) {
    EXPECT_TRUE(d::is_valid_utf8(bytes({0xf0, 0x90, 0x80, 0x80})));   // U+10000
    EXPECT_FALSE(d::is_valid_utf8(bytes({0xf0, 0x8f, 0xbf, 0xbf})));  // overlong
    EXPECT_TRUE(d::is_valid_utf8(bytes({0xf4, 0x8f, 0xbf, 0xbf})));   // U+10FFFF
    EXPECT_FALSE(d::is_valid_utf8(bytes({0xf4, 0x90, 0x80, 0x80})));  // above it
    EXPECT_FALSE(d::is_valid_utf8(bytes({0xf5, 0x80, 0x80, 0x80})));
    EXPECT_FALSE(d::is_valid_utf8(bytes({0xf0, 0x90, 0x80})));  // cut short
    EXPECT_FALSE(d::is_valid_utf8(bytes({0xe3, 0x81})));
    // The eight-byte ASCII stride hands over to the sequence check mid-word.
    EXPECT_TRUE(d::is_valid_utf8("abcdefgh\xe3\x81\x82ijklmnop"));
    EXPECT_FALSE(d::is_valid_utf8("abcdefgh\xe3\x81ijklmnop"));
}

TEST(Utf8, EncodeIsTheInverseOfDecode) {
    for (std::uint32_t cp :
         {0x41U, 0x7fU, 0x80U, 0x7ffU, 0x800U, 0x3042U, 0xffffU, 0x10000U, 0x10ffffU}) {
        char buf[4];
        const std::size_t n = d::encode_utf8(cp, buf);
        std::uint32_t back = 0;
        EXPECT_EQ(d::decode_utf8(std::string(buf, n), 0, back), n);
        EXPECT_EQ(back, cp);
    }
}

TEST(Utf8, LeadLengthAlwaysMovesOn) {
    EXPECT_EQ(d::utf8_lead_length('a'), 1U);
    EXPECT_EQ(d::utf8_lead_length(0x80), 1U);
    EXPECT_EQ(d::utf8_lead_length(0xc3), 2U);
    EXPECT_EQ(d::utf8_lead_length(0xe3), 3U);
    EXPECT_EQ(d::utf8_lead_length(0xf0), 4U);
}

}  // namespace
