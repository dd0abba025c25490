// The fast path for the common case: one complete NDJSON line holding one event object.
// Private to lib/.
//
// It validates the whole line as strictly as Boost.JSON does and extracts the fields of
// `raw_event` in one pass, without building anything. Whenever the line is anything else — a
// page, an array, a number anywhere, invalid JSON, text after the object, an escaped key, deep
// nesting — it answers `fallback` and the general decoder reads the line instead, so both paths
// always agree (tests/unit/fast_scan_test.cpp checks them against each other).
#ifndef CASREPORT_LIB_DECODE_FAST_SCAN_HPP
#define CASREPORT_LIB_DECODE_FAST_SCAN_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "casreport/record.hpp"
#include "raw_fields.hpp"

namespace casreport::detail {

/// Reusable buffers of the fast path.
struct fast_scratch {
    /// Decoded copies of the fields whose JSON text held escapes.
    std::array<std::string, raw_field_count> decoded;
    /// Per 64-byte block of the line: bit i set when byte i is a quote, a backslash, a control
    /// character or not ASCII — the only bytes inside a string that need a look. One word
    /// more than the line's blocks: a spare for reads that straddle the last one.
    std::vector<std::uint64_t> special;
    /// How many entries of `special` the current line's blocks use.
    std::size_t blocks = 0;
};

enum class fast_result : unsigned char { event, fallback };

/// Scans `[first, last)`: a line without its '\n', starting with '{'. The byte at `last` must be
/// readable and be the line's '\n' or a string's terminating NUL: the scanner reads it as a
/// sentinel instead of checking bounds before each token. On `event`, `out` holds the
/// event's fields as views into the line or into `scratch`.
[[nodiscard]] fast_result scan_event_line(const char* first, const char* last, raw_event& out,
                                          fast_scratch& scratch) noexcept;

/// Finds the end of the line starting at `first` — the first '\n' in `[first, end)` — and
/// classifies the line into `scratch` on the way, in one pass over its bytes. Returns the '\n',
/// or nullptr when `[first, end)` holds none (`scratch` then holds the masks of all of it).
/// Reads nothing at or past `end`.
[[nodiscard]] const char* classify_line(const char* first, const char* end, fast_scratch& scratch);

/// `scan_event_line` for a line that `classify_line` has just classified: `eol` is what it
/// returned.
[[nodiscard]] fast_result scan_classified_line(const char* first, const char* eol, raw_event& out,
                                               fast_scratch& scratch) noexcept;

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_DECODE_FAST_SCAN_HPP
