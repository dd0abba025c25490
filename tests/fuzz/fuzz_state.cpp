// Fuzz target: saved states, as an attacker writes them. The checksum is computed again over
// the mutated bytes (anyone can), so the fuzzer reaches the checks behind it. A state that
// loads must be consistent: its report keeps the accounting identity and every share, its times
// print with four-digit years, it saves back to bytes that load to the same report, and it
// merges (twice into a fresh aggregator, or is refused past the count limit) without a crash.
#include <casreport/casreport.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "aggregate/hash.hpp"
#include "fuzz_util.hpp"

namespace {

namespace cr = casreport;
namespace fz = casreport::fuzz;

constexpr const char* target = "fuzz_state";

void check(const cr::report& r) {
    const cr::input_summary& in = r.input;
    if (in.records != in.accepted + in.rejected + in.duplicates + in.out_of_period) {
        fz::fail(target, "records != accepted + rejected + duplicates + out_of_period");
    }
    if (in.records > cr::max_count) fz::fail(target, "a count past max_count");
    for (const cr::section_report& s : r.sections) {
        for (const cr::user_row& row : s.top) {
            if (row.count > s.total || row.percent_tenths > 1000) {
                fz::fail(target, "a top row past its section's total");
            }
        }
    }
    for (const auto& t : {in.first_detection, in.last_detection}) {
        if (t && !cr::in_timestamp_range(*t)) fz::fail(target, "a time out of range");
    }
    if (in.first_detection && r.period && !r.period->contains(*in.first_detection)) {
        fz::fail(target, "an accepted record outside the period");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string bytes(reinterpret_cast<const char*>(data), size);
    if (bytes.size() >= 8) {
        const std::uint64_t h =
            casreport::detail::hash64(std::string_view(bytes).substr(0, bytes.size() - 8));
        for (int i = 0; i < 8; ++i) {
            bytes[bytes.size() - 8 + static_cast<std::size_t>(i)] =
                static_cast<char>((h >> (8 * i)) & 0xff);
        }
    }
    std::error_code ec;
    cr::aggregator a = cr::aggregator::load(bytes, ec);
    if (ec) {
        if (ec != cr::error::input) fz::fail(target, "load failed with a code other than input");
        return 0;
    }
    const cr::report& r = a.report();
    check(r);
    const std::string json = cr::to_json(r);
    cr::aggregator back = cr::aggregator::load(a.save(), ec);
    if (ec || cr::to_json(back.report()) != json)
        fz::fail(target, "a loaded state saves back differently");
    // Merged twice into a fresh aggregator: the second is refused past the count limit, or the
    // records are all duplicates (de-duplication) or counted twice.
    cr::aggregator merged(a.opts());
    merged.merge(a, ec);
    if (ec) fz::fail(target, "a loaded state does not merge into a fresh aggregator");
    merged.merge(back, ec);
    if (ec && ec != cr::error::input) fz::fail(target, "a second merge failed with another code");
    merged.finish();
    check(merged.report());
    return 0;
}
