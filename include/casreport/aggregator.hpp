// The streaming aggregator: bytes in, report out.
#ifndef CASREPORT_AGGREGATOR_HPP
#define CASREPORT_AGGREGATOR_HPP

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "casreport/options.hpp"
#include "casreport/report.hpp"

namespace casreport {

/// The accounting identity, available at any time: records = accepted + rejected + duplicates
/// + out_of_period (once every source has ended).
struct input_counts {
    std::uint64_t records = 0;
    std::uint64_t accepted = 0;
    std::uint64_t rejected = 0;
    std::uint64_t duplicates = 0;
    std::uint64_t out_of_period = 0;
};

/// The most shards `aggregator::save_shards` splits a state into: plenty for a month of a billion
/// events (docs/scale-out.md), few enough that a state's record of its shards stays tiny.
inline constexpr std::uint32_t max_shards = 4096;

/// How `aggregator::feed_file` reads a file.
struct file_options {
    /// Threads that read parts of a large JSON file at once (a gzip file: with 2 or more, one
    /// thread inflates ahead while another decodes); 0 means one per core. The report is
    /// exactly that of one sequential pass whatever this is.
    unsigned threads = 1;
    /// Bytes per read. Small reads keep the page-cache copy in the CPU's cache.
    std::size_t read_size = std::size_t{64} << 10;
    /// Incremented (relaxed) by the bytes read so far, for progress reports from another thread.
    std::atomic<std::uint64_t>* bytes_read = nullptr;
    /// Likewise, the records decoded so far (updated after each read).
    std::atomic<std::uint64_t>* records_read = nullptr;
    /// Files are only split in parts of at least this many bytes.
    std::size_t min_part_bytes = std::size_t{4} << 20;
    /// The source's name in rejections; empty: the path.
    std::string source_name;
};

/// Turns CAS security-event logs into a report.
///
/// Life cycle, as Boost.JSON's `stream_parser`: construct with options, then for each input
/// `begin_source(name)` and `feed(bytes)` any number of times with the bytes split anywhere,
/// then `finish()`, then `report()`. A single source needs no `begin_source` (it is called
/// "input"). Memory is bounded by the distinct users, senders and record ids, never by the
/// size of the input.
///
/// Partial results combine: `save()` a finished aggregator, `load()` it elsewhere, and `merge()`
/// it into another aggregator (finished, loaded or not). De-duplication holds across merged
/// parts; `options::part` orders them. Beyond one machine, `save_shards()` splits a part's state
/// by record key and `compact()` shrinks a shard whose parts are all merged (docs/scale-out.md).
///
/// Threads: one thread at a time per object; distinct objects run in parallel.
///
/// Every fallible call comes as a pair: the `std::error_code&` overload (which may still throw
/// `std::bad_alloc`) and a throwing one (`error_exception`).
class aggregator {
public:
    explicit aggregator(options opts = {});
    ~aggregator();
    aggregator(aggregator&&) noexcept;
    aggregator& operator=(aggregator&&) noexcept;
    aggregator(const aggregator&) = delete;
    aggregator& operator=(const aggregator&) = delete;

    [[nodiscard]] const options& opts() const noexcept;

    /// Why the last failing call failed, for the failures that have more to say than their
    /// code (`error::input`: names the source, and the line where it applies). Empty after a
    /// `begin_source`, `feed`, `end_source`, `finish` or `merge` that succeeded. The throwing
    /// overloads carry the same text in `what()`.
    [[nodiscard]] const std::string& last_error() const noexcept;

    /// Starts a new source (a file): line numbers restart at 1 and its format is detected
    /// anew. Ends the current source first (`error::input` if ending it showed that it could
    /// not be used: the new source starts all the same).
    void begin_source(std::string_view name, std::error_code& ec);
    void begin_source(std::string_view name);

    /// Feeds the next bytes of the current source. An empty view is a no-op.
    ///
    /// `error::input`: the source cannot be used as a whole (its format is none of those
    /// accepted, its gzip data is corrupt); `last_error()` says why and names it. The records
    /// it gave before stay counted; its further bytes are refused with the same error until
    /// the next `begin_source`, `end_source` or `finish`, which then succeed. Such a failure
    /// shows in the first of these calls that detects it: `feed`, or the end of the source.
    void feed(std::string_view bytes, std::error_code& ec);
    void feed(std::string_view bytes);

    /// Reads the file at `path` as one source, named by its path (or `fo.source_name`). With
    /// `threads` > 1, a large JSON file whose documents start at line starts (NDJSON, pages one per
    /// line) is split at such lines, its parts aggregated on several threads and merged in order; a
    /// part that does not end exactly between two records makes the file be read again
    /// sequentially, so the report never differs. Fails with a system error code when the file
    /// cannot be read.
    void feed_file(const std::string& path, const file_options& fo, std::error_code& ec);
    void feed_file(const std::string& path, const file_options& fo = {});

