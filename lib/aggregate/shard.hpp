// Splitting a partial state into shards by the hash of each record's de-duplication key
// (shard_scope.hpp; `partial_state::compact` is in shard.cpp too). Private to lib/.
#ifndef CASREPORT_LIB_AGGREGATE_SHARD_HPP
#define CASREPORT_LIB_AGGREGATE_SHARD_HPP

#include <cstdint>
#include <memory>
#include <vector>

#include "state.hpp"

namespace casreport::detail {

/// Shard i of a state holds exactly its records whose key hashes to i (`shard_of`), with the
/// users and strings they name and their parts. Counts that belong to no record — rejected
/// records (listed with their parts) and duplicates found inside the state — go to shard 0, so
/// the shards' counts add up to the state's and each satisfies the accounting identity. With
/// de-duplication off there are no keys: groups go by the hash of their user's name.
class id_copier;

class state_splitter {
public:
    /// `st` must take records still (`takes_records`: not split, not compact, not a merge of
    /// other parts) and stay unchanged while shards are made; `shards` from 1 to `max_shards`.
    state_splitter(const partial_state& st, std::uint32_t shards);
    ~state_splitter();
    state_splitter(const state_splitter&) = delete;
    state_splitter& operator=(const state_splitter&) = delete;

    /// Shard `index` (below `shards`) as a state of its own: `scope` is that one shard.
    [[nodiscard]] partial_state shard(std::uint32_t index);

private:
    const partial_state& st_;
    std::uint32_t shards_;
    /// A counting sort of the store's entries by shard: shard i's are at [first_[i],
    /// first_[i + 1]) of order_, in store order.
    std::vector<std::uint32_t> first_;
    std::vector<std::uint32_t> order_;
    /// The groups of each shard.
    std::vector<std::vector<const std::pair<const group_key, record_group>*>> groups_;
    std::unique_ptr<id_copier> copy_;
};

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_AGGREGATE_SHARD_HPP
