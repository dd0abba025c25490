// The de-duplication store: one compact entry per distinct record key, holding what that record
// adds to the report. Counting is deferred to report time, so merging two stores only has to
// keep the first entry of each key: the result is exactly that of one sequential pass.
// Private to lib/.
#ifndef CASREPORT_LIB_AGGREGATE_RECORD_STORE_HPP
#define CASREPORT_LIB_AGGREGATE_RECORD_STORE_HPP

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string_view>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <vector>

#include "casreport/outcome.hpp"
#include "casreport/risk_level.hpp"
#include "hash.hpp"
#include "huge_array.hpp"
#include "mapped_vector.hpp"

namespace casreport::detail {

/// The report category of a record: a section index (0..5, as `casreport::section`), or
/// `category_overview_only` for security-risk events with another filter (spam, unknown).
inline constexpr std::uint8_t category_overview_only = 6;

/// Service codes: 0..10 are `casreport::service` values (box .. exchange_server); from
/// `first_other_service_code` on, an index into the state's table of unknown service keys.
inline constexpr std::uint32_t first_other_service_code = 11;

/// The last service code: contributions hold codes in 16 bits, and a saved state's table of
/// unknown services ends below 0xffff. The unknown services met after code `last_service_code -
/// 1` was handed out are counted together under `more_services_key` (65,523 distinct ones
/// come first: only a hostile log names that many).
inline constexpr std::uint32_t last_service_code = 0xfffe;

/// The key of that last code. `other_service_key` never makes a key that starts with `_`.
inline constexpr std::string_view more_services_key = "_more_services";

/// What one record adds to the report, in 20 bytes of 4-byte-aligned fields (the store keeps
/// it in 12, and the detail, when there is one, in 4 more: see `kind_table`, `detail_column`).
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
/// false duplicate is about 1e-17.
constexpr key128 dedupe_key(key128 k) noexcept { return {k.lo, k.hi & 0xffffffff00000000ULL}; }

/// The store's form of a contribution's time and meta, in one 64-bit word: the detection time's
/// offset inside its epoch (2^40 µs, about 12.7 days) in the low 40 bits, and above them the
/// id of its kind, the pair (epoch, meta). A month of records spans a few epochs and holds a
/// few hundred distinct metas, so a store meets a few hundred or thousand kinds; each is kept
/// once in this table. Private to record_store.
class kind_table {
public:
    static constexpr unsigned offset_bits = 40;
    static constexpr std::uint64_t offset_mask = (std::uint64_t{1} << offset_bits) - 1;
    /// Kind ids are the 24 bits above the offset; the last one says "not in the table".
    static constexpr std::uint32_t escaped = (std::uint32_t{1} << (64 - offset_bits)) - 1;

    /// The kind of `time` (µs since the epoch) and `meta`: the epoch, as the 24 bits above the
    /// offset of the time's two's complement, beside the meta.
    static std::uint64_t kind_of(std::int64_t time, std::uint32_t meta) noexcept {
        return (static_cast<std::uint64_t>(time) >> offset_bits << 32) | meta;
    }
    static std::uint64_t offset_of(std::int64_t time) noexcept {
        return static_cast<std::uint64_t>(time) & offset_mask;
    }
    static std::int64_t time_of(std::uint64_t kind, std::uint64_t offset) noexcept {
        return static_cast<std::int64_t>((kind >> 32 << offset_bits) | offset);
    }
    static std::uint32_t meta_of(std::uint64_t kind) noexcept {
        return static_cast<std::uint32_t>(kind);
    }

    /// `capacity` kinds at most get an id (fewer than `escaped`); tests make it small.
    explicit kind_table(std::uint32_t capacity = escaped) noexcept
        : capacity_(capacity < escaped ? capacity : escaped) {}

    /// The id of `kind`, adding it when new; `escaped` when the table is full.
    std::uint32_t id_of(std::uint64_t kind) {
        if (last_ != escaped && kinds_[last_] == kind) return last_;  // records come in runs
        if (slots_.empty()) slots_.assign(initial_slots, 0);
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = slot_of(kind, mask);
        for (; slots_[i] != 0; i = (i + 1) & mask) {
            if (kinds_[slots_[i] - 1] == kind) return last_ = slots_[i] - 1;
        }
        if (kinds_.size() >= capacity_) return escaped;
        kinds_.push_back(kind);
        slots_[i] = static_cast<std::uint32_t>(kinds_.size());
        if (kinds_.size() * 2 > slots_.size()) grow();
        return last_ = static_cast<std::uint32_t>(kinds_.size() - 1);
    }

