// Errors: operational failures (std::error_code) and per-record rejections (data, not errors).
#ifndef CASREPORT_ERROR_HPP
#define CASREPORT_ERROR_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace casreport {

/// Operational failures of the library. Values are mirrored by the C API's status codes
/// (as negatives); never renumber.
enum class error : int {
    invalid_argument = 1,  ///< a bad option or argument
    misuse = 2,            ///< a call in the wrong state (feed after finish, report before it)
    input = 3,             ///< the input as a whole is unusable (unknown format, bad state bytes)
    incompatible = 4,      ///< states or reports built with different options cannot combine
    io = 5,                ///< a file could not be read or written
    // 6..8 are the C API's own codes (no memory, buffer too small, internal).
    unavailable = 9,  ///< a program the call needs is not installed (PDF: Chromium)
};

[[nodiscard]] const std::error_category& casreport_category() noexcept;

[[nodiscard]] inline std::error_code make_error_code(error e) noexcept {
    return {static_cast<int>(e), casreport_category()};
}

/// Thrown by the throwing overloads; carries the code.
class error_exception : public std::system_error {
public:
    using std::system_error::system_error;
};

/// Why a record was rejected. Values are mirrored by the C API; never renumber.
enum class reject_reason : std::uint8_t {
    invalid_json = 1,            ///< not valid JSON (or the unparseable rest of a document)
    not_an_object = 2,           ///< valid JSON, but not an event object
    invalid_detection_time = 3,  ///< no valid `detection_time`: it cannot be placed in a month
    unknown_event_kind = 4,      ///< `event` is missing or not in the alias table
    invalid_csv = 5,             ///< a CSV row that cannot be read
    invalid_cef = 6,             ///< a CEF record that cannot be read
    invalid_utf8 = 7,            ///< bytes that are not UTF-8
    field_too_long = 8,          ///< a field longer than `options::max_field_bytes`
};

/// The last value of `reject_reason`.
inline constexpr reject_reason last_reject_reason = reject_reason::field_too_long;

/// Stable code of a reason, as the JSON report writes it ("invalid_json", ...).
[[nodiscard]] constexpr std::string_view to_string(reject_reason r) noexcept {
    switch (r) {
        case reject_reason::invalid_json: return "invalid_json";
        case reject_reason::not_an_object: return "not_an_object";
        case reject_reason::invalid_detection_time: return "invalid_detection_time";
        case reject_reason::unknown_event_kind: return "unknown_event_kind";
        case reject_reason::invalid_csv: return "invalid_csv";
        case reject_reason::invalid_cef: return "invalid_cef";
        case reject_reason::invalid_utf8: return "invalid_utf8";
        case reject_reason::field_too_long: return "field_too_long";
    }
    return "invalid_json";
}

}  // namespace casreport

template <>
struct std::is_error_code_enum<casreport::error> : std::true_type {};

#endif  // CASREPORT_ERROR_HPP
