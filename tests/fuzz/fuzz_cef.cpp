// Fuzz target: the CEF decoder on any bytes (syslog prefixes, escapes, csN labels, epoch
// times). Read in one piece and in data-chosen pieces, it must report the same records and
// rejections (with their details); every record has a 1-based line and UTF-8 fields.
#include <cstddef>
#include <cstdint>

#include "fuzz_util.hpp"

namespace {

namespace crd = casreport::detail;
namespace fz = casreport::fuzz;

constexpr const char* target = "fuzz_cef";

std::string decode(std::string_view input, const std::vector<std::size_t>& cuts) {
    fz::recorder r(target, true);
    const auto d = crd::make_cef_decoder(r);
    fz::feed_in_pieces(*d, input, cuts);
    return r.log;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fz::settings s(data, size, 1);
    const std::uint8_t seed = s.take();
    const std::string_view input = s.rest();
    const std::string whole = decode(input, {});
    if (decode(input, fz::cuts_of(input.size(), seed)) != whole) {
        fz::fail(target, "the records depend on how the input was split");
    }
    return 0;
}
