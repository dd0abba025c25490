// One NDJSON event line → raw_event, validating as Boost.JSON does. See fast_scan.hpp.
#include "fast_scan.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "../core/utf8.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace casreport::detail {
namespace {

// Where a key's value goes: a row of raw_fields (and of fast_scratch::decoded), or one of these.
constexpr int no_field = -1;
constexpr int message_object = 100;
constexpr int page_array = 101;

/// Little-endian word of the 8 bytes of `s` at `at` (zero past its end).
constexpr std::uint64_t word(std::string_view s, std::size_t at) noexcept {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8 && at + i < s.size(); ++i) {
        v |= std::uint64_t{static_cast<unsigned char>(s[at + i])} << (8 * i);
    }
    return v;
}

/// A key we look for, as little-endian words: the bytes at 0, 8, 16, ... that fit whole, then
/// the last 8 (overlapping); keys shorter than 8 bytes are one zero-padded word.
struct key_pattern {
    std::size_t n;
    std::uint64_t w[4];
};

constexpr key_pattern pattern(std::string_view name) noexcept {
    key_pattern k{name.size(), {0, 0, 0, 0}};
    std::size_t i = 0;
    if (name.size() < 8) {
        k.w[0] = word(name, 0);
        return k;
    }
    for (std::size_t off = 0; off + 8 <= name.size(); off += 8) k.w[i++] = word(name, off);
    k.w[i] = word(name, name.size() - 8);
    return k;
}

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "fast_scan compares keys as LE words");

/// Whether the `n` bytes at `p` are the key of `k`: every byte is covered by a word compare.
inline bool matches(const char* p, std::size_t n, const key_pattern& k) noexcept {
    if (n != k.n) return false;
    std::uint64_t v = 0;
    if (n < 8) {
        std::memcpy(&v, p, n);
        return v == k.w[0];
    }
    std::size_t i = 0;
    for (std::size_t off = 0; off + 8 <= n; off += 8) {
        std::memcpy(&v, p + off, 8);
        if (v != k.w[i++]) return false;
    }
    std::memcpy(&v, p + n - 8, 8);
    return v == k.w[i];
}

/// The keys of one scope by length (at most two of one length, or this fails to compile), made
/// from raw_fields: looking a key up is one index and one or two word compares.
struct key_entry {
    key_pattern pattern;
    int field;
};
struct key_bucket {
    key_entry entry[2];
    int size;
};
constexpr std::size_t longest_key = 32;
using key_table = std::array<key_bucket, longest_key + 1>;

constexpr key_table keys_of(field_scope scope) noexcept {
    key_table t{};
    const auto add = [&t](std::string_view k, int f) {
        key_bucket& b = t[k.size()];
        b.entry[b.size++] = {pattern(k), f};
    };
    for (std::size_t i = 0; i < raw_field_count; ++i) {
        if (raw_fields[i].scope == scope) add(raw_fields[i].key, static_cast<int>(i));
    }
    if (scope == field_scope::top) {
        add("message", message_object);
        add("security_events", page_array);
    }
    return t;
}
constexpr key_table top_keys = keys_of(field_scope::top);
constexpr key_table message_keys = keys_of(field_scope::message);

inline int find_key(const key_table& t, const char* p, std::size_t n) noexcept {
    if (n > longest_key) return no_field;
    const key_bucket& b = t[n];
    for (int i = 0; i < b.size; ++i) {
        if (matches(p, n, b.entry[i].pattern)) return b.entry[i].field;
    }
    return no_field;
}

/// Hex digit values by byte; 0xff for every other byte.
constexpr std::array<unsigned char, 256> hex_digits = [] {
    std::array<unsigned char, 256> t{};
    for (unsigned c = 0; c < 256; ++c) {
        t[c] = c >= '0' && c <= '9'   ? static_cast<unsigned char>(c - '0')
               : c >= 'a' && c <= 'f' ? static_cast<unsigned char>(c - 'a' + 10)
               : c >= 'A' && c <= 'F' ? static_cast<unsigned char>(c - 'A' + 10)
                                      : 0xff;
    }
    return t;
}();

