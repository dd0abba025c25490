// bzip2 streams, decompressed with libbz2 (Debian libbz2-dev). Each block's CRC and each
// stream's combined CRC are checked; streams one after another (pbzip2 writes one per block
// group) are one text.
#include <bzlib.h>

#include <algorithm>
#include <new>

#include "decompress.hpp"

namespace casreport::detail {
namespace {

/// libbz2 counts in `unsigned int`: at most 1 GiB in or out per call.
constexpr std::size_t max_call_bytes = std::size_t{1} << 30;

class bzip2_engine final : public stream_engine {
public:
    bzip2_engine() = default;
    ~bzip2_engine() override { end(); }
    bzip2_engine(const bzip2_engine&) = delete;
    bzip2_engine& operator=(const bzip2_engine&) = delete;

    // A stream needs a fresh decoder: libbz2 stops at the end of each. Its memory is about
    // 3.6 MiB for the largest block size (bzip2 -9, the default).
    void begin() override {
        end();
        strm_ = bz_stream{};
        if (BZ2_bzDecompressInit(&strm_, 0, 0) != BZ_OK) throw std::bad_alloc();
        live_ = true;
    }

    step run(std::string_view in, char* out, std::size_t room) override {
        const std::size_t give = std::min(in.size(), max_call_bytes);
        const std::size_t space = std::min(room, max_call_bytes);
        strm_.next_in = const_cast<char*>(in.data());  // libbz2 does not write through it
        strm_.avail_in = static_cast<unsigned>(give);
        strm_.next_out = out;
        strm_.avail_out = static_cast<unsigned>(space);
        const int rc = BZ2_bzDecompress(&strm_);
        step s;
        s.used = give - strm_.avail_in;
        s.produced = space - strm_.avail_out;
        switch (rc) {
            case BZ_OK: break;
            case BZ_STREAM_END: s.ended = true; break;
            case BZ_MEM_ERROR: throw std::bad_alloc();
            case BZ_DATA_ERROR_MAGIC: s.foreign = true; break;
            case BZ_DATA_ERROR: s.error = "compressed data is corrupt"; break;
            default: s.error = "bzip2 decoder error"; break;
        }
        return s;
    }

    [[nodiscard]] bool may_start(unsigned char byte) const noexcept override { return byte == 'B'; }

private:
    void end() noexcept {
        if (live_) BZ2_bzDecompressEnd(&strm_);
        live_ = false;
    }

    bz_stream strm_{};
    bool live_ = false;
};

}  // namespace

std::unique_ptr<stream_engine> make_bzip2_engine() { return std::make_unique<bzip2_engine>(); }

}  // namespace casreport::detail
