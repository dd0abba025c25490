// Fuzz target: the gzip decoder on any bytes (members one after another, trailing zeros, bad
// headers, bad CRCs, bombs). Inflated in one piece and in data-chosen pieces, it must give the
// same bytes and the same failure, whatever the input; what it inflates is hashed, not kept,
// so a bomb costs time, not memory.
#include <zlib.h>

#include <cstddef>
#include <cstdint>

#include "fuzz_util.hpp"

namespace {

namespace crd = casreport::detail;
namespace fz = casreport::fuzz;

constexpr const char* target = "fuzz_gzip";

/// Stands for the text decoder after the gzip one: hashes what it is given.
class digest final : public crd::decoder {
public:
    void feed(std::string_view bytes) override {
        crc_ = crc32_z(crc_, reinterpret_cast<const Bytef*>(bytes.data()), bytes.size());
        size_ += bytes.size();
    }
    void finish() override { finished_ = true; }
    [[nodiscard]] std::string summary() const {
        return std::to_string(size_) + ":" + std::to_string(crc_) + (finished_ ? ":f" : "");
    }

private:
    uLong crc_ = 0;
    std::uint64_t size_ = 0;
    bool finished_ = false;
};

std::string inflate(std::string_view input, const std::vector<std::size_t>& cuts) {
    fz::recorder r(target, true);
    auto next = std::make_unique<digest>();
    const digest& out = *next;
    const auto d = crd::make_gzip_decoder(r, std::move(next));
    fz::feed_in_pieces(*d, input, cuts);
    return out.summary() + "\n" + r.log;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fz::settings s(data, size, 1);
    const std::uint8_t seed = s.take();
    const std::string_view input = s.rest();
    const std::string whole = inflate(input, {});
    if (inflate(input, fz::cuts_of(input.size(), seed)) != whole) {
        fz::fail(target, "the inflated bytes or the failure depend on the split");
    }
    return 0;
}
