// Small, locale-free ASCII helpers shared by the normalizers. Header-only.
#ifndef CASREPORT_DETAIL_ASCII_HPP
#define CASREPORT_DETAIL_ASCII_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace casreport::detail {

constexpr bool is_ascii_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

constexpr char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool is_ascii_digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr bool is_ascii_alnum(char c) noexcept {
    return is_ascii_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/// `s` without leading and trailing ASCII white space.
constexpr std::string_view trim(std::string_view s) noexcept {
    std::size_t b = 0;
    std::size_t e = s.size();
    while (b < e && is_ascii_space(s[b])) ++b;
    while (e > b && is_ascii_space(s[e - 1])) --e;
    return s.substr(b, e - b);
}

/// ASCII case-insensitive equality; other bytes compare exactly.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
}

/// Whether `hay` starts with `lower_prefix` (given in lower case), ignoring ASCII case.
constexpr bool istarts_with(std::string_view hay, std::string_view lower_prefix) noexcept {
    if (hay.size() < lower_prefix.size()) return false;
    for (std::size_t i = 0; i < lower_prefix.size(); ++i) {
        if (ascii_lower(hay[i]) != lower_prefix[i]) return false;
    }
    return true;
}

/// Whether `hay` contains `lower_needle` (given in lower case), ignoring ASCII case.
constexpr bool icontains(std::string_view hay, std::string_view lower_needle) noexcept {
    if (lower_needle.empty()) return true;
    if (hay.size() < lower_needle.size()) return false;
    for (std::size_t i = 0; i + lower_needle.size() <= hay.size(); ++i) {
        if (istarts_with(hay.substr(i), lower_needle)) return true;
    }
    return false;
}

/// Whether `s` holds an ASCII capital letter: eight bytes at a time.
inline bool has_ascii_upper(std::string_view s) noexcept {
    constexpr std::uint64_t ones = 0x0101010101010101ULL;
    constexpr std::uint64_t high = 0x8080808080808080ULL;
    const auto upper_bytes = [](std::uint64_t w) {
        // Per byte, without carries between bytes: set bit 7 when 'A' <= byte <= 'Z'.
        const std::uint64_t low7 = w & ~high;
        const std::uint64_t ge_a = low7 + (0x80 - 'A') * ones;
        const std::uint64_t gt_z = low7 + (0x80 - 'Z' - 1) * ones;
        return ge_a & ~gt_z & ~w & high;
    };
    const auto word = [&s](std::size_t at, std::size_t n) {
        std::uint64_t w = 0;  // byte order does not matter: any byte may be the capital
        std::memcpy(&w, s.data() + at, n);
        return w;
    };
    const std::size_t n = s.size();
    if (n == 0) return false;  // an empty view may have no data at all: memcpy must not see it
    if (n < 8) return upper_bytes(word(0, n)) != 0;
    std::uint64_t any = 0;
    for (std::size_t i = 0; i + 8 <= n; i += 8) any |= upper_bytes(word(i, 8));
    return (any | upper_bytes(word(n - 8, 8))) != 0;
}

/// Appends `s` to `out`, ASCII-lower-cased.
inline void append_lower(std::string& out, std::string_view s) {
    const std::size_t at = out.size();
    out.append(s);
    for (std::size_t i = at; i < out.size(); ++i) out[i] = ascii_lower(out[i]);
}

/// Lower-cases `s` and drops every byte listed in `drop` into a fixed buffer, for alias lookups.
/// Returns an empty view when the folded text would not fit (no alias is that long).
template <std::size_t N>
constexpr std::string_view fold_into(char (&buf)[N], std::string_view s,
                                     std::string_view drop) noexcept {
    std::size_t n = 0;
    for (char c : s) {
        if (drop.find(c) != std::string_view::npos) continue;
        if (n == N) return {};
        buf[n++] = ascii_lower(c);
    }
    return {buf, n};
}

}  // namespace casreport::detail

#endif  // CASREPORT_DETAIL_ASCII_HPP