    [[nodiscard]] std::uint64_t kind(std::uint32_t id) const noexcept { return kinds_[id]; }
    [[nodiscard]] std::size_t size() const noexcept { return kinds_.size(); }

    void clear() noexcept {
        kinds_.clear();
        slots_.clear();
        last_ = escaped;
    }

private:
    static constexpr std::size_t initial_slots = 256;
    static std::size_t slot_of(std::uint64_t kind, std::size_t mask) noexcept {
        return static_cast<std::size_t>(fold_mul(kind, 0x9e3779b97f4a7c15ULL)) & mask;
    }
    void grow() {
        std::vector<std::uint32_t>(slots_.size() * 2, 0).swap(slots_);
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t id = 0; id < kinds_.size(); ++id) {
            std::size_t i = slot_of(kinds_[id], mask);
            while (slots_[i] != 0) i = (i + 1) & mask;
            slots_[i] = static_cast<std::uint32_t>(id + 1);
        }
    }

    std::vector<std::uint64_t> kinds_;  // id → kind
    std::vector<std::uint32_t> slots_;  // id + 1, open addressing; 0 is empty
    std::uint32_t last_ = escaped;      // the id found last
    std::uint32_t capacity_;
};

/// The mail detail ids of a store's entries, kept beside them rather than in them: most records
/// are no mail detections (about two thirds in a month of these logs) and have none. One bit
/// per entry says whether it has an id; the ids of those that do follow one another in entry
/// order, and each group of 64 entries keeps its bits and the number of ids before it, so an
/// entry's id is found with one popcount. 4 bytes for each entry that has an id and 3/16 of a
/// byte for every entry, where a field in every entry took 4 bytes each. Ids are appended with
/// their entries; a rewrite (`set`) of an entry that had none keeps its id aside, in a map.
/// Private to record_store.
class detail_column {
public:
    /// Appends the id of the next entry (0 for none). If it throws, nothing has changed.
    __attribute__((always_inline)) void push(std::uint32_t id) {
        if (size_ / group_size == groups_.size()) start_group();
        // Without a branch on whether there is an id: about a third of the records have one,
        // in no order.
        const bool has = id != 0;
        ids_.push_back_if(id, has);
        group& g = groups_[size_ / group_size];
        const auto bit = static_cast<unsigned>(size_ % group_size);
        (bit < 32 ? g.lo : g.hi) |= std::uint32_t{has} << (bit % 32);
        last_has_id_ = has;
        ++size_;
    }

    /// The id of entry `i`.
    [[nodiscard]] std::uint32_t at(std::size_t i) const {
        const std::size_t at = position(i);
        if (at != npos) return ids_[at];
        if (aside_.empty()) return 0;
        const auto it = aside_.find(static_cast<std::uint32_t>(i));
        return it == aside_.end() ? 0 : it->second;
    }

    /// Rewrites the id of entry `i`.
    void set(std::size_t i, std::uint32_t id) {
        if (i + 1 == size_ && last_has_id_) {  // the usual case: the entry just added
            ids_[ids_.size() - 1] = id;
            return;
        }
        if (const std::size_t at = position(i); at != npos) {
            ids_[at] = id;  // 0 there reads as none
        } else if (id != 0) {
            aside_[static_cast<std::uint32_t>(i)] = id;
        } else if (!aside_.empty()) {
            aside_.erase(static_cast<std::uint32_t>(i));
        }
    }

    [[nodiscard]] std::size_t size() const noexcept { return size_; }

    /// Reads the ids of entries 0, 1, 2, ... in turn, one call each, without a popcount.
    class reader {
    public:
        explicit reader(const detail_column& c) noexcept : c_(c) {}
        /// The id of the next entry.
        std::uint32_t next() {
            if (i_ % group_size == 0) {
                const group& g = c_.groups_[i_ / group_size];
                bits_ = (std::uint64_t{g.hi} << 32) | g.lo;
                at_ = g.before;
            }
            const std::size_t i = i_++;
            const bool has = (bits_ & 1U) != 0;
            bits_ >>= 1;
            if (has) return c_.ids_[at_++];
            return c_.aside_.empty() ? 0 : c_.at(i);
        }

