// PDF: the HTML report printed on A4 by a headless Chromium, the browser MSPs already trust to
// lay out Japanese text. Private to lib/.
#ifndef CASREPORT_LIB_RENDER_RENDER_PDF_HPP
#define CASREPORT_LIB_RENDER_RENDER_PDF_HPP

#include <string>
#include <string_view>
#include <system_error>

namespace casreport::detail {

/// The program that prints: `chromium` when not empty (a path, or a name looked up on PATH),
/// else `$CASREPORT_CHROMIUM`, else the first of chromium, chromium-browser, google-chrome
/// and google-chrome-stable on PATH. Empty when none is found.
[[nodiscard]] std::string find_chromium(std::string_view chromium);

/// `html` printed to PDF bytes. Fails with `error::unavailable` when no Chromium is found and
/// `error::io` when it fails or gives no PDF; `why` then says what happened in words.
/// Chromium runs in a temporary folder of its own with no network use, and is stopped after
/// two minutes.
[[nodiscard]] std::string print_pdf(std::string_view html, std::string_view chromium,
                                    std::error_code& ec, std::string& why);

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_RENDER_RENDER_PDF_HPP
