// CEF records (`CEF:0|Trend Micro|CAS|...`): one record's text to a raw_event. Used by the CEF
// line decoder and by the JSON decoder for the string elements of `security_events`
// (`format=cef`). Private to lib/.
#ifndef CASREPORT_LIB_DECODE_CEF_HPP
#define CASREPORT_LIB_DECODE_CEF_HPP

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "decoder.hpp"
#include "raw_fields.hpp"

namespace casreport::detail {

/// Reads one CEF record at a time; reuse one per decoder (its buffers are kept).
class cef_record_parser {
public:
    /// Decodes `text`, one record without its line break, which may start with a syslog
    /// prefix. Reports exactly one event or one rejection (with `line`) to `sink`.
    void decode(std::string_view text, std::uint64_t line, event_sink& sink);

private:
    [[nodiscard]] bool parse(std::string_view text, std::string& why);
    void set(raw_field f, std::string_view escaped);

    std::array<std::string, raw_field_count> values_;
    std::array<std::string, 6> custom_;        // cs1..cs6 values
    std::array<std::string, 6> custom_label_;  // cs1Label..cs6Label
    std::string name_;                         // the header's name (the request event type)
    std::string scratch_;
};

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_DECODE_CEF_HPP
