// ISO-8601 instants and UTC offsets. Hot path: parse_timestamp runs once per record.
#include "casreport/time.hpp"

#include <cstdio>

#include "casreport/detail/ascii.hpp"
#include "civil.hpp"

namespace casreport {
namespace {

using detail::is_ascii_digit;

constexpr std::int64_t micros_per_second = 1'000'000;

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

/// The form CAS writes, `2025-06-02T00:15:42.123Z` (the separators are checked by the caller),
/// read without any search: all 17 digits are checked at once, then combined.
std::optional<timestamp> parse_canonical(std::string_view s) noexcept {
    static constexpr unsigned char at[17] = {0,  1,  2,  3,  5,  6,  8,  9, 11,
                                             12, 14, 15, 17, 18, 20, 21, 22};
    unsigned d[17];
    unsigned bad = 0;
    for (int i = 0; i < 17; ++i) {
        d[i] = static_cast<unsigned>(static_cast<unsigned char>(s[at[i]])) - '0';
        bad |= d[i] > 9 ? 1U : 0U;
    }
    if (bad != 0) return std::nullopt;
    const int year = static_cast<int>(d[0] * 1000 + d[1] * 100 + d[2] * 10 + d[3]);
    const int month = static_cast<int>(d[4] * 10 + d[5]);
    const int day = static_cast<int>(d[6] * 10 + d[7]);
    const int hour = static_cast<int>(d[8] * 10 + d[9]);
    const int minute = static_cast<int>(d[10] * 10 + d[11]);
    const int second = static_cast<int>(d[12] * 10 + d[13]);
    const int millis = static_cast<int>(d[14] * 100 + d[15] * 10 + d[16]);
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > detail::days_in_month(year, month) ||
        hour > 23 || minute > 59 || second > 59) {
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
    return timestamp(std::chrono::microseconds(seconds * micros_per_second + micros));
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
    return format_fields(seconds + std::int64_t{zone.minutes} * 60, micros, false,
                         to_string(zone));
}

std::optional<utc_offset> parse_utc_offset(std::string_view text) noexcept {
    const std::string_view t = detail::trim(text);
    if (t == "Z" || t == "z" || detail::iequals(t, "utc")) return utc_offset{0};
    const auto m = read_offset_minutes(t);
    if (!m) return std::nullopt;
    return utc_offset{*m};
}

std::string to_string(utc_offset z) {
    const int a = z.minutes < 0 ? -z.minutes : z.minutes;
    char buf[16];
    const int n = std::snprintf(buf, sizeof buf, "%c%02d:%02d", z.minutes < 0 ? '-' : '+', a / 60,
                                a % 60);
    return {buf, static_cast<std::size_t>(n)};
}

}  // namespace casreport
