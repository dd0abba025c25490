// The aggregator: counting rules, de-duplication, accounting, ranking, merge and saved states.
#include "casreport/aggregator.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "casreport/render.hpp"

namespace cr = casreport;

namespace {

struct ev {
    ev() = default;
    explicit ev(std::string log_item_id) : id(std::move(log_item_id)) {}

    std::string id;
    std::string service = "Exchange Online";
    std::string kind = "security_risk_scan";
    std::string user = "a@x.jp";
    std::string time = "2025-06-10T00:00:00Z";
    std::string filter = "Malware Scanning";
    std::string action = "Quarantine";
    std::string result = "success";
    std::string risk;
    std::string file_name;
    std::string policy;
    std::string message_id;  // log_item_id inside message

    [[nodiscard]] std::string json() const {
        std::string s = "{";
        if (!id.empty()) s += "\"log_item_id\":\"" + id + "\",";
        s += "\"service\":\"" + service + "\",\"event\":\"" + kind + "\",\"message\":{";
        if (!message_id.empty()) s += "\"log_item_id\":\"" + message_id + "\",";
        s += "\"affected_user\":\"" + user + "\",\"detection_time\":\"" + time +
             "\",\"triggered_security_filter\":\"" + filter + "\",\"action\":\"" + action +
             "\",\"action_result\":\"" + result + "\",\"risk_level\":\"" + risk +
             "\",\"file_name\":\"" + file_name + "\",\"triggered_policy_name\":\"" + policy +
             "\"}}\n";
        return s;
    }
};

std::string lines(const std::vector<ev>& evs) {
    std::string s;
    for (const ev& e : evs) s += e.json();
    return s;
}

cr::options june() {
    cr::options o;
    o.period = cr::report_period::parse("2025-06");
    return o;
}

cr::report report_of(const std::string& input, const cr::options& opts = june()) {
    cr::aggregator agg(opts);
    agg.feed(input);
    agg.finish();
    return agg.report();
}

void expect_identity(const cr::input_summary& in) {
    EXPECT_EQ(in.records, in.accepted + in.rejected + in.duplicates + in.out_of_period);
}

}  // namespace

TEST(Dedupe, ByLogItemIdTheFirstOneCounts) {
    ev a{"id-1"};
    ev b{"id-1"};
    b.user = "b@x.jp";
    const cr::report r = report_of(lines({a, b}));
    EXPECT_EQ(r.input.accepted, 1U);
    EXPECT_EQ(r.input.duplicates, 1U);
    ASSERT_EQ(r.at(cr::section::malware).top.size(), 1U);
    EXPECT_EQ(r.at(cr::section::malware).top[0].user, "a@x.jp");
    expect_identity(r.input);
}

TEST(Dedupe, IdInsideMessageWhenNotAtTopLevel) {
    ev a;
    a.message_id = "m-1";
    ev b = a;
    b.user = "b@x.jp";  // same id inside message: duplicate
    ev c = a;
    c.id = "top";  // the top-level id wins over the inner one: not a duplicate
    const cr::report r = report_of(lines({a, b, c}));
    EXPECT_EQ(r.input.accepted, 2U);
    EXPECT_EQ(r.input.duplicates, 1U);
}

TEST(Dedupe, ByNormalizedTupleWithoutId) {
    ev a;
    a.file_name = "x.exe";
    ev same_instant = a;  // same instant spelled differently, user differently cased/spaced,
    same_instant.time = "2025-06-10T09:00:00.000+09:00";  // another action: still the same
    same_instant.user = "  A@X.JP ";
    same_instant.action = "Pass";
    same_instant.service = "exchange";
    ev other_file = a;
    other_file.file_name = "y.exe";
    ev other_filter_spelling = a;
    other_filter_spelling.filter = "malware scanning";  // the filter is compared raw
    ev other_kind = a;
    other_kind.kind = "virtual_analyzer";
    const cr::report r =
        report_of(lines({a, same_instant, other_file, other_filter_spelling, other_kind}));
    EXPECT_EQ(r.input.accepted, 4U);
    EXPECT_EQ(r.input.duplicates, 1U);
    EXPECT_EQ(r.at(cr::section::malware).outcomes[cr::outcome::remediated], 3U);
}

TEST(Dedupe, RecordsWithAndWithoutIdAreNeverDuplicates) {
    ev a;
    ev b = a;
    b.id = "x";
    const cr::report r = report_of(lines({a, b}));
    EXPECT_EQ(r.input.accepted, 2U);
}

