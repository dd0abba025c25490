// Lookup tables of the aggregation hot path. Private to lib/.
//
// CAS logs repeat a small vocabulary millions of times ("Exchange Online", "Quarantine",
// "security_risk_scan") and a bounded set of users and senders. These tables turn each repeat
// into one hash and one compare instead of re-running the normalization rules.
#ifndef CASREPORT_LIB_AGGREGATE_MEMO_HPP
#define CASREPORT_LIB_AGGREGATE_MEMO_HPP

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include "hash.hpp"

namespace casreport::detail {

/// A cheap hash for short strings (vocabulary words): 8-byte words through fold_mul.
inline std::uint64_t short_hash(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    std::size_t n = s.size();
    std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    while (n >= 8) {
        h = fold_mul(h ^ load_le64(p), 0xbf58476d1ce4e5b9ULL);
        p += 8;
        n -= 8;
    }
    return fold_mul(h ^ load_le_end(p + n, n, s.size()), 0x94d049bb133111ebULL);
}

/// Whether the `n` bytes at `a` and `b` are equal: word compares, inlined (the strings are
/// short, and a library call per lookup costs more than the compare).
inline bool same_bytes(const char* a, const char* b, std::size_t n) noexcept {
    const auto* x = reinterpret_cast<const unsigned char*>(a);
    const auto* y = reinterpret_cast<const unsigned char*>(b);
    if (n < 8) return load_le_tail(x, n) == load_le_tail(y, n);
    std::uint64_t diff = 0;
    for (std::size_t i = 0; i + 8 <= n; i += 8) diff |= load_le64(x + i) ^ load_le64(y + i);
    return (diff | (load_le64(x + n - 8) ^ load_le64(y + n - 8))) == 0;
}

/// A direct-mapped memo of a pure function of a short string: remembers the last result for
/// each of `Slots` slots, keyed by the exact bytes. Strings longer than `MaxLen` are not kept.
template <class T, std::size_t Slots = 256, std::size_t MaxLen = 56>
class small_memo {
public:
    template <class F>
    T get(std::string_view s, F&& compute) {
        return get(s, hash_of(s), std::forward<F>(compute));
    }

    /// The hash `get` needs, computed ahead so the slot can be prefetched (`prefetch`).
    [[nodiscard]] static std::uint64_t hash_of(std::string_view s) noexcept {
        return kept(s) ? short_hash(s) : 0;
    }

    /// Starts loading the slot of hash `h` (a memo too large to stay in cache).
    void prefetch(std::uint64_t h) const noexcept {
        if (slots_.empty()) return;
        const char* at = reinterpret_cast<const char*>(&slots_[h & (slots - 1)]);
        __builtin_prefetch(at);
        __builtin_prefetch(at + sizeof(slot) - 1);
    }

    /// `get` with `h == hash_of(s)`.
    template <class F>
    T get(std::string_view s, std::uint64_t h, F&& compute) {
        // An empty view may have a null data(), which memcmp/memcpy must not see (UB even for
        // 0 bytes); it is cheap to compute anyway.
        if (!kept(s)) return compute(s);
        // The slots are made on first use: a state that is only loaded, merged or reported
        // (and every short-lived aggregator) never pays for them.
        if (slots_.empty()) slots_.resize(slots);
        slot& sl = slots_[h & (slots - 1)];
        if (sl.used && sl.hash == h && sl.len == s.size() &&
            same_bytes(sl.text, s.data(), s.size())) {
            return sl.value;
        }
        const T v = compute(s);
        sl.used = true;
        sl.hash = h;
        sl.len = static_cast<std::uint8_t>(s.size());
        std::memcpy(sl.text, s.data(), s.size());
        sl.value = v;
        return v;
    }

    void clear() noexcept {
        for (slot& sl : slots_) sl.used = false;
    }

    /// Frees the slots (a memo that will not be used again).
    void release() { std::vector<slot>().swap(slots_); }

private:
    static bool kept(std::string_view s) noexcept { return !s.empty() && s.size() <= max_len; }

    static constexpr std::size_t slots = Slots;
    static_assert((Slots & (Slots - 1)) == 0, "a power of two");
    static constexpr std::size_t max_len = MaxLen;
    static_assert(MaxLen < 256, "lengths are kept in a byte");
    struct slot {
        std::uint64_t hash = 0;
        char text[max_len];
        std::uint8_t len = 0;
        bool used = false;
        T value{};
    };
    std::vector<slot> slots_;
};

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_AGGREGATE_MEMO_HPP
