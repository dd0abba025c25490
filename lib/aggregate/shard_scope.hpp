// Which shards of a split input a partial state holds, and which of them are compact.
// Private to lib/.
//
// Scale-out (DESIGN section 8, docs/scale-out.md) splits each part's state into K shards by the
// hash of every record's de-duplication key: shard i of every part holds exactly the records
// whose key hashes to i, so de-duplication is exact inside a shard and never needs another
// one's identities. Once every part of a shard is merged, its de-duplication is complete and the
// shard can be compacted: the per-record identities are dropped and only the tallies stay. A
// compact shard takes no more records, and compact shards merge with each other when they are
// disjoint.
#ifndef CASREPORT_LIB_AGGREGATE_SHARD_SCOPE_HPP
#define CASREPORT_LIB_AGGREGATE_SHARD_SCOPE_HPP

#include <cstdint>
#include <string>
#include <vector>

#include "casreport/aggregator.hpp"
#include "hash.hpp"

namespace casreport::detail {

using casreport::max_shards;

/// The shard, among `count`, of a record with de-duplication key `key` (the high bits of its
/// low word: the store's index uses the low bits, so a shard's records still spread over it).
[[nodiscard]] inline std::uint32_t shard_of(key128 key, std::uint32_t count) noexcept {
    return static_cast<std::uint32_t>((static_cast<uint128>(key.lo) * count) >> 64);
}

struct shard_scope {
    /// K: the number of shards the input was split into (1: not split).
    std::uint32_t count = 1;
    /// Shards this state holds records of (from some parts, or all).
    std::vector<bool> covered = {true};
    /// Shards whose de-duplication is complete: compact, without per-record identities.
    std::vector<bool> compact = {false};

    /// Shard `index` of `shards`, not compact.
    [[nodiscard]] static shard_scope one(std::uint32_t shards, std::uint32_t index) {
        shard_scope s;
        s.count = shards;
        s.covered.assign(shards, false);
        s.compact.assign(shards, false);
        s.covered[index] = true;
        return s;
    }

    [[nodiscard]] bool any_compact() const noexcept {
        for (const bool c : compact) {
            if (c) return true;
        }
        return false;
    }

    /// Whether records can still be added to it by feeding: one unsplit, open shard.
    [[nodiscard]] bool whole_and_open() const noexcept { return count == 1 && !compact[0]; }

    /// Why a state of scope `later` cannot merge into one of this scope, in words; empty when
    /// it can: the same split, and no compact shard on either side that the other holds.
    [[nodiscard]] std::string conflict(const shard_scope& later) const {
        if (count != later.count) {
            return "the states are split into different numbers of shards (" +
                   std::to_string(count) + " and " + std::to_string(later.count) + ")";
        }
        for (std::uint32_t i = 0; i < count; ++i) {
            if ((compact[i] && later.covered[i]) || (later.compact[i] && covered[i])) {
                const std::string which = count == 1 ? std::string("a compact state")
                                                     : "shard " + std::to_string(i) + " of " +
                                                           std::to_string(count) +
                                                           " is compact in one state and";
                return which +
                       (count == 1 ? " takes no more records" : " has records in the other") +
                       ": its de-duplication is complete (compact a shard only once every "
                       "part of it is merged)";
            }
        }
        return {};
    }

    /// Adds the shards of `later` (after `conflict` found none).
    void add(const shard_scope& later) {
        for (std::uint32_t i = 0; i < count; ++i) {
            covered[i] = covered[i] || later.covered[i];
            compact[i] = compact[i] || later.compact[i];
        }
    }

    /// Every shard held becomes compact.
    void close() { compact = covered; }
};

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_AGGREGATE_SHARD_SCOPE_HPP
