// gzip members, inflated with ISA-L's streaming inflate (Debian libisal-dev): the gzip header
// is parsed, and the CRC-32 and length at the end of each member are checked.
#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <memory>

#include "decompress.hpp"

namespace casreport::detail {
namespace {

/// ISA-L counts in 32 bits: at most 1 GiB in or out per call.
constexpr std::size_t max_call_bytes = std::size_t{1} << 30;

const char* explain(int rc) noexcept {
    switch (rc) {
        case ISAL_INVALID_BLOCK: return "invalid deflate block";
        case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
        case ISAL_INVALID_LOOKBACK: return "invalid distance too far back";
        case ISAL_INVALID_WRAPPER: return "invalid gzip header";
        case ISAL_UNSUPPORTED_METHOD: return "unknown compression method";
        case ISAL_INCORRECT_CHECKSUM: return "checksum or length mismatch";
        default: return "inflate error";
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
        s.used = give - st.avail_in;
        s.produced = space - st.avail_out;
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
    std::unique_ptr<inflate_state> state_;
};

}  // namespace

std::unique_ptr<stream_engine> make_gzip_engine() { return std::make_unique<gzip_engine>(); }

}  // namespace casreport::detail
