// aggregator::feed_file: whole files, in small reads, split across threads where that is safe.
//
// A large JSON file whose documents start at line starts is cut at lines that begin with '{'.
// Each part is aggregated by its own aggregator on its own thread; the parts are merged in file
// order (the first copy of a record still wins) and their rejections moved down to their real
// line numbers. If a part did not end exactly between two records — a pretty-printed document
// spanning the cut — its work is dropped and the file is read again in one pass. So the result
// is always that of one sequential pass.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "../decode/csv.hpp"
#include "aggregator_impl.hpp"

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

/// Reads [begin, end) of `fd` (end = -1: to the end of the file) in `read_size` chunks and feeds
/// them to `agg`. Stops early when the decoder finds the source unusable (`agg.failed`).
void read_range(int fd, std::uint64_t begin, std::uint64_t end, aggregator::impl& agg,
                const file_options& fo, std::error_code& ec) {
    std::vector<char> buf(std::max<std::size_t>(fo.read_size, 4096));
    std::uint64_t at = begin;
    std::uint64_t records = agg.state.n.records;
    for (;;) {
        std::size_t want = buf.size();
        if (end != static_cast<std::uint64_t>(-1)) {
            if (at >= end) break;
            want = static_cast<std::size_t>(std::min<std::uint64_t>(want, end - at));
        }
        const ssize_t n = ::pread(fd, buf.data(), want, static_cast<off_t>(at));
        if (n < 0) {
            if (errno == EINTR) continue;
            ec = last_system_error();
            return;
        }
        if (n == 0) break;
        at += static_cast<std::uint64_t>(n);
        if (!agg.dec) agg.dec = detail::make_source_decoder(agg, agg.opts.format, agg.opts);
        agg.dec->feed(std::string_view(buf.data(), static_cast<std::size_t>(n)));
        if (fo.bytes_read != nullptr) {
            fo.bytes_read->fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
        }
        if (fo.records_read != nullptr) {
            fo.records_read->fetch_add(agg.state.n.records - records, std::memory_order_relaxed);
            records = agg.state.n.records;
        }
        if (!agg.failed.empty()) return;
    }
}

/// The first line start at or after `target` that opens an object ("\n{"), or 0 if none is
/// found within the search limit.
std::uint64_t find_cut(int fd, std::uint64_t target, std::uint64_t size) {
    std::vector<char> buf(64 << 10);
    for (std::uint64_t at = target - 1; at < size && at < target + cut_search_limit;) {
        const ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(at));
        if (n <= 1) return 0;
        for (ssize_t i = 0; i + 1 < n; ++i) {
            if (buf[static_cast<std::size_t>(i)] == '\n' && buf[static_cast<std::size_t>(i) + 1] == '{') {
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
    if (std::string why = detail::check_csv_columns(m.opts); !why.empty()) {
        m.last_error = std::move(why);
        ec = make_error_code(error::invalid_argument);
        return;
    }
    if (m.end_current()) {  // the previous source ended badly
        ec = make_error_code(error::input);
        return;
    }
    const file f(path);
    if (f.fd() < 0) {
        ec = last_system_error();
        m.last_error = path + ": " + ec.message();
        return;
    }
    const std::string& name = fo.source_name.empty() ? path : fo.source_name;
    m.source = name;

    unsigned threads = fo.threads == 0 ? std::max(1U, std::thread::hardware_concurrency())
                                       : fo.threads;
    m.threads = std::max(m.threads, threads);
    const off_t size = ::lseek(f.fd(), 0, SEEK_END);
    if (size > 0) {
        threads = static_cast<unsigned>(std::min<std::uint64_t>(
            threads, static_cast<std::uint64_t>(size) / std::max<std::size_t>(fo.min_part_bytes, 1)));
    }
    if (threads > 1 && splittable(f.fd(), m.opts)) {
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
            std::vector<std::unique_ptr<impl>> part(parts);
            std::vector<std::error_code> errors(parts);
            std::vector<char> clean(parts, 0);
            std::vector<std::uint64_t> lines(parts, 0);
            const auto work = [&](std::size_t k) {
                try {
                    part[k] = std::make_unique<impl>(m.opts);
                    impl& p = *part[k];
                    p.source = name;
                    read_range(f.fd(), cuts[k], cuts[k + 1], p, fo, errors[k]);
                    clean[k] = p.failed.empty() &&
                               (k + 1 == parts || (p.dec && p.dec->at_record_boundary()));
                    lines[k] = p.dec ? p.dec->line() - 1 : 0;
                    if (p.end_current()) clean[k] = 0;  // let the one-pass read report it
                    // The first part keeps its index: it may become ours as is. The others are
                    // only ever checked against it, so theirs goes now, before the merge.
                    if (k > 0) p.state.seal();
                    p.finished = true;
                } catch (...) {
                    errors[k] = make_error_code(std::errc::not_enough_memory);
                }
            };
            std::vector<std::thread> pool;
            for (std::size_t k = 1; k < parts; ++k) pool.emplace_back(work, k);
            work(0);
            for (std::thread& t : pool) t.join();
            for (const std::error_code& e : errors) {
                if (e) {
                    ec = e;
                    m.last_error = path + ": " + ec.message();
                    return;
                }
            }
            if (std::all_of(clean.begin(), clean.end(), [](char c) { return c != 0; })) {
                std::size_t first = 0;
                if (m.state.empty()) {
                    // Nothing before this file: the first part's state becomes ours as is.
                    m.state = std::move(part[0]->state);
                    part[0].reset();
                    first = 1;
                }
                std::uint64_t offset = first == 1 ? lines[0] : 0;
                for (std::size_t k = first; k < parts; ++k) {
                    m.merge_consuming(*part[k], offset, ec, /*last=*/k + 1 == parts, threads);
                    if (ec) return;
                    offset += lines[k];
                    part[k].reset();
                }
                m.cached.reset();
                return;
            }
            // A document spans a cut: read the file in one pass instead.
        }
    }
    read_range(f.fd(), 0, static_cast<std::uint64_t>(-1), m, fo, ec);
    if (ec) {
        m.last_error = path + ": " + ec.message();
        m.dec.reset();
        m.failed.clear();
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
