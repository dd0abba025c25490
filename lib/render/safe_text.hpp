// Strings from logs made harmless for the documents people read. Every byte of a log is
// written by whoever sent the mail or the file: a user name may carry terminal escapes, bidi
// overrides that reorder what a reader sees, or noncharacters that break an XML page. Private
// to lib/.
#ifndef CASREPORT_LIB_RENDER_SAFE_TEXT_HPP
#define CASREPORT_LIB_RENDER_SAFE_TEXT_HPP

#include <cstdint>
#include <string>
#include <string_view>

#include "../core/utf8.hpp"
#include "casreport/render.hpp"
#include "casreport/report.hpp"

namespace casreport::detail {

/// Characters that draw nothing yet change what a reader takes a name to be: the invisible
/// format characters Unicode marks as default-ignorable (soft hyphen, zero-width space,
/// joiners and non-joiners, word joiner, byte order mark, Hangul fillers, Mongolian and Khmer
/// invisibles, interlinear annotation marks, the tag characters U+E0000..U+E007F that can
/// smuggle a whole hidden text). Variation selectors are left alone: they pick a glyph's form
/// and hide nothing.
[[nodiscard]] constexpr bool is_invisible_format(std::uint32_t cp) noexcept {
    return cp == 0x00ad || cp == 0x034f || cp == 0x115f || cp == 0x1160 || cp == 0x17b4 ||
           cp == 0x17b5 || cp == 0x180e ||
           (cp >= 0x200b && cp <= 0x200d) || (cp >= 0x2060 && cp <= 0x2064) ||
           (cp >= 0x206a && cp <= 0x206f) || cp == 0x3164 || cp == 0xfeff || cp == 0xffa0 ||
           (cp >= 0xfff9 && cp <= 0xfffb) || (cp >= 0x1d173 && cp <= 0x1d17a) ||
           (cp >= 0xe0000 && cp <= 0xe007f);
}

/// What `safe_text` shows as an escape: C0 controls, DEL, C1 controls, the bidi controls
/// (U+061C, U+200E/F, U+202A..E, U+2066..9), the line and paragraph separators and the
/// invisible format characters (`is_invisible_format`).
[[nodiscard]] constexpr bool is_hidden_control(std::uint32_t cp) noexcept {
    return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x061c || cp == 0x200e ||
           cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
           is_invisible_format(cp);
}

/// Unicode's noncharacters: U+FDD0..U+FDEF and the last two code points of every plane.
[[nodiscard]] constexpr bool is_noncharacter(std::uint32_t cp) noexcept {
    return (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffeU) == 0xfffeU;
}

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

/// `s` with every hidden control shown as its escape (`\u001B`, `\u202E`, `\U000E0041`), every
/// noncharacter and every byte that is not UTF-8 as U+FFFD. Everything else is kept, so an
/// ordinary name is returned unchanged.
[[nodiscard]] std::string safe_text(std::string_view s);

/// Whether `safe_text(s)` would change `s`.
[[nodiscard]] bool is_safe_text(std::string_view s) noexcept;

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
