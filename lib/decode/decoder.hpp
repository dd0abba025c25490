// The decoding stage: bytes of one source in, raw events and rejections out.
// Decoders know nothing of reports; the aggregator knows nothing of formats. Private to lib/.
#ifndef CASREPORT_LIB_DECODE_DECODER_HPP
#define CASREPORT_LIB_DECODE_DECODER_HPP

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "casreport/error.hpp"
#include "casreport/options.hpp"
#include "casreport/record.hpp"
#include "decompress.hpp"

namespace casreport::detail {

/// Receives every record a decoder finds: an event, or a rejection. One call is one record.
class event_sink {
public:
    virtual ~event_sink() = default;
    /// `ev` and the views in it are valid during the call only. `naive_zone` is the zone for
    /// times written without one (UTC for JSON and CEF).
    virtual void on_event(const raw_event& ev, std::uint64_t line, utc_offset naive_zone) = 0;
    virtual void on_reject(std::uint64_t line, reject_reason why, std::string_view detail) = 0;
    /// The source as a whole cannot be decoded (a format that is none of ours, corrupt
    /// compression). `message` says why, without naming the source. The decoder reports nothing
    /// more for this source; what it reported before stands.
    virtual void on_unusable(std::string_view message) = 0;
};

/// One source's decoder. `feed` takes bytes split anywhere; `finish` ends the source.
class decoder {
public:
    virtual ~decoder() = default;
    virtual void feed(std::string_view bytes) = 0;
    virtual void finish() = 0;
    /// Whether everything fed so far ended exactly between two records, with nothing held
    /// back: a sequential reader would read what follows the same way this one starts reading
    /// a fresh range. The parallel file reader relies on it; decoders of formats that are never
    /// split (CSV, CEF, compressed) keep the answer "no".
    [[nodiscard]] virtual bool at_record_boundary() const noexcept { return false; }
    /// The line number the next byte belongs to (1-based), where the decoder can tell.
    [[nodiscard]] virtual std::uint64_t line() const noexcept { return 0; }
};

/// How the JSON decoder expects documents to be laid out.
enum class json_layout : std::uint8_t {
    multi_line,   ///< documents may span lines (pretty-printed pages and arrays)
    line_strict,  ///< NDJSON: a document must end on the line it starts
};

/// The longest CSV row or CEF line a decoder holds: a longer one is rejected without being kept,
/// so memory stays bounded whatever the input.
inline constexpr std::size_t max_text_record_bytes = std::size_t{1} << 20;

/// Every JSON shape of DESIGN section 2 (pages, bare arrays, NDJSON), on Boost.JSON's
/// incremental SAX parser. See docs/input-formats.md for the recovery rules. `fast_path` lets
/// complete NDJSON event lines go through fast_scan.hpp instead (same results, tested). Of a
/// field's value it keeps at most `max_field_bytes` + 1 bytes (`options::max_field_bytes`:
/// the aggregator rejects the record), however long the value streams in.
[[nodiscard]] std::unique_ptr<decoder> make_json_decoder(
    event_sink& sink, json_layout layout, bool fast_path = true,
    std::size_t max_field_bytes = options{}.max_field_bytes);

/// CEF records, one per line (a syslog prefix before `CEF:` is skipped). See cef.hpp.
[[nodiscard]] std::unique_ptr<decoder> make_cef_decoder(event_sink& sink);

/// Decompresses `c` data as it arrives (decompress.hpp) and feeds the text to `next`. Corrupt,
/// truncated or trailing data makes the source unusable (what was decompressed before counts).
[[nodiscard]] std::unique_ptr<decoder> make_decompressing_decoder(event_sink& sink, codec c,
                                                                  std::unique_ptr<decoder> next);

/// One source: decompresses it when its magic bytes say so, strips a UTF-8 BOM, detects the
/// format from the first lines (source_decoder.cpp) unless `forced` names one, and decodes it.
[[nodiscard]] std::unique_ptr<decoder> make_source_decoder(event_sink& sink, input_format forced,
                                                           const options& opts);

/// What a source decoder does after decompressing: strips a UTF-8 BOM, detects the format,
/// decodes. For text that was decompressed elsewhere (see lib/aggregate/decompress_ahead.hpp).
[[nodiscard]] std::unique_ptr<decoder> make_text_decoder(event_sink& sink, input_format forced,
                                                         const options& opts);

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_DECODE_DECODER_HPP
