// aggregator::feed_file: whole files, in small reads, split across threads where that is safe.
//
// A large JSON file whose documents start at line starts is cut at lines that begin with '{'.
// Each part is aggregated by its own aggregator on its own thread; a thread that finishes early
// takes the second half of what another has not read yet, as a new part (cores of a shared
// machine do not run at the same speed). The parts are merged in file order (the first copy of
// a record still wins) and their rejections moved down to their real line numbers. If a part
// did not end exactly between two records — a pretty-printed document spanning a cut — its
// work is dropped and the file is read again in one pass. So the result is always that of one
// sequential pass.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "../core/side_task.hpp"
#include "../decode/csv.hpp"
#include "aggregator_impl.hpp"
#include "decompress_ahead.hpp"
#include "read_chunks.hpp"

namespace casreport {
namespace {

constexpr std::size_t cut_search_limit = std::size_t{1} << 20;

/// A file descriptor that closes itself.
class file {
public:
    explicit file(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
    file(const file&) = delete;
    file& operator=(const file&) = delete;
    ~file() {
        if (fd_ >= 0) ::close(fd_);
    }
    [[nodiscard]] int fd() const noexcept { return fd_; }

private:
    int fd_;
};

std::error_code last_system_error() { return {errno, std::generic_category()}; }

/// Bytes of a file still to read, handed out a read at a time. Another thread may take the
/// tail of the range (`split`) while its reader is at work: both hold the lock.
class byte_range {
public:
    byte_range(std::uint64_t begin, std::uint64_t end) : begin_(begin), next_(begin), end_(end) {}

    /// Where the range starts (fixed before its reader starts).
    [[nodiscard]] std::uint64_t begin() const noexcept { return begin_; }

    void reset(std::uint64_t begin, std::uint64_t end) {
        const std::lock_guard<std::mutex> hold(lock_);
        begin_ = begin;
        next_ = begin;
        end_ = end;
    }

    /// The next read, at most `size` bytes: {offset, length}; length 0 at the end.
    std::pair<std::uint64_t, std::size_t> claim(std::size_t size) {
        const std::lock_guard<std::mutex> hold(lock_);
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(size, end_ - next_));
        const std::uint64_t at = next_;
        next_ += n;
        return {at, n};
    }

    [[nodiscard]] std::uint64_t unread() {
        const std::lock_guard<std::mutex> hold(lock_);
        return end_ - next_;
    }