    private:
        const detail_column& c_;
        std::size_t i_ = 0;
        std::uint64_t bits_ = 0;
        std::size_t at_ = 0;
    };

    /// Calls `f(i, id)` for every entry `i` whose id is not 0, in entry order: a scan of the
    /// bits, which skips the entries without one.
    template <class F>
    void for_each_id(F&& f) const {
        if (!aside_.empty()) {  // rewritten entries without a bit: every entry in turn
            reader r(*this);
            for (std::size_t i = 0; i < size_; ++i) {
                if (const std::uint32_t id = r.next(); id != 0) f(i, id);
            }
            return;
        }
        for (std::size_t g = 0; g < groups_.size(); ++g) {
            std::uint64_t bits = (std::uint64_t{groups_[g].hi} << 32) | groups_[g].lo;
            std::size_t at = groups_[g].before;
            while (bits != 0) {
                const auto bit = static_cast<std::size_t>(__builtin_ctzll(bits));
                bits &= bits - 1;
                if (const std::uint32_t id = ids_[at++]; id != 0) f(g * group_size + bit, id);
            }
        }
    }

    /// Empties the column and returns its memory.
    void clear() noexcept {
        groups_.release();
        ids_.release();
        aside_.clear();
        size_ = 0;
        last_has_id_ = false;
    }

private:
    static constexpr std::size_t group_size = 64;
    static constexpr std::size_t npos = ~std::size_t{0};

    __attribute__((noinline)) void start_group() {
        groups_.push_back({0, 0, static_cast<std::uint32_t>(ids_.size())});
    }
    /// The bits of 64 entries (low 32 in `lo`) and the ids of the entries before them.
    struct group {
        std::uint32_t lo;
        std::uint32_t hi;
        std::uint32_t before;
    };

    /// Where entry `i`'s id is in `ids_`, or `npos` when its bit is clear.
    [[nodiscard]] std::size_t position(std::size_t i) const noexcept {
        const group& g = groups_[i / group_size];
        const std::uint64_t bits = (std::uint64_t{g.hi} << 32) | g.lo;
        const auto bit = static_cast<unsigned>(i % group_size);
        if (((bits >> bit) & 1U) == 0) return npos;
        const std::uint64_t below = bits & ((std::uint64_t{1} << bit) - 1);
        return g.before + static_cast<std::size_t>(__builtin_popcountll(below));
    }

    mapped_vector<group> groups_;
    mapped_vector<std::uint32_t> ids_;
    std::unordered_map<std::uint32_t, std::uint32_t> aside_;  // rewritten entries without a bit
    std::size_t size_ = 0;
    bool last_has_id_ = false;  // the last entry pushed has its bit set
};

/// One entry per distinct key, in insertion order, 24 bytes each (and its mail detail id, if
/// any, in a `detail_column` beside them), and an index of 4-byte slots.
///
/// The index has at most 2^b slots (at most three quarters used), so an entry number plus one
/// fits in b bits; a slot keeps it in its low b bits and, above them, the top 32 - b bits of the
/// key's stored high word as a fingerprint (the slot's position comes from the low word). A
/// probe reads an entry only when the fingerprint matches. With b at most 32, a store holds at
/// most `max_size` records. The index may have any number of slots, so `reserve` can size it
/// to an estimate and growth can take smaller steps than doubling.
class record_store {
public:
    /// The most records a store holds (three quarters of 2^32 index slots); `try_add` and
    /// `append_unindexed` past it throw std::length_error.
    static constexpr std::size_t max_size = std::size_t{3} << 30;

    record_store() : record_store(kind_table::escaped) {}
    /// A store whose kind table holds `kind_capacity` kinds at most (tests of the fallback).
    explicit record_store(std::uint32_t kind_capacity) : kinds_(kind_capacity) {
        assign_index(initial_slots);
    }
    record_store(record_store&&) noexcept = default;
    record_store& operator=(record_store&&) noexcept = default;

    static constexpr std::size_t npos = ~std::size_t{0};

