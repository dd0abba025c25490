// Fuzz target: the JSON decoder on any bytes, every shape (pages, arrays, NDJSON,
// pretty-printed, broken), in both layouts. Read in one piece and in data-chosen pieces, it
// must report the same records at the same lines (rejection details aside: Boost.JSON's
// messages may depend on the split); every record has a 1-based line and UTF-8 fields (a
// value cut at the field limit aside: see fuzz_util.hpp).
#include <cstddef>
#include <cstdint>

#include "fuzz_util.hpp"

namespace {

namespace crd = casreport::detail;
namespace fz = casreport::fuzz;

constexpr const char* target = "fuzz_json";

std::string decode(std::string_view input, crd::json_layout layout, std::size_t max_field,
                   const std::vector<std::size_t>& cuts) {
    fz::recorder r(target, false, max_field);
    const auto d = crd::make_json_decoder(r, layout, true, max_field);
    fz::feed_in_pieces(*d, input, cuts);
    return r.log;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fz::settings s(data, size, 2);
    const std::uint8_t a = s.take();
    const std::uint8_t seed = s.take();
    const auto layout = (a & 1) != 0 ? crd::json_layout::line_strict : crd::json_layout::multi_line;
    // A small field limit now and then, so that values run past it.
    const std::size_t max_field =
        (a & 2) != 0 ? 1 + (a >> 2) : casreport::options{}.max_field_bytes;
    const std::string_view input = s.rest();
    const std::string whole = decode(input, layout, max_field, {});
    if (decode(input, layout, max_field, fz::cuts_of(input.size(), seed)) != whole) {
        fz::fail(target, "the records depend on how the input was split");
    }
    return 0;
}
