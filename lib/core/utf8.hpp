// UTF-8: the one place that knows what a well-formed sequence is (RFC 3629: no overlong forms,
// no surrogates, nothing above U+10FFFF), for the decoders that check text, the renderers that
// escape it, and messages that quote it. Private to lib/.
#ifndef CASREPORT_LIB_CORE_UTF8_HPP
#define CASREPORT_LIB_CORE_UTF8_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace casreport::detail {

/// The length a sequence announces by its lead byte, whether or not the bytes are well-formed:
/// 4 from F0, 3 from E0, 2 from C0, else 1. For walks over text that may be broken (widths,
/// wrapping), which always move on by at least one byte.
[[nodiscard]] constexpr std::size_t utf8_lead_length(unsigned char lead) noexcept {
    return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
}

/// Length (1..4) of the well-formed sequence at `p`, of which the bytes before `end` may be
/// read; 0 when the bytes there are not one.
[[nodiscard]] inline std::size_t utf8_sequence_at(const unsigned char* p,
                                                  const unsigned char* end) noexcept {
    const unsigned c = p[0];
    if (c < 0x80) return 1;
    std::size_t n = 0;
    unsigned lo = 0x80;  // bounds of the second byte
    unsigned hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0) lo = 0xa0;  // overlong
        if (c == 0xed) hi = 0x9f;  // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0) lo = 0x90;  // overlong
        if (c == 0xf4) hi = 0x8f;  // above U+10FFFF
    } else {
        return 0;
    }
    if (static_cast<std::size_t>(end - p) < n) return 0;
    if (p[1] < lo || p[1] > hi) return 0;
    for (std::size_t k = 2; k < n; ++k) {
        if ((p[k] & 0xc0U) != 0x80U) return 0;
    }
    return n;
}

/// Whether `a b c` is a well-formed three-byte sequence led by E1..EC or EE..EF: most of the
/// BMP, all of Japanese text. One mask test, for loops over long non-ASCII runs that try it
/// before `utf8_sequence_at`.
[[nodiscard]] constexpr bool is_common_3byte(unsigned a, unsigned b, unsigned c) noexcept {
    const unsigned w = a | b << 8 | c << 16;
    return (w & 0xc0c0f0U) == 0x8080e0U && a != 0xe0 && a != 0xed;
}

/// Whether `s` is well-formed UTF-8. ASCII runs are checked eight bytes at a time.
[[nodiscard]] inline bool is_valid_utf8(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const unsigned char* const end = p + s.size();
    while (p < end) {
        if (end - p >= 8) {
            std::uint64_t word = 0;
            std::memcpy(&word, p, 8);
            if ((word & 0x8080808080808080ULL) == 0) {
                p += 8;
                continue;
            }
        }
        const std::size_t n = utf8_sequence_at(p, end);
        if (n == 0) return false;
        p += n;
    }
    return true;
}

/// The code point of the well-formed sequence at `s[i]` into `cp`, and its length; 0 when the
/// bytes there are not one.
[[nodiscard]] inline std::size_t decode_utf8(std::string_view s, std::size_t i,
                                             std::uint32_t& cp) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
    const std::size_t n =
        utf8_sequence_at(p, reinterpret_cast<const unsigned char*>(s.data()) + s.size());
    if (n == 0) return 0;
    static constexpr unsigned lead_bits[5] = {0, 0x7f, 0x1f, 0x0f, 0x07};
    cp = p[0] & lead_bits[n];
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (p[k] & 0x3fU);
    return n;
}

