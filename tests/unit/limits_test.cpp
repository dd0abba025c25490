// Limits on what hostile input can make casreport hold (issue #13, item 4): a field longer than
// `options::max_field_bytes` rejects its record, with its line and the field's name, in every
// format and however the bytes are split, and the decoders never keep more of it than the limit.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aggregate/state.hpp"
#include "casreport/aggregator.hpp"
#include "casreport/render.hpp"
#include "decode_test_util.hpp"

namespace cr = casreport;
namespace crd = casreport::detail;

namespace {

std::string ndjson_line(const std::string& id, const std::string& user,
                        const std::string& threat = "TROJ_X") {
    return R"({"log_item_id":")" + id +
           R"(","service":"Exchange Online","event":"security_risk_scan","message":{)"
           R"("affected_user":")" +
           user +
           R"(","detection_time":"2025-06-02T00:00:00Z",)"
           R"("triggered_security_filter":"Malware Scanning","action":"Quarantine",)"
           R"("security_risk_name":")" +
           threat + R"("}})" + "\n";
}

cr::options june(std::size_t max_field = cr::options{}.max_field_bytes) {
    cr::options o;
    o.period = cr::report_period::parse("2025-06");
    o.max_field_bytes = max_field;
    return o;
}

/// The report of `input` fed in pieces of `chunk` bytes (0: at once).
cr::report report_of(const std::string& input, const cr::options& o, std::size_t chunk = 0) {
    cr::aggregator agg(o);
    if (chunk == 0) chunk = input.size();
    for (std::size_t at = 0; at < input.size(); at += chunk) {
        agg.feed(std::string_view(input).substr(at, chunk));
    }
    agg.finish();
    return agg.report();
}

}  // namespace

// Issue #13, 4: a 300 MB affected_user was kept and printed as the user.
TEST(FieldLimit, ARecordWithALongerFieldIsRejectedWithItsLineAndField) {
    const std::string huge(5000, 'u');
    const std::string input = ndjson_line("1", "a@x.jp") + ndjson_line("2", huge + "@x.jp") +
                              ndjson_line("3", "b@x.jp", std::string(4097, 't'));
    // At once (the fast path), and a few bytes at a time (the streaming parser).
    for (const std::size_t chunk : {std::size_t{0}, std::size_t{7}, std::size_t{4096}}) {
        const cr::report r = report_of(input, june(), chunk);
        EXPECT_EQ(r.input.records, 3U) << chunk;
        EXPECT_EQ(r.input.accepted, 1U);
        EXPECT_EQ(r.input.rejected, 2U);
        ASSERT_EQ(r.input.rejections.size(), 2U);
        EXPECT_EQ(r.input.rejections[0].line, 2U);
        EXPECT_EQ(r.input.rejections[0].reason, cr::reject_reason::field_too_long);
        EXPECT_EQ(r.input.rejections[0].detail,
                  "affected_user is longer than the 4096 bytes allowed (max_field_bytes)");
        EXPECT_EQ(r.input.rejections[1].line, 3U);
        EXPECT_NE(r.input.rejections[1].detail.find("security_risk_name"), std::string::npos);
        const std::string json = cr::to_json(r);
        EXPECT_EQ(json.find("uuuuuuuu"), std::string::npos);
        EXPECT_NE(json.find("\"reason\": \"field_too_long\""), std::string::npos);
    }
    // Exactly at the limit is fine.
    const cr::report at_limit =
        report_of(ndjson_line("1", std::string(4096 - 5, 'u') + "@x.jp"), june());
    EXPECT_EQ(at_limit.input.accepted, 1U);
}

TEST(FieldLimit, IsAnOption) {
    const std::string input = ndjson_line("1", std::string(5000, 'u') + "@x.jp");
    EXPECT_EQ(report_of(input, june(8192)).input.accepted, 1U);
    EXPECT_EQ(report_of(input, june(16)).input.rejected, 1U);
    cr::aggregator zero(june(0));
    std::error_code ec;
    zero.feed(input, ec);
    EXPECT_EQ(ec, cr::error::invalid_argument);
    EXPECT_NE(zero.last_error().find("max_field_bytes"), std::string::npos);
}

