// zstd frames, decompressed with libzstd's streaming decoder (Debian libzstd-dev). The decoder
// goes from one frame to the next by itself and passes over skippable frames (pzstd writes
// one before each frame); each frame's checksum, when it has one, is checked.
//
// When ZSTD_decompressStream fails it does not say how much it wrote in that call, so text it
// had written out before reaching a corrupt block would be lost, more or less of it depending
// on how the input was split. So each call does one of two things: it decodes, with no room
// for output (the decoder stops at the first block that has text, holding it), or it writes
// out what is held, with no input. A failure then never takes back text, and the text before
// a corrupt block is the same however the input arrives.
#include <zstd.h>
#include <zstd_errors.h>

#include <array>
#include <new>
#include <optional>
#include <string_view>

#include "decompress.hpp"

namespace casreport::detail {
namespace {

class zstd_engine final : public stream_engine {
public:
    zstd_engine() : ds_(ZSTD_createDStream()) {
        if (ds_ == nullptr) throw std::bad_alloc();
    }
    ~zstd_engine() override { ZSTD_freeDStream(ds_); }
    zstd_engine(const zstd_engine&) = delete;
    zstd_engine& operator=(const zstd_engine&) = delete;

    // The window is limited to zstd's default of 128 MiB (ZSTD_WINDOWLOG_LIMIT_DEFAULT), which
    // bounds the memory whatever the data asks for.
    void begin() override {
        ZSTD_DCtx_reset(ds_, ZSTD_reset_session_only);
        holding_ = false;
        head_n_ = 0;
        head_need_ = 4;
        head_done_ = false;
    }

    step run(std::string_view in, char* out, std::size_t room) override {
        step s;
        bool stalled = false;  // the last decoding call read nothing
        for (;;) {
            if (holding_) {  // write out what the last decoding call held back
                ZSTD_inBuffer none{in.data(), 0, 0};
                ZSTD_outBuffer ob{out + s.produced, room - s.produced, 0};
                const std::size_t rc = ZSTD_decompressStream(ds_, &ob, &none);
                s.produced += ob.pos;
                if (failed(rc, s) || ended(rc, s)) return s;
                if (s.produced == room) return s;  // there may be more
                holding_ = false;
                if (stalled && ob.pos == 0) return s;  // it needs more input
            }
            if (s.used == in.size()) return s;
            if (!head_done_ && !read_head(in, s)) return s;
            ZSTD_inBuffer ib{in.data() + s.used, in.size() - s.used, 0};
            ZSTD_outBuffer no_room{out + s.produced, 0, 0};
            const std::size_t rc = ZSTD_decompressStream(ds_, &no_room, &ib);
            s.used += ib.pos;
            if (failed(rc, s) || ended(rc, s)) return s;
            // A call that reads nothing may still hold text that zstd wants written before it
            // reads on (the last bytes of a raw block that arrived in an earlier piece): write
            // it out, then read again.
            stalled = ib.pos == 0;
            holding_ = true;
        }
    }

