// Known answers of the hash that saved states persist (de-duplication keys, string-pool slots,
// the state's checksum). A state saved by one build is merged by another, on another machine:
// if hash128 changed, the same record would get another key there and count twice, silently.
// These answers were computed once by the hash as it is (codec version 1 of state_codec.cpp)
// and must never change under that version: a new hash needs a new codec version, and new
// answers here.
#include "aggregate/hash.hpp"

#include <gtest/gtest.h>

#include <string>

namespace d = casreport::detail;

namespace {

struct known_answer {
    const char* input;
    std::uint64_t hi;
    std::uint64_t lo;
    std::uint64_t hi_seed7;
    std::uint64_t lo_seed7;
};

// Lengths 0, 1, 3, 16 (one block), 48 (three blocks) and 63 (blocks and a tail).
constexpr known_answer answers[] = {
    {"", 0xfa9cb72473267b68ULL, 0xe021ea6988bec3ecULL, 0x26112f3b9af6fd6aULL,
     0xb9e2785e8662ff09ULL},
    {"a", 0xb3f6b3139751854dULL, 0x890c8082f7969ec4ULL, 0x38955e3f0cef8800ULL,
     0x1eb2a6eb30bf79c7ULL},
    {"abc", 0x5b9ef67943abb089ULL, 0xfa539e2e7fc7d7c7ULL, 0x893da66c9c5780d2ULL,
     0xb59343697dc77fc5ULL},
    {"0123456789abcdef", 0xbdada3d55bfcc4c3ULL, 0xf29a0b903a14034cULL, 0x0795666117401dd9ULL,
     0x4634edd75e6544beULL},
    {"log_item_id:6f9619ff-8b86-d011-b42d-00c04fc964ff", 0xaf65c887823c9187ULL,
     0x6e7ae7e9284dcaabULL, 0xafafe9fad80a41cbULL, 0xb3e13e8f3cfddf1cULL},
    {"The quick brown fox jumps over the lazy dog, 43 bytes and more.", 0x3971eaff4e60d8ddULL,
     0xfb1940c50c2b6dd1ULL, 0x9e54dc4d0c0e1e04ULL, 0x5246f2e835a45965ULL},
};

}  // namespace

TEST(PersistedHash, Hash128GivesItsKnownAnswers) {
    for (const known_answer& a : answers) {
        SCOPED_TRACE(a.input);
        const d::key128 k = d::hash128(a.input);
        EXPECT_EQ(k.hi, a.hi);
        EXPECT_EQ(k.lo, a.lo);
        const d::key128 s = d::hash128(a.input, 7);
        EXPECT_EQ(s.hi, a.hi_seed7);
        EXPECT_EQ(s.lo, a.lo_seed7);
    }
}

TEST(PersistedHash, LongInputsAndTheChecksumHashGiveTheirKnownAnswers) {
    std::string text(1000, ' ');
    for (std::size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i % 26);
    const d::key128 k = d::hash128(text);
    EXPECT_EQ(k.hi, 0x1d612ff1ebd7c0d5ULL);
    EXPECT_EQ(k.lo, 0xd4dd402b0aac6845ULL);
    EXPECT_EQ(d::hash64(text), 0x0023129ea64de291ULL);  // the saved state's checksum
}

TEST(PersistedHash, DoesNotDependOnWhereTheBytesLie) {
    // The same bytes at every alignment, and inside a larger buffer, hash the same: the tail
    // loads may read before the input's start, never its content.
    const std::string base = "log_item_id:6f9619ff-8b86-d011-b42d-00c04fc964ff";
    const d::key128 expected = d::hash128(base);
    for (std::size_t pad = 0; pad < 16; ++pad) {
        const std::string buf = std::string(pad, '#') + base + std::string(16, '#');
        EXPECT_EQ(d::hash128(std::string_view(buf).substr(pad, base.size())), expected) << pad;
    }
}
