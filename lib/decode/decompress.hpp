// Compressed sources: which compression a source uses (told by its first bytes), and one
// decompressor for all of them that writes into buffers its caller owns. Private to lib/.
//
// Every codec is read the same way: streams (gzip members, zstd frames, xz and bzip2 streams)
// one after another are one text, as the command-line tools read them; a stream cut short, corrupt
// data, or data after the last stream make the source unusable, and the text decompressed before
// that still counts.
#ifndef CASREPORT_LIB_DECODE_DECOMPRESS_HPP
#define CASREPORT_LIB_DECODE_DECOMPRESS_HPP

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace casreport::detail {

/// The compressions casreport reads.
enum class codec : std::uint8_t { none, gzip, zstd, xz, bzip2 };

[[nodiscard]] constexpr std::string_view to_string(codec c) noexcept {
    switch (c) {
        case codec::gzip: return "gzip";
        case codec::zstd: return "zstd";
        case codec::xz: return "xz";
        case codec::bzip2: return "bzip2";
        case codec::none: break;
    }
    return "none";
}

/// The most bytes `sniff_codec` needs to decide (bzip2's: "BZh", the block size, and the
/// marker of the first block or of the end of the stream).
inline constexpr std::size_t codec_magic_bytes = 10;

/// The compression whose magic bytes start `head` (a source's first bytes; the file name plays
/// no part), `codec::none` when there is none, or nothing while `head` is too short to tell
/// and more may come (`at_end` false).
[[nodiscard]] std::optional<codec> sniff_codec(std::string_view head, bool at_end) noexcept;

/// One codec's decompression of a single stream (a gzip member, a zstd frame, an xz or bzip2
/// stream). The decompressor below runs it once per stream; each codec implements it in a file
/// of its own (gzip_codec.cpp, ...).
class stream_engine {
public:
    /// The result of one call to `run`.
    struct step {
        std::size_t used = 0;         ///< input bytes consumed
        std::size_t produced = 0;     ///< output bytes written
        bool ended = false;           ///< the stream ended (its checksum verified)
        bool foreign = false;         ///< the bytes do not start a stream of this codec
        const char* error = nullptr;  ///< why the data is corrupt (static text), or null
        /// At the end of a stream, bytes of earlier calls' input that the codec had read
        /// ahead and gives back (they come before `in`; `used` is then 0). Valid until the
        /// engine's next call.
        std::string_view given_back;
    };

    virtual ~stream_engine() = default;
    /// Gets ready for a new stream. Throws std::bad_alloc when the codec cannot start.
    virtual void begin() = 0;
    /// Decompresses from `in` into `out` (`room` bytes), as far as both allow; stops at the
    /// end of the stream. Output the codec holds back is written by the next calls.
    virtual step run(std::string_view in, char* out, std::size_t room) = 0;
    /// Whether a stream of this codec may start with `byte` (what follows a stream is the
    /// next stream or, where `zero_padding`, zero bytes; anything else is an error).
    [[nodiscard]] virtual bool may_start(unsigned char byte) const noexcept = 0;
    /// Whether zero bytes after a stream are padding (gzip written to tape, xz stream padding).
    [[nodiscard]] virtual bool zero_padding() const noexcept { return false; }
};

[[nodiscard]] std::unique_ptr<stream_engine> make_gzip_engine();
[[nodiscard]] std::unique_ptr<stream_engine> make_zstd_engine();
[[nodiscard]] std::unique_ptr<stream_engine> make_xz_engine();
[[nodiscard]] std::unique_ptr<stream_engine> make_bzip2_engine();

/// A compressed source, decompressed as its bytes arrive into buffers the caller owns, so the
/// text can be handed on without another copy. Memory is the codec's state and window (about
/// 90 KiB for gzip; for zstd the window the data was compressed with, 2 MiB at level 3 and
/// at most 128 MiB; for xz the dictionary, 8 MiB at the default level and at most 128 MiB;
/// about 3.6 MiB for bzip2), whatever the size of the source.
class decompressor {
public:
    /// The least output room to give `run`. With less, a codec may hold back decompressed
    /// text that a corruption right after it would then lose, and the text before a corruption
    /// would depend on how the input was split.
    static constexpr std::size_t min_room = std::size_t{64} << 10;

    struct step {
        std::size_t used = 0;      ///< input bytes consumed
        std::size_t produced = 0;  ///< text bytes written
    };

    /// Throws std::bad_alloc when the codec cannot start. `c` is not `codec::none`.
    explicit decompressor(codec c);

    /// Decompresses from `in` into `out` (`room` >= min_room bytes) as far as both allow.
    /// Call again with the rest of `in` and, while `produced == room`, with fresh room (the
    /// codec may hold more text even when all of `in` is used). Stops at the first error:
    /// `failure()` then says why; what was produced before it stands.
    step run(std::string_view in, char* out, std::size_t room);

    /// The end of the input: false, with `failure()` set, when it came inside a stream.
    bool finish();

    /// Why the source cannot be used, or empty while it can.
    [[nodiscard]] const std::string& failure() const noexcept { return failure_; }

private:
    /// `run` over one piece of input, stopping early when the codec gives bytes back.
    step run_piece(std::string_view in, char* out, std::size_t room);
    void fail(std::string why);
    void fail_after_the_end();

    codec codec_;
    std::unique_ptr<stream_engine> engine_;
    std::string failure_;
    std::uint64_t consumed_ = 0;   // input bytes used so far
    std::uint64_t stream_at_ = 0;  // where the current stream began
    bool in_stream_ = false;       // a stream has begun and not ended
    std::string given_back_;       // input given back by the codec, read before the next
};

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_DECODE_DECOMPRESS_HPP
