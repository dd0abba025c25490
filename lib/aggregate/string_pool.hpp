// Interned strings: each distinct user, sender or threat name is stored once and counted by a
// 32-bit id. Private to lib/.
#ifndef CASREPORT_LIB_AGGREGATE_STRING_POOL_HPP
#define CASREPORT_LIB_AGGREGATE_STRING_POOL_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "memo.hpp"

namespace casreport::detail {

class string_pool {
public:
    string_pool() { slots_.assign(initial_slots, 0); }

    /// The id of `s`, adding it if new. Ids are dense, from 0, in first-seen order.
    std::uint32_t intern(std::string_view s) {
        const std::uint64_t h = short_hash(s);  // collisions are settled by comparing
        std::size_t mask = slots_.size() - 1;
        for (std::size_t i = h & mask;; i = (i + 1) & mask) {
            const std::uint32_t slot = slots_[i];
            if (slot == 0) break;
            const std::uint32_t id = slot - 1;
            if (hashes_[id] == h && at(id) == s) return id;
        }
        const auto id = static_cast<std::uint32_t>(hashes_.size());
        offsets_.push_back(static_cast<std::uint32_t>(data_.size()));
        data_.append(s);
        hashes_.push_back(h);
        if (hashes_.size() * 4 > slots_.size() * 3) {
            rehash(slots_.size() * 2);
        } else {
            place(id, mask);
        }
        return id;
    }

    [[nodiscard]] std::string_view at(std::uint32_t id) const noexcept {
        const std::size_t b = offsets_[id];  // strings total less than 4 GiB
        const std::size_t e = id + 1 < offsets_.size() ? offsets_[id + 1] : data_.size();
        return std::string_view(data_).substr(b, e - b);
    }

    [[nodiscard]] std::size_t size() const noexcept { return hashes_.size(); }
    [[nodiscard]] std::size_t bytes() const noexcept { return data_.size(); }

    /// Makes room for `more` strings of `more_bytes` in all, so adding them does not grow (and
    /// copy) the tables on the way.
    void reserve_more(std::size_t more, std::size_t more_bytes) {
        const std::size_t n = hashes_.size() + more;
        data_.reserve(data_.size() + more_bytes);
        offsets_.reserve(n);
        hashes_.reserve(n);
        std::size_t slots = slots_.size();
        while (n * 4 > slots * 3) slots *= 2;
        if (slots != slots_.size()) rehash(slots);
    }

    void clear() {
        data_.clear();
        offsets_.clear();
        hashes_.clear();
        slots_.assign(initial_slots, 0);
    }

private:
    static constexpr std::size_t initial_slots = 1024;

    void place(std::uint32_t id, std::size_t mask) noexcept {
        for (std::size_t i = hashes_[id] & mask;; i = (i + 1) & mask) {
            if (slots_[i] == 0) {
                slots_[i] = id + 1;
                return;
            }
        }
    }

    void rehash(std::size_t n) {
        slots_.assign(n, 0);
        for (std::uint32_t id = 0; id < hashes_.size(); ++id) place(id, n - 1);
    }

    std::string data_;
    std::vector<std::uint32_t> offsets_;
    std::vector<std::uint64_t> hashes_;
    std::vector<std::uint32_t> slots_;  // id + 1; 0 is empty
};

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_AGGREGATE_STRING_POOL_HPP
