// The word-at-a-time helpers and the string pool of the aggregation hot path, checked against
// plain byte-by-byte definitions.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "aggregate/hash.hpp"
#include "aggregate/memo.hpp"
#include "aggregate/string_pool.hpp"
#include "casreport/detail/ascii.hpp"
#include "casreport/record.hpp"

namespace casreport::detail {
namespace {

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

bool has_upper_slow(std::string_view s) {
    for (const char c : s) {
        if (c >= 'A' && c <= 'Z') return true;
    }
    return false;
}

TEST(HotPath, HasAsciiUpperFindsCapitalsAtEveryPositionAndLength) {
    for (std::size_t n = 0; n <= 40; ++n) {
        for (std::size_t at = 0; at < n; ++at) {
            for (const char c : {'A', 'Z', 'M', '@', '[', 'a', 'z', '\xc1', '\xda', '\x80'}) {
                std::string s(n, 'x');
                s[at] = c;
                EXPECT_EQ(has_ascii_upper(s), has_upper_slow(s))
                    << "n=" << n << " at=" << at << " byte=" << int(c);
            }
        }
    }
    EXPECT_FALSE(has_ascii_upper("user15535@example.co.jp"));
    EXPECT_TRUE(has_ascii_upper("User15535@example.co.jp"));
    EXPECT_FALSE(has_ascii_upper("\xe7\xb5\x8c\xe7\x90\x86"));  // non-ASCII is never a capital
}

TEST(HotPath, LoadLeEndIsTheTailLoad) {
    const std::string text = "0123456789abcdefghij";
    for (std::size_t end = 0; end <= text.size(); ++end) {
        for (std::size_t n = 0; n <= 8 && n <= end; ++n) {
            const unsigned char* e = bytes(text) + end;
            EXPECT_EQ(load_le_end(e, n, end), load_le_tail(e - n, n)) << end << " " << n;
            EXPECT_EQ(load_le_end(e, n, n), load_le_tail(e - n, n)) << end << " " << n;
        }
    }
}

TEST(HotPath, SameBytesComparesEveryByte) {
    for (std::size_t n = 1; n <= 56; ++n) {
        const std::string a(n, 'q');
        EXPECT_TRUE(same_bytes(a.data(), std::string(n, 'q').data(), n));
        for (std::size_t at = 0; at < n; ++at) {
            std::string b = a;
            b[at] = 'r';
            EXPECT_FALSE(same_bytes(a.data(), b.data(), n)) << n << " " << at;
        }
    }
}

TEST(HotPath, StringPoolIdsAreDenseStableAndSurviveGrowth) {
    string_pool pool;
    std::vector<std::string> words;
    for (int i = 0; i < 5000; ++i) words.push_back("user" + std::to_string(i) + "@example.jp");
    words.emplace_back();  // the empty string is a string like any other
    for (std::size_t i = 0; i < words.size(); ++i) {
        EXPECT_EQ(pool.intern(words[i]), i);
    }
    ASSERT_EQ(pool.size(), words.size());
    for (std::size_t i = 0; i < words.size(); ++i) {  // after several rehashes
        EXPECT_EQ(pool.intern(words[i]), i);
        EXPECT_EQ(pool.intern(words[i], string_pool::key_of(words[i])), i);
        EXPECT_EQ(pool.at(static_cast<std::uint32_t>(i)), words[i]);
    }
    EXPECT_EQ(pool.size(), words.size());
    EXPECT_EQ(pool.find(words[42]), 42U);
    EXPECT_EQ(pool.find(""), words.size() - 1);
    EXPECT_EQ(pool.find("never@interned.jp"), string_pool::none);
    // Without its index (a sealed state's pools) a pool finds by reading, and the next intern
    // builds the index again: the same ids.
    pool.drop_index();
    EXPECT_EQ(pool.find(words[42]), 42U);
    EXPECT_EQ(pool.find(""), words.size() - 1);
    EXPECT_EQ(pool.find("never@interned.jp"), string_pool::none);
    EXPECT_EQ(pool.at(7), words[7]);
    EXPECT_EQ(pool.intern(words[4999]), 4999U);
    EXPECT_EQ(pool.intern("new@example.jp"), words.size());
    EXPECT_EQ(pool.find(words[3]), 3U);
    pool.release();
    EXPECT_EQ(pool.find(""), string_pool::none);
    EXPECT_EQ(pool.size(), 0U);
    EXPECT_EQ(pool.intern("again"), 0U);
}

}  // namespace
}  // namespace casreport::detail

namespace casreport::detail {
namespace {

// The aggregator's user and hash rule is the public one: the same text, copied only when it
// must change.
TEST(HotPath, NormalizedUserIsNormalizeUserCopiedOnlyWhenItChanges) {
    for (std::string_view raw : {"", " ", "a@b.jp", " a@b.jp\t", "A@B.JP", "  Mixed@Case.Example ",
                                 "ユーザー", "\xe3\x83\xa6 X "}) {
        std::string expected;
        normalize_user(raw, expected);
        std::string buf;
        const std::string_view got = normalized_user(raw, buf);
        EXPECT_EQ(got, expected) << raw;
        const bool copied = got.data() == buf.data() && !got.empty();
        EXPECT_EQ(copied, has_ascii_upper(raw)) << raw;
    }
    // An empty field of an event is a view with no data at all (null): nothing is read of it.
    std::string buf;
    EXPECT_FALSE(has_ascii_upper(std::string_view{}));
    EXPECT_TRUE(normalized_user(std::string_view{}, buf).empty());
}

}  // namespace
}  // namespace casreport::detail
