// Writing a finished document to a file so that readers never see half of it.
#ifndef CASREPORT_FILES_HPP
#define CASREPORT_FILES_HPP

#include <string>
#include <string_view>
#include <system_error>

namespace casreport {

/// Writes `bytes` to `path` whole or not at all: into a new temporary file beside it (created
/// exclusively, so no existing file or link is followed), then renamed over `path`. On failure
/// `ec` holds the system's error, the temporary is removed and `path` is as it was.
void write_file_whole(const std::string& path, std::string_view bytes, std::error_code& ec);

}  // namespace casreport

#endif  // CASREPORT_FILES_HPP