    /// Adds `key` with `c` and returns its entry number, or `npos`, changing nothing, if the key
    /// is already stored.
    std::size_t add(key128 key, const contribution& c) {
        ensure_index();
        key = dedupe_key(key);
        // The kind first: its lookup overlaps the load of the probed slot.
        const std::uint64_t kind = kind_table::kind_of(c.time(), c.meta);
        const std::uint32_t id = kinds_.id_of(kind);
        const std::uint32_t tag = tag_of(key);
        std::size_t i = home(key);
        for (;; i = next(i)) {
            const std::uint32_t slot = index_[i];
            if (slot == 0) break;
            if ((slot & tag_mask_) == tag && entry(number_of(slot)).key() == key) return npos;
        }
        const std::size_t n = append(key, c, kind, id);
        if (size_ * 4 > index_.size() * 3) {
            rehash(next_size());
        } else {
            index_[i] = tag | static_cast<std::uint32_t>(n + 1);
            indexed_ = size_;
        }
        return n;
    }

    /// Adds `key` with `c`; false, changing nothing, if the key is already stored.
    bool try_add(key128 key, const contribution& c) { return add(key, c) != npos; }

    /// Adds `key` with an empty contribution (see `add`).
    std::size_t try_add(key128 key) { return add(key, contribution{}); }

    /// Appends an entry without indexing it; the caller knows the key is new (the index catches
    /// up before the next `try_add`). For merging the last part of a split file.
    void append_unindexed(key128 key, const contribution& c) {
        const std::uint64_t kind = kind_table::kind_of(c.time(), c.meta);
        append(dedupe_key(key), c, kind, kinds_.id_of(kind));
    }

    /// Starts loading the index slot of `key` into the cache, ahead of `try_add`.
    void prefetch(key128 key) const noexcept {
        if (index_.size() == 0) return;
        __builtin_prefetch(&index_[home(key)]);
    }

    /// Indexes every entry (after `append_unindexed` or `drop_index`).
    void ensure_index() {
        if (indexed_ != size_ || index_.size() == 0) catch_up();
    }

    /// Whether `key` is among the indexed entries (all of them, but after `append_unindexed`).
    [[nodiscard]] bool contains(key128 key) const noexcept { return find(key) != npos; }

    [[nodiscard]] std::size_t size() const noexcept { return size_; }

    /// The index of `key`'s entry (insertion order), or `npos`; like `contains`, it sees the
    /// indexed entries only.
    [[nodiscard]] std::size_t find(key128 key) const noexcept {
        key = dedupe_key(key);
        const std::uint32_t tag = tag_of(key);
        for (std::size_t i = home(key);; i = next(i)) {
            const std::uint32_t slot = index_[i];
            if (slot == 0) return npos;
            if ((slot & tag_mask_) == tag && entry(number_of(slot)).key() == key) {
                return number_of(slot);
            }
        }
    }

    /// Entry `i` (insertion order): its key, and its contribution, which `set` rewrites.
    [[nodiscard]] key128 key_at(std::size_t i) const noexcept { return entry(i).key(); }
    [[nodiscard]] contribution at(std::size_t i) const {
        return unpack(i, entry(i), details_.at(i));
    }
    /// Rewrites entry `i`'s mail detail id alone.
    void set_detail(std::size_t i, std::uint32_t detail) { details_.set(i, detail); }
    void set(std::size_t i, const contribution& c) {
        stored& e = entry(i);
        e.user = c.user;
        details_.set(i, c.detail);
        const std::uint64_t kind = kind_table::kind_of(c.time(), c.meta);
        const std::uint32_t id = kinds_.id_of(kind);
        if (id == kind_table::escaped) {
            outliers_[static_cast<std::uint32_t>(i)] = kind;
        } else if (!outliers_.empty()) {
            outliers_.erase(static_cast<std::uint32_t>(i));
        }
        e.set_word(kind_table::offset_of(c.time()) |
                   (std::uint64_t{id} << kind_table::offset_bits));
    }

    /// Visits every entry in insertion order: `f(key128, const contribution&)`.
    template <class F>
    void for_each(F&& f) const {
        detail_column::reader details(details_);
        for (std::size_t i = 0; i < size_; ++i) {
            const stored& e = entry(i);
            f(e.key(), unpack(i, e, details.next()));
        }
    }

    /// Visits every entry in insertion order like `for_each`, freeing each block once visited,
    /// and leaves the store empty: moving a store's records elsewhere without doubling memory.
    /// `ahead(key)` sees each key `lookahead` entries before `f` does, to prefetch for it.
    template <class F, class Ahead>
    void drain(F&& f, Ahead&& ahead) {
        index_ = huge_array<std::uint32_t>();
        detail_column::reader details(details_);
        for (std::size_t i = 0; i < size_; ++i) {
            if (i + lookahead < size_) ahead(entry(i + lookahead).key());
            const stored& e = entry(i);
            f(e.key(), unpack(i, e, details.next()));
            if ((i + 1) % block_size == 0) blocks_[i / block_size] = huge_array<stored>();
        }
        clear();
    }

