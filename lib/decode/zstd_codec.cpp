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

#include <new>

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
        frame_start_ = true;
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
            // A frame's first byte goes alone. Given a whole frame in the call that reads its
            // header, zstd decodes it in one pass when the frame says it holds no more text
            // than there is room for (here, none), and that pass checks the blocks otherwise
            // than streaming does: whether a damaged frame fails, and why, would depend on
            // how the source was split. A frame never starts a later call's input.
            const std::size_t give = frame_start_ ? 1 : in.size() - s.used;
            frame_start_ = false;
            ZSTD_inBuffer ib{in.data() + s.used, give, 0};
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
    bool frame_start_ = true;  // the next byte read is a frame's first
};

}  // namespace

std::unique_ptr<stream_engine> make_zstd_engine() { return std::make_unique<zstd_engine>(); }

}  // namespace casreport::detail