    /// Gives up [cut, end) to the caller, where `cut` is `find_cut` from the middle of what is
    /// left; returns that range's bounds, or {0, 0} if less than `min_left` is left or no cut
    /// is found.
    template <class FindCut>
    std::pair<std::uint64_t, std::uint64_t> split(std::uint64_t min_left, FindCut&& find_cut) {
        const std::lock_guard<std::mutex> hold(lock_);
        if (end_ - next_ < min_left) return {0, 0};
        const std::uint64_t cut = find_cut(next_ + (end_ - next_) / 2, end_);
        if (cut <= next_ || cut >= end_) return {0, 0};
        const std::uint64_t old_end = end_;
        end_ = cut;
        return {cut, old_end};
    }

private:
    std::mutex lock_;
    std::uint64_t begin_;
    std::uint64_t next_;
    std::uint64_t end_;
};

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
void read_claimed(int fd, Claim&& claim, Left&& left, aggregator::impl& agg, const file_options& fo,
                  std::error_code& ec) {
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

/// The first line start at or after `target` that opens an object ("\n{"), or 0 if none is
/// found within the search limit.
std::uint64_t find_cut(int fd, std::uint64_t target, std::uint64_t size) {
    std::vector<char> buf(64 << 10);
    for (std::uint64_t at = target - 1; at < size && at < target + cut_search_limit;) {
        const ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(at));
        if (n <= 1) return 0;
        for (ssize_t i = 0; i + 1 < n; ++i) {
            if (buf[static_cast<std::size_t>(i)] == '\n' &&
                buf[static_cast<std::size_t>(i) + 1] == '{') {
                return at + static_cast<std::uint64_t>(i) + 1;
            }
        }
        at += static_cast<std::uint64_t>(n - 1);  // keep the last byte for the next window
    }
    return 0;
}

/// Whether the file may be cut at lines: JSON (not compressed, CSV or CEF) whose first
/// document is an object at the start of a line.
bool splittable(int fd, const options& opts) {
    if (opts.format != input_format::auto_detect && opts.format != input_format::json &&
        opts.format != input_format::ndjson) {
        return false;
    }
    char head[64];
    const ssize_t n = ::pread(fd, head, sizeof head, 0);
    if (n <= 0) return false;
    std::size_t i = 0;
    if (n >= 3 && std::memcmp(head, "\xEF\xBB\xBF", 3) == 0) i = 3;
    while (i < static_cast<std::size_t>(n) &&
           (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n')) {
        ++i;
    }
    return i < static_cast<std::size_t>(n) && head[i] == '{';
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
    const file f(path);
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
    const off_t size = seekable ? ::lseek(f.fd(), 0, SEEK_END) : 0;
    if (size > 0) {
        threads = static_cast<unsigned>(std::min<std::uint64_t>(
            threads,
            static_cast<std::uint64_t>(size) / std::max<std::size_t>(fo.min_part_bytes, 1)));
    }
    if (seekable && threads > 1 && splittable(f.fd(), m.opts)) {
        // Cut points: line starts opening an object, near equal shares of the file.
        const auto total = static_cast<std::uint64_t>(size);
        std::vector<std::uint64_t> cuts{0};
        for (unsigned k = 1; k < threads; ++k) {
            const std::uint64_t c = find_cut(f.fd(), total * k / threads, total);
            if (c > cuts.back()) cuts.push_back(c);
        }
        cuts.push_back(total);
        const std::size_t parts = cuts.size() - 1;
        if (parts > 1) {
            // One job per part; a worker that runs out takes half of the largest unread rest
            // as a new job. Jobs never move (a deque only grows at the end).
            struct job {
                job(std::uint64_t b, std::uint64_t e) : range(b, e) {}
                byte_range range;
                std::unique_ptr<impl> agg;
                std::error_code error;
                bool usable = false;    // decoded, and ended without an open document
                bool boundary = false;  // ended exactly between two records
                std::uint64_t lines = 0;
            };
            std::mutex jobs_lock;
            std::deque<job> jobs;
            for (std::size_t k = 0; k < parts; ++k) jobs.emplace_back(cuts[k], cuts[k + 1]);
            const auto run = [&](job& j) {
                try {
                    j.agg = std::make_unique<impl>(m.opts);
                    impl& p = *j.agg;
                    p.source = name;
                    read_claimed(
                        f.fd(), [&j](std::size_t n) { return j.range.claim(n); },
                        [&j] { return j.range.unread(); }, p, fo, j.error);
                    j.boundary = p.dec && p.dec->at_record_boundary();
                    j.lines = p.dec ? p.dec->line() - 1 : 0;
                    j.usable = p.failed.empty() && !p.end_current();
                    p.finished = true;  // each part keeps its index: later parts are checked
                                        // against it
                } catch (...) {
                    j.error = make_error_code(std::errc::not_enough_memory);
                }
            };
            const std::uint64_t min_left = 2 * std::max<std::uint64_t>(fo.min_part_bytes, 1);
            std::error_code steal_error;  // under jobs_lock
            const auto worker = [&](std::size_t first_job) {
                try {
                    job* j = nullptr;
                    {
                        const std::lock_guard<std::mutex> hold(jobs_lock);
                        j = &jobs[first_job];
                    }
                    for (;;) {
                        run(*j);
                        if (j->error) return;
                        const std::lock_guard<std::mutex> hold(jobs_lock);
                        job* victim = nullptr;
                        std::uint64_t most = 0;
                        for (job& other : jobs) {
                            const std::uint64_t left = other.range.unread();
                            if (left > most) {
                                most = left;
                                victim = &other;
                            }
                        }
                        if (victim == nullptr) return;
                        // The new job exists before the split: a failed allocation loses nothing.
                        job& taken = jobs.emplace_back(0, 0);
                        const auto [b, e] = victim->range.split(
                            min_left, [&](std::uint64_t target, std::uint64_t end) {
                                return find_cut(f.fd(), target, end);
                            });
                        if (b == e) {  // too little left to share
                            jobs.pop_back();
                            return;
                        }
                        taken.range.reset(b, e);
                        j = &taken;
                    }
                } catch (...) {
                    const std::lock_guard<std::mutex> hold(jobs_lock);
                    steal_error = make_error_code(std::errc::not_enough_memory);
                }
            };
            // A part whose thread cannot be started is read here after the first (its range
            // may have been shared out by then: what is left of it is read all the same).
            std::deque<detail::side_task> helpers;
            for (std::size_t k = 1; k < parts; ++k) {
                helpers.emplace_back(true, [&worker, k] { worker(k); });
            }
            worker(0);
            for (detail::side_task& h : helpers) h.finish();
            if (steal_error) {
                ec = steal_error;
                m.last_error = path + ": " + ec.message();
                return;
            }
            std::vector<job*> order;
            for (job& j : jobs) order.push_back(&j);
            std::sort(order.begin(), order.end(), [](const job* x, const job* y) {
                return x->range.begin() < y->range.begin();
            });
            for (const job* j : order) {
                if (j->error) {
                    ec = j->error;
                    m.last_error = path + ": " + ec.message();
                    return;
                }
            }
            const bool clean = std::all_of(order.begin(), order.end(), [&](const job* j) {
                return j->usable && (j == order.back() || j->boundary);
            });
            if (clean) {
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
                return;
            }
            // A document spans a cut: read the file in one pass instead.
        }
    }
    if (!decompress_ahead || !detail::read_decompressing_ahead(f.fd(), m, fo, ec)) {
        read_all(f.fd(), seekable, m, fo, ec);
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

}  // namespace casreport
