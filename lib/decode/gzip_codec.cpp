// gzip members, inflated with ISA-L's streaming inflate (Debian libisal-dev): the gzip header
// is parsed, and the CRC-32 and length at the end of each member are checked.
#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "decompress.hpp"

namespace casreport::detail {
namespace {

/// ISA-L counts in 32 bits: at most 1 GiB in or out per call.
constexpr std::size_t max_call_bytes = std::size_t{1} << 30;

/// Why a member cannot be inflated. Bad deflate data and a bad checksum share one reason: which
/// of the two ISA-L notices first depends on how much input each call gives it (given a whole
/// member it may inflate past a bad block and fail the checksum; given pieces, stop at the
/// block), and the reason must not depend on how the source was split.
const char* explain(int rc) noexcept {
    switch (rc) {
        case ISAL_INVALID_WRAPPER: return "invalid gzip header";
        case ISAL_UNSUPPORTED_METHOD: return "unknown compression method";
        default: return "bad deflate data or checksum";
    }
}

class gzip_engine final : public stream_engine {
public:
    // The state holds the 32 KiB window and ISA-L's own output buffer (about 90 KiB): on the
    // heap, once.
    gzip_engine() : state_(std::make_unique<inflate_state>()) {}

    void begin() override {
        isal_inflate_init(state_.get());
        state_->crc_flag = ISAL_GZIP;  // the gzip wrapper: header, then CRC-32 and length
        recent_n_ = 0;
    }

    step run(std::string_view in, char* out, std::size_t room) override {
        inflate_state& st = *state_;
        const std::size_t give = std::min(in.size(), max_call_bytes);
        const std::size_t space = std::min(room, max_call_bytes);
        // ISA-L does not write through next_in.
        st.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(in.data()));
        st.avail_in = static_cast<std::uint32_t>(give);
        st.next_out = reinterpret_cast<std::uint8_t*>(out);
        st.avail_out = static_cast<std::uint32_t>(space);
        const int rc = isal_inflate(&st);
        step s;
        s.produced = space - st.avail_out;
        if (st.avail_in > give) {
            // At the end of a member ISA-L gives back the whole bytes left in its bit buffer
            // by moving next_in back, here past the start of `in`: into bytes of earlier
            // calls, which only `recent_` still holds. next_in is not looked at again.
            const std::size_t back = st.avail_in - give;
            if (back > recent_n_ || st.block_state != ISAL_BLOCK_FINISH) {
                s.error = "bad deflate data or checksum";
                return s;
            }
            s.given_back = std::string_view(recent_ + recent_n_ - back, back);
            s.ended = true;
            return s;
        }
        s.used = give - st.avail_in;
        remember(in.substr(0, s.used));
        if (rc < 0) {
            s.error = explain(rc);
        } else if (rc == ISAL_NEED_DICT) {
            s.error = "a preset dictionary is needed";  // zlib only; never in gzip
        } else {
            s.ended = st.block_state == ISAL_BLOCK_FINISH;
        }
        return s;
    }

    [[nodiscard]] bool may_start(unsigned char byte) const noexcept override {
        return byte == 0x1F;
    }

    [[nodiscard]] bool zero_padding() const noexcept override { return true; }

private:
    /// Keeps the last bytes used, as many as ISA-L's bit buffer can hold back (8).
    void remember(std::string_view used) noexcept {
        if (used.size() >= sizeof recent_) {
            std::memcpy(recent_, used.data() + used.size() - sizeof recent_, sizeof recent_);
            recent_n_ = sizeof recent_;
            return;
        }
        const std::size_t keep = std::min(recent_n_, sizeof recent_ - used.size());
        std::memmove(recent_, recent_ + recent_n_ - keep, keep);
        if (!used.empty()) std::memcpy(recent_ + keep, used.data(), used.size());
        recent_n_ = keep + used.size();
    }

    std::unique_ptr<inflate_state> state_;
    char recent_[8] = {};
    std::size_t recent_n_ = 0;
};

}  // namespace

std::unique_ptr<stream_engine> make_gzip_engine() { return std::make_unique<gzip_engine>(); }

}  // namespace casreport::detail
