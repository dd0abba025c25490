// Fuzz target: the CSV decoder (console exports) on any bytes, with a column map and a log type
// chosen by the first bytes. Read in one piece and in data-chosen pieces, it must report the
// same records, rejections (with their details) and failures; every record has a 1-based
// line and UTF-8 fields.
#include <cstddef>
#include <cstdint>

#include "decode/csv.hpp"
#include "fuzz_util.hpp"

namespace {

namespace crd = casreport::detail;
namespace fz = casreport::fuzz;

constexpr const char* target = "fuzz_csv";

std::string decode(std::string_view input, const casreport::options& o,
                   const std::vector<std::size_t>& cuts) {
    fz::recorder r(target, true);
    const auto d = crd::make_csv_decoder(r, o);
    fz::feed_in_pieces(*d, input, cuts);
    return r.log;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fz::settings s(data, size, 2);
    const std::uint8_t a = s.take();
    const std::uint8_t seed = s.take();
    casreport::options o;
    if ((a & 7) != 0 && (a & 7) <= 4) o.csv_event_kind = static_cast<casreport::event_kind>(a & 7);
    if ((a & 8) != 0)
        o.csv_columns = {{"Zeitpunkt", "detection_time"}, {"Benutzer", "affected_user"}};
    o.naive_time_zone = casreport::utc_offset{(a >> 4) * 60 - 480};
    const std::string_view input = s.rest();
    const std::string whole = decode(input, o, {});
    if (decode(input, o, fz::cuts_of(input.size(), seed)) != whole) {
        fz::fail(target, "the records depend on how the input was split");
    }
    return 0;
}
