// The codec-neutral part of reading compressed sources: telling the codec by its magic bytes,
// streams one after another, padding, the errors and their messages, and the decoder that
// feeds decompressed text to the next one.
#include "decompress.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "decoder.hpp"

namespace casreport::detail {
namespace {

using namespace std::string_view_literals;

/// The first bytes of a codec's data: each byte from its value in `lo` to its value in `hi`.
struct magic {
    codec which;
    std::string_view lo;
    std::string_view hi;
};

constexpr magic magics[] = {
    {codec::gzip, "\x1F\x8B"sv, "\x1F\x8B"sv},
    {codec::zstd, "\x28\xB5\x2F\xFD"sv, "\x28\xB5\x2F\xFD"sv},
    {codec::zstd, "\x50\x2A\x4D\x18"sv, "\x5F\x2A\x4D\x18"sv},  // a skippable frame (pzstd)
    {codec::xz, "\xFD\x37zXZ\0"sv, "\xFD\x37zXZ\0"sv},
    // "BZh", the block size in hundreds of kB, then a block ("1AY&SY", pi) or the end of an
    // empty stream (the square root of pi): a text file may well start with "BZh".
    {codec::bzip2, "BZh11AY&SY"sv, "BZh91AY&SY"sv},
    {codec::bzip2, "BZh1\x17\x72\x45\x38\x50\x90"sv, "BZh9\x17\x72\x45\x38\x50\x90"sv},
};

/// Whether `head` matches `m` (1), may match once longer (0), or does not (-1).
int compare(std::string_view head, const magic& m) noexcept {
    const std::size_t n = std::min(head.size(), m.lo.size());
    for (std::size_t i = 0; i < n; ++i) {
        const auto b = static_cast<unsigned char>(head[i]);
        if (b < static_cast<unsigned char>(m.lo[i]) || b > static_cast<unsigned char>(m.hi[i])) {
            return -1;
        }
    }
    return n == m.lo.size() ? 1 : 0;
}

}  // namespace

std::optional<codec> sniff_codec(std::string_view head, bool at_end) noexcept {
    bool may_be_longer = false;  // `head` is the start of some magic
    for (const magic& m : magics) {
        const int c = compare(head, m);
        if (c > 0) return m.which;
        may_be_longer = may_be_longer || c == 0;
    }
    if (may_be_longer && !at_end) return std::nullopt;
    return codec::none;
}

decompressor::decompressor(codec c) : codec_(c) {
    switch (c) {
        case codec::gzip: engine_ = make_gzip_engine(); break;
        case codec::zstd: engine_ = make_zstd_engine(); break;
        case codec::xz: engine_ = make_xz_engine(); break;
        case codec::bzip2: engine_ = make_bzip2_engine(); break;
        case codec::none: throw std::logic_error("decompressor: codec::none");
    }
}

decompressor::step decompressor::run(std::string_view in, char* out, std::size_t room) {
    step s;  // `used` counts bytes of `in` only: given-back bytes were counted when first used
    for (;;) {
        while (!given_back_.empty() && failure_.empty() && s.produced < room) {
            const std::string back = std::move(given_back_);
            given_back_.clear();
            const step b = run_piece(back, out + s.produced, room - s.produced);
            s.produced += b.produced;
            given_back_.insert(0, back, b.used, std::string::npos);  // before any new ones
            if (b.used == 0 && b.produced == 0 && given_back_ == back) {
                // Never seen: the codec takes its own bytes back. Not a silent drop, though.
                fail("the " + std::string(to_string(codec_)) +
                     " data cannot be decompressed (no progress at byte " +
                     std::to_string(consumed_) + ")");
            }
        }
        if (!given_back_.empty() || !failure_.empty() || s.produced == room) return s;
        const step d = run_piece(in.substr(s.used), out + s.produced, room - s.produced);
        s.used += d.used;
        s.produced += d.produced;
        if (given_back_.empty()) return s;
    }
}

decompressor::step decompressor::run_piece(std::string_view in, char* out, std::size_t room) {
    step s;
    while (failure_.empty()) {
        if (!in_stream_) {
            // Between streams: padding, the next stream, or the end of the input.
            if (engine_->zero_padding()) {
                const std::size_t pad = std::min(in.find_first_not_of('\0', s.used), in.size());
                consumed_ += pad - s.used;
                s.used = pad;
            }
            if (s.used == in.size()) break;
            stream_at_ = consumed_;
            if (!engine_->may_start(static_cast<unsigned char>(in[s.used]))) {
                fail_after_the_end();
                break;
            }
            engine_->begin();
            in_stream_ = true;
        }
        if (s.produced == room) break;
        const stream_engine::step e =
            engine_->run(in.substr(s.used), out + s.produced, room - s.produced);
        s.used += e.used;
        s.produced += e.produced;
        consumed_ += e.used;
        if (!e.given_back.empty()) {
            // The stream ended with bytes of earlier input read ahead: they are read again,
            // before the rest of `in`.
            given_back_.assign(e.given_back);
            consumed_ -= e.given_back.size();
            in_stream_ = false;
            break;
        }
        if (e.foreign) {  // only ever after a stream: the source started with a magic
            fail_after_the_end();
            break;
        }
        if (e.error != nullptr) {
            // No position: where a codec notices depends on how the input was split.
            fail("the " + std::string(to_string(codec_)) + " data is corrupt (" + e.error + ")");
            break;
        }
        if (e.ended) {
            in_stream_ = false;
            continue;
        }
        if (e.used == 0 && e.produced == 0) {
            // It needs more input or more room; neither lacking, the codec is stuck.
            if (s.used < in.size() && s.produced < room) {
                fail("the " + std::string(to_string(codec_)) +
                     " data cannot be decompressed (no progress at byte " +
                     std::to_string(consumed_) + ")");
            }
            break;
        }
    }
    return s;
}

bool decompressor::finish() {
    if (!failure_.empty()) return false;
    if (in_stream_) {
        fail("the " + std::string(to_string(codec_)) + " data ends early, after " +
             std::to_string(consumed_) + " compressed bytes (a truncated file?)");
        return false;
    }
    return true;
}

void decompressor::fail_after_the_end() {
    fail("there is data after the end of the " + std::string(to_string(codec_)) +
         " stream, at byte " + std::to_string(stream_at_));
}

void decompressor::fail(std::string why) {
    if (failure_.empty()) failure_ = std::move(why);
}

namespace {

/// A compressed source in front of the decoder of its text.
class decompressing_decoder final : public decoder {
public:
    decompressing_decoder(event_sink& sink, codec c, std::unique_ptr<decoder> next)
        : sink_(sink), next_(std::move(next)), dz_(c), out_(buffer_bytes) {}

