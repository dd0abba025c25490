// Strings from logs made harmless for the documents people read. Every byte of a log is
// written by whoever sent the mail or the file: a user name may carry terminal escapes, bidi
// overrides that reorder what a reader sees, or noncharacters that break an XML page.
// `safe_text` itself is in core/utf8.hpp, since messages that quote a log need it too; this is
// what each document adds. Private to lib/.
#ifndef CASREPORT_LIB_RENDER_SAFE_TEXT_HPP
#define CASREPORT_LIB_RENDER_SAFE_TEXT_HPP

#include <cstdint>
#include <string>
#include <string_view>

#include "../core/utf8.hpp"
#include "casreport/render.hpp"
#include "casreport/report.hpp"

namespace casreport::detail {

/// Text for XML and HTML: `&`, `<`, `>`, `"` and `'` escaped; a control character, which XML
/// 1.0 does not allow (only left in a string that did not go through `safe_text`), becomes a
/// space.
[[nodiscard]] std::string xml_escape(std::string_view s);

/// The `<meta>` every HTML page of ours carries, a second wall behind `xml_escape`: the page may
/// run no script, load nothing from anywhere (a name that slipped through as markup could not
/// call home from a customer's browser or from the Chromium that prints the PDF) and show only
/// its own styles and the images inside it (the tenant's logo, as a `data:` address).
inline constexpr std::string_view html_content_policy =
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
    "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\"/>\n";

/// "1,234": a count with thousands separators, as people read it.
[[nodiscard]] std::string grouped(std::uint64_t n);

/// Every string of `r` that came from a log or a state (users, subjects, service keys,
/// rejection sources and details, the generator) through `safe_text`.
void make_safe(report& r);

/// The same for the identity an MSP gives (a name may be pasted from anywhere).
void make_safe(tenant_info& t);

/// `s` as one CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
/// With `text`, a value a spreadsheet would take for a formula (starting with =, +, -, @, a
/// tab or a carriage return) gets a leading apostrophe; numbers pass `text = false`, so that
/// "+3" stays a number.
[[nodiscard]] std::string csv_field(std::string_view s, bool text = true);

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_RENDER_SAFE_TEXT_HPP