/// Writes the UTF-8 form of the code point `cp` (a scalar value) at `out`; returns its length.
inline std::size_t encode_utf8(std::uint32_t cp, char* out) noexcept {
    const auto put = [&out](std::uint32_t b) { *out++ = static_cast<char>(b); };
    if (cp < 0x80) {
        put(cp);
        return 1;
    }
    if (cp < 0x800) {
        put(0xc0 | (cp >> 6));
        put(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        put(0xe0 | (cp >> 12));
        put(0x80 | ((cp >> 6) & 0x3f));
        put(0x80 | (cp & 0x3f));
        return 3;
    }
    put(0xf0 | (cp >> 18));
    put(0x80 | ((cp >> 12) & 0x3f));
    put(0x80 | ((cp >> 6) & 0x3f));
    put(0x80 | (cp & 0x3f));
    return 4;
}

/// Characters that draw nothing yet change what a reader takes a name to be: the invisible
/// format characters Unicode marks as default-ignorable (soft hyphen, zero-width space,
/// joiners and non-joiners, word joiner, byte order mark, Hangul fillers, Mongolian and Khmer
/// invisibles, interlinear annotation marks, the tag characters U+E0000..U+E007F that can
/// smuggle a whole hidden text). Variation selectors are left alone: they pick a glyph's form
/// and hide nothing.
[[nodiscard]] constexpr bool is_invisible_format(std::uint32_t cp) noexcept {
    return cp == 0x00ad || cp == 0x034f || cp == 0x115f || cp == 0x1160 || cp == 0x17b4 ||
           cp == 0x17b5 || cp == 0x180e || (cp >= 0x200b && cp <= 0x200d) ||
           (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x206a && cp <= 0x206f) || cp == 0x3164 ||
           cp == 0xfeff || cp == 0xffa0 || (cp >= 0xfff9 && cp <= 0xfffb) ||
           (cp >= 0x1d173 && cp <= 0x1d17a) || (cp >= 0xe0000 && cp <= 0xe007f);
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

/// `s` with every hidden control shown as its escape (`\u001B`, `\u202E`, `\U000E0041`, four
/// hex digits in the BMP and eight beyond it, as in Python), every noncharacter and every byte
/// that is not UTF-8 as U+FFFD. Everything else is kept, so an ordinary name is returned
/// unchanged. Every renderer, and every message that quotes a log, shows log text through it.
[[nodiscard]] inline std::string safe_text(std::string_view s) {
    static constexpr char hex[] = "0123456789ABCDEF";
    static constexpr std::string_view replacement = "\xef\xbf\xbd";  // U+FFFD
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        std::uint32_t cp = 0;
        const std::size_t n = decode_utf8(s, i, cp);
        if (n == 0) {
            out += replacement;
            ++i;
            continue;
        }
        if (is_hidden_control(cp)) {
            const bool wide = cp > 0xffff;
            out += wide ? "\\U" : "\\u";
            for (int shift = wide ? 28 : 12; shift >= 0; shift -= 4)
                out += hex[(cp >> shift) & 0xfU];
        } else if (is_noncharacter(cp)) {
            out += replacement;
        } else {
            out.append(s.substr(i, n));
        }
        i += n;
    }
    return out;
}

/// Whether `safe_text(s)` would change `s`.
[[nodiscard]] inline bool is_safe_text(std::string_view s) noexcept {
    for (std::size_t i = 0; i < s.size();) {
        std::uint32_t cp = 0;
        const std::size_t n = decode_utf8(s, i, cp);
        if (n == 0 || is_hidden_control(cp) || is_noncharacter(cp)) return false;
        i += n;
    }
    return true;
}

/// Where to cut `v` to keep at most `max` bytes of it: on a character boundary, and never
/// inside a word that holds an '@' (a mail address, whose cut-off rest would leave its local
/// part where `--redact` can no longer recognize it): such a word is left out whole.
[[nodiscard]] inline std::size_t excerpt_cut(std::string_view v, std::size_t max) noexcept {
    if (v.size() <= max) return v.size();
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0U) == 0x80U) --cut;
    const auto in_word = [](char c) {
        return static_cast<unsigned char>(c) >= 0x80 ||
               (c > ' ' && c != '"' && c != '<' && c != '>' && c != ',' && c != ';' && c != '(' &&
                c != ')' && c != 0x7F);
    };
    if (cut == 0 || !in_word(v[cut - 1]) || !in_word(v[cut])) return cut;
    std::size_t b = cut;
    while (b > 0 && in_word(v[b - 1])) --b;
    std::size_t e = cut;
    while (e < v.size() && in_word(v[e])) ++e;
    return v.substr(b, e - b).find('@') == std::string_view::npos ? cut : b;
}

/// `v` in double quotes, for a message: cut to at most `max` bytes (see `excerpt_cut`; then
/// ending in "…"), C0 controls and DEL shown as spaces, and then through `safe_text`, so that
/// no byte of a log reaches a terminal or a log file unchecked through an error message.
[[nodiscard]] inline std::string quoted_excerpt(std::string_view v, std::size_t max = 60) {
    const std::size_t cut = excerpt_cut(v, max);
    std::string out = "\"";
    out.append(v.substr(0, cut));
    for (std::size_t i = 1; i < out.size(); ++i) {
        if (static_cast<unsigned char>(out[i]) < 0x20 || out[i] == 0x7F) out[i] = ' ';
    }
    if (!is_safe_text(out)) out = safe_text(out);
    if (cut < v.size()) out += "…";
    out += '"';
    return out;
}

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_CORE_UTF8_HPP
