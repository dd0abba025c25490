// Fuzz target: any bytes, in any format (gzip too), through the whole aggregator. The first
// bytes choose the options and the split points; the rest is the input. Whatever it is, the
// aggregator must not crash, must account for every record, and must give the same report fed
// in one piece and in data-chosen pieces. Rendering every format and the saved state's round
// trip are fuzz_feed_render's job (slower); this one stays fast.
#include <casreport/casreport.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.hpp"

namespace {

namespace cr = casreport;
namespace fz = casreport::fuzz;

constexpr const char* target = "fuzz_feed";

struct outcome {
    std::string json;
    bool unusable = false;
};

outcome run(std::string_view input, const cr::options& o, const std::vector<std::size_t>& cuts) {
    cr::aggregator agg(o);
    outcome out;
    std::error_code ec;
    std::size_t at = 0;
    for (const std::size_t cut : cuts) {
        agg.feed(input.substr(at, cut - at), ec);
        if (ec) out.unusable = true;
        at = cut;
    }
    agg.feed(input.substr(at), ec);
    if (ec) out.unusable = true;
    agg.finish(ec);
    if (ec && ec != cr::error::input)
        fz::fail(target, "finish failed with a code other than input");
    if (ec) out.unusable = true;
    const cr::report& r = agg.report();
    const cr::input_summary& in = r.input;
    if (in.records != in.accepted + in.rejected + in.duplicates + in.out_of_period) {
        fz::fail(target, "records != accepted + rejected + duplicates + out_of_period");
    }
    for (const cr::rejection& j : in.rejections) {
        if (j.line == 0) fz::fail(target, "a rejection at line 0");
    }
    out.json = cr::to_json(r);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fz::settings s(data, size, 4);
    const std::uint8_t a = s.take();
    const std::uint8_t b = s.take();
    const std::uint8_t c = s.take();
    const std::uint8_t seed = s.take();
    cr::options o;
    o.format = static_cast<cr::input_format>(a % 5);
    o.dedupe = (b & 1) == 0;
    if ((b & 2) != 0) o.period = cr::report_period::parse("2025-06");
    if ((b & 4) != 0) o.max_field_bytes = 1 + c;
    if ((b & 8) != 0) o.csv_event_kind = cr::event_kind::dlp;
    o.top_n = b >> 4;
    o.max_listed_rejections = (a >> 3) % 8 == 0 ? 0 : 100;
    const std::string_view input = s.rest();
    const outcome whole = run(input, o, {});
    const outcome split = run(input, o, fz::cuts_of(input.size(), seed));
    if (!whole.unusable && !split.unusable && whole.json != split.json) {
        fz::fail(target, "the report depends on the split");
    }
    return 0;
}
