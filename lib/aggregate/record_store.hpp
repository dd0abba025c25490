// The de-duplication store: one compact entry per distinct record key, holding what that record
// adds to the report. Counting is deferred to report time, so merging two stores only has to
// keep the first entry of each key: the result is exactly that of one sequential pass.
// Private to lib/.
#ifndef CASREPORT_LIB_AGGREGATE_RECORD_STORE_HPP
#define CASREPORT_LIB_AGGREGATE_RECORD_STORE_HPP

#include <cstdint>
#include <memory>
#include <vector>

#include "casreport/outcome.hpp"
#include "casreport/risk_level.hpp"
#include "hash.hpp"
#include "huge_array.hpp"

namespace casreport::detail {

/// The report category of a record: a section index (0..5, as `casreport::section`), or
/// `category_overview_only` for security-risk events with another filter (spam, unknown).
inline constexpr std::uint8_t category_overview_only = 6;

/// Service codes: 0..10 are `casreport::service` values (box .. exchange_server); from
/// `first_other_service_code` on, an index into the state's table of unknown service keys.
inline constexpr std::uint32_t first_other_service_code = 11;

/// What one record adds to the report, in 20 bytes of 4-byte-aligned fields.
struct contribution {
    std::uint32_t time_lo = 0;  ///< detection time, µs since the epoch (low and high halves)
    std::uint32_t time_hi = 0;
    std::uint32_t user = 0;    ///< string_pool id of the normalized user
    std::uint32_t detail = 0;  ///< mail detail id (sender, threat, file) or 0
    std::uint32_t meta = 0;    ///< service code << 16 | category << 8 | flags

    [[nodiscard]] std::int64_t time() const noexcept {
        return static_cast<std::int64_t>((std::uint64_t{time_hi} << 32) | time_lo);
    }
    void set_time(std::int64_t t) noexcept {
        const auto u = static_cast<std::uint64_t>(t);
        time_lo = static_cast<std::uint32_t>(u);
        time_hi = static_cast<std::uint32_t>(u >> 32);
    }
    [[nodiscard]] std::uint32_t service_code() const noexcept { return meta >> 16; }
    [[nodiscard]] std::uint8_t category() const noexcept {
        return static_cast<std::uint8_t>(meta >> 8);
    }
    [[nodiscard]] outcome result() const noexcept { return static_cast<outcome>(meta & 3U); }
    [[nodiscard]] risk_level risk() const noexcept {
        return static_cast<risk_level>((meta >> 2) & 7U);
    }
    [[nodiscard]] bool out_of_period() const noexcept { return (meta & 0x20U) != 0; }

    static std::uint32_t make_meta(std::uint32_t service_code, std::uint8_t category, outcome o,
                                   risk_level r, bool out_of_period) noexcept {
        return (service_code << 16) | (std::uint32_t{category} << 8) |
               static_cast<std::uint32_t>(o) | (static_cast<std::uint32_t>(r) << 2) |
               (out_of_period ? 0x20U : 0U);
    }
};

/// Records are de-duplicated on 96 bits of their key: for a million records the chance of a
/// false duplicate is about 1e-17, and every entry fits in 32 bytes.
constexpr key128 dedupe_key(key128 k) noexcept { return {k.lo, k.hi & 0xffffffff00000000ULL}; }

class record_store {
public:
    record_store() { index_.assign_zero(initial_slots, true); }
    record_store(record_store&&) noexcept = default;
    record_store& operator=(record_store&&) noexcept = default;

    /// Adds `key` and returns its contribution to fill in; null if the key is already stored.
    contribution* try_add(key128 key) {
        ensure_index();
        key = dedupe_key(key);
        const std::uint64_t fp = key.hi >> 32;
        std::size_t mask = index_.size() - 1;
        std::size_t i = key.lo & mask;
        for (;; i = (i + 1) & mask) {
            const std::uint64_t slot = index_[i];
            if (slot == 0) break;
            if ((slot >> 32) == fp && entry(static_cast<std::uint32_t>(slot) - 1).key() == key) {
                return nullptr;
            }
        }
        const std::size_t n = size_;
        if (n % block_size == 0) blocks_.emplace_back(block_size);
        stored& e = entry(static_cast<std::uint32_t>(n));
        e.set_key(key);
        e.c = contribution{};
        ++size_;
        if (size_ * 4 > index_.size() * 3) {
            rehash(index_.size() * 2);
        } else {
            index_[i] = (fp << 32) | (n + 1);
            indexed_ = size_;
        }
        return &e.c;
    }