TEST(FieldLimit, AppliesToCsvAndCefToo) {
    const std::string user(300, 'u');
    const std::string csv =
        "Detection Time,Log Type,Service,Affected User,Security Filter\r\n"
        "2025-06-02T00:00:00Z,securityrisk,Exchange Online,a@x.jp,Malware Scanning\r\n"
        "2025-06-02T00:00:00Z,securityrisk,Exchange Online," +
        user + ",Malware Scanning\r\n";
    const cr::report from_csv = report_of(csv, june(100));
    EXPECT_EQ(from_csv.input.accepted, 1U);
    ASSERT_EQ(from_csv.input.rejections.size(), 1U);
    EXPECT_EQ(from_csv.input.rejections[0].line, 3U);
    EXPECT_EQ(from_csv.input.rejections[0].reason, cr::reject_reason::field_too_long);
    const std::string cef =
        "CEF:0|Trend Micro|CAS|1|100|securityrisk|High rt=2025-06-02T00:00:00Z "
        "destinationServiceName=Exchange Online TrendMicroCasAffectedUser=a@x.jp\n"
        "CEF:0|Trend Micro|CAS|1|100|securityrisk|High rt=2025-06-02T00:00:00Z "
        "destinationServiceName=Exchange Online TrendMicroCasAffectedUser=" +
        user + "\n";
    const cr::report from_cef = report_of(cef, june(100));
    EXPECT_EQ(from_cef.input.accepted, 1U);
    ASSERT_EQ(from_cef.input.rejections.size(), 1U);
    EXPECT_EQ(from_cef.input.rejections[0].line, 2U);
    EXPECT_EQ(from_cef.input.rejections[0].reason, cr::reject_reason::field_too_long);
}

// Memory: however long a value streams in, the JSON decoder keeps one byte past the limit of
// it (the aggregator then rejects the record), and no more than 1 MiB of a string element or 64
// bytes of a key.
TEST(FieldLimit, TheStreamingParserKeepsNoMoreThanTheLimit) {
    const std::string head =
        R"({"event":"security_risk_scan","message":{"detection_time":"2025-06-02T00:00:00Z",)"
        R"("affected_user":")";
    const std::string tail = "\"}}\n";
    cr::test::recorder r;
    const auto d = crd::make_json_decoder(r, crd::json_layout::multi_line, true, 100);
    d->feed(head);
    const std::string piece(1 << 16, 'u');
    for (int i = 0; i < 64; ++i) d->feed(piece);  // 4 MiB of one user
    d->feed(tail);
    d->finish();
    ASSERT_EQ(r.events.size(), 1U);
    EXPECT_EQ(r.events[0].affected_user.size(), 101U);
    EXPECT_EQ(r.events[0].detection_time, "2025-06-02T00:00:00Z");

    cr::test::recorder keys;
    const auto k = crd::make_json_decoder(keys, crd::json_layout::multi_line, true, 100);
    k->feed(R"({"event":"security_risk_scan","message":{")");
    for (int i = 0; i < 64; ++i) k->feed(piece);  // a 4 MiB key: none of ours
    k->feed(R"(":"x","affected_user":"a@x.jp"}})"
            "\n");
    k->finish();
    ASSERT_EQ(keys.events.size(), 1U);
    EXPECT_EQ(keys.events[0].affected_user, "a@x.jp");

    cr::test::recorder elements;
    const auto e = crd::make_json_decoder(elements, crd::json_layout::multi_line, true, 100);
    e->feed(R"({"security_events":["CEF:0|)");
    for (int i = 0; i < 32; ++i) e->feed(piece);  // a 2 MiB string element
    e->feed("\"]}\n");
    e->finish();
    EXPECT_EQ(elements.log, (std::vector<std::string>{"R1:invalid_cef"}));
}

// ---- memory grows with distinct values, not with records (issue #13, item 3) ----------------

namespace {

/// The state of `copies` of one Exchange mail detection; with `distinct_ids`, each copy has its
/// own log_item_id (a new record repeating one sender, threat and file).
crd::partial_state repeated(std::size_t copies, bool dedupe, bool distinct_ids) {
    cr::options o = june();
    o.dedupe = dedupe;
    crd::partial_state st(o);
    std::string id;
    const std::string time = "2025-06-02T00:00:00Z";
    cr::raw_event e;
    e.service = "Exchange Online";
    e.event = "security_risk_scan";
    e.affected_user = "a@x.jp";
    e.detection_time = time;
    e.triggered_security_filter = "Malware Scanning";
    e.action = "Quarantine";
    e.mail_message_sender = "<bad@evil.example>";
    e.security_risk_name = "TROJ_X";
    for (std::size_t i = 0; i < copies; ++i) {
        id = distinct_ids ? "id-" + std::to_string(i) : "id";
        e.log_item_id = id;
        EXPECT_FALSE(st.add(e, {}));
    }
    st.flush_pending();
    return st;
}

}  // namespace