    /// Moves the entries of `later` that `keep(i)` selects (entry number in `later`) to the end
    /// of this store, unindexed (as `append_unindexed`), in their order, with their users, mail
    /// details and metas rewritten by `t.user(u)`, `t.detail(d)` and `t.meta(m)`; `later` is
    /// left empty, its blocks freed as they are passed. Each of `later`'s kinds is translated
    /// once, not once per entry, so an entry is copied without a lookup. Returns how many were
    /// taken and how many of those are out of the period.
    template <class Keep, class Translation>
    std::pair<std::size_t, std::size_t> take(record_store& later, Keep&& keep,
                                             const Translation& t) {
        later.index_ = huge_array<std::uint32_t>();
        later.indexed_ = 0;
        constexpr std::uint32_t unmapped = 0xffffffffU;
        std::vector<std::uint32_t> ours(later.kinds_.size(), unmapped);  // their kind id → ours
        std::size_t taken = 0;
        std::size_t out_of_period = 0;
        detail_column::reader details(later.details_);
        for (std::size_t i = 0; i < later.size_; ++i) {
            const std::uint32_t detail = details.next();
            if (keep(i)) {
                const stored& e = later.entry(i);
                const std::uint64_t w = e.word();
                const auto theirs = static_cast<std::uint32_t>(w >> kind_table::offset_bits);
                const bool aside = theirs == kind_table::escaped;
                const std::uint64_t their_kind =
                    aside ? later.outliers_.at(static_cast<std::uint32_t>(i))
                          : later.kinds_.kind(theirs);
                const std::uint64_t kind =
                    (their_kind >> 32 << 32) | t.meta(kind_table::meta_of(their_kind));
                std::uint32_t id = aside ? kinds_.id_of(kind) : ours[theirs];
                if (id == unmapped) id = ours[theirs] = kinds_.id_of(kind);
                contribution c;
                c.set_time(kind_table::time_of(kind, w & kind_table::offset_mask));
                c.user = t.user(e.user);
                c.detail = t.detail(detail);
                c.meta = kind_table::meta_of(kind);
                append(e.key(), c, kind, id);
                ++taken;
                if (c.out_of_period()) ++out_of_period;
            }
            if ((i + 1) % block_size == 0) later.blocks_[i / block_size] = huge_array<stored>();
        }
        later.clear();
        return {taken, out_of_period};
    }

    /// Calls `f(i, key)` for entries [b, e), `ahead(key)` `lookahead` entries before: a range
    /// of keys for one thread when several check them against another store.
    template <class F, class Ahead>
    void for_each_key(std::size_t b, std::size_t e, F&& f, Ahead&& ahead) const {
        for (std::size_t i = b; i < e; ++i) {
            if (i + lookahead < e) ahead(entry(i + lookahead).key());
            f(i, entry(i).key());
        }
    }

    /// Visits the entries that have a mail detail (id not 0) in insertion order, as `for_each`;
    /// the others, most of a month's records, are not read.
    template <class F>
    void for_each_with_detail(F&& f) const {
        details_.for_each_id([&](std::size_t i, std::uint32_t id) {
            const stored& e = entry(i);
            f(e.key(), unpack(i, e, id));
        });
    }

    /// `for_each` with a prefetch hook, as `drain`.
    template <class F, class Ahead>
    void for_each(F&& f, Ahead&& ahead) const {
        detail_column::reader details(details_);
        for (std::size_t i = 0; i < size_; ++i) {
            if (i + lookahead < size_) ahead(entry(i + lookahead).key());
            const stored& e = entry(i);
            f(e.key(), unpack(i, e, details.next()));
        }
    }

    /// Frees the index: `contains` must not be called until `clear` or `reserve`, and the next
    /// `try_add` builds it again; `for_each` still works.
    void drop_index() {
        index_ = huge_array<std::uint32_t>();
        indexed_ = 0;
    }

    void clear() {
        blocks_.clear();
        details_.clear();
        size_ = 0;
        indexed_ = 0;
        kinds_.clear();
        outliers_.clear();
        expected_ = 0;
        assign_index(initial_slots);
    }