    /// Appends an entry without indexing it; the caller knows the key is new (the index catches
    /// up before the next `try_add`). For merging the last part of a split file.
    void append_unindexed(key128 key, const contribution& c) {
        const std::size_t n = size_;
        if (n % block_size == 0) blocks_.emplace_back(block_size);
        stored& e = entry(static_cast<std::uint32_t>(n));
        e.set_key(dedupe_key(key));
        e.c = c;
        ++size_;
    }

    /// Starts loading the index slot of `key` into the cache, ahead of `try_add`.
    void prefetch(key128 key) const noexcept {
        if (index_.size() == 0) return;
        __builtin_prefetch(&index_[key.lo & (index_.size() - 1)]);
    }

    /// Indexes every entry (after `append_unindexed` or `drop_index`).
    void ensure_index() {
        if (indexed_ != size_ || index_.size() == 0) catch_up();
    }

    /// Whether `key` is among the indexed entries (all of them, but after `append_unindexed`).
    [[nodiscard]] bool contains(key128 key) const noexcept {
        key = dedupe_key(key);
        const std::uint64_t fp = key.hi >> 32;
        const std::size_t mask = index_.size() - 1;
        for (std::size_t i = key.lo & mask;; i = (i + 1) & mask) {
            const std::uint64_t slot = index_[i];
            if (slot == 0) return false;
            if ((slot >> 32) == fp && entry(static_cast<std::uint32_t>(slot) - 1).key() == key) {
                return true;
            }
        }
    }

    [[nodiscard]] std::size_t size() const noexcept { return size_; }

    static constexpr std::size_t npos = ~std::size_t{0};

    /// The index of `key`'s entry (insertion order), or `npos`; like `contains`, it sees the
    /// indexed entries only.
    [[nodiscard]] std::size_t find(key128 key) const noexcept {
        key = dedupe_key(key);
        const std::uint64_t fp = key.hi >> 32;
        const std::size_t mask = index_.size() - 1;
        for (std::size_t i = key.lo & mask;; i = (i + 1) & mask) {
            const std::uint64_t slot = index_[i];
            if (slot == 0) return npos;
            const auto e = static_cast<std::uint32_t>(slot) - 1;
            if ((slot >> 32) == fp && entry(e).key() == key) return e;
        }
    }

    /// Entry `i` (insertion order): its key and its contribution, which may be rewritten.
    [[nodiscard]] key128 key_at(std::size_t i) const noexcept {
        return entry(static_cast<std::uint32_t>(i)).key();
    }
    [[nodiscard]] contribution& at(std::size_t i) noexcept {
        return entry(static_cast<std::uint32_t>(i)).c;
    }
    [[nodiscard]] const contribution& at(std::size_t i) const noexcept {
        return entry(static_cast<std::uint32_t>(i)).c;
    }

    /// Visits every entry in insertion order: `f(key128, const contribution&)`.
    template <class F>
    void for_each(F&& f) const {
        for (std::size_t i = 0; i < size_; ++i) {
            const stored& e = entry(static_cast<std::uint32_t>(i));
            f(e.key(), e.c);
        }
    }

    /// Visits every entry in insertion order like `for_each`, freeing each block once visited,
    /// and leaves the store empty: moving a store's records elsewhere without doubling memory.
    /// `ahead(key)` sees each key `lookahead` entries before `f` does, to prefetch for it.
    template <class F, class Ahead>
    void drain(F&& f, Ahead&& ahead) {
        index_ = huge_array<std::uint64_t>();
        for (std::size_t i = 0; i < size_; ++i) {
            if (i + lookahead < size_)
                ahead(entry(static_cast<std::uint32_t>(i + lookahead)).key());
            const stored& e = entry(static_cast<std::uint32_t>(i));
            f(e.key(), e.c);
            if ((i + 1) % block_size == 0) blocks_[i / block_size] = huge_array<stored>();
        }
        clear();
    }

