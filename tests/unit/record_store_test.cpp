// The de-duplication store keeps each contribution in 12 bytes (and a mail detail id aside) and
// each index slot in 4: every field must come back exactly, at the edges of what casreport holds.
#include "aggregate/record_store.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "casreport/time.hpp"

namespace cr = casreport;
namespace d = casreport::detail;

namespace {

d::key128 key(std::uint64_t i) {
    // Spread like real keys, and keep the 32 low bits of `hi` that the store drops at zero.
    return d::dedupe_key(
        {d::fold_mul(i, 0x9e3779b97f4a7c15ULL) ^ i, d::fold_mul(i, 0xbf58476d1ce4e5b9ULL) << 7});
}

d::contribution make(std::int64_t time, std::uint32_t user, std::uint32_t detail,
                     std::uint32_t meta) {
    d::contribution c;
    c.set_time(time);
    c.user = user;
    c.detail = detail;
    c.meta = meta;
    return c;
}

void expect_same(const d::contribution& a, const d::contribution& b) {
    EXPECT_EQ(a.time(), b.time());
    EXPECT_EQ(a.user, b.user);
    EXPECT_EQ(a.detail, b.detail);
    EXPECT_EQ(a.meta, b.meta);
}

constexpr std::int64_t first_us = cr::min_timestamp.time_since_epoch().count();
constexpr std::int64_t last_us = cr::max_timestamp.time_since_epoch().count();
constexpr std::int64_t epoch_us = std::int64_t{1} << d::kind_table::offset_bits;

const std::vector<std::int64_t>& edge_times() {
    static const std::vector<std::int64_t> times = {
        first_us, first_us + 1, -epoch_us - 1, -epoch_us, -1, 0, 1, epoch_us - 1, epoch_us,
        // 2026-10-31T15:00:00Z, the end of a month in Japan, and the microsecond before it
        1793458800000000LL - 1, 1793458800000000LL, last_us - 1, last_us};
    return times;
}

}  // namespace

TEST(RecordStore, EveryFieldComesBackAtTheEdgesOfItsRange) {
    d::record_store s;
    const std::uint32_t metas[] = {0, 0x0000063fU, 0x000b0520U, 0xffff0000U, 0xffffffffU};
    const std::uint32_t ids[] = {0, 1, 0x7fffffffU, 0xfffffffeU, 0xffffffffU};
    std::vector<d::contribution> added;
    std::uint64_t k = 0;
    for (const std::int64_t t : edge_times()) {
        for (const std::uint32_t m : metas) {
            for (const std::uint32_t id : ids) {
                added.push_back(make(t, id, ~id, m));
                ASSERT_TRUE(s.try_add(key(k++), added.back()));
            }
        }
    }
    ASSERT_EQ(s.size(), added.size());
    for (std::size_t i = 0; i < added.size(); ++i) expect_same(s.at(i), added[i]);
    std::size_t i = 0;
    s.for_each([&](d::key128 got, const d::contribution& c) {
        EXPECT_EQ(got, key(i));
        expect_same(c, added[i]);
        ++i;
    });
    EXPECT_EQ(s.outliers(), 0U);
}

TEST(RecordStore, KindsPastTheTableAreKeptAside) {
    // A table of two kinds: the third and later kinds go to the side map, exactly, and a
    // rewrite moves an entry in and out of it.
    d::record_store s(2);
    const std::vector<std::int64_t>& times = edge_times();
    for (std::size_t i = 0; i < times.size(); ++i) {
        ASSERT_TRUE(s.try_add(key(i), make(times[i], 7, 0, static_cast<std::uint32_t>(i))));
    }
    EXPECT_EQ(s.kinds(), 2U);
    EXPECT_EQ(s.outliers(), times.size() - 2);
    for (std::size_t i = 0; i < times.size(); ++i) {
        expect_same(s.at(i), make(times[i], 7, 0, static_cast<std::uint32_t>(i)));
    }
    s.set(times.size() - 1, make(times[0], 8, 9, 0));  // the first kind: back in the table
    EXPECT_EQ(s.outliers(), times.size() - 3);
    expect_same(s.at(times.size() - 1), make(times[0], 8, 9, 0));
    s.set(0, make(times[1], 1, 2, 3));  // the first entry's kind is new: aside
    EXPECT_EQ(s.outliers(), times.size() - 2);
    expect_same(s.at(0), make(times[1], 1, 2, 3));
    std::size_t drained = 0;
    s.drain([&](d::key128, const d::contribution&) { ++drained; }, [](d::key128) {});
    EXPECT_EQ(drained, times.size());
    EXPECT_EQ(s.size(), 0U);
    EXPECT_EQ(s.outliers(), 0U);
}

