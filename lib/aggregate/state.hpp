// The partial state of an aggregation: everything counted so far, mergeable and serializable.
// Private to lib/.
#ifndef CASREPORT_LIB_AGGREGATE_STATE_HPP
#define CASREPORT_LIB_AGGREGATE_STATE_HPP

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "casreport/options.hpp"
#include "casreport/record.hpp"
#include "casreport/report.hpp"
#include "mapped_vector.hpp"
#include "memo.hpp"
#include "part_origins.hpp"
#include "record_store.hpp"
#include "shard_scope.hpp"
#include "string_pool.hpp"

namespace casreport::detail {

struct counters {
    std::uint64_t records = 0;
    std::uint64_t accepted = 0;
    std::uint64_t rejected = 0;
    std::uint64_t duplicates = 0;
    std::uint64_t out_of_period = 0;
};

/// Sender, threat name and attachment hash of a mail detection (ids in `partial_state::strings`),
/// for the targeted-attack findings.
struct mail_detail {
    std::uint32_t sender = 0;
    std::uint32_t threat = 0;
    std::uint32_t file = 0;
    friend bool operator==(const mail_detail& a, const mail_detail& b) noexcept {
        return a.sender == b.sender && a.threat == b.threat && a.file == b.file;
    }
};

/// With de-duplication off, records that add the same thing (time aside) collapse into one
/// group, so memory stays bounded by distinct users and details.
struct record_group {
    std::uint64_t count = 0;
    std::int64_t first = 0;
    std::int64_t last = 0;
};

struct group_key {
    std::uint32_t user = 0;
    std::uint32_t detail = 0;
    std::uint32_t meta = 0;
    friend bool operator==(const group_key& a, const group_key& b) noexcept {
        return a.user == b.user && a.detail == b.detail && a.meta == b.meta;
    }
};

struct triple_hash {
    std::size_t operator()(const mail_detail& d) const noexcept {
        return mix(d.sender, d.threat, d.file);
    }
    std::size_t operator()(const group_key& g) const noexcept {
        return mix(g.user, g.detail, g.meta);
    }
    static std::size_t mix(std::uint32_t a, std::uint32_t b, std::uint32_t c) noexcept {
        return static_cast<std::size_t>(fold_mul(
            (std::uint64_t{a} << 32 | b) ^ 0x9e3779b97f4a7c15ULL, c ^ 0xbf58476d1ce4e5b9ULL));
    }
};

/// Mail detail → its id, so that equal details share one (de-duplication off: records that
/// repeat one detail then fall into one group). Open addressing, 16 bytes a slot.
class detail_index {
public:
    detail_index() { slots_.resize(initial_slots); }

    /// The id of `d` (`i + 1` for `details[i]`), or 0 when it is not indexed.
    [[nodiscard]] std::uint32_t find(const mail_detail& d) const noexcept {
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = triple_hash{}(d)&mask;; i = (i + 1) & mask) {
            const slot& s = slots_[i];
            if (s.id == 0) return 0;
            if (s.d == d) return s.id;
        }
    }

    /// Files `d` under `id` (it must not be indexed yet).
    void insert(const mail_detail& d, std::uint32_t id) {
        if ((size_ + 1) * 4 > slots_.size() * 3) grow();
        place(d, id);
        ++size_;
    }

    [[nodiscard]] std::size_t size() const noexcept { return size_; }

    void clear() {
        std::vector<slot>(initial_slots).swap(slots_);
        size_ = 0;
    }

private:
    static constexpr std::size_t initial_slots = 256;
    struct slot {
        mail_detail d;
        std::uint32_t id = 0;  // 0: empty
    };
    void place(const mail_detail& d, std::uint32_t id) noexcept {
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = triple_hash{}(d)&mask;
        while (slots_[i].id != 0) i = (i + 1) & mask;
        slots_[i] = {d, id};
    }
    void grow() {
        std::vector<slot> old(slots_.size() * 2);
        old.swap(slots_);
        for (const slot& s : old) {
            if (s.id != 0) place(s.d, s.id);
        }
    }
    std::vector<slot> slots_;
    std::size_t size_ = 0;
};

