// `--redact` against hostile input (issue #13, item 5): no address leaks through an unknown
// service's key, a rejection excerpt cut inside an address, or last month's report.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "casreport/aggregator.hpp"
#include "casreport/render.hpp"
#include "core/utf8.hpp"

namespace cr = casreport;

namespace {

std::string line(const std::string& id, const std::string& service, const std::string& time,
                 const std::string& kind = "security_risk_scan") {
    return R"({"log_item_id":")" + id + R"(","service":")" + service + R"(","event":")" + kind +
           R"(","message":{"affected_user":"a@x.jp","detection_time":")" + time +
           R"(","triggered_security_filter":"Malware Scanning","action":"Quarantine"}})" + "\n";
}

cr::report report_of(const std::string& input) {
    cr::options o;
    o.period = cr::report_period::parse("2025-06");
    cr::aggregator agg(o);
    agg.feed(input);
    agg.finish();
    return agg.report();
}

/// Every format and language of `r`, redacted, with `previous` when given.
std::vector<std::string> redacted_renderings(const cr::report& r,
                                             const cr::report* previous = nullptr) {
    std::vector<std::string> out;
    for (const cr::output_format f :
         {cr::output_format::json, cr::output_format::text, cr::output_format::markdown,
          cr::output_format::csv, cr::output_format::html}) {
        for (const cr::language lang : {cr::language::ja, cr::language::en}) {
            out.push_back(cr::render(r, {f, lang, previous, true}));
        }
    }
    return out;
}

}  // namespace

// Issue #13, 5: an unknown service named "trent@corp.example" was printed as the key
// "trent_corp_example".
TEST(RedactHostile, AnUnknownServiceNamedLikeAnAddressIsMasked) {
    EXPECT_EQ(cr::other_service_key("Trent@Corp.Example"), "trent@corp_example");
    EXPECT_EQ(cr::other_service_key("Slack Enterprise"), "slack_enterprise");
    const cr::report r = report_of(line("1", "trent@corp.example", "2025-06-02T00:00:00Z") +
                                   line("2", "Slack", "2025-06-02T00:00:00Z"));
    ASSERT_EQ(r.other_services.size(), 2U);
    EXPECT_EQ(r.other_services[1].key, "trent@corp_example");
    for (const std::string& out : redacted_renderings(r)) {
        EXPECT_EQ(out.find("trent"), std::string::npos) << out;
        EXPECT_EQ(out.find("corp_example"), std::string::npos);
        EXPECT_NE(out.find("service-001"), std::string::npos);
        EXPECT_NE(out.find("slack"), std::string::npos);  // a plain name stays readable
    }
}

// Issue #13, 5: a rejection excerpt cut at 60 bytes left an address's local part unmasked.
TEST(RedactHostile, AnExcerptIsNeverCutInsideAnAddress) {
    const std::string pad(50, 'x');
    // The cut at 60 bytes falls before the '@', or after it inside the domain.
    for (const std::string& address :
         {std::string("alice.smith@corp.example"), std::string("bob@corp.example.jp")}) {
        const std::string value = pad + " " + address + " tail";
        const std::string excerpt = cr::detail::quoted_excerpt(value);
        EXPECT_EQ(excerpt, "\"" + pad + " …\"") << address;
        const cr::report r = report_of(line("1", "Box", value));
        ASSERT_EQ(r.input.rejections.size(), 1U);
        const std::string local = address.substr(0, address.find('@'));
        EXPECT_EQ(r.input.rejections[0].detail.find(local), std::string::npos);
        for (const std::string& out : redacted_renderings(r)) {
            EXPECT_EQ(out.find(local), std::string::npos) << out;
        }
    }
    // A word without an '@' is cut as before.
    EXPECT_EQ(cr::detail::quoted_excerpt(std::string(70, 'y'), 60),
              "\"" + std::string(60, 'y') + "…\"");
    // Text cut short elsewhere ("name@exa…") is masked by the redaction itself.
    cr::report cut = report_of(line("1", "Box", "2025-06-02T00:00:00Z"));
    cut.input.rejections.push_back({"in", 1, cr::reject_reason::invalid_json, "x alice@exa…"});
    const cr::report masked = cr::redact(cut);
    EXPECT_EQ(masked.input.rejections.back().detail, "x [REDACTED]");
}

// Issue #13, 5: last month's other-service keys printed unmasked.
TEST(RedactHostile, LastMonthsReportIsMaskedWithTheSameTokens) {
    const cr::report now = report_of(line("1", "trent@corp.example", "2025-06-02T00:00:00Z"));
    cr::report previous = now;
    previous.period = cr::report_period::parse("2025-05");
    previous.generator = "mallory@evil.example";
    previous.other_services.push_back({"zq7evelyn@other_example", 3, 0});
    for (const std::string& out : redacted_renderings(now, &previous)) {
        EXPECT_EQ(out.find("trent"), std::string::npos) << out;
        EXPECT_EQ(out.find("zq7evelyn"), std::string::npos) << out;
        EXPECT_EQ(out.find("mallory"), std::string::npos) << out;
    }
    // The same service has the same token in both months, so its change lines up.
    const cr::redacted_reports both = cr::redact(now, previous);
    EXPECT_EQ(both.current.other_services[0].key, "service-001");
    EXPECT_EQ(both.previous.other_services[0].key, "service-001");
    EXPECT_EQ(both.previous.other_services[1].key, "service-002");
    EXPECT_EQ(cr::to_json(both.current), cr::to_json(cr::redact(now)));
    const std::string json =
        cr::render(now, {cr::output_format::json, cr::language::en, &previous, true});
    EXPECT_NE(json.find(R"({"service": "service-001", "atp": 0, "dlp": 0})"), std::string::npos)
        << json;
}
