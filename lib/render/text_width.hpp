// Terminal column widths of UTF-8 text, so Japanese tables line up. Private to lib/.
#ifndef CASREPORT_LIB_RENDER_TEXT_WIDTH_HPP
#define CASREPORT_LIB_RENDER_TEXT_WIDTH_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "../core/utf8.hpp"

namespace casreport::detail {

/// East Asian wide and fullwidth code points take two columns.
constexpr bool is_wide(std::uint32_t cp) noexcept {
    return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) ||
           (cp >= 0x3041 && cp <= 0x33ff) || (cp >= 0x3400 && cp <= 0x4dbf) ||
           (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
           (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
           (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
           (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
           (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd);
}

/// Columns `s` takes in a terminal; invalid bytes count one column each.
inline std::size_t display_width(std::string_view s) noexcept {
    std::size_t w = 0;
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::size_t n = utf8_lead_length(b);
        if (n > s.size() - i) n = 1;
        static constexpr unsigned lead_bits[5] = {0, 0xff, 0x1f, 0x0f, 0x07};
        std::uint32_t cp = b & lead_bits[n];
        for (std::size_t k = 1; k < n; ++k) {
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3fU);
        }
        i += n;
        if (cp >= 0x300 && cp <= 0x36f) continue;  // combining marks
        w += is_wide(cp) ? 2 : 1;
    }
    return w;
}

/// `s` padded with spaces to `width` columns, on the left (`right_align`) or the right.
inline std::string pad(std::string_view s, std::size_t width, bool right_align = false) {
    const std::size_t w = display_width(s);
    std::string out;
    if (right_align && w < width) out.append(width - w, ' ');
    out.append(s);
    if (!right_align && w < width) out.append(width - w, ' ');
    return out;
}

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_RENDER_TEXT_WIDTH_HPP