class partial_state {
public:
    explicit partial_state(const options& opts);

    [[nodiscard]] const options& opts() const noexcept { return opts_; }

    /// Counts one rejected record; lists it while the list is shorter than the option's limit.
    void add_rejection(std::string_view source, std::uint64_t line, reject_reason why,
                       std::string_view detail);

    /// Whether another rejection would still be listed (so its detail is worth writing).
    [[nodiscard]] bool lists_more_rejections() const noexcept {
        return rejections.size() < opts_.max_listed_rejections;
    }

    /// Normalizes one event (the rules of `casreport::normalize`, memoized) and counts it as
    /// accepted, duplicate or out of period. Returns the reason when the record must be
    /// rejected instead; the caller then calls `add_rejection`.
    [[nodiscard]] std::optional<reject_reason> add(const raw_event& raw, utc_offset naive_zone);

    /// The counters, exact at any time: records still in the insert queue are classified as
    /// they will be.
    [[nodiscard]] counters current() const noexcept;

    /// Completes the de-duplication of the records still in the insert queue. `add` defers
    /// each store insert by a few records so the prefetched index slot has arrived; call this
    /// before reading the counters or the store (the aggregator does at every source end).
    void flush_pending();

    /// Whether `later` can merge into this state: the same de-duplication setting and period.
    [[nodiscard]] bool can_merge(const partial_state& later) const noexcept;

    /// Whether the counts of this state and `later` together stay within `max_count`.
    [[nodiscard]] bool can_hold(const partial_state& later) const noexcept;

    /// Adds `later`, whose input comes after this one's. Fails with `error::incompatible` when
    /// `can_merge(later)` is false, and with `error::input`, changing nothing, when the merged
    /// counts would pass `max_count` (`can_hold`).
    void merge(const partial_state& later, std::error_code& ec);

    /// Like `merge`, taking `later`'s records (its memory is released as they move; it is left
    /// empty). Its listed rejections move `line_offset` lines down: `later` read the rest of
    /// the same source from a later line. With `last`, nothing will be merged after `later`:
    /// its records are only checked against ours and appended, not indexed (the index catches
    /// up if a record is ever added again), which makes the merge of a split file's last part
    /// cheap.
    void merge(partial_state&& later, std::uint64_t line_offset, std::error_code& ec,
               bool last = false);

    /// Takes the states of a split file's later parts, in file order, as `merge(std::move(part),
    /// line_offsets[k], ec, last)` one after the other would, but checks every part's records
    /// at once: against our index and the indexes of the parts before it (each part but the
    /// last must still have its index). With `threads` > 1, both threads check, and then one
    /// translates the parts' strings and details while the other moves the records. The parts
    /// are left empty.
    void merge_parts(const std::vector<partial_state*>& parts,
                     const std::vector<std::uint64_t>& line_offsets, std::error_code& ec,
                     unsigned threads);

    /// Frees the lookup tables of the hot path (they only speed up `add`).
    void drop_memos();

    void clear();

    // ---- read by the report builder and the codec ----
    counters n;
    std::vector<rejection> rejections;
    string_pool users;    ///< normalized users; `contribution::user` indexes it
    string_pool strings;  ///< senders, threats, file hashes, unknown service keys
    /// Service code `first_other_service_code + i` is the unknown service keyed by
    /// `strings.at(other_services[i])`.
    std::vector<std::uint32_t> other_services;
    /// Detail id `i + 1` is `details[i]`; 0 means none. With de-duplication, an entry is added
    /// when a mail detection proves new, unless a recent one had the same detail
    /// (`recent_details_`: no exact lookup on the hot path, nothing for duplicates, and one
    /// entry for a detail that repeats); entries may repeat ids, as findings aggregate by
    /// sender, threat and file. Without it, one entry per distinct detail (`detail_index`), so
    /// that repeated records collapse into one group. Either way memory grows with distinct
    /// details, not with records.
    mapped_vector<mail_detail> details;
    record_store store;                                               ///< de-duplication on
    std::unordered_map<group_key, record_group, triple_hash> groups;  ///< de-duplication off

