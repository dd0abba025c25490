// read_gzip_ahead: a reader thread inflates a gzip file into a short queue of text chunks;
// the calling thread decodes them. The reader runs the same gzip decoder as a one-pass read,
// with a queue where the text decoder would be, so the text arrives cut the same way zlib
// produced it, and a corrupt or truncated stream is reported where the one-pass read reports
// it: at once for corruption (what came before counts), after the last record for truncation.
#include "inflate_ahead.hpp"

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "../core/side_task.hpp"
#include "read_chunks.hpp"

namespace casreport::detail {
namespace {

constexpr std::size_t chunk_bytes = std::size_t{256} << 10;
constexpr std::size_t queue_depth = 4;

/// How the reader ended.
struct reader_end {
    std::error_code ec;       // a read failed
    std::string unusable;     // the gzip layer's message, if it found the stream bad
    bool after_text = false;  // found at the end (truncation): the text is finished first
};

/// Text chunks from the reader to the decoder, at most `queue_depth` waiting; buffers are
/// handed back for reuse so the steady state allocates nothing.
class chunk_queue {
public:
    /// Waits for room; false when the decoder has stopped listening.
    bool push(std::string&& chunk) {
        std::unique_lock<std::mutex> hold(lock_);
        room_.wait(hold, [this] { return cancelled_ || full_.size() < queue_depth; });
        if (cancelled_) return false;
        full_.push_back(std::move(chunk));
        ready_.notify_one();
        return true;
    }

    /// An empty buffer with room for a chunk.
    std::string spare() {
        std::string s;
        {
            const std::lock_guard<std::mutex> hold(lock_);
            if (!spare_.empty()) {
                s = std::move(spare_.back());
                spare_.pop_back();
            }
        }
        s.clear();
        s.reserve(chunk_bytes);
        return s;
    }

    void close(reader_end end) {
        const std::lock_guard<std::mutex> hold(lock_);
        end_ = std::move(end);
        closed_ = true;
        ready_.notify_one();
    }

    /// Waits for the next chunk; false when the reader has closed and every chunk is taken.
    bool pop(std::string& out) {
        std::unique_lock<std::mutex> hold(lock_);
        ready_.wait(hold, [this] { return closed_ || !full_.empty(); });
        if (full_.empty()) return false;
        if (!out.empty() || out.capacity() != 0) spare_.push_back(std::move(out));
        out = std::move(full_.front());
        full_.pop_front();
        room_.notify_one();
        return true;
    }

    void cancel() {
        const std::lock_guard<std::mutex> hold(lock_);
        cancelled_ = true;
        room_.notify_one();
    }

    /// How the reader ended (once `pop` has returned false, or the reader has been joined).
    reader_end& end() { return end_; }

private:
    std::mutex lock_;
    std::condition_variable ready_;
    std::condition_variable room_;
    std::deque<std::string> full_;
    std::vector<std::string> spare_;
    reader_end end_;
    bool closed_ = false;
    bool cancelled_ = false;
};

/// Where the reader's gzip decoder sends its text: chunks of `chunk_bytes` into the queue.
class queue_writer final : public decoder {
public:
    explicit queue_writer(chunk_queue& q) : q_(q), cur_(q.spare()) {}

    void feed(std::string_view bytes) override {
        while (!bytes.empty() && !stopped_) {
            const std::size_t n = std::min(bytes.size(), chunk_bytes - cur_.size());
            cur_.append(bytes.data(), n);
            bytes.remove_prefix(n);
            if (cur_.size() == chunk_bytes) flush();
        }
    }

    void finish() override { flush(); }

    /// Sends what is held, however little.
    void flush() {
        if (cur_.empty() || stopped_) return;
        stopped_ = !q_.push(std::move(cur_));
        cur_ = q_.spare();
    }

    [[nodiscard]] bool stopped() const noexcept { return stopped_; }

private:
    chunk_queue& q_;
    std::string cur_;
    bool stopped_ = false;
};

/// The reader's sink: the gzip layer only ever reports the stream unusable.
class unusable_sink final : public event_sink {
public:
    void on_event(const raw_event&, std::uint64_t, utc_offset) override {}
    void on_reject(std::uint64_t, reject_reason, std::string_view) override {}
    void on_unusable(std::string_view message) override {
        if (message_.empty()) message_.assign(message);
    }
    [[nodiscard]] const std::string& message() const noexcept { return message_; }

private:
    std::string message_;
};

/// The reader thread's work: read, inflate, queue; then say how it ended.
void read_and_inflate(int fd, chunk_queue& q, const file_options& fo) {
    reader_end end;
    try {
        unusable_sink sink;
        auto writer_owner = std::make_unique<queue_writer>(q);
        queue_writer& writer = *writer_owner;
        const auto gz = make_gzip_decoder(sink, std::move(writer_owner));
        read_chunks(
            fd, whole_file(), fo,
            [&](std::string_view text) {
                gz->feed(text);
                return sink.message().empty() && !writer.stopped();
            },
            end.ec);
        if (!end.ec && sink.message().empty() && !writer.stopped()) {
            gz->finish();  // sends the last text, then checks the stream ended
            end.after_text = true;
        } else {
            writer.flush();  // the text inflated before the failure still counts
        }
        end.unusable = sink.message();
    } catch (...) {
        end.ec = std::make_error_code(std::errc::not_enough_memory);
    }
    q.close(std::move(end));
}

/// The decoding side's view of the source: the text decoder, and the gzip layer's verdict on
/// a truncated stream, which a one-pass read gives only once the text is finished.
class inflated_source final : public decoder {
public:
    inflated_source(event_sink& sink, std::unique_ptr<decoder> text)
        : sink_(sink), text_(std::move(text)) {}

    void feed(std::string_view bytes) override { text_->feed(bytes); }

    void finish() override {
        text_->finish();
        if (!unusable_at_end_.empty()) sink_.on_unusable(unusable_at_end_);
    }

    void unusable_at_end(std::string message) { unusable_at_end_ = std::move(message); }

private:
    event_sink& sink_;
    std::unique_ptr<decoder> text_;
    std::string unusable_at_end_;
};

}  // namespace

bool starts_gzip(int fd) noexcept {
    unsigned char head[2] = {0, 0};
    return ::pread(fd, head, sizeof head, 0) == 2 && head[0] == 0x1F && head[1] == 0x8B;
}

bool read_gzip_ahead(int fd, aggregator::impl& agg, const file_options& fo, std::error_code& ec) {
    chunk_queue q;
    side_task reader(true, [&] { read_and_inflate(fd, q, fo); });
    if (!reader.on_a_thread()) return false;  // no thread to be had: nothing was read
    // Whatever happens here (an exception from decoding included), the reader is stopped
    // before it is joined and `q` goes away.
    struct stop_reader {
        chunk_queue& q;
        ~stop_reader() { q.cancel(); }
    } stop{q};
    auto owned =
        std::make_unique<inflated_source>(agg, make_text_decoder(agg, agg.opts.format, agg.opts));
    inflated_source& source = *owned;
    agg.dec = std::move(owned);

    std::uint64_t counted = agg.state.n.records;
    std::string chunk;
    while (q.pop(chunk)) {
        if (!agg.feed_file_chunk(chunk, fo, counted)) return true;  // unusable: stop reading
    }
    reader_end& end = q.end();
    if (end.ec) {
        ec = end.ec;
    } else if (!end.unusable.empty()) {
        if (end.after_text) {
            source.unusable_at_end(std::move(end.unusable));
        } else {
            agg.on_unusable(end.unusable);
        }
    }
    return true;
}

}  // namespace casreport::detail
