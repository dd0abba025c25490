// Renderers: the report object as JSON (DESIGN section 4) and as documents for people; and the
// reader of the JSON report, for month-over-month comparison.
#ifndef CASREPORT_RENDER_HPP
#define CASREPORT_RENDER_HPP

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "casreport/report.hpp"
#include "casreport/time.hpp"

namespace casreport {

/// Values are mirrored by the C API; never renumber.
enum class output_format : std::uint8_t {
    json = 0,      ///< the machine-readable report of DESIGN section 4
    text = 1,      ///< plain text for a terminal
    markdown = 2,  ///< for tickets and mail
    csv = 3,       ///< long form, one number per row (docs/output-formats.md)
    html = 4,      ///< one self-contained, printable page with charts
    pdf = 5,       ///< the HTML page printed on A4 by a headless Chromium (`render_options`)
};

constexpr std::string_view to_string(output_format f) noexcept {
    switch (f) {
        case output_format::json: return "json";
        case output_format::text: return "text";
        case output_format::markdown: return "markdown";
        case output_format::csv: return "csv";
        case output_format::html: return "html";
        case output_format::pdf: return "pdf";
    }
    return "json";
}

/// Labels and advice: Japanese (as the guide) or English. Keys of the JSON are always English.
enum class language : std::uint8_t { ja = 0, en = 1 };

constexpr std::optional<output_format> parse_output_format(std::string_view s) noexcept {
    if (s == "json") return output_format::json;
    if (s == "text" || s == "txt") return output_format::text;
    if (s == "md" || s == "markdown") return output_format::markdown;
    if (s == "csv") return output_format::csv;
    if (s == "html" || s == "htm") return output_format::html;
    if (s == "pdf") return output_format::pdf;
    return std::nullopt;
}

/// A comma-separated list of format names ("json,html, pdf") as formats, in the order given and
/// without repeats; spaces around a name and empty items are ignored. When a name is not a
/// format, returns nullopt and puts the name in `unknown` (when given). The CLI's `--formats`,
/// the C ABI's `casreport_batch_options::formats` and a tenant file's "formats" all read lists
/// through this one function.
inline std::optional<std::vector<output_format>> parse_format_list(std::string_view list,
                                                                   std::string* unknown = nullptr) {
    std::vector<output_format> out;
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        std::string_view name = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
        while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
        if (name.empty()) continue;
        const auto f = parse_output_format(name);
        if (!f) {
            if (unknown != nullptr) unknown->assign(name);
            return std::nullopt;
        }
        bool seen = false;
        for (const output_format g : out) seen = seen || g == *f;
        if (!seen) out.push_back(*f);
    }
    return out;
}

constexpr std::optional<language> parse_language(std::string_view s) noexcept {
    if (s == "ja") return language::ja;
    if (s == "en") return language::en;
    return std::nullopt;
}

/// Who a report is for and who issues it: a cover block in HTML and PDF, the heading of text
/// and Markdown, and the JSON's "tenant" object. All optional; when none is given
/// the report names nobody and the JSON has no "tenant".
struct tenant_info {
    std::string name;      ///< the customer, "株式会社サンプル"
    std::string provider;  ///< the managed-service provider that issues the report
    /// The issue date. None: today in the report's zone (only when another field is given).
    std::optional<calendar_date> issued;
    /// A logo, PNG or SVG bytes (told by their content), embedded in HTML and PDF as data.
    /// At most `max_logo_bytes`; anything else is `error::invalid_argument`.
    std::string logo;

    static constexpr std::size_t max_logo_bytes = std::size_t{1} << 20;

    [[nodiscard]] bool given() const noexcept {
        return !name.empty() || !provider.empty() || issued.has_value() || !logo.empty();
    }
};

struct render_options {
    output_format format = output_format::json;
    language lang = language::ja;
    /// The previous month's report (see `parse_report_json`): every total and overview cell
    /// then shows its change, and the JSON adds "previous" and "change". Borrowed for the
    /// call only; null means no comparison.
    const report* previous = nullptr;
    /// Mask user and sender addresses everywhere (see `redact`).
    bool redact = false;
    tenant_info tenant{};
    /// The zone of the dates and times shown to people when the report has no month (with
    /// a month, the month's zone): Japan time by default.
    utc_offset zone = jst;
    /// PDF: the Chromium (or Chrome) program to print with. Empty: `$CASREPORT_CHROMIUM`,
    /// then `chromium`, `chromium-browser`, `google-chrome` on `PATH`.
    std::string chromium{};
};

/// The report in the chosen format. UTF-8; Japanese is written as is, never `\u`-escaped.
/// Every string that came from a log is made safe for the format first (control and bidi
/// characters shown as `\u001B`, noncharacters and bad UTF-8 as U+FFFD; the JSON escapes them
/// instead, losing nothing). PDF bytes are binary.
///
/// Fails with `error::invalid_argument` for a logo that is not PNG or SVG or too large, and,
/// for PDF, with `error::unavailable` when no Chromium can be found and `error::io` when it
/// fails; the throwing overload says why in `what()`, and so does `ec`'s companion `message`
/// when given.
[[nodiscard]] std::string render(const report& r, const render_options& opts, std::error_code& ec,
                                 std::string* message = nullptr);
[[nodiscard]] std::string render(const report& r, const render_options& opts);

/// The JSON report of DESIGN section 4 (schema_version 1), pretty-printed, keys in a fixed order.
[[nodiscard]] std::string to_json(const report& r, language lang = language::ja);

/// A readable terminal report in the guide's order.
[[nodiscard]] std::string to_text(const report& r, language lang = language::ja);

/// The report with every address masked, for sharing outside the customer. Each user gets one
/// token, the same in every section and finding: `user-001`, `user-002`, ... in order of first
/// appearance (the sections' top tables in report order, then the findings' subjects). A
/// sender that is also a user gets that user's token; other senders get `sender-001`, ...
/// Any other address inside a text (a threat name, a URL, a rejection detail, a source name,
/// the generator) becomes its token when known, else `[REDACTED]`, as does any `name@` cut
/// short; an unknown service whose key was written like an address becomes `service-001`, ...
/// The unknown user stays empty.
[[nodiscard]] report redact(const report& r);

/// A report and last month's, redacted together (`render` with `redact` and `previous`).
struct redacted_reports {
    report current;
    report previous;
};

/// `redact` of `current` and of `previous` with one token per address across both: `current`
/// gets exactly the tokens `redact(current)` gives, and the keys of unknown services match
/// between the two, so their changes still line up.
[[nodiscard]] redacted_reports redact(const report& current, const report& previous);

/// Reads a JSON report written by `to_json` (schema_version 1; the language does not matter),
/// typically last month's, to pass as `render_options::previous`. Unknown keys are ignored and
/// missing numbers read as zero. Fails with `error::input` when the text is not such a report
/// (a count that is not a whole number from 0 to `max_count` included, or overview totals past
/// it), and with `error::incompatible` for another schema version.
[[nodiscard]] report parse_report_json(std::string_view json, std::error_code& ec);
[[nodiscard]] report parse_report_json(std::string_view json);

}  // namespace casreport

#endif  // CASREPORT_RENDER_HPP