TEST(Dedupe, DuplicateIsCheckedBeforeThePeriod) {
    ev may{"old"};
    may.time = "2025-05-31T14:59:59Z";  // still May in Japan
    const cr::report r = report_of(lines({may, may, ev{"new"}, ev{"new"}}));
    EXPECT_EQ(r.input.out_of_period, 1U);
    EXPECT_EQ(r.input.duplicates, 2U);
    EXPECT_EQ(r.input.accepted, 1U);
    expect_identity(r.input);
}

TEST(Dedupe, RejectedRecordsDoNotClaimAKey) {
    ev bad{"k"};
    bad.time = "never";
    const cr::report r = report_of(lines({bad, ev{"k"}}));
    EXPECT_EQ(r.input.rejected, 1U);
    EXPECT_EQ(r.input.accepted, 1U);
}

TEST(Dedupe, OffCountsEveryCopy) {
    cr::options o = june();
    o.dedupe = false;
    ev a{"same"};
    const cr::report r = report_of(lines({a, a, a}), o);
    EXPECT_EQ(r.input.accepted, 3U);
    EXPECT_EQ(r.input.duplicates, 0U);
    EXPECT_EQ(r.at(cr::section::malware).top[0].count, 3U);
}

TEST(Rejections, OrderOfChecksAndDetails) {
    ev no_time;
    no_time.time = "";
    no_time.kind = "nonsense";  // both wrong: the time is checked first
    ev bad_kind;
    bad_kind.kind = "quarantine";
    const cr::report r = report_of(lines({no_time, bad_kind}) + "[oops\n");
    ASSERT_EQ(r.input.rejections.size(), 3U);
    EXPECT_EQ(r.input.rejections[0].reason, cr::reject_reason::invalid_detection_time);
    EXPECT_EQ(r.input.rejections[0].line, 1U);
    EXPECT_EQ(r.input.rejections[0].source, "input");
    EXPECT_EQ(r.input.rejections[1].reason, cr::reject_reason::unknown_event_kind);
    EXPECT_NE(r.input.rejections[1].detail.find("\"quarantine\""), std::string::npos);
    EXPECT_EQ(r.input.rejections[2].reason, cr::reject_reason::invalid_json);
    EXPECT_EQ(r.input.rejections[2].line, 3U);
    expect_identity(r.input);
}

TEST(Rejections, OnlyTheFirstHundredAreListedAllAreCounted) {
    std::string in;
    for (int i = 0; i < 150; ++i) in += "garbage\n";
    cr::options json = june();
    json.format = cr::input_format::json;  // detection would find no format in garbage
    const cr::report r = report_of(in, json);
    EXPECT_EQ(r.input.rejected, 150U);
    ASSERT_EQ(r.input.rejections.size(), 100U);
    EXPECT_EQ(r.input.rejections.back().line, 100U);
}

TEST(Rejections, SourcesNameTheirFiles) {
    cr::options json = june();
    json.format = cr::input_format::json;  // detection would find no format in garbage
    cr::aggregator agg(json);
    agg.begin_source("first.ndjson");
    agg.feed("x\n");
    agg.begin_source("second.ndjson");
    agg.feed("\n\ny");  // truncated final line of the second file
    agg.finish();
    const auto& rej = agg.report().input.rejections;
    ASSERT_EQ(rej.size(), 2U);
    EXPECT_EQ(rej[0].source, "first.ndjson");
    EXPECT_EQ(rej[0].line, 1U);
    EXPECT_EQ(rej[1].source, "second.ndjson");
    EXPECT_EQ(rej[1].line, 3U);
}

TEST(Counting, PercentRoundsHalfUpToOneDecimal) {
    EXPECT_EQ(cr::percent_tenths(1, 3), 333U);
    EXPECT_EQ(cr::percent_tenths(2, 3), 667U);
    EXPECT_EQ(cr::percent_tenths(1, 8), 125U);
    EXPECT_EQ(cr::percent_tenths(1, 16), 63U);   // 6.25 → 6.3
    EXPECT_EQ(cr::percent_tenths(3, 16), 188U);  // 18.75 → 18.8
    EXPECT_EQ(cr::percent_tenths(1, 1), 1000U);
    EXPECT_EQ(cr::percent_tenths(1, 2000), 1U);  // 0.05 → 0.1
    EXPECT_EQ(cr::percent_tenths(1, 2001), 0U);  // 0.0499… → 0.0
    EXPECT_EQ(cr::percent_tenths(0, 0), 0U);
}

