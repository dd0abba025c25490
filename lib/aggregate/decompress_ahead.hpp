// A compressed file on two threads: one reads and decompresses ahead, the other decodes and
// counts. Private to lib/.
#ifndef CASREPORT_LIB_AGGREGATE_DECOMPRESS_AHEAD_HPP
#define CASREPORT_LIB_AGGREGATE_DECOMPRESS_AHEAD_HPP

#include <system_error>

#include "aggregator_impl.hpp"

namespace casreport::detail {

/// Whether the file `fd` starts with the magic bytes of a compression casreport reads.
[[nodiscard]] bool starts_compressed(int fd) noexcept;

/// Reads the compressed file `fd` to its end as `read_all` would — the same events in the
/// same order, the same rejections and the same unusable-source messages at the same points —
/// but decompresses on a second thread, a few chunks ahead of the calling thread, which decodes
/// and counts into `agg`; the chunks pass from one to the other without being copied. A
/// compressed dump then takes about the time of the slower of the two. `ec` is set only by a
/// failed read. False, having read nothing, when no thread can be had or the file is not
/// compressed.
[[nodiscard]] bool read_decompressing_ahead(int fd, aggregator::impl& agg, const file_options& fo,
                                            std::error_code& ec);

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_AGGREGATE_DECOMPRESS_AHEAD_HPP