    /// Rebuilds the lookup maps after `other_services` was filled directly.
    void reindex();

    /// Frees the de-duplication index and the pools' lookup indexes once no record can be
    /// added any more (the entries and strings stay: reports, saves and merges into another
    /// state only walk them; an index is built again if something is added after all).
    void seal();

    /// Makes room for `records` de-duplication entries in all; builds the index again after
    /// `seal`, so records can be added again.
    void reserve(std::size_t records) { store.reserve(records); }

    /// About `records` distinct records are expected in all: the index grows towards that size
    /// (`record_store::expect`). Nothing is allocated now.
    void expect_records(std::size_t records) noexcept {
        if (opts_.dedupe) store.expect(records);
    }

    [[nodiscard]] bool empty() const noexcept {
        return n.records == 0 && queue_count_ == 0 && groups.empty() && store.size() == 0;
    }

    std::uint32_t intern_service(std::string_view key);
    void add_group(const group_key& g, const record_group& r);

    // ---- scale-out: shards and parts (shard_scope.hpp, part_origins.hpp, part_order.cpp) ----

    shard_scope scope;     ///< which shards of a split input this holds, which are compact
    part_origins origins;  ///< the part of every record, once parts of several indexes merged

    /// Why `later` cannot merge into this state, in words (another month, zone, de-duplication
    /// setting or shard split; records for a compact shard); empty when it can.
    [[nodiscard]] std::string merge_refusal(const partial_state& later) const;

    /// Whether `merge` (which puts `later` after this state) already gives the part order: both
    /// hold their own part only, and it is the same one.
    [[nodiscard]] bool same_part(const partial_state& later) const noexcept {
        return !origins.mixed && !later.origins.mixed && opts_.part == later.opts_.part;
    }

    /// Adds `later` in part order, whatever order the parts arrive in (part_origins.hpp): of two
    /// records with one key the one of the lower part counts, rejections are listed by part,
    /// and the shards of both are held (refused with `error::incompatible` unless
    /// `merge_refusal` is empty, and with `error::input` past `max_count`, changing nothing).
    void merge_in_part_order(const partial_state& later, std::error_code& ec);

    /// The shard scope after `later` merges in (an empty state takes `later`'s).
    [[nodiscard]] shard_scope scope_after(const partial_state& later) const;

    /// Whether records can still be added by feeding: not once it holds a shard of a split
    /// input, a compact state, or parts of other indexes.
    [[nodiscard]] bool takes_records() const noexcept {
        return scope.whole_and_open() && !origins.mixed;
    }

    /// Makes every shard held compact (shard.cpp): the per-record identities go, and what the
    /// report needs stays, as groups of records that add the same thing (user, mail detail,
    /// service, section, outcome, risk, period flag) with their count; each group carries the
    /// state's first and last detection rather than its own (the report needs no more).
    /// Its size no longer grows with the records, only with those distinct groups. Call it once
    /// every part of the shards held is merged: a compact shard takes no more records. The
    /// records' memory is freed as the groups grow; should memory run out meanwhile, the state
    /// is left empty.
    void compact();

private:
    template <class State>
    void merge_from(State&& later, std::uint64_t line_offset, std::error_code& ec, bool last);

    /// A later state's ids in ours (see `merge`): users, unknown-service codes, and where its
    /// details start in ours.
    struct translation {
        std::vector<std::uint32_t> users;
        std::vector<std::uint32_t> codes;
        std::uint32_t detail_base = 0;
        /// De-duplication off: our id of each later detail (equal details share one).
        std::vector<std::uint32_t> detail_ids;
        [[nodiscard]] std::uint32_t user(std::uint32_t u) const noexcept { return users[u]; }
        [[nodiscard]] std::uint32_t detail(std::uint32_t d) const noexcept {
            if (d == 0) return 0;
            return detail_ids.empty() ? d + detail_base : detail_ids[d - 1];
        }
        [[nodiscard]] std::uint32_t meta(std::uint32_t m) const noexcept {
            std::uint32_t code = m >> 16;
            if (code >= first_other_service_code) code = codes[code - first_other_service_code];
            return (code << 16) | (m & 0xffffU);
        }
        contribution operator()(contribution c) const noexcept;
    };
    void translate_users(const partial_state& later, translation& t);
    /// `translate_services`, then `translate_details` with the details appended after ours.
    void translate_strings(const partial_state& later, translation& t);
    /// The codes of the later state's unknown services (their keys interned in `strings`).
    void translate_services(const partial_state& later, translation& t);
    /// Interns the later state's strings and takes its details: appended after ours, whose
    /// count must have been `t.detail_base` (de-duplication on; `t` is only read), or shared
    /// (off; `t.detail_ids`). Touches only `strings` and `details` of ours.
    void translate_details(const partial_state& later, translation& t);
    void take_counters(const partial_state& later, std::uint64_t line_offset);
    void take_groups(const partial_state& later, const translation& t);
    void insert(key128 key, const contribution& c, const mail_detail& d);