/// Four hex digits at `p` (bounds checked by the caller), or -1: no branch per digit.
int read_hex4(const char* p) noexcept {
    const auto d = [p](int i) { return unsigned{hex_digits[static_cast<unsigned char>(p[i])]}; };
    const unsigned a = d(0);
    const unsigned b = d(1);
    const unsigned c = d(2);
    const unsigned e = d(3);
    if (((a | b | c | e) & 0xf0U) != 0) return -1;
    return static_cast<int>((a << 12) | (b << 8) | (c << 4) | e);
}

/// Bit i of the result is set when byte i of the 64 at `p` is '"', '\\', below 0x20 or above
/// 0x7f.
inline std::uint64_t special_bits(const char* p) noexcept {
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    std::uint64_t r = 0;
    for (int i = 0; i < 4; ++i) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
        // Signed: bytes >= 0x80 are negative, so "less than 0x20" also catches non-ASCII.
        const __m128i s =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                         _mm_cmplt_epi8(v, space));
        r |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(s))) << (16 * i);
    }
    return r;
#else
    std::uint64_t r = 0;
    for (int i = 0; i < 64; ++i) {
        const auto c = static_cast<unsigned char>(p[i]);
        if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) r |= std::uint64_t{1} << i;
    }
    return r;
#endif
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CASREPORT_HAVE_AVX2_DISPATCH 1
/// special_bits with 32-byte vectors, for CPUs that have AVX2 (chosen at run time).
__attribute__((target("avx2"))) std::uint64_t special_bits_avx2(const char* p) noexcept {
    const __m256i quote = _mm256_set1_epi8('"');
    const __m256i backslash = _mm256_set1_epi8('\\');
    const __m256i space = _mm256_set1_epi8(0x20);
    std::uint64_t r = 0;
    for (int i = 0; i < 2; ++i) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * i));
        const __m256i s = _mm256_or_si256(
            _mm256_or_si256(_mm256_cmpeq_epi8(v, quote), _mm256_cmpeq_epi8(v, backslash)),
            _mm256_cmpgt_epi8(space, v));
        r |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm256_movemask_epi8(s)))
             << (32 * i);
    }
    return r;
}

/// newline_bits with 32-byte vectors.
__attribute__((target("avx2"))) std::uint64_t newline_bits_avx2(const char* p) noexcept {
    const __m256i nl = _mm256_set1_epi8('\n');
    std::uint64_t r = 0;
    for (int i = 0; i < 2; ++i) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * i));
        r |= static_cast<std::uint64_t>(
                 static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, nl))))
             << (32 * i);
    }
    return r;
}

__attribute__((target("avx2"))) std::size_t classify_to_newline_avx2(
    const char* first, std::size_t full, std::uint64_t* out, std::uint64_t& newlines) noexcept {
    for (std::size_t b = 0; b < full; ++b) {
        out[b] = special_bits_avx2(first + 64 * b);
        const std::uint64_t m = newline_bits_avx2(first + 64 * b);
        if (m != 0) {
            newlines = m;
            return b;
        }
    }
    return full;
}
#endif

/// Bit i set when byte i of the 64 at `p` is '\n'.
inline std::uint64_t newline_bits(const char* p) noexcept {
#if defined(__SSE2__)
    const __m128i nl = _mm_set1_epi8('\n');
    std::uint64_t r = 0;
    for (int i = 0; i < 4; ++i) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
        r |= static_cast<std::uint64_t>(
                 static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl))))
             << (16 * i);
    }
    return r;
#else
    std::uint64_t r = 0;
    for (int i = 0; i < 64; ++i) {
        if (p[i] == '\n') r |= std::uint64_t{1} << i;
    }
    return r;
