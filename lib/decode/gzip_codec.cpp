// gzip members, inflated with ISA-L's streaming inflate (Debian libisal-dev): the gzip header
// is parsed here, and ISA-L checks the CRC-32 and length at the end of each member.
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "decompress.hpp"

namespace casreport::detail {
namespace {

/// ISA-L counts in 32 bits: at most 1 GiB in or out per call.
constexpr std::size_t max_call_bytes = std::size_t{1} << 30;

/// Why a member's deflate data cannot be inflated. Bad data and a bad checksum share one
/// reason: which of the two ISA-L notices first depends on how much input each call gives it
/// (given a whole member it may inflate past a bad block and fail the checksum; given pieces,
/// stop at the block), and the reason must not depend on how the source was split. (The
/// header's faults have reasons of their own: `gzip_header` reads it.)
constexpr const char* bad_data = "bad deflate data or checksum";

/// A member's header (RFC 1952, 2.3), read a byte at a time however it arrives. ISA-L would
/// parse it too, but it checks the header's CRC-16 only when the whole header reaches it in
/// one call: whether a bad one is noticed would depend on how the source was split.
class gzip_header {
public:
    void reset() noexcept { *this = gzip_header{}; }

    /// Reads header bytes from `in`; returns how many it used (all of `in` while the header
    /// goes on). `done()` once the header is whole, `error()` when it cannot be one.
    std::size_t read(std::string_view in) noexcept {
        std::size_t i = 0;
        while (i < in.size() && part_ != part::done && error_ == nullptr) {
            const auto b = static_cast<unsigned char>(in[i]);
            if (part_ != part::hcrc) crc_ = crc32_gzip_refl(crc_, &b, 1);
            ++i;
            switch (part_) {
                case part::fixed:
                    if (seen_ == 0 && b != 0x1f) error_ = "invalid gzip header";
                    if (seen_ == 1 && b != 0x8b) error_ = "invalid gzip header";
                    if (seen_ == 2 && b != 8) error_ = "unknown compression method";
                    if (seen_ == 3) {
                        flags_ = b;
                        // Reserved bits: RFC 1952 asks a reader to refuse them.
                        if ((b & 0xe0U) != 0) error_ = "invalid gzip header";
                    }
                    if (++seen_ == 10) next_after(part::fixed);
                    break;
                case part::xlen:
                    left_ |= std::size_t{b} << (8 * seen_);
                    if (++seen_ == 2) {
                        if (left_ == 0) next_after(part::extra);
                        else part_ = part::extra;
                    }
                    break;
                case part::extra:
                    if (--left_ == 0) next_after(part::extra);
                    break;
                case part::name:
                case part::comment:
                    if (b == 0) next_after(part_);
                    break;
                case part::hcrc:
                    got_ |= std::uint32_t{b} << (8 * seen_);
                    if (++seen_ == 2) {
                        if (got_ != (crc_ & 0xffffU)) error_ = "invalid gzip header";
                        part_ = part::done;
                    }
                    break;
                case part::done: break;
            }
        }
        return i;
    }

    [[nodiscard]] bool done() const noexcept { return part_ == part::done; }
    [[nodiscard]] const char* error() const noexcept { return error_; }

private:
    enum class part { fixed, xlen, extra, name, comment, hcrc, done };

    /// Moves on to the next part the flags ask for, after `p`.
    void next_after(part p) noexcept {
        seen_ = 0;
        left_ = 0;
        if (p < part::xlen && (flags_ & 0x04U) != 0) { part_ = part::xlen; return; }
        if (p < part::name && (flags_ & 0x08U) != 0) { part_ = part::name; return; }
        if (p < part::comment && (flags_ & 0x10U) != 0) { part_ = part::comment; return; }
        if (p < part::hcrc && (flags_ & 0x02U) != 0) { part_ = part::hcrc; return; }
        part_ = part::done;
    }

    part part_ = part::fixed;
    unsigned flags_ = 0;
    std::size_t seen_ = 0;  // bytes of the current fixed-size part
    std::size_t left_ = 0;  // of the extra field
    std::uint32_t crc_ = 0;
    std::uint32_t got_ = 0;
    const char* error_ = nullptr;
};

class gzip_engine final : public stream_engine {
public:
    // The state holds the 32 KiB window and ISA-L's own output buffer (about 90 KiB): on the
    // heap, once.
    gzip_engine() : state_(std::make_unique<inflate_state>()) {}

    void begin() override {
        isal_inflate_init(state_.get());
        // The header is read by `header_`; ISA-L inflates and checks the CRC-32 and length.
        state_->crc_flag = ISAL_GZIP_NO_HDR_VER;
        header_.reset();
        recent_n_ = 0;
    }

    step run(std::string_view in, char* out, std::size_t room) override {
        if (!header_.done()) {
            step h;
            h.used = header_.read(in);
            h.error = header_.error();
            remember(in.substr(0, h.used));
            return h;
        }
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
                s.error = bad_data;
                return s;
            }
            s.given_back = std::string_view(recent_ + recent_n_ - back, back);
            s.ended = true;
            return s;
        }
        s.used = give - st.avail_in;
        remember(in.substr(0, s.used));
        if (rc < 0) {
            s.error = bad_data;
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
    gzip_header header_;
    char recent_[8] = {};
    std::size_t recent_n_ = 0;
};

}  // namespace

std::unique_ptr<stream_engine> make_gzip_engine() { return std::make_unique<gzip_engine>(); }

}  // namespace casreport::detail
