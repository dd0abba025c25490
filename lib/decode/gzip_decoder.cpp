// gzip input: inflated as the compressed bytes arrive, with zlib, and handed to the next
// decoder. Memory is zlib's window plus one output buffer, whatever the size of the file.
// Several gzip members one after another (`cat a.gz b.gz`) are one stream, as gzip reads them;
// zero bytes after the last member (block padding) are ignored.
#include <zlib.h>

#include <algorithm>
#include <array>
#include <string>

#include "decoder.hpp"

namespace casreport::detail {
namespace {

class gzip_decoder final : public decoder {
public:
    gzip_decoder(event_sink& sink, std::unique_ptr<decoder> next)
        : sink_(sink), next_(std::move(next)) {
        // 16 + MAX_WBITS: a gzip wrapper (header, CRC-32 and length checked at its end).
        started_ = inflateInit2(&zs_, 16 + MAX_WBITS) == Z_OK;
        if (!started_) fail("zlib could not start");
    }

    ~gzip_decoder() override {
        if (started_) inflateEnd(&zs_);
    }

    gzip_decoder(const gzip_decoder&) = delete;
    gzip_decoder& operator=(const gzip_decoder&) = delete;

    void feed(std::string_view bytes) override {
        while (!bytes.empty() && !failed_) {
            if (between_members_) {
                // After a member: zero padding, or the next member's header.
                if (bytes.front() == '\0') {
                    bytes.remove_prefix(1);
                    ++consumed_;
                    continue;
                }
                if (static_cast<unsigned char>(bytes.front()) != 0x1F) {
                    return fail("there is data after the end of the gzip stream, at byte " +
                                std::to_string(consumed_));
                }
                inflateReset(&zs_);
                between_members_ = false;
            }
            // zlib counts in uInt: give it at most 1 GiB at a time.
            const std::size_t n = std::min<std::size_t>(bytes.size(), std::size_t{1} << 30);
            // zlib does not write through next_in.
            zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
            zs_.avail_in = static_cast<uInt>(n);
            inflate_some();
            const std::size_t used = n - zs_.avail_in;
            consumed_ += used;
            bytes.remove_prefix(used);
        }
    }

    void finish() override {
        if (failed_) return;
        // What was inflated counts, with a truncated last record rejected as usual; then the
        // source is reported unusable if the gzip stream itself was cut short.
        next_->finish();
        if (in_member_) {
            fail("the gzip data ends early, after " + std::to_string(consumed_) +
                 " compressed bytes (a truncated file?)");
        }
    }

private:
    /// Inflates the input zlib holds, passing every output buffer on, until the input is used
    /// up or a member ends.
    void inflate_some() {
        in_member_ = true;
        while (true) {
            zs_.next_out = out_.data();
            zs_.avail_out = static_cast<uInt>(out_.size());
            const int rc = inflate(&zs_, Z_NO_FLUSH);
            const std::size_t produced = out_.size() - zs_.avail_out;
            if (produced > 0) {
                next_->feed(std::string_view(reinterpret_cast<const char*>(out_.data()), produced));
            }
            if (rc == Z_STREAM_END) {
                in_member_ = false;
                between_members_ = true;
                return;
            }
            if (rc == Z_BUF_ERROR || (rc == Z_OK && zs_.avail_in == 0 && zs_.avail_out != 0)) {
                return;  // needs more input
            }
            if (rc != Z_OK) {
                const std::string what =
                    zs_.msg != nullptr ? zs_.msg : "error " + std::to_string(rc);
                // No position: where zlib notices depends on how the input was split.
                return fail("the gzip data is corrupt (" + what + ")");
            }
        }
    }

    void fail(const std::string& why) {
        failed_ = true;
        sink_.on_unusable(why);
    }

    event_sink& sink_;
    std::unique_ptr<decoder> next_;
    z_stream zs_{};
    bool started_ = false;
    bool failed_ = false;
    bool in_member_ = false;        // inside a member whose end has not been seen
    bool between_members_ = false;  // a member ended: padding or another member may follow
    std::uint64_t consumed_ = 0;    // compressed bytes used so far
    std::array<Bytef, 64 * 1024> out_{};
};

}  // namespace

std::unique_ptr<decoder> make_gzip_decoder(event_sink& sink, std::unique_ptr<decoder> next) {
    return std::make_unique<gzip_decoder>(sink, std::move(next));
}

}  // namespace casreport::detail