// Issue #13, 3: the same event repeated cost 12 bytes a record with de-duplication (a mail
// detail per duplicate) and about 100 with --no-dedupe (a detail and a group per record).
TEST(RepeatedInput, DuplicatesKeepNothing) {
    const crd::partial_state st = repeated(5000, true, false);
    EXPECT_EQ(st.n.duplicates, 4999U);
    EXPECT_EQ(st.store.size(), 1U);
    EXPECT_EQ(st.details.size(), 1U);
}

TEST(RepeatedInput, WithoutDedupeRepeatsFallIntoOneGroup) {
    const crd::partial_state st = repeated(5000, false, false);
    EXPECT_EQ(st.n.accepted, 5000U);
    EXPECT_EQ(st.groups.size(), 1U);
    EXPECT_EQ(st.details.size(), 1U);
    EXPECT_EQ(st.groups.begin()->second.count, 5000U);
    // Merging states of the same records keeps one group too.
    crd::partial_state merged = repeated(10, false, false);
    std::error_code ec;
    merged.merge(repeated(20, false, true), ec);
    ASSERT_FALSE(ec);
    merged.merge(repeated(30, false, false), ec);
    ASSERT_FALSE(ec);
    EXPECT_EQ(merged.groups.size(), 1U);
    EXPECT_EQ(merged.details.size(), 1U);
    EXPECT_EQ(merged.groups.begin()->second.count, 60U);
}

TEST(RepeatedInput, NewRecordsRepeatingOneDetailShareIt) {
    const crd::partial_state st = repeated(5000, true, true);
    EXPECT_EQ(st.store.size(), 5000U);  // distinct record ids are distinct values
    EXPECT_EQ(st.details.size(), 1U);
}

// The same through the public interface: what an aggregator keeps (its saved state) is the
// same for ten copies of an event as for five thousand.
TEST(RepeatedInput, TheSavedStateDoesNotGrow) {
    const std::string line = ndjson_line("1", "a@x.jp");
    for (const bool dedupe : {true, false}) {
        cr::options o = june();
        o.dedupe = dedupe;
        const auto saved = [&](std::size_t copies) {
            cr::aggregator agg(o);
            for (std::size_t i = 0; i < copies; ++i) agg.feed(line);
            agg.finish();
            return agg.save().size();
        };
        // The state is compressed (format 2), so a larger count may take a byte or two more;
        // what must not happen is a cost for each record.
        const std::size_t ten = saved(10);
        EXPECT_LE(saved(5000), ten + 16) << dedupe;
        EXPECT_LE(saved(50000), ten + 16) << dedupe;
    }
}

namespace {

/// `n` Box events, each from an unknown service of its own ("svc 0", "svc 1", ...).
std::string events_of_distinct_services(std::size_t first, std::size_t n) {
    std::string out;
    for (std::size_t i = first; i < first + n; ++i) {
        out += R"({"log_item_id":"s)" + std::to_string(i) + R"(","service":"svc )" +
               std::to_string(i) +
               R"(","event":"security_risk_scan","message":{"affected_user":"a@x.jp",)"
               R"("detection_time":"2025-06-02T00:00:00Z","triggered_security_filter":)"
               R"("Malware Scanning","action":"Quarantine"}})" +
               "\n";
    }
    return out;
}

}  // namespace

// Past 65,523 distinct unknown services, 16-bit service codes ran out and wrapped into other
// records' fields. The rest are now counted together, in one pass and across a merge alike.
TEST(ServiceLimit, UnknownServicesPastTheLastCodeAreCountedTogether) {
    constexpr std::size_t named = crd::last_service_code - crd::first_other_service_code;
    constexpr std::size_t total = named + 500;
    const auto check = [&](const cr::report& r, const char* how) {
        EXPECT_EQ(r.input.accepted, total) << how;
        ASSERT_EQ(r.other_services.size(), named + 1) << how;
        std::uint64_t atp = 0;
        const cr::service_counts* more = nullptr;
        for (const cr::service_counts& c : r.other_services) {
            atp += c.atp;
            if (c.key == crd::more_services_key) more = &c;
        }
        EXPECT_EQ(atp, total) << how;
        ASSERT_NE(more, nullptr) << how;
        EXPECT_EQ(more->atp, 500U) << how;  // the 500 services after the last named one
    };
    const std::string all = events_of_distinct_services(0, total);
    check(report_of(all, june()), "one pass");

    cr::aggregator a(june());
    a.feed(events_of_distinct_services(0, 40000));
    a.finish();
    cr::aggregator b(june());
    b.feed(events_of_distinct_services(40000, total - 40000));
    b.finish();
    a.merge(b);
    check(a.report(), "merged");
}
