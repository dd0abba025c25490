// The scale-out calls of the C interface (issue #16): casreport_options.part, _save_shards,
// _compact, merging into a finished handle, and load errors that say what is wrong.
#include <casreport.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "failing_new.hpp"

namespace {

struct agg_deleter {
    void operator()(casreport_aggregator* a) const noexcept { casreport_aggregator_free(a); }
};
using agg_ptr = std::unique_ptr<casreport_aggregator, agg_deleter>;

const std::string& sample() {
    static const std::string s = [] {
        std::ifstream in(CASREPORT_SAMPLE, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }();
    return s;
}

/// The sample cut into `n` parts at line starts.
std::vector<std::string> sample_parts(std::size_t n) {
    std::vector<std::string> lines;
    for (std::size_t b = 0; b < sample().size();) {
        std::size_t e = sample().find('\n', b);
        e = e == std::string::npos ? sample().size() : e + 1;
        lines.push_back(sample().substr(b, e - b));
        b = e;
    }
    lines.push_back(lines[3]);  // a duplicate in the last part of a record of the first
    std::vector<std::string> parts(n);
    for (std::size_t i = 0; i < lines.size(); ++i) parts[i * n / lines.size()] += lines[i];
    return parts;
}

casreport_options june(uint32_t part = 0) {
    casreport_options o = CASREPORT_OPTIONS_INIT;
    o.month = "2025-06";
    o.part = part;
    return o;
}

agg_ptr finished_part(const std::string& bytes, uint32_t part) {
    const casreport_options o = june(part);
    casreport_aggregator* a = nullptr;
    EXPECT_EQ(casreport_aggregator_new(&o, &a), CASREPORT_OK);
    const std::string name = "part-" + std::to_string(part);
    EXPECT_EQ(casreport_aggregator_begin_source(a, name.c_str()), CASREPORT_OK);
    EXPECT_EQ(casreport_aggregator_feed(a, bytes.data(), bytes.size()), CASREPORT_OK);
    EXPECT_EQ(casreport_aggregator_finish(a), CASREPORT_OK);
    return agg_ptr(a);
}

agg_ptr loaded(const std::string& bytes) {
    casreport_aggregator* a = nullptr;
    EXPECT_EQ(casreport_aggregator_load(bytes.data(), bytes.size(), &a), CASREPORT_OK)
        << casreport_last_error();
    return agg_ptr(a);
}

std::string saved(casreport_aggregator* a) {
    const void* p = nullptr;
    std::size_t n = 0;
    EXPECT_EQ(casreport_aggregator_save(a, &p, &n), CASREPORT_OK) << casreport_last_error();
    return std::string(static_cast<const char*>(p), n);
}

std::vector<std::string> shards_of(casreport_aggregator* a, uint32_t k) {
    std::vector<const void*> p(k);
    std::vector<std::size_t> n(k);
    EXPECT_EQ(casreport_aggregator_save_shards(a, k, p.data(), n.data()), CASREPORT_OK)
        << casreport_last_error();
    std::vector<std::string> out;
    for (uint32_t i = 0; i < k; ++i) out.emplace_back(static_cast<const char*>(p[i]), n[i]);
    return out;
}

std::string report_json(casreport_aggregator* a) {
    const char* p = nullptr;
    std::size_t n = 0;
    EXPECT_EQ(casreport_aggregator_report_json(a, &p, &n), CASREPORT_OK) << casreport_last_error();
    return p == nullptr ? std::string() : std::string(p, n);
}

bool contains(const char* haystack, const char* needle) {
    return std::strstr(haystack, needle) != nullptr;
}

}  // namespace

TEST(ScaleOut, ShardsMergedInReverseOrderReportAsTheWhole) {
    const std::vector<std::string> parts = sample_parts(3);
    std::string whole_json;
    {
        const casreport_options o = june();
        casreport_aggregator* raw = nullptr;
        ASSERT_EQ(casreport_aggregator_new(&o, &raw), CASREPORT_OK);
        agg_ptr whole(raw);
        for (uint32_t p = 0; p < parts.size(); ++p) {
            const std::string name = "part-" + std::to_string(p);
            ASSERT_EQ(casreport_aggregator_begin_source(whole.get(), name.c_str()), CASREPORT_OK);
            ASSERT_EQ(casreport_aggregator_feed(whole.get(), parts[p].data(), parts[p].size()),
                      CASREPORT_OK);
        }
        ASSERT_EQ(casreport_aggregator_finish(whole.get()), CASREPORT_OK);
        whole_json = report_json(whole.get());
    }
    ASSERT_NE(whole_json.find("\"duplicates\": 2"), std::string::npos) << whole_json;
    constexpr uint32_t k = 4;
    std::vector<std::vector<std::string>> by_part;
    for (uint32_t p = 0; p < parts.size(); ++p) {
        agg_ptr a = finished_part(parts[p], p);
        by_part.push_back(shards_of(a.get(), k));
        EXPECT_EQ(shards_of(a.get(), k), by_part.back());  // asking again gives the same
        EXPECT_EQ(shards_of(a.get(), 1), std::vector<std::string>{saved(a.get())});
    }
    std::vector<std::string> compact;
    for (uint32_t s = 0; s < k; ++s) {
        agg_ptr shard = loaded(by_part.back()[s]);  // the last part first
        for (std::size_t p = by_part.size() - 1; p-- > 0;) {
            agg_ptr part = loaded(by_part[p][s]);
            ASSERT_EQ(casreport_aggregator_merge(shard.get(), part.get()), CASREPORT_OK)
                << casreport_last_error();
        }
        ASSERT_EQ(casreport_aggregator_compact(shard.get()), CASREPORT_OK);
        compact.push_back(saved(shard.get()));
    }
    agg_ptr total = loaded(compact[k - 1]);
    for (uint32_t s = 0; s + 1 < k; ++s) {
        agg_ptr shard = loaded(compact[s]);
        ASSERT_EQ(casreport_aggregator_merge(total.get(), shard.get()), CASREPORT_OK)
            << casreport_last_error();
    }
    EXPECT_EQ(report_json(total.get()), whole_json);
}

TEST(ScaleOut, SaveShardsChecksItsArguments) {
    agg_ptr a = finished_part(sample(), 0);
    const void* p[4] = {&p, &p, &p, &p};
    std::size_t n[4] = {1, 1, 1, 1};
    EXPECT_EQ(casreport_aggregator_save_shards(nullptr, 2, p, n), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_save_shards(a.get(), 2, nullptr, n),
              CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_save_shards(a.get(), 2, p, nullptr),
              CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_save_shards(a.get(), 0, p, n), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_EQ(casreport_aggregator_save_shards(a.get(), 4097, p, n), CASREPORT_E_INVALID_ARGUMENT);
    EXPECT_TRUE(contains(casreport_last_error(), "from 1 to 4096")) << casreport_last_error();
    EXPECT_EQ(n[0], 1U);  // a count out of range: the arrays are not touched

    const casreport_options o = june();
    casreport_aggregator* raw = nullptr;
    ASSERT_EQ(casreport_aggregator_new(&o, &raw), CASREPORT_OK);
    agg_ptr open(raw);
    EXPECT_EQ(casreport_aggregator_save_shards(open.get(), 2, p, n), CASREPORT_E_MISUSE);
    EXPECT_TRUE(contains(casreport_last_error(), "finish")) << casreport_last_error();
    EXPECT_EQ(p[1], nullptr);  // outputs are cleared on other failures
    EXPECT_EQ(n[1], 0U);
    EXPECT_EQ(n[2], 1U);
    agg_ptr shard = loaded(shards_of(a.get(), 4)[2]);
    EXPECT_EQ(casreport_aggregator_save_shards(shard.get(), 2, p, n), CASREPORT_E_MISUSE);
    EXPECT_TRUE(contains(casreport_last_error(), "split already")) << casreport_last_error();
    EXPECT_EQ(casreport_aggregator_save_shards(shard.get(), 1, p, n), CASREPORT_OK);
    // Not poisoned by any of it.
    EXPECT_EQ(shards_of(a.get(), 2).size(), 2U);
}

TEST(ScaleOut, CompactChecksItsArgumentsAndKeepsTheReport) {
    EXPECT_EQ(casreport_aggregator_compact(nullptr), CASREPORT_E_INVALID_ARGUMENT);
    const casreport_options o = june();
    casreport_aggregator* raw = nullptr;
    ASSERT_EQ(casreport_aggregator_new(&o, &raw), CASREPORT_OK);
    agg_ptr open(raw);
    EXPECT_EQ(casreport_aggregator_compact(open.get()), CASREPORT_E_MISUSE);
    agg_ptr a = finished_part(sample(), 0);
    const std::string before = report_json(a.get());
    const std::string full = saved(a.get());
    ASSERT_EQ(casreport_aggregator_compact(a.get()), CASREPORT_OK);
    EXPECT_EQ(report_json(a.get()), before);
    EXPECT_EQ(casreport_aggregator_compact(a.get()), CASREPORT_OK);  // again: nothing changes
    agg_ptr again = loaded(saved(a.get()));
    EXPECT_EQ(report_json(again.get()), before);
    agg_ptr part = loaded(full);
    EXPECT_EQ(casreport_aggregator_merge(a.get(), part.get()), CASREPORT_E_INCOMPATIBLE);
    EXPECT_TRUE(contains(casreport_last_error(), "compact")) << casreport_last_error();
    EXPECT_EQ(report_json(a.get()), before);  // nothing changed
}

TEST(ScaleOut, MergingIntoAFinishedHandleRebuildsItsReport) {
    const std::vector<std::string> parts = sample_parts(2);
    agg_ptr first = finished_part(parts[0], 0);
    agg_ptr second = finished_part(parts[1], 1);
    const std::string before = report_json(second.get());
    ASSERT_EQ(casreport_aggregator_merge(second.get(), first.get()), CASREPORT_OK);
    const std::string after = report_json(second.get());
    EXPECT_NE(after, before);
    casreport_counts n{};
    ASSERT_EQ(casreport_aggregator_counts(second.get(), &n), CASREPORT_OK);
    EXPECT_EQ(n.records, n.accepted + n.rejected + n.duplicates + n.out_of_period);
    EXPECT_EQ(casreport_aggregator_feed(second.get(), "{}", 2), CASREPORT_E_MISUSE);
    EXPECT_EQ(casreport_aggregator_finish(second.get()), CASREPORT_OK);  // a no-op, as ever
}

TEST(ScaleOut, LoadSaysWhatIsWrongWithTheBytes) {
    agg_ptr a = finished_part(sample(), 0);
    const std::string bytes = saved(a.get());
    casreport_aggregator* out = nullptr;
    EXPECT_EQ(casreport_aggregator_load(bytes.data(), bytes.size() - 3, &out), CASREPORT_E_INPUT);
    EXPECT_EQ(out, nullptr);
    EXPECT_TRUE(contains(casreport_last_error(),
                         "casreport_aggregator_load: not a casreport "
                         "state: truncated"))
        << casreport_last_error();
    std::string flipped = bytes;
    flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 4);
    EXPECT_EQ(casreport_aggregator_load(flipped.data(), flipped.size(), &out), CASREPORT_E_INPUT);
    EXPECT_TRUE(contains(casreport_last_error(), "damaged")) << casreport_last_error();
    EXPECT_EQ(casreport_aggregator_load("{\"a\": 1}", 8, &out), CASREPORT_E_INPUT);
    EXPECT_TRUE(contains(casreport_last_error(), "CASRSTAT")) << casreport_last_error();
}

TEST(OptionsV3, PartDefaultsToZeroAndOlderStructsKeepTheirSize) {
    casreport_options o = CASREPORT_OPTIONS_INIT;
    EXPECT_EQ(o.version, 3U);
    EXPECT_EQ(o.part, 0U);
    EXPECT_EQ(casreport_options_struct_size(), sizeof(casreport_options));
    constexpr std::size_t v2_size = offsetof(casreport_options, part);
    unsigned char buf[sizeof(casreport_options)];
    std::memset(buf, 0xab, sizeof buf);
    ASSERT_EQ(casreport_options_init(reinterpret_cast<casreport_options*>(buf), 2), CASREPORT_OK);
    for (std::size_t i = v2_size; i < sizeof buf; ++i) EXPECT_EQ(buf[i], 0xab) << i;
    casreport_options v2;
    std::memcpy(&v2, buf, sizeof v2);
    v2.month = "2025-06";
    v2.part = 7;  // not a version 2 field: ignored
    casreport_aggregator* raw = nullptr;
    ASSERT_EQ(casreport_aggregator_new(&v2, &raw), CASREPORT_OK);
    agg_ptr a(raw);
    ASSERT_EQ(casreport_aggregator_finish(a.get()), CASREPORT_OK);
    // Part 0 and part 0 merge in arrival order: the same part, so feeding stays allowed.
    const casreport_options fresh_opts = june(0);
    ASSERT_EQ(casreport_aggregator_new(&fresh_opts, &raw), CASREPORT_OK);
    agg_ptr fresh(raw);
    ASSERT_EQ(casreport_aggregator_merge(fresh.get(), a.get()), CASREPORT_OK);
    EXPECT_EQ(casreport_aggregator_feed(fresh.get(), "\n", 1), CASREPORT_OK);
}

TEST(ScaleOut, RunningOutOfMemoryInShardsAndCompactIsReportedCleanly) {
    const std::vector<std::string> parts = sample_parts(2);
    agg_ptr a = finished_part(parts[0], 0);
    agg_ptr b = finished_part(parts[1], 1);
    const std::string expected = [&] {
        agg_ptr shard = loaded(shards_of(a.get(), 2)[0]);
        agg_ptr other = loaded(shards_of(b.get(), 2)[0]);
        EXPECT_EQ(casreport_aggregator_merge(shard.get(), other.get()), CASREPORT_OK);
        EXPECT_EQ(casreport_aggregator_compact(shard.get()), CASREPORT_OK);
        return report_json(shard.get());
    }();
    long failures = 0;
    for (long fail_at = 0;; ++fail_at) {
        long budget = fail_at;
        capi_test::reset_injected();
        const auto call = [&](auto&& f) {
            capi_test::fault_window w(budget);
            return f();
        };
        bool done = false;
        [&] {
            const auto ok = [](casreport_status s) {
                EXPECT_TRUE(s == CASREPORT_OK || s == CASREPORT_E_NOMEM)
                    << casreport_status_name(s);
                return s == CASREPORT_OK;
            };
            agg_ptr pa = finished_part(parts[0], 0);
            agg_ptr pb = finished_part(parts[1], 1);
            const void* p[2];
            std::size_t n[2];
            if (!ok(call([&] { return casreport_aggregator_save_shards(pa.get(), 2, p, n); }))) {
                EXPECT_EQ(casreport_aggregator_save_shards(pa.get(), 2, p, n), CASREPORT_E_MISUSE);
                return;
            }
            const std::string s0(static_cast<const char*>(p[0]), n[0]);
            if (!ok(call([&] { return casreport_aggregator_save_shards(pb.get(), 2, p, n); }))) {
                return;
            }
            casreport_aggregator* raw = nullptr;
            if (!ok(call([&] { return casreport_aggregator_load(s0.data(), s0.size(), &raw); }))) {
                EXPECT_EQ(raw, nullptr);
                return;
            }
            agg_ptr shard(raw);
            if (!ok(call([&] { return casreport_aggregator_load(p[0], n[0], &raw); }))) return;
            agg_ptr other(raw);
            if (!ok(call([&] { return casreport_aggregator_merge(shard.get(), other.get()); }))) {
                EXPECT_EQ(casreport_aggregator_compact(shard.get()), CASREPORT_E_MISUSE);
                return;
            }
            if (!ok(call([&] { return casreport_aggregator_compact(shard.get()); }))) {
                EXPECT_EQ(casreport_aggregator_compact(shard.get()), CASREPORT_E_MISUSE);
                return;
            }
            EXPECT_EQ(report_json(shard.get()), expected);
            done = true;
        }();
        if (::testing::Test::HasFailure()) FAIL() << "allocation " << fail_at;
        if (!capi_test::injected()) {
            EXPECT_TRUE(done);
            break;
        }
        ++failures;
        ASSERT_LT(fail_at, 1000000);
    }
    EXPECT_GT(failures, 10);
}