#endif
}

std::size_t classify_to_newline(const char* first, std::size_t full, std::uint64_t* out,
                                std::uint64_t& newlines) noexcept {
    for (std::size_t b = 0; b < full; ++b) {
        out[b] = special_bits(first + 64 * b);
        const std::uint64_t m = newline_bits(first + 64 * b);
        if (m != 0) {
            newlines = m;
            return b;
        }
    }
    return full;
}

/// Classifies up to `full` blocks, stopping after the first that holds a '\n': returns its
/// index (its '\n' bits in `newlines`), or `full` when none does.
using classify_line_fn = std::size_t (*)(const char*, std::size_t, std::uint64_t*,
                                         std::uint64_t&) noexcept;

classify_line_fn pick_line_classifier() noexcept {
#if defined(CASREPORT_HAVE_AVX2_DISPATCH)
    if (__builtin_cpu_supports("avx2")) return classify_to_newline_avx2;
#endif
    return classify_to_newline;
}

class scanner {
public:
    scanner(const char* first, const char* last, raw_event& ev, fast_scratch& scratch) noexcept
        : p_(first), end_(last), base_(first), ev_(ev), scratch_(scratch) {}

    /// Scans the line, whose masks `classify_line` has put in `scratch`.
    bool run() {
        special_ = scratch_.special.data();
        blocks_ = scratch_.blocks;
        ev_ = raw_event{};
        if (!object(true, 0)) return false;
        skip_ws();
        return p_ == end_;  // nothing but white space may follow the object
    }

private:
    static constexpr int max_depth = 64;  // deeper documents go to the general decoder

    /// Skips ' ', '\t' and '\r'. Compact JSON has none: one compare says so.
    __attribute__((always_inline)) void skip_ws() noexcept {
        while (static_cast<unsigned char>(*p_) <= ' ' &&
               (*p_ == ' ' || *p_ == '\t' || *p_ == '\r')) {
            ++p_;
        }
    }

    bool expect(char c) noexcept {
        skip_ws();
        if (p_ == end_ || *p_ != c) return false;
        ++p_;
        return true;
    }

    /// Validates the escape at `p_` (just after the backslash); moves past it.
    bool escape() noexcept {
        if (p_ == end_) return false;
        const char c = *p_++;
        if (c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' ||
            c == 't') {
            return true;
        }
        if (c != 'u' || end_ - p_ < 4) return false;
        const int u = read_hex4(p_);
        if (u < 0) return false;
        p_ += 4;
        if (u >= 0xdc00 && u <= 0xdfff) return false;  // a trailing surrogate alone
        if (u >= 0xd800 && u <= 0xdbff) {              // must pair with a trailing one
            if (end_ - p_ < 6 || p_[0] != '\\' || p_[1] != 'u') return false;
            const int lo = read_hex4(p_ + 2);
            if (lo < 0xdc00 || lo > 0xdfff) return false;
            p_ += 6;
        }
        return true;
    }

    /// The first special byte (see fast_scratch::special) at or after `p`, or `end_`.
    __attribute__((always_inline)) const char* next_special(const char* p) const noexcept {
        // The masks read as one little-endian bit string: the 8 bytes holding bit `off` give
        // the next 57 to 64 bits whatever the block boundaries (the masks end in a spare
        // word). A string's end is nearly always among them, and no branch depends on where
        // the blocks end.
        const auto off = static_cast<std::size_t>(p - base_);
        std::uint64_t window = 0;
        std::memcpy(&window, reinterpret_cast<const char*>(special_) + (off >> 3), 8);
        window >>= off & 7;
        if (window != 0) return p + __builtin_ctzll(window);
        return next_special_far(p);
    }