    /// Makes room for `n` entries in all without growing the index on the way (and builds the
    /// index again after `drop_index`); past `max_size` it stops at the largest index. The
    /// index takes just the slots `n` needs, so a good estimate saves memory.
    void reserve(std::size_t n) {
        const std::size_t cap = std::max(index_.size(), slots_for(std::min(n, max_size)));
        if (cap != index_.size()) rehash(cap);
    }

    /// About `n` entries are expected in all (an estimate, 0 for none): when the index must
    /// grow, it grows to the size `n` needs if that is less than its usual step, by an eighth at
    /// least. A wrong estimate costs more steps, never a larger index.
    void expect(std::size_t n) noexcept { expected_ = n; }

    /// The bits of a slot that hold the fingerprint, in an index of up to 2^`index_bits` slots
    /// (`index_bits` at most 32); the others hold the entry number plus one.
    static constexpr std::uint32_t fingerprint_mask(unsigned index_bits) noexcept {
        return static_cast<std::uint32_t>(~((std::uint64_t{1} << index_bits) - 1));
    }

    /// Kinds the store has met, and records whose kind did not fit its table (for tests).
    [[nodiscard]] std::size_t kinds() const noexcept { return kinds_.size(); }
    [[nodiscard]] std::size_t outliers() const noexcept { return outliers_.size(); }

private:
    static constexpr std::size_t initial_slots = 1024;
    static constexpr std::size_t max_slots = std::size_t{1} << 32;
    /// Slots per huge page: large indexes are a whole number of pages, every slot used.
    static constexpr std::size_t page_slots = huge_page_size / sizeof(std::uint32_t);

    /// `slots` rounded up to a whole number of pages (of 4 KiB when small).
    static std::size_t rounded(std::size_t slots) noexcept {
        const std::size_t round = slots >= page_slots ? page_slots : initial_slots;
        return std::min((std::max(slots, initial_slots) + round - 1) / round * round, max_slots);
    }
    /// The slots that hold `n` entries at most three quarters full.
    static std::size_t slots_for(std::size_t n) noexcept {
        return rounded(n / 3 * 4 + (n % 3 != 0 ? 4 : 0));
    }
    /// The next size of a full index: twice as large while small, then half as large again,
    /// so a large index wastes less of its memory on the way.
    static std::size_t grown(std::size_t slots) noexcept {
        return rounded(slots < 4 * page_slots ? slots * 2 : slots / 2 * 3);
    }

    /// The size of a full index's next step (see `expect`).
    [[nodiscard]] std::size_t next_size() const noexcept {
        const std::size_t step = grown(index_.size());
        if (expected_ <= size_) return step;
        return std::min(step, std::max(slots_for(expected_), slots_for(size_ + size_ / 8)));
    }

    /// Where `key`'s probe starts: the high bits of its low word scaled to the index size
    /// (any size, not only powers of two). The fingerprint comes from the high word.
    [[nodiscard]] std::size_t home(key128 key) const noexcept {
        return static_cast<std::size_t>((static_cast<uint128>(key.lo) * index_.size()) >> 64);
    }
    [[nodiscard]] std::size_t next(std::size_t i) const noexcept {
        return i + 1 == index_.size() ? 0 : i + 1;
    }
    static constexpr std::size_t lookahead = 8;  // entries prefetched ahead in bulk passes

    /// 24 bytes in 32-bit words (4-byte alignment): the 96-bit key, then the contribution as
    /// user and the word of `kind_table` (offset and kind id), low half first; the mail detail
    /// is in `details_`.
    struct stored {
        std::uint32_t k[3];
        std::uint32_t user;
        std::uint32_t word_lo;
        std::uint32_t word_hi;
        [[nodiscard]] key128 key() const noexcept {
            return {(std::uint64_t{k[1]} << 32) | k[0], std::uint64_t{k[2]} << 32};
        }
        void set_key(key128 key) noexcept {
            k[0] = static_cast<std::uint32_t>(key.lo);
            k[1] = static_cast<std::uint32_t>(key.lo >> 32);
            k[2] = static_cast<std::uint32_t>(key.hi >> 32);
        }
        [[nodiscard]] std::uint64_t word() const noexcept {
            return (std::uint64_t{word_hi} << 32) | word_lo;
        }
        void set_word(std::uint64_t w) noexcept {
            word_lo = static_cast<std::uint32_t>(w);
            word_hi = static_cast<std::uint32_t>(w >> 32);
        }
    };
    static_assert(sizeof(stored) == 24);
    /// Entries per block: as many as fit in one huge page, so a block is exactly one mapping.
    static constexpr std::size_t block_size = huge_page_size / sizeof(stored);

