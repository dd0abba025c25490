// Interned strings: each distinct user, sender, threat name or file hash is stored once and
// counted by a 32-bit id. Private to lib/.
//
// A string is known by 96 bits of its content hash, as records are in de-duplication (see
// record_store.hpp): a lookup never touches the text, which matters when a month holds a
// hundred thousand attachment hashes and every probe would otherwise miss the cache twice more.
// The index has 4-byte slots, as the record store's: the id plus one in the low bits and a
// fingerprint of the key above them, so a probe reads the string's 12-byte key (kept by id)
// only when the fingerprint matches. Callers on the hot path hash first and `prefetch`, so the
// probe itself finds its slot in the cache.
#ifndef CASREPORT_LIB_AGGREGATE_STRING_POOL_HPP
#define CASREPORT_LIB_AGGREGATE_STRING_POOL_HPP

#include <cstdint>
#include <string_view>

#include "hash.hpp"
#include "huge_array.hpp"
#include "mapped_vector.hpp"

namespace casreport::detail {

class string_pool {
public:
    string_pool() { assign_slots(initial_slots); }
    string_pool(string_pool&&) noexcept = default;
    string_pool& operator=(string_pool&&) noexcept = default;

    /// The key `intern` files `s` under.
    [[nodiscard]] static key128 key_of(std::string_view s) noexcept {
        return hash128(s, pool_seed);
    }

    /// Starts loading the slot of `key` into the cache.
    void prefetch(key128 key) const noexcept {
        if (slots_.size() != 0) __builtin_prefetch(&slots_[key.lo & (slots_.size() - 1)]);
    }

    /// After `prefetch`, once its slot has had time to arrive: starts loading the key of the
    /// string in that slot when its fingerprint matches, so `intern` finds a known string
    /// without waiting twice.
    void prefetch_key(key128 key) const noexcept {
        if (slots_.size() == 0) return;
        const std::uint32_t sl = slots_[key.lo & (slots_.size() - 1)];
        const std::uint32_t tag = static_cast<std::uint32_t>(key.hi >> 32) & tag_mask_;
        if (sl != 0 && (sl & tag_mask_) == tag) __builtin_prefetch(&keys_[(sl & ~tag_mask_) - 1]);
    }

    /// The id of `s`, adding it if new. Ids are dense, from 0, in first-seen order.
    std::uint32_t intern(std::string_view s) { return intern(s, key_of(s)); }

    /// `intern` with the key already computed (`key == key_of(s)`).
    std::uint32_t intern(std::string_view s, key128 key) {
        if (slots_.size() == 0) build_index();
        const stored_key k = stored_key::of(key);
        const std::uint32_t tag = k.tag & tag_mask_;
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = key.lo & mask;
        for (;; i = (i + 1) & mask) {
            const std::uint32_t sl = slots_[i];
            if (sl == 0) break;
            if ((sl & tag_mask_) == tag && keys_[(sl & ~tag_mask_) - 1] == k) {
                return (sl & ~tag_mask_) - 1;
            }
        }
        const auto id = static_cast<std::uint32_t>(offsets_.size());
        offsets_.push_back(static_cast<std::uint32_t>(data_.size()));
        data_.append(s.data(), s.size());  // `s` may be one of ours: append copes
        keys_.push_back(k);
        slots_[i] = tag | (id + 1);
        if (offsets_.size() * 4 > slots_.size() * 3) rehash(slots_.size() * 2);
        return id;
    }

    /// The id of `s`, or `none` when it was never interned.
    static constexpr std::uint32_t none = 0xffffffffU;
    [[nodiscard]] std::uint32_t find(std::string_view s) const noexcept {
        if (slots_.size() == 0) {  // no index (`drop_index`): the reports look up one string
            for (std::uint32_t id = 0; id < offsets_.size(); ++id) {
                if (at(id) == s) return id;
            }
            return none;
        }
        const key128 key = key_of(s);
        const stored_key k = stored_key::of(key);
        const std::uint32_t tag = k.tag & tag_mask_;
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = key.lo & mask;; i = (i + 1) & mask) {
            const std::uint32_t sl = slots_[i];
            if (sl == 0) return none;
            if ((sl & tag_mask_) == tag && keys_[(sl & ~tag_mask_) - 1] == k) {
                return (sl & ~tag_mask_) - 1;
            }
        }
    }