    /// next_special past a window without special bytes.
    __attribute__((noinline)) const char* next_special_far(const char* p) const noexcept {
        const auto off = static_cast<std::size_t>(p - base_);
        std::size_t b = off >> 6;
        std::uint64_t m = special_[b] >> (off & 63);
        if (m != 0) return p + __builtin_ctzll(m);
        for (++b; b < blocks_; ++b) {
            if (special_[b] != 0) return base_ + 64 * b + __builtin_ctzll(special_[b]);
        }
        return end_;
    }

    /// A string at `p_` (on its opening quote). Sets [b, e) to the raw text between the quotes
    /// and `escaped` when it holds escapes; moves past the closing quote.
    __attribute__((always_inline)) bool string(const char*& b, const char*& e,
                                               bool& escaped) noexcept {
        ++p_;
        b = p_;
        escaped = false;
        // Most strings hold nothing special: their first marked byte is the closing quote.
        const char* q = next_special(p_);
        if (*q == '"') {
            e = q;
            p_ = q + 1;
            return true;
        }
        p_ = q;
        return string_rest(e, escaped);
    }

    /// The rest of a string with escapes, control characters or non-ASCII, from `p_`.
    __attribute__((noinline)) bool string_rest(const char*& e, bool& escaped) noexcept {
        for (;;) {
            p_ = next_special(p_);
            if (p_ >= end_) {
                p_ = end_;
                return false;
            }
            const auto c = static_cast<unsigned char>(*p_);
            if (c == '"') {
                e = p_++;
                return true;
            }
            if (c == '\\') {
                ++p_;
                escaped = true;
                if (!escape()) return false;
            } else if (c < 0x20) {
                return false;
            } else {
                // Non-ASCII text comes in runs (a Japanese word): check the whole run here. The
                // byte at end_ is ASCII, so the run stops there at the latest.
                do {
                    const auto* u = reinterpret_cast<const unsigned char*>(p_);
                    if (end_ - p_ >= 3 && is_common_3byte(u[0], u[1], u[2])) {
                        p_ += 3;
                        continue;
                    }
                    const std::size_t n =
                        utf8_sequence_at(u, reinterpret_cast<const unsigned char*>(end_));
                    if (n == 0) return false;
                    p_ += n;
                } while (static_cast<unsigned char>(*p_) >= 0x80);
            }
        }
    }

    /// Decodes the validated JSON string text [b, e) into `out`. The decoded text is never
    /// longer than its escaped form, so it is written in place after one resize.
    static void decode(const char* b, const char* e, std::string& out) {
        out.resize(static_cast<std::size_t>(e - b));
        char* o = out.data();
        const auto put = [&o](std::uint32_t c) { *o++ = static_cast<char>(c); };
        while (b < e) {
            const char* bs =
                static_cast<const char*>(std::memchr(b, '\\', static_cast<std::size_t>(e - b)));
            const char* run_end = bs == nullptr ? e : bs;
            std::memcpy(o, b, static_cast<std::size_t>(run_end - b));
            o += run_end - b;
            if (bs == nullptr) break;
            const char c = bs[1];
            b = bs + 2;
            switch (c) {
                case 'b': put('\b'); break;
                case 'f': put('\f'); break;
                case 'n': put('\n'); break;
                case 'r': put('\r'); break;
                case 't': put('\t'); break;
                case 'u': {
                    auto cp = static_cast<std::uint32_t>(read_hex4(b));
                    b += 4;
                    if (cp >= 0xd800 && cp <= 0xdbff) {
                        const auto lo = static_cast<std::uint32_t>(read_hex4(b + 2));
                        b += 6;
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    }
                    o += encode_utf8(cp, o);
                    break;
                }
                default: put(static_cast<unsigned char>(c)); break;  // " \ /
            }
        }
        out.resize(static_cast<std::size_t>(o - out.data()));
    }

    bool literal(std::string_view word) noexcept {
        if (static_cast<std::size_t>(end_ - p_) < word.size() ||
            std::memcmp(p_, word.data(), word.size()) != 0) {
            return false;
        }
        p_ += word.size();
        return true;
    }