    /// Calls `f(i, key)` for entries [b, e), `ahead(key)` `lookahead` entries before: a range
    /// of keys for one thread when several check them against another store.
    template <class F, class Ahead>
    void for_each_key(std::size_t b, std::size_t e, F&& f, Ahead&& ahead) const {
        for (std::size_t i = b; i < e; ++i) {
            if (i + lookahead < e) ahead(entry(static_cast<std::uint32_t>(i + lookahead)).key());
            f(i, entry(static_cast<std::uint32_t>(i)).key());
        }
    }

    /// `for_each` with a prefetch hook, as `drain`.
    template <class F, class Ahead>
    void for_each(F&& f, Ahead&& ahead) const {
        for (std::size_t i = 0; i < size_; ++i) {
            if (i + lookahead < size_)
                ahead(entry(static_cast<std::uint32_t>(i + lookahead)).key());
            const stored& e = entry(static_cast<std::uint32_t>(i));
            f(e.key(), e.c);
        }
    }

    /// Frees the index: `contains` must not be called until `clear` or `reserve`, and the next
    /// `try_add` builds it again; `for_each` still works.
    void drop_index() {
        index_ = huge_array<std::uint64_t>();
        indexed_ = 0;
    }

    void clear() {
        blocks_.clear();
        size_ = 0;
        indexed_ = 0;
        index_.assign_zero(initial_slots, true);
    }

    /// Makes room for `n` entries in all without growing the index on the way (and builds the
    /// index again after `drop_index`).
    void reserve(std::size_t n) {
        std::size_t cap = index_.size() == 0 ? initial_slots : index_.size();
        while (n * 4 > cap * 3) cap *= 2;
        if (cap != index_.size()) rehash(cap);
    }

private:
    static constexpr std::size_t initial_slots = 1024;
    static constexpr std::size_t lookahead = 8;  // entries prefetched ahead in bulk passes

    /// Indexes the entries appended since the index was complete (or builds it again).
    void catch_up() {
        std::size_t cap = index_.size() == 0 ? initial_slots : index_.size();
        while (size_ * 4 > cap * 3) cap *= 2;
        if (cap != index_.size() || indexed_ == 0) {
            rehash(cap);
            return;
        }
        const std::size_t mask = index_.size() - 1;
        for (std::size_t k = indexed_; k < size_; ++k) place(k, mask);
        indexed_ = size_;
    }

    void place(std::size_t k, std::size_t mask) noexcept {
        const key128 key = entry(static_cast<std::uint32_t>(k)).key();
        std::size_t i = key.lo & mask;
        while (index_[i] != 0) i = (i + 1) & mask;
        index_[i] = ((key.hi >> 32) << 32) | (k + 1);
    }

    /// 32 bytes: the 96-bit key as 32-bit words (4-byte alignment), then the contribution.
    struct stored {
        std::uint32_t k[3];
        contribution c;
        [[nodiscard]] key128 key() const noexcept {
            return {(std::uint64_t{k[1]} << 32) | k[0], std::uint64_t{k[2]} << 32};
        }
        void set_key(key128 key) noexcept {
            k[0] = static_cast<std::uint32_t>(key.lo);
            k[1] = static_cast<std::uint32_t>(key.lo >> 32);
            k[2] = static_cast<std::uint32_t>(key.hi >> 32);
        }
    };
    static_assert(sizeof(stored) == 32);
    /// Entries per block: as many as fit in one huge page, so a block is exactly one mapping.
    static constexpr std::size_t block_size = huge_page_size / sizeof(stored);

    stored& entry(std::uint32_t i) noexcept { return blocks_[i / block_size][i % block_size]; }
    const stored& entry(std::uint32_t i) const noexcept {
        return blocks_[i / block_size][i % block_size];
    }

    void rehash(std::size_t n) {
        index_.assign_zero(n, true);
        const std::size_t mask = n - 1;
        for (std::size_t k = 0; k < size_; ++k) {
            if (k + lookahead < size_) {
                __builtin_prefetch(
                    &index_[entry(static_cast<std::uint32_t>(k + lookahead)).key().lo & mask], 1);
            }
            place(k, mask);
        }
        indexed_ = size_;
    }

    std::vector<huge_array<stored>> blocks_;
    std::size_t size_ = 0;
    std::size_t indexed_ = 0;          // entries [0, indexed_) are in the index
    huge_array<std::uint64_t> index_;  // fingerprint << 32 | (entry index + 1); 0 is empty
};

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_AGGREGATE_RECORD_STORE_HPP