    /// Marks a queued record's contribution whose mail detail is added only if the record
    /// proves new (`insert`).
    static constexpr std::uint32_t detail_pending = 0xffffffffU;

    struct pending_insert {
        key128 key;
        contribution c;
        mail_detail d;  ///< when `c.detail == detail_pending`
    };
    static constexpr std::size_t queue_size = 16;
    std::array<pending_insert, queue_size> queue_{};
    std::size_t queue_head_ = 0;  // oldest entry
    std::size_t queue_count_ = 0;

    /// A normalized string and its pool key, computed ahead of the lookup so the pool slot
    /// can be prefetched while the rest of the record is read.
    struct keyed_text {
        std::string_view text;
        key128 key;
    };
    /// `raw` trimmed and lower-cased (a view of `raw` when it already is, else of `buf`).
    static keyed_text lower_key(std::string_view raw, std::string& buf);

    std::uint32_t service_code(std::string_view raw_service);
    /// The memo hashes of a mail detection's sender and threat, computed (and their slots
    /// prefetched) with the attachment's pool key.
    struct detail_hashes {
        std::uint64_t sender = 0;
        std::uint64_t threat = 0;
    };
    /// The mail detail of a detection (its strings interned, nothing else added).
    mail_detail detail_of(const raw_event& raw, const keyed_text& file, detail_hashes h);
    /// The id of `d` among the details, adding it when new (de-duplication off).
    std::uint32_t shared_detail_id(const mail_detail& d);
    /// Indexes the details added since the last call (de-duplication off).
    void index_details();
    key128 tuple_key(const raw_event& raw, std::uint32_t service_code, std::uint8_t kind,
                     std::int64_t time, std::uint32_t user);

    options opts_;
    std::string key_buf_;
    std::string text_buf_;
    std::string user_buf_;
    std::string file_buf_;
    std::unordered_map<std::uint32_t, std::uint32_t> service_codes_;  // strings id → code
    detail_index detail_index_;        // de-duplication off: details[0, details_indexed_)
    std::size_t details_indexed_ = 0;  // ... are in detail_index_
    /// De-duplication on: the last detail added per slot (direct-mapped by its hash) and its id.
    struct recent_detail {
        mail_detail d;
        std::uint32_t id = 0;  // 0: none
    };
    /// 256 KiB of slots: a campaign's detail recurs across a month's users, and on the 4 GB
    /// dump 16384 slots keep 624,000 details where 1024 kept 1,036,000 (485,000 distinct).
    static constexpr std::size_t recent_details = 16384;
    std::vector<recent_detail> recent_details_;  // made on first use
    // Hot-path memos, keyed by the raw bytes of the input.
    small_memo<std::uint32_t, 4096> sender_memo_;       // raw sender → strings id
    small_memo<std::uint32_t, 1024, 120> threat_memo_;  // raw threat name (URLs too) → id
    small_memo<std::uint8_t> kind_memo_;
    small_memo<std::uint32_t> service_memo_;
    small_memo<security_filter> filter_memo_;
    small_memo<bool, 256, 120> monitor_memo_;  // policy names run past 56 bytes
    small_memo<outcome> action_memo_;
    small_memo<risk_level> risk_memo_;
};

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_AGGREGATE_STATE_HPP
