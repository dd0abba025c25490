// Options of an aggregation.
#ifndef CASREPORT_OPTIONS_HPP
#define CASREPORT_OPTIONS_HPP

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "casreport/event_kind.hpp"
#include "casreport/period.hpp"
#include "casreport/policy.hpp"
#include "casreport/time.hpp"

namespace casreport {

/// Shape of an input. Values are mirrored by the C API; never renumber.
enum class input_format : std::uint8_t {
    auto_detect = 0,  ///< decided per source from its first bytes
    json = 1,         ///< API pages, bare arrays, NDJSON, pretty-printed or not
    ndjson = 2,       ///< JSON, one complete document per line (stricter recovery)
    csv = 3,          ///< the console's CSV export
    cef = 4,          ///< `CEF:0|Trend Micro|CAS|...` lines
};

constexpr std::string_view to_string(input_format f) noexcept {
    switch (f) {
        case input_format::auto_detect: return "auto";
        case input_format::json: return "json";
        case input_format::ndjson: return "ndjson";
        case input_format::csv: return "csv";
        case input_format::cef: return "cef";
    }
    return "auto";
}

constexpr std::optional<input_format> parse_input_format(std::string_view s) noexcept {
    if (s == "auto") return input_format::auto_detect;
    if (s == "json") return input_format::json;
    if (s == "ndjson" || s == "jsonl") return input_format::ndjson;
    if (s == "csv") return input_format::csv;
    if (s == "cef") return input_format::cef;
    return std::nullopt;
}

struct options {
    /// Rows of each top-users table. Totals and `distinct_users` always cover every user.
    std::size_t top_n = 10;
    /// The month to report; events outside it are `out_of_period`. None: every event counts.
    std::optional<report_period> period;
    /// De-duplicate by `log_item_id`, else by the content tuple of DESIGN section 2.
    bool dedupe = true;
    input_format format = input_format::auto_detect;
    /// Zone of time stamps written without one (CSV exports); JSON and CEF times are UTC.
    utc_offset naive_time_zone = jst;
    /// How many rejections the report lists (all are counted).
    std::size_t max_listed_rejections = 100;
    /// The longest field of an event casreport reads (a user, a sender, a threat name, ...), in
    /// bytes: a record with a longer one is rejected (`field_too_long`) and nothing of it is
    /// kept, so no field of hostile input can grow memory or the report. At least 1.
    std::size_t max_field_bytes = 4096;
    finding_policy findings{};
    /// CSV exports: more header names, each sent to a field of the JSON event by its name
    /// ("detection_time", "affected_user", ..., see docs/input-formats.md), or to "" to ignore
    /// the column. Names compare ASCII case-insensitively, spaces, `_`, `-`, `.` and `/`
    /// ignored; these entries win over the built-in English and Japanese names.
    std::vector<std::pair<std::string, std::string>> csv_columns;
    /// CSV exports: the event kind of rows whose log-type column is empty or absent. None:
    /// told by the columns that only one log type's export has (docs/input-formats.md); a
    /// file where they do not tell fails with `error::input`.
    std::optional<event_kind> csv_event_kind;
    /// The position of this aggregation's input among the parts of a split input (its file's
    /// index, in file order). Merges order records and listed rejections by it, whatever order
    /// the parts arrive in: of records with one key, the one of the lowest part counts. Parts
    /// with the same index merge in the order they arrive.
    std::uint32_t part = 0;
};

/// Reads a CSV column map written as a JSON object, `{"Header name": "field", ...}` (the
/// form of `options::csv_columns`). `error::invalid_argument` when the text is not such an
/// object or names a field that does not exist; the throwing overload says which in `what()`.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> parse_csv_columns(
    std::string_view json, std::error_code& ec);
[[nodiscard]] std::vector<std::pair<std::string, std::string>> parse_csv_columns(
    std::string_view json);

}  // namespace casreport

#endif  // CASREPORT_OPTIONS_HPP