    /// Ends the current source: a truncated last record becomes a rejection.
    void end_source(std::error_code& ec);
    void end_source();

    /// Ends the input. `feed` is misuse afterwards; `report` becomes available, even when
    /// ending the last source failed with `error::input`.
    void finish(std::error_code& ec);
    void finish();

    [[nodiscard]] bool finished() const noexcept;

    /// The report, built on first use after `finish`. Valid until the object is reset,
    /// merged into, moved from or destroyed.
    [[nodiscard]] const casreport::report& report(std::error_code& ec);
    [[nodiscard]] const casreport::report& report();

    /// The report built anew with other report-time settings than the options': `top_n` rows
    /// and the findings thresholds `findings` (the month, zone and de-duplication stay those
    /// of the input). Not kept: each call builds it again from the state.
    [[nodiscard]] casreport::report report_with(std::size_t top_n, const finding_policy& findings,
                                                std::error_code& ec) const;

    /// The input accounting so far.
    [[nodiscard]] input_counts counts() const noexcept;

    /// Adds the records of `other`, which must be finished (or loaded). Records and listed
    /// rejections go in the order of their parts (`options::part`), then of arrival: of two
    /// records with one key, the one of the lower part counts (the one here, for equal parts)
    /// and the other is a duplicate, so parts merged in any order give the same report. This
    /// one may be finished (or loaded) too: it stays finished and its report is built again;
    /// the options it has are kept. `error::incompatible`, changing nothing, when the two
    /// differ in `dedupe` or `period`, are split into different numbers of shards, or one holds
    /// records of a shard that is compact in the other; `last_error()` says which. Once this
    /// holds parts of other indexes or shards it takes no more input (`feed` is misuse).
    void merge(const aggregator& other, std::error_code& ec);
    void merge(const aggregator& other);

    /// Like `merge`, but takes `other`'s records rather than copying them, releasing its memory
    /// as they move; `other` is left empty (reset, with its options).
    void merge(aggregator&& other, std::error_code& ec);
    void merge(aggregator&& other);

    /// The partial state of a finished aggregator, as bytes (a versioned binary format).
    [[nodiscard]] std::string save(std::error_code& ec) const;
    [[nodiscard]] std::string save() const;

    /// The partial state of a finished aggregator split into `shards` states by the hash of
    /// each record's de-duplication key, as `save()` bytes: shard i holds exactly the records
    /// whose key hashes to i (rejected records, listed, and the count of duplicates found here
    /// go with shard 0). Shard i of every part of an input merges into one state whose
    /// de-duplication is exact and complete, which `compact()` then makes small. With 1 shard,
    /// `save()`. `error::invalid_argument` for 0 or more than 4096 shards; `error::misuse`
    /// unless finished and, for 2 or more, fed by this aggregator alone (not split already, not
    /// compact, not a merge of parts of other indexes).
    [[nodiscard]] std::vector<std::string> save_shards(std::uint32_t shards,
                                                       std::error_code& ec) const;
    [[nodiscard]] std::vector<std::string> save_shards(std::uint32_t shards) const;

    /// Drops the per-record identities of a finished aggregator whose de-duplication is
    /// complete — every part of the shards it holds merged — and keeps what the report needs:
    /// records that add the same thing to it grouped, with their count, and the first and last
    /// detection. The report is unchanged; the saved state no longer grows with the records,
    /// only with the distinct users, mail details and kinds of detection. A compact shard takes no
    /// more records: merges that would add any are `error::incompatible`, while compact states
    /// of disjoint shards merge. `error::misuse` unless finished. The records' memory is freed
    /// as the groups grow: should memory run out meanwhile (`std::bad_alloc`), the aggregator is
    /// left empty.
    void compact(std::error_code& ec);
    void compact();

    /// Restores a saved state, with the options it was saved with, as a finished aggregator.
    /// `error::input` for bytes that are not a complete, undamaged saved state of this format:
    /// the aggregator returned then is empty, and its `last_error()` says what is wrong
    /// ("truncated: ...", "damaged: ...", another format version, an inconsistent part); the
    /// throwing overload says it in `what()`.
    [[nodiscard]] static aggregator load(std::string_view bytes, std::error_code& ec);
    [[nodiscard]] static aggregator load(std::string_view bytes);

    /// Back to the empty state; keeps the options.
    void reset();

    struct impl;

private:
    explicit aggregator(std::unique_ptr<impl> p) noexcept;
    std::unique_ptr<impl> impl_;
};

}  // namespace casreport

#endif  // CASREPORT_AGGREGATOR_HPP
