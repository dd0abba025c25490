// ISO-8601 instants and UTC offsets. Hot path: parse_timestamp runs once per record.
#include "casreport/time.hpp"

#include <cstdint>
#include <cstdio>
#include <cstring>

#include "casreport/detail/ascii.hpp"
#include "civil.hpp"

namespace casreport {
namespace {

using detail::is_ascii_digit;

constexpr std::int64_t micros_per_second = 1'000'000;
static_assert(min_timestamp.time_since_epoch().count() ==
              detail::days_from_civil(1, 1, 1) * 86400 * micros_per_second);
static_assert(max_timestamp.time_since_epoch().count() ==
              detail::days_from_civil(10000, 1, 1) * 86400 * micros_per_second - 1);

/// Reads exactly `n` digits at `s[i..]`.
bool read_digits(std::string_view s, std::size_t i, std::size_t n, int& out) noexcept {
    if (i + n > s.size()) return false;
    int v = 0;
    for (std::size_t k = 0; k < n; ++k) {
        const char c = s[i + k];
        if (!is_ascii_digit(c)) return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

/// Reads `±HH:MM`, `±HHMM` or `±HH` at the whole of `s`.
std::optional<int> read_offset_minutes(std::string_view s) noexcept {
    if (s.size() < 3 || (s[0] != '+' && s[0] != '-')) return std::nullopt;
    int h = 0;
    int m = 0;
    if (!read_digits(s, 1, 2, h)) return std::nullopt;
    if (s.size() == 6 && s[3] == ':') {
        if (!read_digits(s, 4, 2, m)) return std::nullopt;
    } else if (s.size() == 5) {
        if (!read_digits(s, 3, 2, m)) return std::nullopt;
    } else if (s.size() != 3) {
        return std::nullopt;
    }
    if (h > 23 || m > 59) return std::nullopt;
    const int total = h * 60 + m;
    return s[0] == '-' ? -total : total;
}

/// Whether every byte of `w` is an ASCII digit (no carry can hide a bad byte: one that carries
/// fails the first test itself).
constexpr bool all_digits(std::uint64_t w) noexcept {
    constexpr std::uint64_t high = 0xf0f0f0f0f0f0f0f0ULL;
    return ((w & high) | (((w + 0x0606060606060606ULL) & high) >> 4)) == 0x3333333333333333ULL;
}

/// Byte `i` of `w`.
constexpr unsigned byte_at(std::uint64_t w, int i) noexcept {
    return static_cast<unsigned>((w >> (8 * i)) & 0xff);
}

/// The form CAS writes, `2025-06-02T00:15:42.123Z` (the separators are checked by the caller),
/// read as three 8-byte words: the separators are replaced by '0', all 24 bytes are checked to
/// be digits at once, then the fields are combined.
std::optional<timestamp> parse_canonical(std::string_view s) noexcept {
    constexpr std::uint64_t zeros = 0x3030303030303030ULL;
    // Separator bytes: "YYYY-MM-" 4, 7; "DDTHH:MM" 2, 5; ":SS.mmmZ" 0, 3, 7.
    constexpr std::uint64_t sep_a = 0xff0000ff00000000ULL;
    constexpr std::uint64_t sep_b = 0x0000ff0000ff0000ULL;
    constexpr std::uint64_t sep_c = 0xff000000ff0000ffULL;
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    std::uint64_t c = 0;
    std::memcpy(&a, s.data(), 8);
    std::memcpy(&b, s.data() + 8, 8);
    std::memcpy(&c, s.data() + 16, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    a = __builtin_bswap64(a);
    b = __builtin_bswap64(b);
    c = __builtin_bswap64(c);
#endif
    a = (a & ~sep_a) | (zeros & sep_a);
    b = (b & ~sep_b) | (zeros & sep_b);
    c = (c & ~sep_c) | (zeros & sep_c);
    if (!all_digits(a) || !all_digits(b) || !all_digits(c)) return std::nullopt;
    a -= zeros;
    b -= zeros;
    c -= zeros;
    const auto year = static_cast<int>(byte_at(a, 0) * 1000 + byte_at(a, 1) * 100 +
                                       byte_at(a, 2) * 10 + byte_at(a, 3));
    const auto month = static_cast<int>(byte_at(a, 5) * 10 + byte_at(a, 6));
    const auto day = static_cast<int>(byte_at(b, 0) * 10 + byte_at(b, 1));
    const auto hour = static_cast<int>(byte_at(b, 3) * 10 + byte_at(b, 4));
    const auto minute = static_cast<int>(byte_at(b, 6) * 10 + byte_at(b, 7));
    const auto second = static_cast<int>(byte_at(c, 1) * 10 + byte_at(c, 2));
    const auto millis = static_cast<int>(byte_at(c, 4) * 100 + byte_at(c, 5) * 10 + byte_at(c, 6));
    if (year < 1 || month < 1 || month > 12 || day < 1 ||
        day > detail::days_in_month(year, month) || hour > 23 || minute > 59 || second > 59) {
        return std::nullopt;
    }
    const std::int64_t seconds =
        detail::days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
    return timestamp(std::chrono::microseconds(seconds * micros_per_second + millis * 1000));
}

std::optional<timestamp> parse_impl(std::string_view text, int naive_offset) noexcept {
    if (text.size() == 24 && text[4] == '-' && text[7] == '-' && text[10] == 'T' &&
        text[13] == ':' && text[16] == ':' && text[19] == '.' && text[23] == 'Z') {
        return parse_canonical(text);
    }
    const std::string_view s = detail::trim(text);
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    // YYYY-MM-DD?HH:MM
    if (s.size() < 16 || !read_digits(s, 0, 4, year) || s[4] != '-' ||
        !read_digits(s, 5, 2, month) || s[7] != '-' || !read_digits(s, 8, 2, day) ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !read_digits(s, 11, 2, hour) ||
        s[13] != ':' || !read_digits(s, 14, 2, minute)) {
        return std::nullopt;
    }
    std::size_t i = 16;
    if (i < s.size() && s[i] == ':') {
        if (!read_digits(s, i + 1, 2, second)) return std::nullopt;
        i += 3;
    }
    std::int64_t micros = 0;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        const std::size_t first = i;
        std::int64_t scale = 100'000;
        while (i < s.size() && is_ascii_digit(s[i])) {
            micros += (s[i] - '0') * scale;  // digits past the sixth have scale 0
            scale /= 10;
            ++i;
        }
        if (i == first) return std::nullopt;
    }
    int offset = naive_offset;
    const std::string_view zone = s.substr(i);
    if (zone.size() == 1 && (zone[0] == 'Z' || zone[0] == 'z')) {
        offset = 0;
    } else if (!zone.empty()) {
        const auto o = read_offset_minutes(zone);
        if (!o) return std::nullopt;
        offset = *o;
    }
    if (year < 1 || month < 1 || month > 12 || day < 1 ||
        day > detail::days_in_month(year, month) || hour > 23 || minute > 59 || second > 59) {
        return std::nullopt;
    }
    const std::int64_t days = detail::days_from_civil(year, month, day);
    const std::int64_t seconds =
        days * 86400 + hour * 3600 + minute * 60 + second - std::int64_t{offset} * 60;
    // An offset may carry the first or last day of the calendar past the range in UTC.
    const timestamp t(std::chrono::microseconds(seconds * micros_per_second + micros));
    if (!in_timestamp_range(t)) return std::nullopt;
    return t;
}

/// Splits an instant into whole seconds (floored) and microseconds.
void split(timestamp t, std::int64_t& seconds, std::int64_t& micros) noexcept {
    const std::int64_t us = t.time_since_epoch().count();
    seconds = us / micros_per_second;
    micros = us % micros_per_second;
    if (micros < 0) {
        micros += micros_per_second;
        --seconds;
    }
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

std::string format_fields(std::int64_t seconds, std::int64_t micros, bool with_fraction,
                          std::string_view suffix) {
    const std::int64_t days = floor_div(seconds, 86400);
    const std::int64_t rem = seconds - days * 86400;
    const detail::civil_date d = detail::civil_from_days(days);
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", d.year, d.month, d.day,
                          static_cast<int>(rem / 3600), static_cast<int>(rem % 3600 / 60),
                          static_cast<int>(rem % 60));
    std::string out(buf, static_cast<std::size_t>(n));
    if (with_fraction) {
        if (micros % 1000 == 0) {
            n = std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(micros / 1000));
        } else {
            n = std::snprintf(buf, sizeof buf, ".%06d", static_cast<int>(micros));
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
    out.append(suffix);
    return out;
}

}  // namespace

std::optional<timestamp> parse_timestamp(std::string_view text) noexcept {
    return parse_impl(text, 0);
}

std::optional<timestamp> parse_timestamp(std::string_view text, utc_offset zone) noexcept {
    return parse_impl(text, zone.minutes);
}

std::string format_utc(timestamp t) {
    std::int64_t seconds = 0;
    std::int64_t micros = 0;
    split(t, seconds, micros);
    return format_fields(seconds, micros, true, "Z");
}

std::string format_in_zone(timestamp t, utc_offset zone) {
    std::int64_t seconds = 0;
    std::int64_t micros = 0;
    split(t, seconds, micros);
    return format_fields(seconds + std::int64_t{zone.minutes} * 60, micros, false, to_string(zone));
}

std::optional<utc_offset> parse_utc_offset(std::string_view text) noexcept {
    const std::string_view t = detail::trim(text);
    if (t == "Z" || t == "z" || detail::iequals(t, "utc")) return utc_offset{0};
    const auto m = read_offset_minutes(t);
    if (!m) return std::nullopt;
    return utc_offset{*m};
}

std::optional<calendar_date> parse_date(std::string_view text) noexcept {
    const std::string_view t = detail::trim(text);
    if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
    int fields[3] = {0, 0, 0};
    const std::size_t starts[3] = {0, 5, 8};
    const std::size_t lengths[3] = {4, 2, 2};
    for (int f = 0; f < 3; ++f) {
        for (std::size_t i = starts[f]; i < starts[f] + lengths[f]; ++i) {
            if (t[i] < '0' || t[i] > '9') return std::nullopt;
            fields[f] = fields[f] * 10 + (t[i] - '0');
        }
    }
    const calendar_date d{fields[0], fields[1], fields[2]};
    if (d.year < 1 || d.month < 1 || d.month > 12 || d.day < 1 ||
        d.day > detail::days_in_month(d.year, d.month)) {
        return std::nullopt;
    }
    return d;
}

std::string to_string(calendar_date d) {
    char buf[32];
    const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
    return {buf, static_cast<std::size_t>(n)};
}

calendar_date date_in_zone(timestamp t, utc_offset zone) noexcept {
    std::int64_t seconds = 0;
    std::int64_t micros = 0;
    split(t, seconds, micros);
    seconds += std::int64_t{zone.minutes} * 60;
    const std::int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
    const detail::civil_date c = detail::civil_from_days(days);
    return {c.year, c.month, c.day};
}

std::string to_string(utc_offset z) {
    const int a = z.minutes < 0 ? -z.minutes : z.minutes;
    char buf[16];
    const int n =
        std::snprintf(buf, sizeof buf, "%c%02d:%02d", z.minutes < 0 ? '-' : '+', a / 60, a % 60);
    return {buf, static_cast<std::size_t>(n)};
}

}  // namespace casreport