    [[nodiscard]] bool may_start(unsigned char byte) const noexcept override {
        // A frame (28 b5 2f fd) or a skippable frame (5? 2a 4d 18), in little-endian order.
        return byte == 0x28 || (byte & 0xF0) == 0x50;
    }

private:
    /// Gathers the frame header from `in` (the magic number, then the header its descriptor
    /// byte sizes) and gives it to zstd in one call of its own. zstd is never handed a header
    /// in pieces or together with the blocks after it, because both change what it does:
    /// - a call whose input starts inside a header that turns out bad has zstd look for an
    ///   old (pre-1.0) frame at the start of that input rather than of the frame;
    /// - a call that holds the whole frame lets zstd decode it in one pass when the frame
    ///   declares no more text than there is room for (here, none), and that pass checks
    ///   blocks otherwise than streaming does.
    /// Either way whether a damaged frame fails, and why, would depend on how the source was
    /// split. Returns false while the header is not whole or when it is refused (`s` says why).
    bool read_head(std::string_view in, step& s) {
        while (head_n_ < head_need_ && s.used < in.size()) {
            const auto b = static_cast<unsigned char>(in[s.used++]);
            head_[head_n_++] = b;
            if (head_n_ <= 4) {
                // The magic number as sniff_codec knows it, byte by byte: a frame, or a
                // skippable one (only these start with the bytes may_start lets through).
                const std::string_view magic(reinterpret_cast<const char*>(head_.data()), head_n_);
                const std::optional<codec> c = sniff_codec(magic, false);
                if (c && *c != codec::zstd) {
                    s.foreign = true;  // the bytes after a frame start no other one
                    return false;
                }
            }
            if (head_n_ == 4) head_need_ = head_[0] == 0x28 ? 5 : 8;  // a frame, or skippable
            if (head_n_ == 5 && head_[0] == 0x28) head_need_ = frame_head_size(b);
        }
        if (head_n_ < head_need_) return false;
        ZSTD_inBuffer ib{head_.data(), head_n_, 0};
        ZSTD_outBuffer no_room{nullptr, 0, 0};
        const std::size_t rc = ZSTD_decompressStream(ds_, &no_room, &ib);
        if (failed(rc, s) || ended(rc, s)) return false;
        if (ib.pos != head_n_) {
            s.error = "bad frame data or checksum";
            return false;
        }
        head_done_ = true;
        return true;
    }

    /// The size of a frame header (RFC 8878, 3.1.1.1) from its descriptor byte: the magic
    /// number, the descriptor, the window byte unless single-segment, the dictionary id and
    /// the content size.
    static std::size_t frame_head_size(unsigned char descriptor) noexcept {
        static constexpr std::size_t dictionary_id[] = {0, 1, 2, 4};
        static constexpr std::size_t content_size[] = {0, 2, 4, 8};
        const bool single_segment = (descriptor & 0x20U) != 0;
        const unsigned fcs = descriptor >> 6U;
        return 4 + 1 + (single_segment ? 0 : 1) + dictionary_id[descriptor & 3U] +
               (fcs == 0 && single_segment ? 1 : content_size[fcs]);
    }

    /// The reason, in as few words as the split allows: which check fails first on damaged
    /// data (a block's contents, the declared size, the frame checksum) depends on how much
    /// input each call gives zstd, and the reason must not depend on how the source was
    /// split, so they share one. What a frame header says is read whole before anything else:
    /// a window too large and a missing dictionary keep their own reasons.
    static bool failed(std::size_t rc, step& s) noexcept {
        if (ZSTD_isError(rc) == 0) return false;
        switch (ZSTD_getErrorCode(rc)) {
            case ZSTD_error_prefix_unknown: s.foreign = true; break;
            case ZSTD_error_frameParameter_windowTooLarge:
                s.error = "its window is larger than 128 MiB (compressed with --long?)";
                break;
            case ZSTD_error_dictionary_wrong: s.error = "it needs a dictionary"; break;
            case ZSTD_error_memory_allocation: s.error = "out of memory"; break;
            default: s.error = "bad frame data or checksum"; break;
        }
        return true;
    }

    /// 0: the frame is complete and all of it written out.
    bool ended(std::size_t rc, step& s) noexcept {
        if (rc != 0) return false;
        s.ended = true;
        holding_ = false;
        return true;
    }

    ZSTD_DStream* ds_;
    bool holding_ = false;  // a decoding call may have left text to write out
    std::array<unsigned char, 18> head_{};  // the frame header gathered so far (18 at most)
    std::size_t head_n_ = 0;
    std::size_t head_need_ = 4;  // bytes the header has, as far as known
    bool head_done_ = false;     // zstd has the whole header
};

}  // namespace

std::unique_ptr<stream_engine> make_zstd_engine() { return std::make_unique<zstd_engine>(); }

}  // namespace casreport::detail
