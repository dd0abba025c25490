// Fuzz target: last month's JSON report (`--previous`), as read from outside. Whatever it
// holds, parse_report_json refuses it or returns a report whose counts are within max_count,
// and this month's report compares with it (the change arithmetic runs under UBSan) in JSON
// and text, redacted or not.
#include <casreport/casreport.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.hpp"

namespace {

namespace cr = casreport;
namespace fz = casreport::fuzz;

constexpr const char* target = "fuzz_previous";

const cr::report& this_month() {
    static const cr::report r = [] {
        cr::options o;
        o.period = cr::report_period::parse("2025-06");
        cr::aggregator agg(o);
        agg.feed(R"({"log_item_id":"1","service":"Exchange Online","event":"security_risk_scan",)"
                 R"("message":{"affected_user":"a@x.jp","detection_time":"2025-06-02T00:00:00Z",)"
                 R"("triggered_security_filter":"Malware Scanning","action":"pass"}})"
                 "\n"
                 R"({"log_item_id":"2","service":"Slack","event":"dlp",)"
                 R"("message":{"affected_user":"b@x.jp","detection_time":"2025-06-03T00:00:00Z"}})"
                 "\n");
        agg.finish();
        return agg.report();
    }();
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::error_code ec;
    const cr::report previous = cr::parse_report_json(text, ec);
    if (ec) {
        if (ec != cr::error::input && ec != cr::error::incompatible) {
            fz::fail(target, "a refusal with a code other than input or incompatible");
        }
        return 0;
    }
    for (const cr::section_report& s : previous.sections) {
        if (s.total > cr::max_count) fz::fail(target, "a count past max_count was read");
    }
    for (const bool redact : {false, true}) {
        for (const auto f : {cr::output_format::json, cr::output_format::text}) {
            (void)cr::render(this_month(), {f, cr::language::en, &previous, redact});
        }
    }
    return 0;
}