    stored& entry(std::size_t i) noexcept { return blocks_[i / block_size][i % block_size]; }
    const stored& entry(std::size_t i) const noexcept {
        return blocks_[i / block_size][i % block_size];
    }

    /// Entry `i`, `e`, whose mail detail id is `detail`, as a contribution.
    contribution unpack(std::size_t i, const stored& e, std::uint32_t detail) const {
        const std::uint64_t w = e.word();
        const auto id = static_cast<std::uint32_t>(w >> kind_table::offset_bits);
        const std::uint64_t kind = id == kind_table::escaped
                                       ? outliers_.at(static_cast<std::uint32_t>(i))
                                       : kinds_.kind(id);
        contribution c;
        c.set_time(kind_table::time_of(kind, w & kind_table::offset_mask));
        c.user = e.user;
        c.detail = detail;
        c.meta = kind_table::meta_of(kind);
        return c;
    }

    /// Appends `key` with `c`, whose kind is `kind` with table id `id`; returns its entry
    /// number. Inlined: it is the hot path's store, and its rare steps are calls.
    __attribute__((always_inline)) std::size_t append(key128 key, const contribution& c,
                                                      std::uint64_t kind, std::uint32_t id) {
        const std::size_t n = size_;
        if (n == max_size) throw std::length_error("casreport: more records than a store holds");
        if (n / block_size == blocks_.size()) blocks_.emplace_back(block_size);
        if (id == kind_table::escaped) outliers_[static_cast<std::uint32_t>(n)] = kind;
        details_.push(c.detail);  // the last step that may throw
        stored& e = entry(n);
        e.set_key(key);
        e.user = c.user;
        e.set_word(kind_table::offset_of(c.time()) |
                   (std::uint64_t{id} << kind_table::offset_bits));
        ++size_;
        return n;
    }

    /// The key's fingerprint, where the slots keep it: the top bits of its stored high word.
    [[nodiscard]] std::uint32_t tag_of(key128 key) const noexcept {
        return static_cast<std::uint32_t>(key.hi >> 32) & tag_mask_;
    }
    [[nodiscard]] std::size_t number_of(std::uint32_t slot) const noexcept {
        return (slot & ~tag_mask_) - 1;
    }

    void assign_index(std::size_t n) {
        index_.assign_zero(n, true);
        unsigned b = 0;
        while ((std::size_t{1} << b) < n) ++b;
        tag_mask_ = fingerprint_mask(b);
    }

    /// Indexes the entries appended since the index was complete (or builds it again).
    void catch_up() {
        std::size_t cap = index_.size() == 0 ? slots_for(size_) : index_.size();
        while (size_ * 4 > cap * 3) cap = grown(cap);
        if (cap != index_.size() || indexed_ == 0) {
            rehash(cap);
            return;
        }
        for (std::size_t k = indexed_; k < size_; ++k) place(k);
        indexed_ = size_;
    }

    void place(std::size_t k) noexcept {
        const key128 key = entry(k).key();
        std::size_t i = home(key);
        while (index_[i] != 0) i = next(i);
        index_[i] = tag_of(key) | static_cast<std::uint32_t>(k + 1);
    }

    void rehash(std::size_t n) {
        assign_index(n);  // the old slots are freed first: no peak of both
        for (std::size_t k = 0; k < size_; ++k) {
            if (k + lookahead < size_)
                __builtin_prefetch(&index_[home(entry(k + lookahead).key())], 1);
            place(k);
        }
        indexed_ = size_;
    }

    std::vector<huge_array<stored>> blocks_;
    detail_column details_;  // entry → mail detail id
    std::size_t size_ = 0;
    std::size_t indexed_ = 0;          // entries [0, indexed_) are in the index
    huge_array<std::uint32_t> index_;  // fingerprint | (entry number + 1); 0 is empty
    std::uint32_t tag_mask_ = 0;       // the slot bits that hold the fingerprint
    std::size_t expected_ = 0;         // entries expected in all (`expect`), 0 for unknown
    kind_table kinds_;
    /// Entry → kind, for the entries whose kind did not get an id (`kind_table::escaped`).
    std::unordered_map<std::uint32_t, std::uint64_t> outliers_;
};

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_AGGREGATE_RECORD_STORE_HPP