TEST(RecordStore, MailDetailsAsideComeBackForEveryEntry) {
    // Ids sit beside the entries, one bit per entry says who has one: every pattern of bits
    // in and across groups of 64, and rewrites that give an entry an id, change or remove it.
    d::record_store s;
    constexpr std::uint32_t n = 1000;
    const auto id_of = [](std::uint32_t i) -> std::uint32_t {
        return i % 3 == 0 || (i / 64) % 4 == 1 ? 0 : i * 2654435761U | 1U;
    };
    for (std::uint32_t i = 0; i < n; ++i) {
        ASSERT_TRUE(s.try_add(key(i), make(i, i, id_of(i), 0)));
    }
    for (std::uint32_t i = 0; i < n; ++i) ASSERT_EQ(s.at(i).detail, id_of(i)) << i;
    std::uint32_t next = 0;  // the entries with an id, in order, and no other
    s.for_each_with_detail([&](d::key128, const d::contribution& c) {
        while (id_of(next) == 0) ++next;
        EXPECT_EQ(c.user, next);
        EXPECT_EQ(c.detail, id_of(next));
        ++next;
    });
    while (next < n && id_of(next) == 0) ++next;
    EXPECT_EQ(next, n);
    s.set(3, make(3, 3, 77, 0));           // had none: kept aside
    s.set(1, make(1, 1, 0, 0));            // had one: now none
    s.set(2, make(2, 2, 0xffffffffU, 0));  // had one: another
    s.set_detail(64 + 5, 5);               // a group without any
    EXPECT_EQ(s.at(3).detail, 77U);
    EXPECT_EQ(s.at(1).detail, 0U);
    EXPECT_EQ(s.at(2).detail, 0xffffffffU);
    EXPECT_EQ(s.at(69).detail, 5U);
    s.set(3, make(3, 3, 0, 0));  // aside, and removed again
    EXPECT_EQ(s.at(3).detail, 0U);
    for (std::uint32_t i = 4; i < n; ++i) {
        if (i != 69) {
            ASSERT_EQ(s.at(i).detail, id_of(i)) << i;
        }
    }
    ASSERT_TRUE(s.try_add(key(n), make(n, n, 4, 0)));  // the last entry: rewritten in place
    s.set_detail(n, 8);
    s.set_detail(n - 1, 11);  // had none
    EXPECT_EQ(s.at(n).detail, 8U);
    EXPECT_EQ(s.at(n - 1).detail, 11U);
    std::uint32_t visited = 0;
    s.for_each_with_detail([&](d::key128 k, const d::contribution& c) {
        EXPECT_NE(c.detail, 0U);
        EXPECT_EQ(s.find(k), c.user);  // users are entry numbers here
        ++visited;
    });
    std::uint32_t i = 0;
    std::uint32_t with = 0;
    s.drain(
        [&](d::key128, const d::contribution& c) {
            with += (c.detail != 0 ? 1 : 0);
            ++i;
        },
        [](d::key128) {});
    EXPECT_EQ(i, n + 1);
    EXPECT_EQ(visited, with);
    EXPECT_GT(with, n / 3);
    EXPECT_TRUE(s.try_add(key(0), make(0, 0, 9, 0)));  // empty again, and usable
    EXPECT_EQ(s.at(0).detail, 9U);
}