    /// Validates and skips any value except numbers (which never occur in CAS events).
    bool skip_value(int depth) noexcept {
        skip_ws();
        if (p_ == end_) return false;
        switch (*p_) {
            case '"': {
                const char* b = nullptr;
                const char* e = nullptr;
                bool escaped = false;
                return string(b, e, escaped);
            }
            case '{': return depth < max_depth && object(false, depth + 1);
            case '[': return depth < max_depth && array(depth + 1);
            case 't': return literal("true");
            case 'f': return literal("false");
            case 'n': return literal("null");
            default: return false;
        }
    }

    bool array(int depth) noexcept {
        ++p_;
        skip_ws();
        if (p_ < end_ && *p_ == ']') {
            ++p_;
            return true;
        }
        for (;;) {
            if (!skip_value(depth)) return false;
            skip_ws();
            if (p_ == end_) return false;
            const char c = *p_++;
            if (c == ']') return true;
            if (c != ',') return false;
        }
    }

    /// The value of a captured field: a string is kept, anything else makes the field absent.
    bool field_value(int f, int depth) {
        skip_ws();
        if (p_ == end_) return false;
        std::string_view& dst = ev_.*raw_fields[f].member;
        if (*p_ != '"') {
            dst = {};
            return skip_value(depth);
        }
        const char* b = nullptr;
        const char* e = nullptr;
        bool escaped = false;
        if (!string(b, e, escaped)) return false;
        capture(f, b, e, escaped);
        return true;
    }

    /// An object: the top-level event (`top`), its `message`, or any other (skipped).
    /// `depth` 0 is the event; 1 is `message` when `in_message`.
    bool object(bool top, int depth, bool in_message = false) {
        if (p_ == end_ || *p_ != '{') return false;
        ++p_;
        skip_ws();
        if (p_ < end_ && *p_ == '}') {
            ++p_;
            return true;
        }
        // Compact JSON has no white space between tokens: each step first looks at the next
        // byte (readable even at end_, see the contract) and skips spaces only when needed.
        for (;;) {
            if (*p_ != '"') {
                skip_ws();
                if (p_ == end_ || *p_ != '"') return false;
            }
            const char* kb = nullptr;
            const char* ke = nullptr;
            bool escaped = false;
            if (!string(kb, ke, escaped) || escaped) return false;  // escaped keys: general path
            if (*p_ == ':') {
                ++p_;
            } else if (!expect(':')) {
                return false;
            }
            int f = no_field;
            if (top || in_message) {
                const auto n = static_cast<std::size_t>(ke - kb);
                f = find_key(top ? top_keys : message_keys, kb, n);
            }
            if (*p_ != '"') skip_ws();
            if (*p_ == '"' && f != page_array) {
                // The common case, kept in this loop: a string value, kept or skipped.
                const char* vb = nullptr;
                const char* ve = nullptr;
                bool escaped_value = false;
                if (!string(vb, ve, escaped_value)) return false;
                if (f >= 0 && f < message_object) capture(f, vb, ve, escaped_value);
            } else if (!value(f, depth)) {
                return false;
            }
            if (*p_ == ',') {
                ++p_;
                continue;
            }
            skip_ws();
            if (p_ == end_) return false;
            const char c = *p_++;
            if (c == '}') return true;
            if (c != ',') return false;
        }
    }

    /// Keeps the string text [b, e) as field `f`, decoded when it holds escapes.
    void capture(int f, const char* b, const char* e, bool escaped) {
        std::string_view& dst = ev_.*raw_fields[f].member;
        if (!escaped) {
            dst = std::string_view(b, static_cast<std::size_t>(e - b));
        } else {
            std::string& buf = scratch_.decoded[static_cast<std::size_t>(f)];
            decode(b, e, buf);
            dst = buf;
        }
    }

