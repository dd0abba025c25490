// aggregator::feed_file: whole files, in small reads, split across threads where that is safe.
//
// Three steps. Plan: a large JSON file whose documents start at line starts is cut at lines
// that begin with '{' (lib/io/file_parts.hpp). Run: each part is aggregated by its own
// aggregator on its own thread; a thread that finishes early takes the second half of what
// another has not read yet, as a new part (cores of a shared machine do not run at the same
// speed). Merge: the parts are merged in file order (the first copy of a record still wins)
// and their rejections moved down to their real line numbers. If a part did not end exactly
// between two records — a pretty-printed document spanning a cut — its work is dropped and
// the file is read again in one pass. So the result is always that of one sequential pass.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "../core/side_task.hpp"
#include "../io/file_parts.hpp"
#include "../io/read_chunks.hpp"
#include "aggregator_impl.hpp"
#include "decompress_ahead.hpp"

namespace casreport {
namespace {

std::error_code last_system_error() { return {errno, std::generic_category()}; }

/// Foresees the records a range of a file brings in all from those its first bytes brought, and
/// tells the state (`partial_state::expect_records`): its de-duplication index can then grow to
/// the size the range needs rather than by a fixed step that may leave a third of it empty.
class record_forecast {
public:
    explicit record_forecast(const detail::partial_state& st) : base_(st.store.size()) {}

    /// After `bytes` more were fed, with `left` bytes of the range not read yet.
    void after(std::size_t bytes, std::uint64_t left, detail::partial_state& st) {
        fed_ += bytes;
        if (fed_ < min_sample || st.store.size() < base_) return;
        const double per_byte =
            static_cast<double>(st.store.size() - base_) / static_cast<double>(fed_);
        st.expect_records(st.store.size() +
                          static_cast<std::size_t>(per_byte * static_cast<double>(left) * 1.02));
    }

private:
    static constexpr std::uint64_t min_sample = std::uint64_t{1} << 20;
    std::size_t base_;
    std::uint64_t fed_ = 0;
};

/// Reads `fd` in the chunks `claim(size)` hands out (see `byte_range::claim`) and feeds them to
/// `agg`; `left()` is what the range still holds unclaimed, as far as known. Stops early when
/// the decoder finds the source unusable (`agg.failed`).
template <class Claim, class Left>
void read_claimed(int fd, Claim&& claim, Left&& left, aggregator::impl& agg,
                  const file_options& fo, std::error_code& ec) {
    std::uint64_t counted = agg.state.n.records;
    record_forecast forecast(agg.state);
    detail::read_chunks(
        fd, std::forward<Claim>(claim), fo,
        [&](std::string_view chunk) {
            const bool go_on = agg.feed_file_chunk(chunk, fo, counted);
            forecast.after(chunk.size(), left(), agg.state);
            return go_on;
        },
        ec);
}

/// The whole file, in one pass, to its end (whatever its size when we started); a pipe, FIFO
/// or device (not `seekable`) with plain reads.
void read_all(int fd, bool seekable, aggregator::impl& agg, const file_options& fo,
              std::error_code& ec) {
    if (seekable) {
        const off_t end = ::lseek(fd, 0, SEEK_END);
        const std::uint64_t size = end > 0 ? static_cast<std::uint64_t>(end) : 0;
        std::uint64_t claimed = 0;
        auto whole = detail::whole_file();
        read_claimed(
            fd,
            [&](std::size_t n) {
                const auto r = whole(n);
                claimed = r.first + r.second;
                return r;
            },
            [&] { return claimed < size ? size - claimed : 0; }, agg, fo, ec);
        return;
    }
    std::uint64_t counted = agg.state.n.records;
    detail::read_stream(
        fd, fo, [&](std::string_view chunk) { return agg.feed_file_chunk(chunk, fo, counted); },
        ec);
}

// ---- plan ----

/// Where to cut the file `fd` of `size` bytes for `threads` threads: {0, cut..., size}, or
/// just {0, size} when it is read in one piece (not JSON whose first document is an object
/// at a line start, or too small to share).
std::vector<std::uint64_t> plan_parts(int fd, std::uint64_t size, unsigned threads,
                                      const options& opts) {
    const bool json = opts.format == input_format::auto_detect ||
                      opts.format == input_format::json || opts.format == input_format::ndjson;
    if (threads < 2 || !json || !detail::starts_with_object(fd)) return {0, size};
    return detail::plan_cuts(fd, size, threads);
}

// ---- run ----

/// One part of the file, read by its own aggregator. Parts never move once made.
struct part {
    part(std::uint64_t b, std::uint64_t e) : range(b, e) {}
    detail::byte_range range;
    std::unique_ptr<aggregator::impl> agg;
    std::error_code error;
    bool usable = false;    // decoded, and ended without an open document
    bool boundary = false;  // ended exactly between two records
    std::uint64_t lines = 0;
};

/// The parts of one file on several threads, one worker each to start with; a worker that
/// runs out takes half of the largest unread rest as a new part.
class part_run {
public:
    part_run(int fd, const std::vector<std::uint64_t>& cuts, const options& opts,
             const std::string& source, const file_options& fo)
        : fd_(fd),
          opts_(opts),
          source_(source),
          fo_(fo),
          min_left_(2 * std::max<std::uint64_t>(fo.min_part_bytes, 1)) {
        for (std::size_t k = 0; k + 1 < cuts.size(); ++k) parts_.emplace_back(cuts[k], cuts[k + 1]);
    }

