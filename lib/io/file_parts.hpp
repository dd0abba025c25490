// A file as parts that threads read side by side: an open descriptor, the cut points of a file
// of JSON lines, and the byte range one reader is working through. Private to lib/.
#ifndef CASREPORT_LIB_IO_FILE_PARTS_HPP
#define CASREPORT_LIB_IO_FILE_PARTS_HPP

#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace casreport::detail {

/// A read-only file descriptor that closes itself; `fd()` is negative when the open failed
/// (errno says why).
class file {
public:
    explicit file(const std::string& path);
    file(const file&) = delete;
    file& operator=(const file&) = delete;
    ~file();
    [[nodiscard]] int fd() const noexcept { return fd_; }

private:
    int fd_;
};

/// The first line start at or after `target` (and before `end`) that opens an object ("\n{"),
/// looking at most 1 MiB ahead; 0 if there is none.
[[nodiscard]] std::uint64_t find_object_line(int fd, std::uint64_t target, std::uint64_t end);

/// Whether the first document of `fd` is an object at the start of a line (after a UTF-8
/// byte-order mark and white space): a file whose records may be cut at "\n{".
[[nodiscard]] bool starts_with_object(int fd);

/// Where to cut a file of `size` bytes into at most `parts` parts of near equal size, at
/// lines that open an object: {0, cut..., size}. Fewer parts when cuts are not found.
[[nodiscard]] std::vector<std::uint64_t> plan_cuts(int fd, std::uint64_t size, unsigned parts);

/// Bytes of a file still to read, handed out a read at a time. Another thread may take the
/// tail of the range (`split`) while its reader is at work: both hold the lock.
class byte_range {
public:
    byte_range(std::uint64_t begin, std::uint64_t end) : begin_(begin), next_(begin), end_(end) {}

    /// Where the range starts (fixed before its reader starts).
    [[nodiscard]] std::uint64_t begin() const noexcept { return begin_; }

    void reset(std::uint64_t begin, std::uint64_t end);

    /// The next read, at most `size` bytes: {offset, length}; length 0 at the end.
    std::pair<std::uint64_t, std::size_t> claim(std::size_t size);

    [[nodiscard]] std::uint64_t unread();

    /// Gives up the second half of what is left, from the first line that opens an object
    /// after its middle (`find_object_line` in `fd`): returns that range's bounds, or {0, 0}
    /// if less than `min_left` is left or no such line is found.
    std::pair<std::uint64_t, std::uint64_t> split(int fd, std::uint64_t min_left);

private:
    std::mutex lock_;
    std::uint64_t begin_;
    std::uint64_t next_;
    std::uint64_t end_;
};

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_IO_FILE_PARTS_HPP