TEST(Counting, TopUsersOrderTiesAndLimit) {
    std::vector<ev> evs;
    int n = 0;
    const auto add = [&](const std::string& user, int times) {
        for (int i = 0; i < times; ++i) {
            ev e{"id" + std::to_string(n++)};
            e.user = user;
            evs.push_back(e);
        }
    };
    add("zed@x.jp", 3);
    add("amy@x.jp", 1);
    add("bob@x.jp", 3);
    add("", 3);
    add("Cid@X.jp", 2);
    add("cid@x.jp", 1);
    cr::options o = june();
    o.top_n = 3;
    const cr::report r = report_of(lines(evs), o);
    const cr::section_report& s = r.at(cr::section::malware);
    EXPECT_EQ(s.total, 13U);
    EXPECT_EQ(s.distinct_users, 5U);
    ASSERT_EQ(s.top.size(), 3U);
    EXPECT_EQ(s.top[0].user, "");  // ties by user bytes: the unknown user sorts first
    EXPECT_EQ(s.top[1].user, "bob@x.jp");
    EXPECT_EQ(s.top[2].user, "cid@x.jp");  // 3 after normalization; beats zed by name
    EXPECT_EQ(s.top[2].count, 3U);
    EXPECT_EQ(s.top[2].percent_tenths, 231U);
}

TEST(Counting, OverviewSectionsAndOtherServices) {
    std::vector<ev> evs;
    const auto add = [&](ev e) {
        e.id = "id" + std::to_string(evs.size());
        evs.push_back(e);
    };
    ev spam;
    spam.filter = "Advanced Spam Protection";
    add(spam);
    ev fb;
    fb.service = "OneDrive";
    fb.filter = "File Blocking";
    add(fb);
    ev wrs;
    wrs.service = "Gmail";
    wrs.filter = "Web Reputation";
    add(wrs);
    ev va;
    va.kind = "virtual_analyzer";
    va.risk = "Medium risk";
    va.filter = "";
    add(va);
    va.risk = "Unrated";
    add(va);
    ev ransom;
    ransom.kind = "ransomware";
    ransom.service = "teams_chat";
    add(ransom);
    ev dlp;
    dlp.kind = "data_loss_prevention";
    dlp.service = "Exchange Server";
    add(dlp);
    dlp.service = "Slack Enterprise";
    add(dlp);
    dlp.service = "Box";
    add(dlp);
    ev other;
    other.service = "Zoom";
    add(other);
    const cr::report r = report_of(lines(evs));
    const auto row = [&](cr::service s) { return r.overview[static_cast<std::size_t>(s)]; };
    EXPECT_EQ(row(cr::service::exchange).atp, 3U);  // spam, and both VA events
    EXPECT_EQ(row(cr::service::onedrive).atp, 1U);
    EXPECT_EQ(row(cr::service::gmail).atp, 1U);
    EXPECT_EQ(row(cr::service::teams).atp, 1U);
    EXPECT_EQ(row(cr::service::box).dlp, 1U);
    ASSERT_EQ(r.other_services.size(), 3U);
    EXPECT_EQ(r.other_services[0].key, "exchange_server");
    EXPECT_EQ(r.other_services[0].dlp, 1U);
    EXPECT_EQ(r.other_services[1].key, "slack_enterprise");
    EXPECT_EQ(r.other_services[2].key, "zoom");
    EXPECT_EQ(r.other_services[2].atp, 1U);
    EXPECT_EQ(r.at(cr::section::malware).total, 1U);  // Zoom; spam is overview only
    EXPECT_EQ(r.at(cr::section::file_blocking).total, 1U);
    EXPECT_EQ(r.at(cr::section::web_reputation).total, 1U);
    const cr::section_report& v = r.at(cr::section::virtual_analyzer);
    EXPECT_EQ(v.total, 2U);
    EXPECT_EQ(v.risk_levels[static_cast<std::size_t>(cr::risk_level::medium)], 1U);
    EXPECT_EQ(v.risk_levels[static_cast<std::size_t>(cr::risk_level::unknown)], 1U);
    EXPECT_EQ(r.at(cr::section::ransomware).total, 1U);
    const cr::section_report& d = r.at(cr::section::dlp);
    EXPECT_EQ(d.channels[0], 1U);  // Exchange Server is mail
    EXPECT_EQ(d.channels[1], 2U);
}

TEST(Counting, WithoutAMonthEveryEventCounts) {
    ev old{"1"};
    old.time = "2001-01-01T00:00:00Z";
    const cr::report r = report_of(lines({old, ev{"2"}}), cr::options{});
    EXPECT_EQ(r.input.accepted, 2U);
    EXPECT_FALSE(r.period);
    EXPECT_EQ(cr::format_utc(*r.input.first_detection), "2001-01-01T00:00:00.000Z");
}

