#include "json_writer.hpp"

#include "safe_text.hpp"

namespace casreport::detail {

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
            std::uint32_t cp = 0;
            const std::size_t n = decode_utf8(s, i, cp);
            if (n == 0) {
                out += "\\ufffd";
                ++i;
                continue;
            }
            // Escaped rather than written: C1 controls, DEL, bidi controls and noncharacters
            // (valid JSON either way, but a reader of the raw text sees them for what they are).
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
