// Renderers: the report object as JSON (DESIGN section 4) and as documents for people.
#ifndef CASREPORT_RENDER_HPP
#define CASREPORT_RENDER_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "casreport/report.hpp"

namespace casreport {

/// Values are mirrored by the C API; never renumber.
enum class output_format : std::uint8_t { json = 0, text = 1 };

/// Labels and advice: Japanese (as the guide) or English. Keys of the JSON are always English.
enum class language : std::uint8_t { ja = 0, en = 1 };

constexpr std::optional<output_format> parse_output_format(std::string_view s) noexcept {
    if (s == "json") return output_format::json;
    if (s == "text" || s == "txt") return output_format::text;
    return std::nullopt;
}

constexpr std::optional<language> parse_language(std::string_view s) noexcept {
    if (s == "ja") return language::ja;
    if (s == "en") return language::en;
    return std::nullopt;
}

struct render_options {
    output_format format = output_format::json;
    language lang = language::ja;
};

/// The report in the chosen format. UTF-8; Japanese is written as is, never `\u`-escaped.
[[nodiscard]] std::string render(const report& r, const render_options& opts);

/// The JSON report of DESIGN section 4 (schema_version 1), pretty-printed, keys in a fixed order.
[[nodiscard]] std::string to_json(const report& r, language lang = language::ja);

/// A readable terminal report in the guide's order.
[[nodiscard]] std::string to_text(const report& r, language lang = language::ja);

}  // namespace casreport

#endif  // CASREPORT_RENDER_HPP
