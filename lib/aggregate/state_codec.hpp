// Partial states as bytes: a versioned little-endian format, checked field by field on load.
// Private to lib/.
#ifndef CASREPORT_LIB_AGGREGATE_STATE_CODEC_HPP
#define CASREPORT_LIB_AGGREGATE_STATE_CODEC_HPP

#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "state.hpp"

namespace casreport::detail {

[[nodiscard]] std::string save_state(const partial_state& st);

/// Fails with `error::input` on bytes that are not a complete, consistent saved state.
[[nodiscard]] std::unique_ptr<partial_state> load_state(std::string_view bytes,
                                                        std::error_code& ec);

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_AGGREGATE_STATE_CODEC_HPP
