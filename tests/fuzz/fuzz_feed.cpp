// Fuzz target: any bytes, in any format, split anywhere. The first bytes choose the options
// and the split points; the rest is the input. Whatever it is, the aggregator must not crash,
// must account for every record, must give the same report for every split, and every renderer
// must run. Built with a replay driver (replay_main.cpp) for ctest, or with libFuzzer
// (-DCASREPORT_FUZZ_ENGINE=libfuzzer, clang).
#include <casreport/casreport.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_feed: %s\n", what);
    std::abort();
}

struct outcome {
    std::string json;
    bool unusable = false;
};

outcome run(std::string_view input, const casreport::options& o,
            const std::vector<std::size_t>& cuts) {
    casreport::aggregator agg(o);
    outcome out;
    std::error_code ec;
    std::size_t at = 0;
    for (std::size_t cut : cuts) {
        if (cut <= at || cut >= input.size()) continue;
        agg.feed(input.substr(at, cut - at), ec);
        if (ec) out.unusable = true;
        at = cut;
    }
    agg.feed(input.substr(at), ec);
    if (ec) out.unusable = true;
    agg.finish(ec);
    if (ec && ec != casreport::error::input) fail("finish failed with a code other than input");
    if (ec) out.unusable = true;
    const casreport::report& r = agg.report();
    const casreport::input_summary& in = r.input;
    if (in.records != in.accepted + in.rejected + in.duplicates + in.out_of_period) {
        fail("records != accepted + rejected + duplicates + out_of_period");
    }
    out.json = casreport::to_json(r);
    for (auto f : {casreport::output_format::text, casreport::output_format::markdown,
                   casreport::output_format::csv, casreport::output_format::html}) {
        for (auto l : {casreport::language::ja, casreport::language::en}) {
            casreport::render_options ro;
            ro.format = f;
            ro.lang = l;
            (void)casreport::render(r, ro);
        }
    }
    // A saved state must load back to the same report.
    const std::string saved = agg.save();
    casreport::aggregator back = casreport::aggregator::load(saved);
    if (casreport::to_json(back.report()) != out.json) fail("saved state reports differently");
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 4) return 0;
    casreport::options o;
    o.format = static_cast<casreport::input_format>(data[0] % 5);
    o.dedupe = (data[1] & 1) == 0;
    if ((data[1] & 2) != 0) o.period = casreport::report_period::parse("2025-06");
    o.top_n = data[1] >> 4;
    const std::string_view input(reinterpret_cast<const char*>(data) + 4, size - 4);
    // Two ways of splitting: at points chosen by the data, and one byte at a time.
    std::vector<std::size_t> cuts;
    for (std::size_t i = 0, step = 1 + data[2] % 61; i < input.size(); i += step + data[3] % 7) {
        cuts.push_back(i);
    }
    const outcome a = run(input, o, cuts);
    std::vector<std::size_t> bytes;
    if (input.size() <= 4096) {
        for (std::size_t i = 1; i < input.size(); ++i) bytes.push_back(i);
    }
    const outcome b = run(input, o, bytes);
    if (!a.unusable && !b.unusable && a.json != b.json) fail("the report depends on the split");
    return 0;
}
