// Reading a file in small chunks into one reused buffer: the loop every file reader shares.
// Private to lib/.
#ifndef CASREPORT_LIB_IO_READ_CHUNKS_HPP
#define CASREPORT_LIB_IO_READ_CHUNKS_HPP

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "casreport/aggregator.hpp"

namespace casreport::detail {

/// Reads `fd` in the ranges `claim(size)` hands out (`{offset, bytes}`, 0 bytes when there is
/// nothing more), `fo.read_size` bytes at a time into one buffer, and gives each chunk to
/// `feed`, which says whether to go on. Counts `fo.bytes_read`. Stops at the end of the file,
/// however large it was said to be; a failed read sets `ec`.
template <class Claim, class Feed>
void read_chunks(int fd, Claim&& claim, const file_options& fo, Feed&& feed, std::error_code& ec) {
    std::vector<char> buf(std::max<std::size_t>(fo.read_size, 4096));
    for (;;) {
        const auto [at, want] = claim(buf.size());
        if (want == 0) return;
        std::size_t got = 0;
        while (got < want) {
            const ssize_t n =
                ::pread(fd, buf.data() + got, want - got, static_cast<off_t>(at + got));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                ec = {errno, std::generic_category()};
                return;
            }
            if (n == 0) break;  // the end of the file
            got += static_cast<std::size_t>(n);
        }
        if (got == 0) return;
        const bool go_on = feed(std::string_view(buf.data(), got));
        if (fo.bytes_read != nullptr) {
            fo.bytes_read->fetch_add(static_cast<std::uint64_t>(got), std::memory_order_relaxed);
        }
        if (!go_on || got < want) return;  // asked to stop, or the file ended sooner
    }
}

/// Reads `fd` from where it stands to its end, `fo.read_size` bytes at a time, with `read`
/// rather than `pread`: for pipes, FIFOs and devices, which have no offsets. Otherwise as
/// `read_chunks`.
template <class Feed>
void read_stream(int fd, const file_options& fo, Feed&& feed, std::error_code& ec) {
    std::vector<char> buf(std::max<std::size_t>(fo.read_size, 4096));
    for (;;) {
        const ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ec = {errno, std::generic_category()};
            return;
        }
        if (n == 0) return;
        const auto got = static_cast<std::size_t>(n);
        const bool go_on = feed(std::string_view(buf.data(), got));
        if (fo.bytes_read != nullptr) {
            fo.bytes_read->fetch_add(static_cast<std::uint64_t>(got), std::memory_order_relaxed);
        }
        if (!go_on) return;
    }
}

/// The claim of a whole file, from its start to its end.
inline auto whole_file() {
    return [at = std::uint64_t{0}](std::size_t size) mutable {
        const std::uint64_t here = at;
        at += size;
        return std::pair<std::uint64_t, std::size_t>{here, size};
    };
}

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_IO_READ_CHUNKS_HPP