namespace {

/// A varied input with duplicates spread all over it.
std::vector<std::string> mixed_records() {
    std::mt19937 rng(7);
    const char* services[] = {"Exchange Online", "Gmail", "OneDrive", "Box",
                              "Exchange Server", "Slack"};
    const char* kinds[] = {"security_risk_scan", "virtual_analyzer", "ransomware", "dlp"};
    const char* filters[] = {"Malware Scanning", "File Blocking", "Web Reputation", "Spam"};
    std::vector<std::string> out;
    for (int i = 0; i < 300; ++i) {
        ev e;
        e.id = (rng() % 4 == 0) ? "" : "id" + std::to_string(rng() % 220);
        e.service = services[rng() % 6];
        e.kind = kinds[rng() % 4];
        e.filter = filters[rng() % 4];
        e.user = "u" + std::to_string(rng() % 17) + "@x.jp";
        e.time = "2025-06-" + std::to_string(10 + rng() % 20) + "T0" + std::to_string(rng() % 2) +
                 ":00:00Z";
        if (rng() % 25 == 0) e.time = "2025-05-01T00:00:00Z";
        if (rng() % 40 == 0) e.kind = "bogus";
        e.action = rng() % 3 == 0 ? "Pass" : "Delete";
        e.risk = rng() % 2 == 0 ? "High risk" : "Low";
        out.push_back(e.json());
        if (rng() % 30 == 0) out.push_back("not json\n");
    }
    return out;
}

std::string join(const std::vector<std::string>& v, std::size_t b, std::size_t e) {
    std::string s;
    for (std::size_t i = b; i < e; ++i) s += v[i];
    return s;
}

}  // namespace

TEST(Merge, AnySplitReportsLikeTheWhole) {
    const std::vector<std::string> recs = mixed_records();
    const std::string whole = cr::to_json(report_of(join(recs, 0, recs.size())));
    for (std::size_t cut = 0; cut <= recs.size(); cut += 37) {
        cr::aggregator first(june());
        first.feed(join(recs, 0, cut));
        cr::aggregator second(june());
        second.feed(join(recs, cut, recs.size()));
        second.finish();
        first.merge(second);
        first.finish();
        // Rejections keep their lines relative to each part's start; the counts must agree.
        cr::report merged = first.report();
        cr::report expected = report_of(join(recs, 0, recs.size()));
        merged.input.rejections.clear();
        expected.input.rejections.clear();
        EXPECT_EQ(cr::to_json(merged), cr::to_json(expected)) << "cut at " << cut;
    }
    EXPECT_NE(whole.find("\"duplicates\": "), std::string::npos);
}

TEST(Merge, ThreeWayThroughSavedStates) {
    const std::vector<std::string> recs = mixed_records();
    const std::size_t a = recs.size() / 3;
    const std::size_t b = 2 * recs.size() / 3;
    std::vector<std::string> states;
    for (auto [from, to] : {std::pair{std::size_t{0}, a}, {a, b}, {b, recs.size()}}) {
        cr::aggregator part(june());
        part.feed(join(recs, from, to));
        part.finish();
        states.push_back(part.save());
    }
    cr::aggregator total(june());
    for (const std::string& s : states) total.merge(cr::aggregator::load(s));
    total.finish();
    cr::report merged = total.report();
    cr::report expected = report_of(join(recs, 0, recs.size()));
    merged.input.rejections.clear();
    expected.input.rejections.clear();
    EXPECT_EQ(cr::to_json(merged), cr::to_json(expected));
}

TEST(Merge, WithoutDedupeAddsUp) {
    cr::options o = june();
    o.dedupe = false;
    const std::vector<std::string> recs = mixed_records();
    cr::aggregator first(o);
    first.feed(join(recs, 0, 100));
    cr::aggregator second(o);
    second.feed(join(recs, 100, recs.size()));
    second.finish();
    first.merge(cr::aggregator::load(second.save()));
    first.finish();
    cr::report merged = first.report();
    cr::report expected = report_of(join(recs, 0, recs.size()), o);
    merged.input.rejections.clear();
    expected.input.rejections.clear();
    EXPECT_EQ(cr::to_json(merged), cr::to_json(expected));
}

