// Scale-out (issue #16, DESIGN section 8): states split into shards by record key, merged in
// part order whatever order the parts arrive in, compacted once complete, and saved in a
// compressed, versioned, checksummed format that refuses damage with a clear error.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "aggregate/shard_scope.hpp"
#include "aggregate/state_codec.hpp"
#include "casreport/aggregator.hpp"
#include "casreport/render.hpp"

namespace cr = casreport;
namespace d = casreport::detail;

namespace {

cr::options june(std::uint32_t part = 0, bool dedupe = true) {
    cr::options o;
    o.period = cr::report_period::parse("2025-06");
    o.part = part;
    o.dedupe = dedupe;
    return o;
}

/// A month of CAS events in NDJSON, cut into parts (files): campaigns (one sender, threat and
/// attachment each) reach several users by mail, some records repeat an earlier record's id —
/// with other content, so which one counts shows — or an earlier line without id, some are
/// out of the month, some cannot be read.
struct month_of_events {
    std::vector<std::string> parts;
};

month_of_events make_month(std::size_t parts, std::size_t per_part, std::uint64_t seed,
                           std::size_t users = 12) {
    struct campaign {
        const char* service;
        const char* kind;
        const char* filter;
        const char* action;
        const char* risk;
    };
    static const campaign campaigns[] = {
        {"Exchange Online", "security_risk_scan", "Malware Scanning", "Quarantine", ""},
        {"Gmail", "security_risk_scan", "Web Reputation", "Pass", ""},
        {"Exchange Online", "virtual_analyzer", "", "Log only", "High risk"},
        {"OneDrive", "security_risk_scan", "File Blocking", "Delete", ""},
        {"Exchange Online", "data_loss_prevention", "", "Pass", ""},
        {"Slack Chat", "ransomware", "", "Quarantine", ""},
        {"Box", "security_risk_scan", "Advanced Spam Protection", "Quarantine", ""},
    };
    constexpr std::size_t n_campaigns = sizeof campaigns / sizeof campaigns[0];
    std::mt19937_64 rng(seed);
    const auto pick = [&rng](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
    std::vector<std::string> lines;
    std::vector<std::string> ids;
    std::vector<std::string> id_less;
    for (std::size_t i = 0; i < parts * per_part; ++i) {
        const std::size_t roll = pick(100);
        if (roll < 5) {
            lines.push_back("{\"log_item_id\": \"broken-" + std::to_string(i) + "\", oops\n");
            continue;
        }
        if (roll < 7 && !id_less.empty()) {  // an exact copy of an earlier line without id
            lines.push_back(id_less[pick(id_less.size())]);
            continue;
        }
        const std::size_t c = pick(n_campaigns);
        const campaign& k = campaigns[c];
        std::string id;
        if (roll < 13 && !ids.empty()) {
            id = ids[pick(ids.size())];  // seen before, perhaps with another user or time
        } else if (roll >= 17) {
            id = "id-" + std::to_string(seed) + "-" + std::to_string(i);
            ids.push_back(id);
        }
        const int day = static_cast<int>(1 + pick(30));
        const bool may = pick(100) < 4;
        char time[40];
        std::snprintf(time, sizeof time, "2025-%02d-%02dT%02d:%02d:00Z", may ? 5 : 6, day,
                      static_cast<int>(pick(24)), static_cast<int>(pick(60)));
        std::string line = "{";
        if (!id.empty()) line += "\"log_item_id\":\"" + id + "\",";
        line += std::string("\"service\":\"") + k.service + "\",\"event\":\"" + k.kind +
                "\",\"message\":{\"affected_user\":\"User" + std::to_string(pick(users)) +
                "@Example.jp\",\"detection_time\":\"" +
                (roll == 16 ? std::string("yesterday") : std::string(time)) +
                "\",\"mail_message_sender\":\"Evil " + std::to_string(c) + " <bad" +
                std::to_string(c) + "@evil.example>\",\"triggered_security_filter\":\"" + k.filter +
                "\",\"action\":\"" + k.action +
                "\",\"action_result\":\"success\",\"security_risk_name\":\"TROJ_" +
                std::to_string(c) + "\",\"file_sha1\":\"" + std::string(40, "0123456"[c]) +
                "\",\"risk_level\":\"" + k.risk + "\"}}\n";
        if (id.empty()) id_less.push_back(line);
        lines.push_back(std::move(line));
    }
    month_of_events m;
    m.parts.resize(parts);
    for (std::size_t i = 0; i < lines.size(); ++i) m.parts[i / per_part] += lines[i];
    return m;
}

std::string source_name(std::size_t part) { return "part-" + std::to_string(part) + ".ndjson"; }

/// The report of one aggregator reading every part in order, each as its own source.
std::string whole_report(const month_of_events& m, bool dedupe = true) {
    cr::aggregator a(june(0, dedupe));
    for (std::size_t p = 0; p < m.parts.size(); ++p) {
        a.begin_source(source_name(p));
        a.feed(m.parts[p]);
    }
    a.finish();
    return cr::to_json(a.report());
}

cr::aggregator part_aggregator(const month_of_events& m, std::size_t p, bool dedupe = true) {
    cr::aggregator a(june(static_cast<std::uint32_t>(p), dedupe));
    a.begin_source(source_name(p));
    a.feed(m.parts[p]);
    a.finish();
    return a;
}

/// Loads the states in the order given and merges them into the first one loaded.
cr::aggregator merged(const std::vector<std::string>& states,
                      const std::vector<std::size_t>& order) {
    cr::aggregator total = cr::aggregator::load(states[order[0]]);
    for (std::size_t k = 1; k < order.size(); ++k)
        total.merge(cr::aggregator::load(states[order[k]]));
    return total;
}

std::vector<std::size_t> shuffled(std::size_t n, std::mt19937_64& rng) {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::shuffle(order.begin(), order.end(), rng);
    return order;
}

/// The report of the scale-out plan: each part split into `shards`, each shard merged across
/// the parts in a random order and compacted, the compact shards merged in a random order.
std::string sharded_report(const month_of_events& m, std::uint32_t shards, std::mt19937_64& rng,
                           bool dedupe = true) {
    std::vector<std::vector<std::string>> by_part;
    for (std::size_t p = 0; p < m.parts.size(); ++p) {
        by_part.push_back(part_aggregator(m, p, dedupe).save_shards(shards));
        EXPECT_EQ(by_part.back().size(), shards);
    }
    std::vector<std::string> compact;
    for (std::uint32_t s = 0; s < shards; ++s) {
        std::vector<std::string> of_shard;
        for (const auto& states : by_part) of_shard.push_back(states[s]);
        cr::aggregator shard = merged(of_shard, shuffled(of_shard.size(), rng));
        shard.compact();
        compact.push_back(shard.save());
    }
    cr::aggregator total = merged(compact, shuffled(compact.size(), rng));
    return cr::to_json(total.report());
}

/// The record identities a de-duplicating, not compact state holds: one per record kept.
std::uint64_t identities(const cr::aggregator& a) {
    const cr::input_counts n = a.counts();
    return n.accepted + n.out_of_period;
}

}  // namespace

TEST(ScaleOut, ShardedMergesInAnyOrderReportExactlyAsTheWhole) {
    const month_of_events m = make_month(6, 400, 1);
    const std::string whole = whole_report(m);
    // The case is worth its name: duplicates, rejections past the listed 100, out of period.
    cr::aggregator check = cr::aggregator::load(part_aggregator(m, 0).save());
    for (std::size_t p = 1; p < m.parts.size(); ++p) check.merge(part_aggregator(m, p));
    const cr::input_summary& in = check.report().input;
    EXPECT_GT(in.rejected, 100U);
    EXPECT_GT(in.duplicates, 50U);
    EXPECT_GT(in.out_of_period, 50U);
    EXPECT_NE(whole.find("\"targeted_attack_company\""), std::string::npos);
    EXPECT_NE(whole.find("\"slack_chat\""), std::string::npos);
    std::mt19937_64 rng(7);
    for (const std::uint32_t shards : {1U, 3U, 8U}) {
        for (int round = 0; round < 3; ++round) {
            EXPECT_EQ(sharded_report(m, shards, rng), whole) << shards << " shards";
        }
    }
}

TEST(ScaleOut, WithoutDedupeShardsAddUp) {
    const month_of_events m = make_month(4, 300, 2);
    const std::string whole = whole_report(m, false);
    std::mt19937_64 rng(8);
    for (const std::uint32_t shards : {1U, 5U}) {
        EXPECT_EQ(sharded_report(m, shards, rng, false), whole) << shards << " shards";
    }
}

TEST(ScaleOut, EachShardHoldsOnlyTheIdentitiesOfItsKeys) {
    const month_of_events m = make_month(4, 1000, 3);
    std::uint64_t total = 0;
    std::vector<std::uint64_t> per_shard(8, 0);
    for (std::size_t p = 0; p < m.parts.size(); ++p) {
        const cr::aggregator part = part_aggregator(m, p);
        const std::vector<std::string> shards = part.save_shards(8);
        std::uint64_t sum = 0;
        for (std::uint32_t s = 0; s < 8; ++s) {
            std::error_code ec;
            const auto st = d::load_state(shards[s], ec);
            ASSERT_TRUE(st);
            EXPECT_EQ(st->scope.count, 8U);
            EXPECT_TRUE(st->scope.covered[s]);
            st->store.for_each(
                [&](d::key128 k, const d::contribution&) { EXPECT_EQ(d::shard_of(k, 8), s); });
            sum += st->store.size();
            if (s != 0) {
                EXPECT_EQ(st->n.rejected, 0U);
                EXPECT_TRUE(st->rejections.empty());
            }
        }
        EXPECT_EQ(sum, identities(part));
    }
    // Merged across the parts: every identity in exactly one shard, none with more than 1/4.
    std::vector<std::vector<std::string>> by_part;
    for (std::size_t p = 0; p < m.parts.size(); ++p) {
        by_part.push_back(part_aggregator(m, p).save_shards(8));
    }
    for (std::uint32_t s = 0; s < 8; ++s) {
        std::vector<std::string> of_shard;
        for (const auto& states : by_part) of_shard.push_back(states[s]);
        std::vector<std::size_t> order(of_shard.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        per_shard[s] = identities(merged(of_shard, order));
        total += per_shard[s];
    }
    cr::aggregator whole(june());
    for (const std::string& part : m.parts) {
        whole.begin_source("x");
        whole.feed(part);
    }
    whole.finish();
    EXPECT_EQ(total, identities(whole));
    EXPECT_LE(*std::max_element(per_shard.begin(), per_shard.end()) * 4, total);
}

TEST(PartOrder, EveryArrivalOrderGivesTheSameReport) {
    const month_of_events m = make_month(4, 200, 4);
    const std::string whole = whole_report(m);
    std::vector<std::string> states;
    for (std::size_t p = 0; p < m.parts.size(); ++p) states.push_back(part_aggregator(m, p).save());
    std::vector<std::size_t> order{0, 1, 2, 3};
    do {
        EXPECT_EQ(cr::to_json(merged(states, order).report()), whole)
            << order[0] << order[1] << order[2] << order[3];
    } while (std::next_permutation(order.begin(), order.end()));
    // Pairs merged first, then the pairs (interleaved parts: 0+2, then 1+3).
    cr::aggregator even = merged(states, {2, 0});
    cr::aggregator odd = merged(states, {3, 1});
    odd.merge(even);
    EXPECT_EQ(cr::to_json(odd.report()), whole);
}

TEST(PartOrder, TheRecordOfTheLowestPartCountsWhateverArrivesFirst) {
    const auto state = [](std::uint32_t part, const char* user, const char* month) {
        cr::aggregator a(june(part));
        a.feed(std::string("{\"log_item_id\":\"same\",\"service\":\"Box\",\"event\":\"ransomware\","
                           "\"message\":{\"affected_user\":\"") +
               user + "\",\"detection_time\":\"2025-" + month + "-10T00:00:00Z\"}}\n");
        a.finish();
        return a.save();
    };
    const std::vector<std::string> states = {
        state(5, "late@x.jp", "06"), state(2, "early@x.jp", "05"), state(9, "last@x.jp", "06")};
    for (const std::vector<std::size_t>& order :
         std::vector<std::vector<std::size_t>>{{0, 1, 2}, {2, 0, 1}, {1, 2, 0}, {0, 2, 1}}) {
        cr::aggregator a = merged(states, order);
        const cr::input_counts n = a.counts();
        EXPECT_EQ(n.records, 3U);
        EXPECT_EQ(n.duplicates, 2U);
        EXPECT_EQ(n.out_of_period, 1U);  // part 2's record, from May, is the one that counts
        EXPECT_EQ(n.accepted, 0U);
    }
}

TEST(PartOrder, RejectionsAreListedInPartOrderUpToTheLimit) {
    cr::options o = june();
    o.max_listed_rejections = 3;
    std::vector<std::string> states;
    for (std::uint32_t p = 0; p < 3; ++p) {
        o.part = p;
        cr::aggregator a(o);
        a.begin_source(source_name(p));
        a.feed("{\"a\": 1,\n{\"b\"\n");
        a.finish();
        states.push_back(a.save());
    }
    cr::aggregator reversed = merged(states, {2, 1, 0});
    const cr::report& r = reversed.report();
    EXPECT_EQ(r.input.rejected, 6U);
    ASSERT_EQ(r.input.rejections.size(), 3U);
    EXPECT_EQ(r.input.rejections[0].source, "part-0.ndjson");
    EXPECT_EQ(r.input.rejections[1].source, "part-0.ndjson");
    EXPECT_EQ(r.input.rejections[1].line, 2U);
    EXPECT_EQ(r.input.rejections[2].source, "part-1.ndjson");
    EXPECT_EQ(r.input.rejections[2].line, 1U);
}

TEST(PartOrder, EqualPartsMergeInArrivalOrder) {
    // Without indexes (all 0), a merge puts the other state after this one, as it always did.
    const auto state = [](const char* user) {
        cr::aggregator a(june());
        a.feed(std::string("{\"log_item_id\":\"same\",\"service\":\"Box\",\"event\":\"ransomware\","
                           "\"message\":{\"affected_user\":\"") +
               user + "\",\"detection_time\":\"2025-06-10T00:00:00Z\"}}\n");
        a.finish();
        return a;
    };
    cr::aggregator first = state("first@x.jp");
    first.merge(state("second@x.jp"));
    ASSERT_EQ(first.report().at(cr::section::ransomware).top.size(), 1U);
    EXPECT_EQ(first.report().at(cr::section::ransomware).top[0].user, "first@x.jp");
}

TEST(Merge, IntoALoadedStateTakesItsOptionsAndSaysWhyItRefuses) {
    const month_of_events m = make_month(2, 100, 5);
    cr::options opts = june(1);
    opts.top_n = 3;
    cr::aggregator second(opts);
    second.feed(m.parts[1]);
    second.finish();
    cr::aggregator total = cr::aggregator::load(second.save());
    EXPECT_TRUE(total.finished());
    total.merge(part_aggregator(m, 0));
    EXPECT_TRUE(total.finished());
    EXPECT_EQ(total.opts().top_n, 3U);
    EXPECT_EQ(total.counts().records, 200U);

    std::error_code ec;
    cr::options july;
    july.period = cr::report_period::parse("2025-07");
    cr::aggregator other(july);
    other.finish();
    total.merge(other, ec);
    EXPECT_EQ(ec, cr::error::incompatible);
    EXPECT_EQ(total.last_error(),
              "the states are of different months: 2025-06 (+09:00) and 2025-07 (+09:00)");
    cr::aggregator no_dedupe(june(0, false));
    no_dedupe.finish();
    total.merge(no_dedupe, ec);
    EXPECT_EQ(ec, cr::error::incompatible);
    EXPECT_NE(total.last_error().find("de-duplication"), std::string::npos);
    EXPECT_EQ(total.counts().records, 200U);
}

TEST(Merge, AnAggregatorHoldingOtherPartsTakesNoMoreInput) {
    cr::aggregator a(june(0));
    a.feed("{}\n");
    cr::aggregator b(june(1));
    b.finish();
    a.merge(b);
    std::error_code ec;
    a.feed("{}\n", ec);
    EXPECT_EQ(ec, cr::error::misuse);
    EXPECT_NE(a.last_error().find("takes no more input"), std::string::npos);
    cr::aggregator c(june(0));
    cr::aggregator d(june(0));
    d.finish();
    c.merge(d);  // the same part: arrival order, as ever
    c.feed("{}\n", ec);
    EXPECT_FALSE(ec);
}

TEST(Compact, KeepsTheReportAndRefusesMoreRecordsOfItsShards) {
    const month_of_events m = make_month(3, 300, 6);
    const std::string whole = whole_report(m);
    std::vector<std::string> states;
    for (std::size_t p = 0; p < m.parts.size(); ++p) states.push_back(part_aggregator(m, p).save());
    cr::aggregator all = merged(states, {0, 1, 2});
    all.compact();
    EXPECT_EQ(cr::to_json(all.report()), whole);
    cr::aggregator reloaded = cr::aggregator::load(all.save());
    EXPECT_EQ(cr::to_json(reloaded.report()), whole);

    std::error_code ec;
    reloaded.merge(cr::aggregator::load(states[0]), ec);
    EXPECT_EQ(ec, cr::error::incompatible);
    EXPECT_NE(reloaded.last_error().find("a compact state takes no more records"),
              std::string::npos)
        << reloaded.last_error();
    cr::aggregator fresh(june());
    fresh.merge(cr::aggregator::load(states[0]));  // a part into a blank aggregator: fine
    fresh.merge(reloaded, ec);
    EXPECT_EQ(ec, cr::error::incompatible);

    // Shards: a compact shard refuses records of its own shard, takes other shards', and
    // compact shards of another split do not fit.
    const std::vector<std::string> three = part_aggregator(m, 0).save_shards(3);
    const std::vector<std::string> three_more = part_aggregator(m, 1).save_shards(3);
    cr::aggregator shard0 = cr::aggregator::load(three[0]);
    shard0.compact();
    shard0.merge(cr::aggregator::load(three_more[0]), ec);
    EXPECT_EQ(ec, cr::error::incompatible);
    EXPECT_NE(shard0.last_error().find("shard 0 of 3 is compact in one state"), std::string::npos)
        << shard0.last_error();
    shard0.merge(cr::aggregator::load(three_more[1]), ec);
    EXPECT_FALSE(ec);
    cr::aggregator five = cr::aggregator::load(part_aggregator(m, 2).save_shards(5)[0]);
    five.merge(shard0, ec);
    EXPECT_EQ(ec, cr::error::incompatible);
    EXPECT_EQ(five.last_error(), "the states are split into different numbers of shards (5 and 3)");
}

TEST(Compact, ItsSizeDoesNotGrowWithTheRecords) {
    // The same 12 users and campaigns, ten times the records.
    const auto compact_size = [](std::size_t records) {
        const month_of_events m = make_month(1, records, 9);
        cr::aggregator a = part_aggregator(m, 0);
        const std::size_t full = a.save().size();
        a.compact();
        const std::size_t compact = a.save().size();
        EXPECT_LT(compact, full);
        return compact;
    };
    const std::size_t small = compact_size(2000);
    const std::size_t large = compact_size(20000);
    EXPECT_LT(static_cast<double>(large), 1.2 * static_cast<double>(small))
        << small << " bytes, then " << large;
}

TEST(SaveShards, RefusesWhatCannotBeSplit) {
    const month_of_events m = make_month(2, 50, 10);
    cr::aggregator open(june());
    std::error_code ec;
    (void)open.save_shards(2, ec);
    EXPECT_EQ(ec, cr::error::misuse);
    cr::aggregator a = part_aggregator(m, 0);
    (void)a.save_shards(0, ec);
    EXPECT_EQ(ec, cr::error::invalid_argument);
    (void)a.save_shards(4097, ec);
    EXPECT_EQ(ec, cr::error::invalid_argument);
    EXPECT_EQ(a.save_shards(1, ec), std::vector<std::string>{a.save()});
    cr::aggregator shard = cr::aggregator::load(a.save_shards(4)[1]);
    (void)shard.save_shards(2, ec);
    EXPECT_EQ(ec, cr::error::misuse);
    a.merge(part_aggregator(m, 1));
    (void)a.save_shards(2, ec);  // parts of two indexes
    EXPECT_EQ(ec, cr::error::misuse);
    cr::aggregator b = part_aggregator(m, 1);
    b.compact();
    (void)b.save_shards(2, ec);
    EXPECT_EQ(ec, cr::error::misuse);
}

TEST(StateFormat, EveryTruncationAndBitFlipIsRefusedWithAClearError) {
    const month_of_events m = make_month(1, 60, 11);
    cr::aggregator a = part_aggregator(m, 0);
    const std::string bytes = a.save();
    const std::string report = cr::to_json(a.report());
    ASSERT_EQ(cr::to_json(cr::aggregator::load(bytes).report()), report);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        std::error_code ec;
        const cr::aggregator cut = cr::aggregator::load(bytes.substr(0, n), ec);
        EXPECT_EQ(ec, cr::error::input) << n;
        const std::string& why = cut.last_error();
        EXPECT_TRUE(why.find("truncated") != std::string::npos ||
                    (n < 8 && why.find("CASRSTAT signature") != std::string::npos))
            << n << ": " << why;
    }
    // Every bit of the header, then every fifth (5 and 8 are coprime: every position in a
    // byte), which keeps the test quick under the sanitizers.
    for (std::size_t bit = 0; bit < 8 * bytes.size(); bit += bit < 8 * 64 ? 1 : 5) {
        std::string bad = bytes;
        bad[bit / 8] = static_cast<char>(bad[bit / 8] ^ (1 << (bit % 8)));
        std::error_code ec;
        const cr::aggregator flipped = cr::aggregator::load(bad, ec);
        ASSERT_EQ(ec, cr::error::input) << "bit " << bit << " loaded";
        EXPECT_TRUE(flipped.last_error().find("damaged") != std::string::npos ||
                    flipped.last_error().find("truncated") != std::string::npos ||
                    flipped.last_error().find("signature") != std::string::npos)
            << bit << ": " << flipped.last_error();
    }
}

TEST(StateFormat, AnotherFormatVersionIsRefusedByName) {
    cr::aggregator a(june());
    a.finish();
    std::string bytes = a.save();
    EXPECT_EQ(bytes.substr(0, 8), "CASRSTAT");
    const auto with_version = [&](std::uint32_t v) {
        std::string b = bytes;
        for (int i = 0; i < 4; ++i) b[8 + i] = static_cast<char>((v >> (8 * i)) & 0xffU);
        const std::uint64_t h = d::hash64(std::string_view(b).substr(0, b.size() - 8));
        for (int i = 0; i < 8; ++i) b[b.size() - 8 + i] = static_cast<char>((h >> (8 * i)) & 0xffU);
        return b;
    };
    std::error_code ec;
    cr::aggregator v1 = cr::aggregator::load(with_version(1), ec);
    EXPECT_EQ(ec, cr::error::input);
    EXPECT_NE(v1.last_error().find("format version 1, saved by an earlier casreport"),
              std::string::npos)
        << v1.last_error();
    cr::aggregator v3 = cr::aggregator::load(with_version(3), ec);
    EXPECT_EQ(ec, cr::error::input);
    EXPECT_NE(v3.last_error().find("format version 3, this one reads 2"), std::string::npos)
        << v3.last_error();
    EXPECT_THROW((void)cr::aggregator::load(with_version(3)), cr::error_exception);
}

TEST(StateFormat, StatesAreCompressed) {
    const month_of_events m = make_month(1, 2000, 12);
    const cr::aggregator a = part_aggregator(m, 0);
    std::error_code ec;
    const auto st = d::load_state(a.save(), ec);
    ASSERT_TRUE(st);
    EXPECT_LT(a.save().size(), d::save_state(*st, d::state_compression::stored).size() * 3 / 4);
}
