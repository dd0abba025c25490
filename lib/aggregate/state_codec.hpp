// Partial states as bytes: a versioned little-endian format, checked field by field on load.
// Private to lib/.
#ifndef CASREPORT_LIB_AGGREGATE_STATE_CODEC_HPP
#define CASREPORT_LIB_AGGREGATE_STATE_CODEC_HPP

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "state.hpp"

namespace casreport::detail {

/// The state format this casreport writes and reads. A state of another format is refused.
inline constexpr std::uint32_t state_format_version = 2;

/// How a saved state's body is stored: zlib-compressed (what casreport writes) or as it is.
enum class state_compression : std::uint8_t { stored = 0, zlib = 1 };

/// The bytes of a state: a header (signature, format version, compression, sizes), the body,
/// and a 64-bit checksum of everything before it.
[[nodiscard]] std::string save_state(const partial_state& st,
                                     state_compression how = state_compression::zlib);

/// Fails with `error::input` on bytes that are not a complete, undamaged and consistent saved
/// state of this format; `why`, when given, then says which (truncated, damaged, another
/// format version, or which part of the body is inconsistent).
[[nodiscard]] std::unique_ptr<partial_state> load_state(std::string_view bytes, std::error_code& ec,
                                                        std::string* why = nullptr);

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_AGGREGATE_STATE_CODEC_HPP
