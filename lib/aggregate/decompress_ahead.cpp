// read_decompressing_ahead: a reader thread decompresses a file straight into the buffers of a
// short queue of text chunks; the calling thread decodes them where they lie. The reader runs
// the same decompressor as a one-pass read, so a corrupt or truncated stream is reported where
// the one-pass read reports it: at once for corruption (what came before counts), after the
// last record for truncation.
#include "decompress_ahead.hpp"

#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "../core/side_task.hpp"
#include "../io/read_chunks.hpp"

namespace casreport::detail {
namespace {

constexpr std::size_t chunk_bytes = std::size_t{256} << 10;
constexpr std::size_t queue_depth = 4;
static_assert(chunk_bytes >= 2 * decompressor::min_room);

/// Decompressed text in a buffer of `chunk_bytes`, `size` of them filled.
struct text_chunk {
    std::unique_ptr<char[]> data;
    std::size_t size = 0;
};

/// How the reader ended.
struct reader_end {
    std::error_code ec;       // a read failed
    std::string unusable;     // the decompressor's message, if it found the data bad
    bool after_text = false;  // found at the end (truncation): the text is finished first
};

/// Text chunks from the reader to the decoder, at most `queue_depth` waiting; buffers are
/// handed back for reuse, so the steady state allocates nothing.
class chunk_queue {
public:
    /// Waits for room; false when the decoder has stopped listening.
    bool push(text_chunk&& chunk) {
        std::unique_lock<std::mutex> hold(lock_);
        room_.wait(hold, [this] { return cancelled_ || full_.size() < queue_depth; });
        if (cancelled_) return false;
        full_.push_back(std::move(chunk));
        ready_.notify_one();
        return true;
    }

    /// An empty chunk to fill.
    text_chunk spare() {
        text_chunk c;
        {
            const std::lock_guard<std::mutex> hold(lock_);
            if (!spare_.empty()) {
                c = std::move(spare_.back());
                spare_.pop_back();
            }
        }
        if (!c.data) c.data = std::make_unique<char[]>(chunk_bytes);
        c.size = 0;
        return c;
    }

    void close(reader_end end) {
        const std::lock_guard<std::mutex> hold(lock_);
        end_ = std::move(end);
        closed_ = true;
        ready_.notify_one();
    }

    /// Waits for the next chunk, giving `out`'s buffer back; false when the reader has closed
    /// and every chunk is taken.
    bool pop(text_chunk& out) {
        std::unique_lock<std::mutex> hold(lock_);
        if (out.data) spare_.push_back(std::move(out));
        ready_.wait(hold, [this] { return closed_ || !full_.empty(); });
        if (full_.empty()) return false;
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
    std::deque<text_chunk> full_;
    std::vector<text_chunk> spare_;
    reader_end end_;
    bool closed_ = false;
    bool cancelled_ = false;
};

/// The reader thread's work: read, decompress into chunks, queue them; then say how it ended.
void read_and_decompress(int fd, codec c, chunk_queue& q, const file_options& fo) {
    reader_end end;
    try {
        decompressor dz(c);
        text_chunk cur = q.spare();
        bool stopped = false;  // the decoder stopped listening
        // Queues the current chunk, however full.
        const auto send = [&] {
            if (cur.size == 0 || stopped) return;
            stopped = !q.push(std::move(cur));
            cur = q.spare();
        };
        read_chunks(
            fd, whole_file(), fo,
            [&](std::string_view in) {
                for (;;) {
                    const std::size_t room = chunk_bytes - cur.size;
                    const decompressor::step s = dz.run(in, cur.data.get() + cur.size, room);
                    in.remove_prefix(s.used);
                    cur.size += s.produced;
                    if (!dz.failure().empty()) return false;
                    if (chunk_bytes - cur.size < decompressor::min_room) send();
                    if (stopped) return false;
                    if (s.produced < room) return true;  // all of `in` used
                }
            },
            end.ec);
        if (!end.ec && dz.failure().empty() && !stopped && !dz.finish()) end.after_text = true;
        send();  // the text decompressed before a failure still counts
        end.unusable = dz.failure();
    } catch (...) {
        end.ec = std::make_error_code(std::errc::not_enough_memory);
    }
    q.close(std::move(end));
}

/// The decoding side's view of the source: the text decoder, and the decompressor's verdict
/// on a truncated stream, which a one-pass read gives only once the text is finished.
class decompressed_source final : public decoder {
public:
    decompressed_source(event_sink& sink, std::unique_ptr<decoder> text)
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

codec file_codec(int fd) noexcept {
    char head[codec_magic_bytes];
    const ssize_t n = ::pread(fd, head, sizeof head, 0);
    if (n <= 0) return codec::none;
    return sniff_codec(std::string_view(head, static_cast<std::size_t>(n)), true)
        .value_or(codec::none);
}

}  // namespace

bool starts_compressed(int fd) noexcept { return file_codec(fd) != codec::none; }

bool read_decompressing_ahead(int fd, aggregator::impl& agg, const file_options& fo,
                              std::error_code& ec) {
    const codec c = file_codec(fd);
    if (c == codec::none) return false;
    chunk_queue q;
    side_task reader(true, [&] { read_and_decompress(fd, c, q, fo); });
    if (!reader.on_a_thread()) return false;  // no thread to be had: nothing was read
    // Whatever happens here (an exception from decoding included), the reader is stopped
    // before it is joined and `q` goes away.
    struct stop_reader {
        chunk_queue& q;
        ~stop_reader() { q.cancel(); }
    } stop{q};
    auto owned = std::make_unique<decompressed_source>(
        agg, make_text_decoder(agg, agg.opts.format, agg.opts));
    decompressed_source& source = *owned;
    agg.dec = std::move(owned);

    std::uint64_t counted = agg.state.n.records;
    text_chunk chunk;
    while (q.pop(chunk)) {
        const std::string_view text(chunk.data.get(), chunk.size);
        if (!agg.feed_file_chunk(text, fo, counted)) return true;  // unusable: stop reading
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
