// UTF-8 for the decoders that read text themselves (CSV, CEF), and for messages that quote
// input. Private to lib/.
#ifndef CASREPORT_LIB_DECODE_UTF8_HPP
#define CASREPORT_LIB_DECODE_UTF8_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace casreport::detail {

/// Whether `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
/// U+10FFFF). ASCII runs are checked eight bytes at a time.
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
        const unsigned char c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        std::size_t n = 0;
        unsigned char lo = 0x80;  // bounds of the second byte
        unsigned char hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            if (c == 0xE0) lo = 0xA0;  // overlong
            if (c == 0xED) hi = 0x9F;  // surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            if (c == 0xF0) lo = 0x90;  // overlong
            if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
        } else {
            return false;
        }
        if (static_cast<std::size_t>(end - p) <= n) return false;
        if (p[1] < lo || p[1] > hi) return false;
        for (std::size_t k = 2; k <= n; ++k) {
            if ((p[k] & 0xC0U) != 0x80U) return false;
        }
        p += n + 1;
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
/// ending in "…"), control characters shown as spaces.
[[nodiscard]] inline std::string quoted_excerpt(std::string_view v, std::size_t max = 60) {
    const std::size_t cut = excerpt_cut(v, max);
    std::string out = "\"";
    out.append(v.substr(0, cut));
    for (std::size_t i = 1; i < out.size(); ++i) {
        if (static_cast<unsigned char>(out[i]) < 0x20 || out[i] == 0x7F) out[i] = ' ';
    }
    if (cut < v.size()) out += "…";
    out += '"';
    return out;
}

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_DECODE_UTF8_HPP