namespace {
/// A merge's translation for `take`: users and details moved by a constant, service codes by
/// another (the category and flags of a meta stay).
struct shift {
    std::uint32_t user(std::uint32_t u) const noexcept { return u + 1000; }
    std::uint32_t detail(std::uint32_t d) const noexcept { return d == 0 ? 0 : d + 50; }
    std::uint32_t meta(std::uint32_t m) const noexcept { return m + (std::uint32_t{3} << 16); }
};
}  // namespace

TEST(RecordStore, MailDetailsPastAMappedColumnComeBack) {
    // 400,000 entries: the ids pass the size at which the column moves to its own mapping and
    // grows with mremap.
    d::record_store s;
    constexpr std::uint32_t n = 400000;
    const auto id_of = [](std::uint32_t i) -> std::uint32_t { return i % 7 < 4 ? i + 1 : 0; };
    for (std::uint32_t i = 0; i < n; ++i) {
        ASSERT_TRUE(s.try_add(key(i), make(i, i, id_of(i), 0)));
    }
    std::uint32_t seen = 0;
    std::uint32_t with = 0;
    s.for_each([&](d::key128, const d::contribution& c) {
        ASSERT_EQ(c.detail, id_of(seen));
        with += c.detail != 0 ? 1 : 0;
        ++seen;
    });
    std::uint32_t visited = 0;
    s.for_each_with_detail([&](d::key128, const d::contribution& c) {
        ASSERT_EQ(c.detail, id_of(c.user));
        ++visited;
    });
    EXPECT_EQ(seen, n);
    EXPECT_EQ(visited, with);
    for (std::uint32_t i = 0; i < n; i += 997) ASSERT_EQ(s.at(i).detail, id_of(i));
}

TEST(RecordStore, TakeMovesTheKeptEntriesTranslated) {
    // Kind tables of two kinds on both sides: kinds past them are kept aside in the store taken
    // from, in the store taking, or both, and every entry still comes back exactly.
    d::record_store ours(2);
    d::record_store later(2);
    ASSERT_TRUE(ours.try_add(key(1000), make(5, 1, 0, 0x00000520U)));
    const std::vector<std::int64_t>& times = edge_times();
    std::vector<d::contribution> added;
    for (std::size_t i = 0; i < 200; ++i) {
        const std::int64_t t = times[i % times.size()];
        const auto meta = static_cast<std::uint32_t>((i % 3) << 16 | (i % 2 == 0 ? 0x20U : 0U));
        const auto u = static_cast<std::uint32_t>(i);
        added.push_back(make(t, u, u % 4 == 0 ? 0 : 7 + u, meta));
        ASSERT_TRUE(later.try_add(key(i), added.back()));
    }
    const auto keep = [](std::size_t i) { return i % 5 != 3; };
    const auto [taken, outside] = ours.take(later, keep, shift{});
    EXPECT_EQ(later.size(), 0U);
    std::size_t n = 1;
    std::size_t expect_outside = 0;
    for (std::size_t i = 0; i < added.size(); ++i) {
        if (!keep(i)) continue;
        d::contribution c = added[i];
        c.user += 1000;
        c.detail = c.detail == 0 ? 0 : c.detail + 50;
        c.meta += std::uint32_t{3} << 16;
        expect_same(ours.at(n), c);
        EXPECT_EQ(ours.key_at(n), key(i));
        if (c.out_of_period()) ++expect_outside;
        ++n;
    }
    EXPECT_EQ(taken, n - 1);
    EXPECT_EQ(outside, expect_outside);
    EXPECT_EQ(ours.size(), n);
    EXPECT_GT(ours.outliers(), 0U);
    EXPECT_FALSE(ours.try_add(key(0), make(0, 0, 0, 0)));  // indexed before the next add
    EXPECT_TRUE(ours.try_add(key(3), make(0, 0, 0, 0)));   // not kept: not there
}