TEST(Merge, RefusesIncompatibleOptionsAndMisuse) {
    cr::aggregator a(june());
    cr::aggregator other_month(cr::options{});
    other_month.finish();
    std::error_code ec;
    a.merge(other_month, ec);
    EXPECT_EQ(ec, cr::error::incompatible);
    cr::options nodedupe = june();
    nodedupe.dedupe = false;
    cr::aggregator c(nodedupe);
    c.finish();
    a.merge(c, ec);
    EXPECT_EQ(ec, cr::error::incompatible);
    cr::aggregator open(june());
    a.merge(open, ec);  // the other must be finished
    EXPECT_EQ(ec, cr::error::misuse);
    a.merge(a, ec);
    EXPECT_EQ(ec, cr::error::invalid_argument);
    EXPECT_THROW(a.merge(open), cr::error_exception);
}

TEST(Merge, ARefusedMergeChangesNothing) {
    // The first half of a record, a refused merge, then the rest: the record still counts.
    const std::string rec = ev("m1").json();
    cr::aggregator a(june());
    a.feed(std::string_view(rec).substr(0, 40));
    cr::aggregator other_month(cr::options{});
    other_month.finish();
    std::error_code ec;
    a.merge(other_month, ec);
    EXPECT_EQ(ec, cr::error::incompatible);
    a.merge(std::move(other_month), ec);  // NOLINT(bugprone-use-after-move): refused, kept
    EXPECT_EQ(ec, cr::error::incompatible);
    a.feed(std::string_view(rec).substr(40));
    a.finish();
    EXPECT_EQ(a.counts().accepted, 1U);
    EXPECT_EQ(a.counts().rejected, 0U);
}

TEST(Lifecycle, MisuseIsReportedNotUndefined) {
    cr::aggregator a(june());
    std::error_code ec;
    (void)a.report(ec);
    EXPECT_EQ(ec, cr::error::misuse);
    (void)a.save(ec);
    EXPECT_EQ(ec, cr::error::misuse);
    a.feed("", ec);
    EXPECT_FALSE(ec);
    a.finish();
    a.finish(ec);  // a second finish is harmless
    EXPECT_FALSE(ec);
    a.feed("{}", ec);
    EXPECT_EQ(ec, cr::error::misuse);
    a.begin_source("x", ec);
    EXPECT_EQ(ec, cr::error::misuse);
    EXPECT_THROW(a.feed("{}"), cr::error_exception);
    a.reset();
    a.feed(ev{"x"}.json());
    EXPECT_EQ(a.counts().accepted, 1U);
    a.finish();
    EXPECT_EQ(a.report().input.accepted, 1U);
}

TEST(Lifecycle, CountsAreExactWhileFeeding) {
    cr::aggregator a(june());
    ev may{"old"};
    may.time = "2025-05-01T00:00:00Z";
    a.feed(ev{"1"}.json() + ev{"1"}.json() + ev{"2"}.json() + "junk\n" + may.json() +
           ev{"2"}.json());
    const cr::input_counts c = a.counts();  // some records still wait in the insert queue
    EXPECT_EQ(c.records, 6U);
    EXPECT_EQ(c.accepted, 2U);
    EXPECT_EQ(c.duplicates, 2U);
    EXPECT_EQ(c.rejected, 1U);
    EXPECT_EQ(c.out_of_period, 1U);
    a.finish();
    const cr::input_counts d = a.counts();
    EXPECT_EQ(d.accepted, c.accepted);
    EXPECT_EQ(d.duplicates, c.duplicates);
}

TEST(SavedState, RoundTripKeepsEveryNumberAndTheOptions) {
    const std::vector<std::string> recs = mixed_records();
    cr::options o = june();
    o.top_n = 4;
    cr::aggregator a(o);
    a.feed(join(recs, 0, recs.size()));
    a.finish();
    const std::string bytes = a.save();
    cr::aggregator b = cr::aggregator::load(bytes);
    EXPECT_EQ(b.opts().top_n, 4U);
    EXPECT_TRUE(b.finished());
    EXPECT_EQ(cr::to_json(b.report()), cr::to_json(a.report()));
    EXPECT_EQ(b.save(), bytes);
}

TEST(SavedState, DamagedBytesAreRefused) {
    cr::aggregator a(june());
    a.feed(join(mixed_records(), 0, 60));
    a.finish();
    const std::string bytes = a.save();
    std::error_code ec;
    for (std::size_t n = 0; n < bytes.size(); n += 7) {
        (void)cr::aggregator::load(std::string_view(bytes).substr(0, n), ec);
        EXPECT_EQ(ec, cr::error::input) << "truncated to " << n;
    }
    std::mt19937 rng(3);
    for (int i = 0; i < 200; ++i) {
        std::string bad = bytes;
        bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
        (void)cr::aggregator::load(bad, ec);
        EXPECT_EQ(ec, cr::error::input);
    }
    EXPECT_THROW((void)cr::aggregator::load("junk"), cr::error_exception);
}
