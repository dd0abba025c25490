// Whole-or-nothing file writes. See casreport/files.hpp.
#include "casreport/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>

namespace casreport {
namespace {

/// A name beside `path` that no other writer of this process or another one picks.
std::string temporary_beside(const std::string& path) {
    static std::atomic<unsigned long> serial{0};
    return path + ".tmp-" + std::to_string(::getpid()) + "-" +
           std::to_string(serial.fetch_add(1, std::memory_order_relaxed));
}

}  // namespace

void write_file_whole(const std::string& path, std::string_view bytes, std::error_code& ec) {
    ec.clear();
    const std::string temp = temporary_beside(path);
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        ec = {errno, std::generic_category()};
        return;
    }
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ec = {errno, std::generic_category()};
            break;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0 && !ec) ec = {errno, std::generic_category()};
    if (!ec && std::rename(temp.c_str(), path.c_str()) != 0) ec = {errno, std::generic_category()};
    if (ec) ::unlink(temp.c_str());
}

}  // namespace casreport