    void feed(std::string_view bytes) override {
        while (!failed_) {
            const decompressor::step s = dz_.run(bytes, out_.data(), out_.size());
            bytes.remove_prefix(s.used);
            if (s.produced > 0) next_->feed(std::string_view(out_.data(), s.produced));
            if (!dz_.failure().empty()) {
                failed_ = true;
                sink_.on_unusable(dz_.failure());
                return;
            }
            if (s.produced < out_.size()) return;  // all of `bytes` used
        }
    }

    void finish() override {
        if (failed_) return;
        // What was decompressed counts, with a truncated last record rejected as usual; then
        // the source is reported unusable if the compressed data itself was cut short.
        next_->finish();
        if (!dz_.finish()) {
            failed_ = true;
            sink_.on_unusable(dz_.failure());
        }
    }

private:
    static constexpr std::size_t buffer_bytes = 2 * decompressor::min_room;

    event_sink& sink_;
    std::unique_ptr<decoder> next_;
    decompressor dz_;
    std::vector<char> out_;
    bool failed_ = false;
};

}  // namespace

std::unique_ptr<decoder> make_decompressing_decoder(event_sink& sink, codec c,
                                                    std::unique_ptr<decoder> next) {
    return std::make_unique<decompressing_decoder>(sink, c, std::move(next));
}

}  // namespace casreport::detail
