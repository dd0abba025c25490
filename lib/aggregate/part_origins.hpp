// Where the records of a merged partial state came from. Private to lib/.
//
// Each part of a split input (a file, in file order) is aggregated with `options::part` set to
// its index. A merge puts records and listed rejections in part order whatever order the parts
// arrive in: of the records with one key, the one of the lowest part counts (DESIGN section 2,
// "the first one counts"), and rejections are listed by part, so the first 100 are those of the
// whole input read in order. A state fed by one aggregator holds its own part only and keeps
// nothing here; a merge with another part records the part of every store entry, as runs of
// consecutive entries (parts are merged whole), and of every listed rejection.
#ifndef CASREPORT_LIB_AGGREGATE_PART_ORIGINS_HPP
#define CASREPORT_LIB_AGGREGATE_PART_ORIGINS_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace casreport::detail {

struct part_origins {
    /// False: every record and rejection is of the state's own part (`options::part`).
    bool mixed = false;

    struct run {
        std::uint32_t first = 0;  ///< entries from here to the next run's first are of `part`
        std::uint32_t part = 0;
    };
    /// From entry 0, by increasing `first`; the last run goes on to the last entry.
    std::vector<run> runs;
    /// Entries whose record an earlier part's record with the same key replaced, and that part.
    std::unordered_map<std::uint32_t, std::uint32_t> moved;
    /// The part of each listed rejection (`partial_state::rejections`), in the same order.
    std::vector<std::uint32_t> rejections;

    /// The part of store entry `i`; `own` when not mixed.
    [[nodiscard]] std::uint32_t entry_part(std::size_t i, std::uint32_t own) const {
        if (!mixed) return own;
        const auto e = static_cast<std::uint32_t>(i);
        if (!moved.empty()) {
            const auto it = moved.find(e);
            if (it != moved.end()) return it->second;
        }
        const auto after = std::upper_bound(
            runs.begin(), runs.end(), e, [](std::uint32_t x, const run& r) { return x < r.first; });
        return after == runs.begin() ? own : std::prev(after)->part;
    }

    /// The part of listed rejection `i` (`own` for one listed after the merges, if any is).
    [[nodiscard]] std::uint32_t rejection_part(std::size_t i, std::uint32_t own) const {
        return mixed && i < rejections.size() ? rejections[i] : own;
    }

    /// From now on the parts are written down: everything so far is of part `own`.
    void start(std::size_t entries, std::size_t listed, std::uint32_t own) {
        if (mixed) return;
        mixed = true;
        runs.clear();
        if (entries != 0) runs.push_back({0, own});
        moved.clear();
        rejections.assign(listed, own);
    }

    /// Entry `index`, just appended, is of `part`.
    void appended(std::size_t index, std::uint32_t part) {
        if (!runs.empty() && runs.back().part == part) return;
        runs.push_back({static_cast<std::uint32_t>(index), part});
    }

    void clear() {
        mixed = false;
        runs.clear();
        moved.clear();
        rejections.clear();
    }
};

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_AGGREGATE_PART_ORIGINS_HPP
