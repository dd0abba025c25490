// Fuzz target: the decompressors on any bytes — gzip above all (members one after another,
// trailing zeros, bad headers, bad CRCs, bombs), and zstd, xz and bzip2 when the first byte
// says so. Decompressed in one piece and in data-chosen pieces, a stream must give the same
// failure, or none; and without one, the same bytes. (Before a failure, how much comes out
// depends on the split: ISA-L inflates ahead of where it finds corrupt data by as much as
// the input it was given allows.) What comes out is hashed, not kept, so a bomb costs time,
// not memory.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <zlib.h>

#include "decode/decompress.hpp"
#include "fuzz_util.hpp"

namespace {

namespace crd = casreport::detail;
namespace fz = casreport::fuzz;

constexpr const char* target = "fuzz_gzip";

/// Stands for the text decoder after the decompressing one: keeps the size and CRC-32 of what
/// it is given (zlib's `crc32` chains across calls, so the digest does not depend on how the
/// decompressor cuts its output, and, being outside the instrumented code, it costs little
/// next to the inflating: a bomb's megabytes used to dominate every run when hashed here).
class digest final : public crd::decoder {
public:
    void feed(std::string_view bytes) override {
        size_ += bytes.size();
        crc_ = crc32_z(crc_, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size());
    }
    void finish() override { finished_ = true; }
    [[nodiscard]] std::string summary() const {
        return std::to_string(size_) + ":" + std::to_string(crc_) + (finished_ ? ":f" : "");
    }

private:
    std::uint64_t size_ = 0;
    uLong crc_ = crc32_z(0, nullptr, 0);
    bool finished_ = false;
};

/// What came out, or the failure when there is one (then only the failure: see above).
std::string decompress(crd::codec c, std::string_view input, const std::vector<std::size_t>& cuts) {
    fz::recorder r(target, true);
    auto next = std::make_unique<digest>();
    const digest& out = *next;
    const auto d = crd::make_decompressing_decoder(r, c, std::move(next));
    fz::feed_in_pieces(*d, input, cuts);
    return r.log.empty() ? out.summary() : r.log;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fz::settings s(data, size, 2);
    const std::uint8_t which = s.take();
    const std::uint8_t seed = s.take();
    // Mostly gzip, the codec of CAS dumps; the others one time in eight each.
    const crd::codec c = (which & 0xe0) == 0x20   ? crd::codec::zstd
                         : (which & 0xe0) == 0x40 ? crd::codec::xz
                         : (which & 0xe0) == 0x60 ? crd::codec::bzip2
                                                  : crd::codec::gzip;
    const std::string_view input = s.rest();
    const std::string whole = decompress(c, input, {});
    if (decompress(c, input, fz::cuts_of(input.size(), seed)) != whole) {
        fz::fail(target, "the failure, or the bytes without one, depend on the split");
    }
    return 0;
}
