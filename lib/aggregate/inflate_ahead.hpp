// A gzip file on two threads: one reads and inflates ahead, the other decodes and counts.
// Private to lib/.
#ifndef CASREPORT_LIB_AGGREGATE_INFLATE_AHEAD_HPP
#define CASREPORT_LIB_AGGREGATE_INFLATE_AHEAD_HPP

#include <system_error>

#include "aggregator_impl.hpp"

namespace casreport::detail {

/// Whether the file `fd` starts with gzip's magic bytes.
[[nodiscard]] bool starts_gzip(int fd) noexcept;

/// Reads the gzip file `fd` to its end as `read_all` would — the same events in the same
/// order, the same rejections and the same unusable-source messages at the same points — but
/// inflates on a second thread, a few chunks ahead of the calling thread, which decodes and
/// counts into `agg`. Inflating costs more than decoding, so a compressed dump then takes the
/// time of inflating it alone. `ec` is set only by a failed read. False, having read nothing,
/// when no thread can be had.
[[nodiscard]] bool read_gzip_ahead(int fd, aggregator::impl& agg, const file_options& fo,
                                   std::error_code& ec);

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_AGGREGATE_INFLATE_AHEAD_HPP