TEST(RecordStore, DuplicatesAreFoundThroughEveryIndexSize) {
    // The slots' fingerprint narrows as the index grows (32 - log2 of its slots): keys that
    // share their low word's slot bits and differ elsewhere must stay apart at every size.
    d::record_store s;
    constexpr std::uint64_t n = 300000;  // the index passes 2^19 slots
    for (std::uint64_t i = 0; i < n; ++i) {
        ASSERT_TRUE(s.try_add(key(i), make(static_cast<std::int64_t>(i), 0, 0, 0)));
        // The same low word, another high word: a different record.
        const d::key128 twin{key(i).lo, key(i).hi ^ (std::uint64_t{1} << 63)};
        if (i % 1000 == 0) {
            EXPECT_EQ(s.find(twin), d::record_store::npos);
        }
    }
    for (std::uint64_t i = 0; i < n; i += 7) {
        EXPECT_EQ(s.try_add(key(i)), d::record_store::npos);
        EXPECT_EQ(s.find(key(i)), i);
    }
    // Only the 96 bits of the key count: the 32 low bits of `hi` are not part of it.
    EXPECT_EQ(s.find({key(5).lo, key(5).hi | 0xffffffffU}), 5U);
    s.drop_index();
    s.ensure_index();
    EXPECT_EQ(s.find(key(n - 1)), n - 1);
    EXPECT_EQ(s.try_add(key(n + 1), make(1, 0, 0, 0)), true);
}

TEST(RecordStore, UnindexedEntriesAreIndexedBeforeTheNextAdd) {
    d::record_store s;
    for (std::uint64_t i = 0; i < 5000; ++i) s.append_unindexed(key(i), make(1, 2, 3, 4));
    EXPECT_FALSE(s.try_add(key(4999), make(0, 0, 0, 0)));
    EXPECT_TRUE(s.try_add(key(5000), make(0, 0, 0, 0)));
    EXPECT_EQ(s.size(), 5001U);
    expect_same(s.at(4999), make(1, 2, 3, 4));
}

TEST(RecordStore, SlotsHoldEveryEntryNumberUpToTheLimit) {
    // 2^b slots, at most three quarters used: an entry number plus one needs b bits, and the
    // fingerprint has the 32 - b above them. At 2^32 slots, the limit, it has none left.
    static_assert(d::record_store::max_size == (std::size_t{3} << 30));
    for (unsigned b = 10; b <= 32; ++b) {
        const std::uint32_t tag = d::record_store::fingerprint_mask(b);
        const std::uint64_t largest = (std::uint64_t{1} << b) / 4 * 3;  // entry number + 1
        EXPECT_EQ(largest & tag, 0U) << b;
        EXPECT_EQ(std::uint64_t{static_cast<std::uint32_t>(~tag)} + 1, std::uint64_t{1} << b);
    }
    EXPECT_EQ(d::record_store::fingerprint_mask(32), 0U);
    EXPECT_EQ(d::record_store::fingerprint_mask(10), 0xfffffc00U);
    EXPECT_EQ((std::uint64_t{1} << 32) / 4 * 3, d::record_store::max_size);
}

TEST(RecordStore, IndexesOfAnySizeFindEveryKey) {
    // `reserve` and `expect` size the index to what the records need, not to a power of two.
    for (const std::size_t n :
         {std::size_t{1}, std::size_t{777}, std::size_t{12345}, std::size_t{100003}}) {
        d::record_store s;
        s.reserve(n);
        for (std::uint64_t i = 0; i < n; ++i) ASSERT_TRUE(s.try_add(key(i), make(1, 0, 0, 0)));
        for (std::uint64_t i = 0; i < n; ++i) ASSERT_EQ(s.find(key(i)), i) << n;
        EXPECT_EQ(s.find(key(n)), d::record_store::npos);
    }
    // An estimate too low or too high changes the steps of growth, never what is found.
    for (const std::size_t expected :
         {std::size_t{1000}, std::size_t{150000}, std::size_t{100000000}}) {
        d::record_store s;
        s.expect(expected);
        constexpr std::uint64_t n = 200000;
        for (std::uint64_t i = 0; i < n; ++i) ASSERT_TRUE(s.try_add(key(i), make(2, 0, 0, 0)));
        for (std::uint64_t i = 0; i < n; i += 3)
            ASSERT_EQ(s.try_add(key(i)), d::record_store::npos);
        EXPECT_EQ(s.size(), n);
    }
}
