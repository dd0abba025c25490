// Fuzz target (slow: the heavy invariant checks): any bytes through the aggregator, then every
// renderer, in both languages, plain, redacted and compared with the same report as last
// month's. Nothing may crash; redacted outputs must not hold the report's user addresses; the
// saved state loads back to the same report.
#include <casreport/casreport.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.hpp"

namespace {

namespace cr = casreport;
namespace fz = casreport::fuzz;

constexpr const char* target = "fuzz_feed_render";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fz::settings s(data, size, 2);
    const std::uint8_t a = s.take();
    const std::uint8_t b = s.take();
    cr::options o;
    o.format = static_cast<cr::input_format>(a % 5);
    o.dedupe = (b & 1) == 0;
    if ((b & 2) != 0) o.period = cr::report_period::parse("2025-06");
    o.top_n = 1 + (b >> 4);
    cr::aggregator agg(o);
    std::error_code ec;
    agg.feed(s.rest(), ec);
    agg.finish(ec);
    const cr::report& r = agg.report();
    cr::aggregator back = cr::aggregator::load(agg.save(), ec);
    if (ec) fz::fail(target, "a saved state does not load");
    if (cr::to_json(back.report()) != cr::to_json(r)) {
        fz::fail(target, "the saved state reports differently");
    }
    for (const auto f :
         {cr::output_format::json, cr::output_format::text, cr::output_format::markdown,
          cr::output_format::csv, cr::output_format::html}) {
        for (const auto lang : {cr::language::ja, cr::language::en}) {
            for (const bool redact : {false, true}) {
                const std::string out = cr::render(r, {f, lang, &r, redact});
                if (!redact) continue;
                for (const cr::section_report& sec : r.sections) {
                    for (const cr::user_row& row : sec.top) {
                        // An address (a user with '@' and a dotted domain) never shows.
                        const std::size_t at = row.user.find('@');
                        if (at == std::string::npos || at == 0 ||
                            row.user.find('.', at) == std::string::npos) {
                            continue;
                        }
                        if (out.find(row.user) != std::string::npos) {
                            fz::fail(target, "a user address shows in a redacted report");
                        }
                    }
                }
            }
        }
    }
    return 0;
}