    [[nodiscard]] std::string_view at(std::uint32_t id) const noexcept {
        const std::size_t b = offsets_[id];  // strings total less than 4 GiB
        const std::size_t e = id + 1 < offsets_.size() ? offsets_[id + 1] : data_.size();
        return {data_.data() + b, e - b};
    }

    [[nodiscard]] std::size_t size() const noexcept { return offsets_.size(); }

    void clear() {
        data_.clear();
        offsets_.clear();
        keys_.clear();
        assign_slots(initial_slots);
    }

    /// Frees the lookup index (the keys and slots), keeping the strings: for a pool that is
    /// only read from now on. `find` then reads the strings one by one, and the next `intern`
    /// builds the index again.
    void drop_index() {
        keys_.release();
        slots_ = huge_array<std::uint32_t>();
    }

    /// Empties the pool and returns its memory.
    void release() { *this = string_pool(); }

private:
    static constexpr std::size_t initial_slots = 64;  // grows as strings come
    static constexpr std::uint64_t pool_seed = 0x5f3759df0badc0deULL;

    /// A string's 96-bit key in 32-bit words: the low word picks the slot, and all three name
    /// the string.
    struct stored_key {
        std::uint32_t lo_lo;
        std::uint32_t lo_hi;
        std::uint32_t tag;  // the key's high word's top half
        static stored_key of(key128 key) noexcept {
            return {static_cast<std::uint32_t>(key.lo), static_cast<std::uint32_t>(key.lo >> 32),
                    static_cast<std::uint32_t>(key.hi >> 32)};
        }
        [[nodiscard]] std::uint64_t lo() const noexcept {
            return (std::uint64_t{lo_hi} << 32) | lo_lo;
        }
        friend bool operator==(const stored_key& a, const stored_key& b) noexcept {
            return a.lo_lo == b.lo_lo && a.lo_hi == b.lo_hi && a.tag == b.tag;
        }
    };

    /// 2^b slots, at most three quarters used: an id plus one fits in the low b bits, and the
    /// fingerprint takes the bits above (the strings number less than 2^32 in all).
    void assign_slots(std::size_t n) {
        slots_.assign_zero(n, true);  // the old slots are freed first: no peak of both
        unsigned b = 0;
        while ((std::size_t{1} << b) < n) ++b;
        tag_mask_ = static_cast<std::uint32_t>(~((std::uint64_t{1} << b) - 1));
    }

    void build_index() {
        keys_.reserve(offsets_.size());
        for (std::uint32_t id = 0; id < offsets_.size(); ++id) {
            keys_.push_back(stored_key::of(key_of(at(id))));
        }
        std::size_t n = initial_slots;
        while (offsets_.size() * 4 > n * 3) n *= 2;
        rehash(n);
    }

    /// Rebuilds the slots from the keys.
    void rehash(std::size_t n) {
        assign_slots(n);
        const std::size_t mask = n - 1;
        for (std::uint32_t id = 0; id < keys_.size(); ++id) {
            std::size_t i = keys_[id].lo() & mask;
            while (slots_[i] != 0) i = (i + 1) & mask;
            slots_[i] = (keys_[id].tag & tag_mask_) | (id + 1);
        }
    }

    mapped_vector<char> data_;
    mapped_vector<std::uint32_t> offsets_;
    mapped_vector<stored_key> keys_;   // by id
    huge_array<std::uint32_t> slots_;  // fingerprint | (id + 1); 0 is empty
    std::uint32_t tag_mask_ = 0;       // the slot bits that hold the fingerprint
};

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_AGGREGATE_STRING_POOL_HPP
