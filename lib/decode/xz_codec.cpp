// xz streams, decompressed with liblzma's stream decoder (Debian liblzma-dev). Each stream's
// integrity check (CRC-32, CRC-64 or SHA-256) is verified; stream padding (zero bytes) may
// follow a stream.
#include <lzma.h>

#include <algorithm>
#include <new>

#include "decompress.hpp"

namespace casreport::detail {
namespace {

/// What the decoder may allocate: enough for the dictionary of `xz -9` (64 MiB) with room to
/// spare, so memory stays bounded whatever the data asks for.
constexpr std::uint64_t memory_limit = std::uint64_t{128} << 20;

class xz_engine final : public stream_engine {
public:
    xz_engine() = default;
    ~xz_engine() override { lzma_end(&strm_); }
    xz_engine(const xz_engine&) = delete;
    xz_engine& operator=(const xz_engine&) = delete;

    void begin() override {
        // One stream at a time (no LZMA_CONCATENATED): the decompressor handles what follows.
        if (lzma_stream_decoder(&strm_, memory_limit, 0) != LZMA_OK) throw std::bad_alloc();
    }

    step run(std::string_view in, char* out, std::size_t room) override {
        strm_.next_in = reinterpret_cast<const std::uint8_t*>(in.data());
        strm_.avail_in = in.size();
        strm_.next_out = reinterpret_cast<std::uint8_t*>(out);
        strm_.avail_out = room;
        const lzma_ret rc = lzma_code(&strm_, LZMA_RUN);
        step s;
        s.used = in.size() - strm_.avail_in;
        s.produced = room - strm_.avail_out;
        switch (rc) {
            case LZMA_OK:
            case LZMA_BUF_ERROR: break;  // no progress possible: more input or room needed
            case LZMA_STREAM_END: s.ended = true; break;
            case LZMA_MEM_ERROR: throw std::bad_alloc();
            case LZMA_MEMLIMIT_ERROR: s.error = "it needs more than 128 MiB of memory"; break;
            case LZMA_FORMAT_ERROR: s.foreign = true; break;
            case LZMA_OPTIONS_ERROR: s.error = "unsupported options"; break;
            case LZMA_DATA_ERROR: s.error = "compressed data is corrupt"; break;
            default: s.error = "xz decoder error"; break;
        }
        return s;
    }

    [[nodiscard]] bool may_start(unsigned char byte) const noexcept override {
        return byte == 0xFD;
    }

    [[nodiscard]] bool zero_padding() const noexcept override { return true; }

private:
    lzma_stream strm_ = LZMA_STREAM_INIT;
};

}  // namespace

std::unique_ptr<stream_engine> make_xz_engine() { return std::make_unique<xz_engine>(); }

}  // namespace casreport::detail
