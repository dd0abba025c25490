#include "file_parts.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace casreport::detail {

namespace {
constexpr std::uint64_t cut_search_limit = std::uint64_t{1} << 20;
}  // namespace

file::file(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}

file::~file() {
    if (fd_ >= 0) ::close(fd_);
}

std::uint64_t find_object_line(int fd, std::uint64_t target, std::uint64_t end) {
    std::vector<char> buf(64 << 10);
    for (std::uint64_t at = target - 1; at < end && at < target + cut_search_limit;) {
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

bool starts_with_object(int fd) {
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

std::vector<std::uint64_t> plan_cuts(int fd, std::uint64_t size, unsigned parts) {
    std::vector<std::uint64_t> cuts{0};
    for (unsigned k = 1; k < parts; ++k) {
        const std::uint64_t c = find_object_line(fd, size * k / parts, size);
        if (c > cuts.back()) cuts.push_back(c);
    }
    cuts.push_back(size);
    return cuts;
}

void byte_range::reset(std::uint64_t begin, std::uint64_t end) {
    const std::lock_guard<std::mutex> hold(lock_);
    begin_ = begin;
    next_ = begin;
    end_ = end;
}

std::pair<std::uint64_t, std::size_t> byte_range::claim(std::size_t size) {
    const std::lock_guard<std::mutex> hold(lock_);
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(size, end_ - next_));
    const std::uint64_t at = next_;
    next_ += n;
    return {at, n};
}

std::uint64_t byte_range::unread() {
    const std::lock_guard<std::mutex> hold(lock_);
    return end_ - next_;
}

std::pair<std::uint64_t, std::uint64_t> byte_range::split(int fd, std::uint64_t min_left) {
    const std::lock_guard<std::mutex> hold(lock_);
    if (end_ - next_ < min_left) return {0, 0};
    const std::uint64_t cut = find_object_line(fd, next_ + (end_ - next_) / 2, end_);
    if (cut <= next_ || cut >= end_) return {0, 0};
    const std::uint64_t old_end = end_;
    end_ = cut;
    return {cut, old_end};
}

}  // namespace casreport::detail