    /// Reads every part. A worker that cannot be started leaves its part to the others (its
    /// range is read all the same, by whoever takes it over).
    void run() {
        // The planned parts only: once the first helper runs, parts_ grows with stolen ones.
        const std::size_t planned = parts_.size();
        std::deque<detail::side_task> helpers;
        for (std::size_t k = 1; k < planned; ++k) {
            helpers.emplace_back(true, [this, k] { work_from(k); });
        }
        work_from(0);
        for (detail::side_task& h : helpers) h.finish();
    }

    /// The first failure: of sharing out work, else of a part in file order.
    [[nodiscard]] std::error_code error() {
        if (steal_error_) return steal_error_;
        for (const part* p : in_order()) {
            if (p->error) return p->error;
        }
        return {};
    }

    /// The parts in file order.
    [[nodiscard]] std::vector<part*> in_order() {
        std::vector<part*> order;
        for (part& p : parts_) order.push_back(&p);
        std::sort(order.begin(), order.end(),
                  [](const part* x, const part* y) { return x->range.begin() < y->range.begin(); });
        return order;
    }

private:
    /// Aggregates part `p` to the end of its range (which may shrink meanwhile).
    void read_part(part& p) {
        try {
            p.agg = std::make_unique<aggregator::impl>(opts_);
            aggregator::impl& a = *p.agg;
            a.source = source_;
            read_claimed(
                fd_, [&p](std::size_t n) { return p.range.claim(n); },
                [&p] { return p.range.unread(); }, a, fo_, p.error);
            p.boundary = a.dec && a.dec->at_record_boundary();
            p.lines = a.dec ? a.dec->line() - 1 : 0;
            p.usable = a.failed.empty() && !a.end_current();
            a.finished = true;  // each part keeps its index: later parts are checked against it
            // Only the records' index is read from here on: the lookup tables that speed up
            // adding go now, not at the merge, so they are not held while the other parts
            // finish, when the whole run peaks.
            a.state.flush_pending();
            a.state.drop_memos();
            a.state.users.drop_index();
            a.state.strings.drop_index();
        } catch (...) {
            p.error = make_error_code(std::errc::not_enough_memory);
        }
    }

    /// A new part made of the second half of the largest unread rest, or null when no part
    /// has enough left to share. Called under `lock_`.
    part* steal() {
        part* victim = nullptr;
        std::uint64_t most = 0;
        for (part& other : parts_) {
            const std::uint64_t left = other.range.unread();
            if (left > most) {
                most = left;
                victim = &other;
            }
        }
        if (victim == nullptr) return nullptr;
        // The new part exists before the split: a failed allocation loses nothing.
        part& taken = parts_.emplace_back(0, 0);
        const auto [b, e] = victim->range.split(fd_, min_left_);
        if (b == e) {  // too little left to share
            parts_.pop_back();
            return nullptr;
        }
        taken.range.reset(b, e);
        return &taken;
    }

    /// A worker: part `first`, then whatever it can steal.
    void work_from(std::size_t first) {
        try {
            part* p = nullptr;
            {
                const std::lock_guard<std::mutex> hold(lock_);
                p = &parts_[first];
            }
            while (p != nullptr) {
                read_part(*p);
                if (p->error) return;
                const std::lock_guard<std::mutex> hold(lock_);
                p = steal();
            }
        } catch (...) {
            const std::lock_guard<std::mutex> hold(lock_);
            steal_error_ = make_error_code(std::errc::not_enough_memory);
        }
    }

