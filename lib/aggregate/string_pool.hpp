// Interned strings: each distinct user, sender, threat name or file hash is stored once and
// counted by a 32-bit id. Private to lib/.
//
// A string is known by 96 bits of its content hash, as records are in de-duplication (see
// record_store.hpp): a lookup is one probe of a 16-byte slot and never touches the text, which
// matters when a month holds a hundred thousand attachment hashes and every probe would
// otherwise miss the cache twice more. Callers on the hot path hash first and `prefetch`, so
// the probe itself finds its slot in the cache.
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
    string_pool() { slots_.assign_zero(initial_slots, true); }
    string_pool(string_pool&&) noexcept = default;
    string_pool& operator=(string_pool&&) noexcept = default;

    /// The key `intern` files `s` under.
    [[nodiscard]] static key128 key_of(std::string_view s) noexcept {
        return hash128(s, pool_seed);
    }

    /// Starts loading the slot of `key` into the cache.
    void prefetch(key128 key) const noexcept {
        __builtin_prefetch(&slots_[key.lo & (slots_.size() - 1)]);
    }

    /// The id of `s`, adding it if new. Ids are dense, from 0, in first-seen order.
    std::uint32_t intern(std::string_view s) { return intern(s, key_of(s)); }

    /// `intern` with the key already computed (`key == key_of(s)`).
    std::uint32_t intern(std::string_view s, key128 key) {
        const auto tag = static_cast<std::uint32_t>(key.hi >> 32);
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = key.lo & mask;
        for (;; i = (i + 1) & mask) {
            const slot& sl = slots_[i];
            if (sl.id == 0) break;
            if (sl.lo == key.lo && sl.tag == tag) return sl.id - 1;
        }
        const auto id = static_cast<std::uint32_t>(offsets_.size());
        offsets_.push_back(static_cast<std::uint32_t>(data_.size()));
        data_.append(s.data(), s.size());  // `s` may be one of ours: append copes
        slots_[i] = {key.lo, tag, id + 1};
        if (offsets_.size() * 4 > slots_.size() * 3) rehash(slots_.size() * 2);
        return id;
    }

    /// The id of `s`, or `none` when it was never interned.
    static constexpr std::uint32_t none = 0xffffffffU;
    [[nodiscard]] std::uint32_t find(std::string_view s) const noexcept {
        const key128 key = key_of(s);
        const auto tag = static_cast<std::uint32_t>(key.hi >> 32);
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = key.lo & mask;; i = (i + 1) & mask) {
            const slot& sl = slots_[i];
            if (sl.id == 0) return none;
            if (sl.lo == key.lo && sl.tag == tag) return sl.id - 1;
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
        slots_.assign_zero(initial_slots, true);
    }

    /// Empties the pool and returns its memory.
    void release() { *this = string_pool(); }

private:
    static constexpr std::size_t initial_slots = 64;  // grows as strings come
    static constexpr std::uint64_t pool_seed = 0x5f3759df0badc0deULL;

    /// 16 bytes: the key's low word picks the slot and, with 32 more bits, names the string.
    struct slot {
        std::uint64_t lo = 0;
        std::uint32_t tag = 0;
        std::uint32_t id = 0;  // id + 1; 0 is empty
    };

    /// Rebuilds the slots from the strings (the old slots are freed first: no peak of both).
    void rehash(std::size_t n) {
        slots_.assign_zero(n, true);
        const std::size_t mask = n - 1;
        for (std::uint32_t id = 0; id < offsets_.size(); ++id) {
            const key128 key = key_of(at(id));
            std::size_t i = key.lo & mask;
            while (slots_[i].id != 0) i = (i + 1) & mask;
            slots_[i] = {key.lo, static_cast<std::uint32_t>(key.hi >> 32), id + 1};
        }
    }

    mapped_vector<char> data_;
    mapped_vector<std::uint32_t> offsets_;
    huge_array<slot> slots_;
};

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_AGGREGATE_STRING_POOL_HPP
