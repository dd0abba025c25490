#include "json_writer.hpp"

#include "safe_text.hpp"

namespace casreport::detail {
namespace {

/// Length of the valid UTF-8 sequence at `s[i]`, or 0 if it is not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        n = 2;
        cp = b0 & 0x1fU;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        n = 3;
        cp = b0 & 0x0fU;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        n = 4;
        cp = b0 & 0x07U;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xc0U) != 0x80U) return 0;
        cp = (cp << 6) | (b & 0x3fU);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff))) {
        return 0;
    }
    return n;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    const auto escape = [&](std::uint32_t unit) {
        out += "\\u";
        for (int shift = 12; shift >= 0; shift -= 4) out += hex[(unit >> shift) & 0xfU];
    };
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x7f) {
            const std::size_t n = c == 0x7f ? 1 : utf8_sequence(s, i);
            if (n == 0) {
                out += "\\ufffd";
                ++i;
                continue;
            }
            // Escaped rather than written: C1 controls, DEL, bidi controls and noncharacters
            // (valid JSON either way, but a reader of the raw text sees them for what they are).
            std::uint32_t cp = c & (n == 2 ? 0x1fU : n == 3 ? 0x0fU : 0x07U);
            if (n == 1) cp = c;
            for (std::size_t k = 1; k < n; ++k) {
                cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3fU);
            }
            if (is_hidden_control(cp) || is_noncharacter(cp)) {
                if (cp >= 0x10000) {
                    escape(0xd800 + ((cp - 0x10000) >> 10));
                    escape(0xdc00 + ((cp - 0x10000) & 0x3ffU));
                } else {
                    escape(cp);
                }
            } else {
                out.append(s.substr(i, n));
            }
            i += n;
            continue;
        }
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out += hex[c >> 4];
                    out += hex[c & 15];
                } else {
                    out += static_cast<char>(c);
                }
        }
        ++i;
    }
    out += '"';
}

std::string tenths_to_string(std::uint64_t tenths) {
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

}  // namespace casreport::detail