    int fd_;
    const options& opts_;
    const std::string& source_;
    const file_options& fo_;
    std::uint64_t min_left_;
    std::mutex lock_;  // guards parts_ (its growth) and steal_error_
    std::deque<part> parts_;
    std::error_code steal_error_;
};

// ---- merge ----

/// Merges the parts, in file order, into `m`. False, leaving `m` as it was, when a part did not
/// end cleanly between two records: a document spans a cut, and the file is read again in one
/// pass.
bool merge_parts(aggregator::impl& m, const std::vector<part*>& order, unsigned threads,
                 std::error_code& ec) {
    const bool clean = std::all_of(order.begin(), order.end(), [&](const part* p) {
        return p->usable && (p == order.back() || p->boundary);
    });
    if (!clean) return false;
    std::size_t first = 0;
    if (m.state.empty()) {
        // Nothing before this file: the first part's state becomes ours as is.
        m.state = std::move(order[0]->agg->state);
        order[0]->agg.reset();
        first = 1;
    }
    std::vector<detail::partial_state*> later;
    std::vector<std::uint64_t> offsets;
    std::uint64_t offset = first == 1 ? order[0]->lines : 0;
    for (std::size_t k = first; k < order.size(); ++k) {
        later.push_back(&order[k]->agg->state);
        offsets.push_back(offset);
        offset += order[k]->lines;
    }
    m.state.merge_parts(later, offsets, ec, threads);
    m.cached.reset();
    return true;
}

/// Plan, run and merge for a file cut at `cuts`. False when its parts could not be merged
/// (then nothing has changed and the file must be read in one pass); true when the file is
/// done, or failed with `ec` set.
bool read_in_parts(int fd, const std::vector<std::uint64_t>& cuts, aggregator::impl& m,
                   const std::string& path, const std::string& source, const file_options& fo,
                   unsigned threads, std::error_code& ec) {
    part_run parts(fd, cuts, m.opts, source, fo);
    parts.run();
    if (const std::error_code e = parts.error()) {
        ec = e;
        m.last_error = path + ": " + ec.message();
        return true;
    }
    return merge_parts(m, parts.in_order(), threads, ec);
}

/// The one pass over the file (decompressed on a second thread when that helps), and how the
/// source ends: its failures in `ec` and `m.last_error`.
void read_one_pass(int fd, bool seekable, bool decompress_ahead, aggregator::impl& m,
                   const std::string& path, const file_options& fo, std::error_code& ec) {
    if (!decompress_ahead || !detail::read_decompressing_ahead(fd, m, fo, ec)) {
        read_all(fd, seekable, m, fo, ec);
    }
    if (ec) {
        // The records read so far stay counted, and a record the failure cut short is
        // rejected as at any end of a source: nothing is lost silently.
        m.last_error = path + ": " + ec.message();
        if (m.failed.empty() && m.dec) m.dec->finish();
        m.dec.reset();
        m.failed.clear();
        m.state.flush_pending();
        return;
    }
    if (!m.failed.empty()) {  // found unusable while reading: the rest was not read
        m.last_error = m.failed;
        m.dec.reset();
        m.failed.clear();
        ec = make_error_code(error::input);
        return;
    }
    if (m.end_current()) ec = make_error_code(error::input);
}

}  // namespace

void aggregator::feed_file(const std::string& path, const file_options& fo, std::error_code& ec) {
    ec.clear();
    impl& m = *impl_;
    if (m.finished) {
        ec = make_error_code(error::misuse);
        return;
    }
    m.last_error.clear();
    if (m.refuses_input(ec)) return;
    if (std::string why = detail::check_options(m.opts); !why.empty()) {
        m.last_error = std::move(why);
        ec = make_error_code(error::invalid_argument);
        return;
    }
    // A file that cannot be read changes nothing: it is opened before the current source ends.
    const detail::file f(path);
    struct stat st {};
    if (f.fd() < 0 || ::fstat(f.fd(), &st) != 0) {
        ec = last_system_error();
        m.last_error = path + ": " + ec.message();
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        ec = std::make_error_code(std::errc::is_a_directory);
        m.last_error = path + ": " + ec.message();
        return;
    }
    if (m.end_current()) {  // the previous source ended badly
        ec = make_error_code(error::input);
        return;
    }
    const std::string& name = fo.source_name.empty() ? path : fo.source_name;
    m.source = name;
    // Pipes, FIFOs (`<(zcat a.gz)`) and devices are read in one pass with plain reads: they
    // cannot be split or read ahead at offsets.
    const bool seekable = S_ISREG(st.st_mode) || S_ISBLK(st.st_mode);

    unsigned threads =
        fo.threads == 0 ? std::max(1U, std::thread::hardware_concurrency()) : fo.threads;
    m.threads = std::max(m.threads, threads);
    // Any size: the seekable check is for the magic-byte probe (a pipe is read in one pass).
    const bool decompress_ahead = seekable && threads > 1 && detail::starts_compressed(f.fd());
    if (seekable) {
        const off_t size = ::lseek(f.fd(), 0, SEEK_END);
        if (size > 0) {
            threads = static_cast<unsigned>(std::min<std::uint64_t>(
                threads,
                static_cast<std::uint64_t>(size) / std::max<std::size_t>(fo.min_part_bytes, 1)));
            const std::vector<std::uint64_t> cuts =
                plan_parts(f.fd(), static_cast<std::uint64_t>(size), threads, m.opts);
            if (cuts.size() > 2 && read_in_parts(f.fd(), cuts, m, path, name, fo, threads, ec)) {
                return;
            }
        }
    }
    read_one_pass(f.fd(), seekable, decompress_ahead, m, path, fo, ec);
}

}  // namespace casreport
