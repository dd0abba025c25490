// 128-bit content hashing for de-duplication keys and interning. Private to lib/.
//
// Keys are saved in partial states and compared across machines, so the hash reads its input
// as little-endian words on every platform.
#ifndef CASREPORT_LIB_AGGREGATE_HASH_HPP
#define CASREPORT_LIB_AGGREGATE_HASH_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace casreport::detail {

struct key128 {
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;
    friend constexpr bool operator==(key128 a, key128 b) noexcept {
        return a.lo == b.lo && a.hi == b.hi;
    }
    friend constexpr bool operator!=(key128 a, key128 b) noexcept { return !(a == b); }
};

__extension__ typedef unsigned __int128 uint128;  // GCC and Clang; __extension__ for -Wpedantic

/// Folded 64x64→128 multiply: the mixing step of the hash.
inline std::uint64_t fold_mul(std::uint64_t a, std::uint64_t b) noexcept {
    const uint128 r = static_cast<uint128>(a) * b;
    return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}

/// The 8 bytes at `p` as a little-endian number (one load on little-endian hosts).
inline std::uint64_t load_le64(const unsigned char* p) noexcept {
    std::uint64_t v = 0;
    std::memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

/// The `n` < 8 bytes at `p` as a little-endian number.
inline std::uint64_t load_le_tail(const unsigned char* p, std::size_t n) noexcept {
    std::uint64_t v = 0;
    for (std::size_t i = n; i > 0; --i) v = (v << 8) | p[i - 1];
    return v;
}

/// The `n` <= 8 bytes that end at `end` as a little-endian number, like `load_le_tail(end - n,
/// n)`; `readable` bytes before `end` may be read (at least `n`). With 8 of them, one load.
inline std::uint64_t load_le_end(const unsigned char* end, std::size_t n,
                                 std::size_t readable) noexcept {
    if (n == 0) return 0;
    if (readable >= 8) return load_le64(end - 8) >> (64 - 8 * n);
    return load_le_tail(end - n, n);
}

/// Two multiply-fold lanes over 16-byte blocks, each seeing both words, crossed at the end.
/// Saved states hold its values (record keys, the checksum): tests/unit/hash_test.cpp pins its
/// known answers, and any change to it needs a new codec version in state_codec.cpp.
inline key128 hash128(std::string_view s, std::uint64_t seed = 0) noexcept {
    constexpr std::uint64_t k0 = 0x9e3779b97f4a7c15ULL;
    constexpr std::uint64_t k1 = 0xbf58476d1ce4e5b9ULL;
    constexpr std::uint64_t k2 = 0x94d049bb133111ebULL;
    constexpr std::uint64_t k3 = 0xd6e8feb86659fd93ULL;
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    std::size_t n = s.size();
    std::uint64_t a = seed ^ k0;
    std::uint64_t b = (seed + n) ^ k3;
    while (n >= 16) {
        const std::uint64_t w0 = load_le64(p);
        const std::uint64_t w1 = load_le64(p + 8);
        const std::uint64_t na = fold_mul(w0 ^ a, w1 ^ k1);
        const std::uint64_t nb = fold_mul(w1 ^ b, w0 ^ k2);
        a = na;
        b = nb + a;
        p += 16;
        n -= 16;
    }
    std::uint64_t w0 = 0;
    std::uint64_t w1 = 0;
    if (n > 8) {
        w0 = load_le64(p);
        w1 = load_le_end(p + n, n - 8, n);
    } else {
        w0 = load_le_end(p + n, n, s.size());
    }
    a = fold_mul(w0 ^ a ^ k2, w1 ^ k1 ^ s.size());
    b = fold_mul(w1 ^ b ^ k0, w0 ^ k3) + a;
    key128 out;
    out.lo = fold_mul(a ^ k1, b ^ k0);
    out.hi = fold_mul(b ^ k2, out.lo ^ k3) ^ a;
    return out;
}

/// 64-bit hash for hash tables.
inline std::uint64_t hash64(std::string_view s) noexcept { return hash128(s, 0x51ed2701).lo; }

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_AGGREGATE_HASH_HPP
