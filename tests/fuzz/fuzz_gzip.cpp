// Fuzz target: the decompressors on any bytes — gzip above all (members one after another,
// trailing zeros, bad headers, bad CRCs, bombs), and zstd, xz and bzip2 when the first byte
// says so. Decompressed in one piece and in data-chosen pieces, a stream must give the same
// failure, or none; and without one, the same bytes. (Before a failure, how much comes out
// depends on the split: ISA-L inflates ahead of where it finds corrupt data by as much as
// the input it was given allows.) What comes out is hashed, not kept, so a bomb costs time,
// not memory.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "decode/decompress.hpp"
#include "fuzz_util.hpp"

namespace {

namespace crd = casreport::detail;
namespace fz = casreport::fuzz;

constexpr const char* target = "fuzz_gzip";

/// Stands for the text decoder after the decompressing one: hashes what it is given, eight
/// bytes at a time however the bytes are cut into calls (the decompressor's pieces depend on
/// the input's).
class digest final : public crd::decoder {
public:
    void feed(std::string_view bytes) override {
        size_ += bytes.size();
        while (!bytes.empty()) {
            const std::size_t n = std::min<std::size_t>(8 - held_, bytes.size());
            std::memcpy(word_ + held_, bytes.data(), n);
            held_ += n;
            bytes.remove_prefix(n);
            if (held_ == 8) {
                std::uint64_t w = 0;
                std::memcpy(&w, word_, 8);
                hash_ = (hash_ ^ w) * 0x100000001b3ULL + (hash_ >> 29);
                held_ = 0;
            }
        }
    }
    void finish() override { finished_ = true; }
    [[nodiscard]] std::string summary() const {
        return std::to_string(size_) + ":" + std::to_string(hash_) + ":" +
               std::string(word_, held_) + (finished_ ? ":f" : "");
    }

private:
    std::uint64_t hash_ = 0xcbf29ce484222325ULL;
    std::uint64_t size_ = 0;
    char word_[8] = {};
    std::size_t held_ = 0;
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