    /// Any value but a string, of the key whose field is `f`.
    bool value(int f, int depth) {
        {
            bool ok = false;
            if (f == page_array) {
                return false;  // an API page: the general decoder reads its elements
            } else if (f == message_object) {
                skip_ws();
                if (p_ < end_ && *p_ == '{') {
                    // A repeated `message` replaces the earlier one.
                    if (message_seen_) {
                        for (const raw_field_row& r : raw_fields) {
                            if (r.scope == field_scope::message) ev_.*r.member = {};
                        }
                    }
                    message_seen_ = true;
                    ok = object(false, depth + 1, true);
                } else {
                    ok = skip_value(depth + 1);
                }
            } else if (f != no_field) {
                ok = field_value(f, depth + 1);
            } else {
                ok = skip_value(depth + 1);
            }
            return ok;
        }
    }

    const char* p_;
    const char* const end_;
    const char* const base_;  // the line's first byte: block 0 of the masks
    const std::uint64_t* special_ = nullptr;
    std::size_t blocks_ = 0;
    raw_event& ev_;
    fast_scratch& scratch_;
    bool message_seen_ = false;
};

}  // namespace

const char* classify_line(const char* first, const char* end, fast_scratch& scratch) {
    static const classify_line_fn blocks = pick_line_classifier();
    std::vector<std::uint64_t>& out = scratch.special;
    const std::size_t full = static_cast<std::size_t>(end - first) / 64;
    // At most 64 blocks at a time, so the masks grow with the line, not with the chunk.
    constexpr std::size_t step = 64;
    std::uint64_t newlines = 0;
    std::size_t b = 0;
    for (;;) {
        const std::size_t n = std::min(full - b, step);
        // Room for the blocks, the tail and the spare word (whose bits, past the '\n', are
        // never looked at).
        if (out.size() < b + n + 2) out.resize(std::max(2 * out.size(), b + n + 2));
        const std::size_t k = blocks(first + 64 * b, n, out.data() + b, newlines);
        b += k;
        if (k < n || b == full) break;
    }
    if (newlines == 0) {  // no '\n' in the full blocks: the tail, padded with plain bytes
        char tail[64];
        std::memset(tail, 'x', sizeof tail);
        std::memcpy(tail, first + 64 * full, static_cast<std::size_t>(end - first) - 64 * full);
        out[full] = special_bits(tail);
        newlines = newline_bits(tail);
        if (newlines == 0) {    // the masks of the whole range, for scan_event_line
            out[full + 1] = 0;  // no bits past the end in the spare word either
            scratch.blocks = full + 1;
            return nullptr;
        }
    }
    // The bits past the '\n' stay: it is marked itself (a control character), so no string
    // scan runs past it.
    scratch.blocks = b + 1;
    return first + 64 * b + static_cast<unsigned>(__builtin_ctzll(newlines));
}

fast_result scan_event_line(const char* first, const char* last, raw_event& out,
                            fast_scratch& scratch) noexcept {
    assert(*last == '\n' || *last == '\0');  // the sentinel of the contract
    try {
        // A '\n' inside the line is outside the contract: leave it to the general decoder.
        if (classify_line(first, last, scratch) != nullptr) return fast_result::fallback;
        scanner s(first, last, out, scratch);
        return s.run() ? fast_result::event : fast_result::fallback;
    } catch (...) {
        return fast_result::fallback;  // an allocation failure in decode: let the slow path try
    }
}

fast_result scan_classified_line(const char* first, const char* eol, raw_event& out,
                                 fast_scratch& scratch) noexcept {
    assert(*eol == '\n' && scratch.blocks == static_cast<std::size_t>(eol - first) / 64 + 1);
    try {
        scanner s(first, eol, out, scratch);
        return s.run() ? fast_result::event : fast_result::fallback;
    } catch (...) {
        return fast_result::fallback;
    }
}

}  // namespace casreport::detail
