// Fuzz target (slower: the heavy invariant checks): any bytes through the aggregator, then a
// renderer and a language the first byte chooses, plain and redacted, compared with the same
// report as last month's. Nothing may crash; the redacted output must not hold the report's
// user addresses; the saved state loads back to the same report. (One format and language a
// run, not all ten: the fuzzer reaches every pairing over the runs, ten times as fast.)
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
    fz::settings s(data, size, 3);
    const std::uint8_t a = s.take();
    const std::uint8_t b = s.take();
    const std::uint8_t c = s.take();
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
    const cr::output_format formats[] = {cr::output_format::json, cr::output_format::text,
                                         cr::output_format::markdown, cr::output_format::csv,
                                         cr::output_format::html};
    const cr::output_format f = formats[c % 5];
    const cr::language lang = (c & 0x08) != 0 ? cr::language::en : cr::language::ja;
    const cr::report* before = (c & 0x10) != 0 ? &r : nullptr;
    (void)cr::render(r, {f, lang, before, false});
    const std::string out = cr::render(r, {f, lang, before, true});
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
    return 0;
}
