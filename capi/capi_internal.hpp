// The C glue's private parts: the handle behind casreport_aggregator and the one guard every
// exported body runs in. Nothing here is installed or exported.
#ifndef CASREPORT_CAPI_INTERNAL_HPP
#define CASREPORT_CAPI_INTERNAL_HPP

#include <casreport.h>

#include <casreport/aggregator.hpp>
#include <casreport/render.hpp>
#include <cstdint>
#include <exception>
#include <map>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

/// The opaque handle: the C++ aggregator plus what the C contract adds to it, the poisoned flag
/// and the outputs handed out as views (kept until reset or free, see casreport.h).
struct casreport_aggregator {
    explicit casreport_aggregator(casreport::aggregator a) noexcept : core(std::move(a)) {}

    casreport::aggregator core;
    bool poisoned = false;
    /// Rendered reports by format and language. Map nodes never move, so views stay valid.
    std::map<std::pair<casreport::output_format, casreport::language>, std::string> rendered;
    std::optional<std::string> saved;
    /// casreport_aggregator_save_shards outputs, by number of shards.
    std::map<std::uint32_t, std::vector<std::string>> saved_shards;
    /// The last casreport_aggregator_render_with output.
    std::string rendered_with;

    /// Frees every output handed out: their views end (reset, and a change of a finished
    /// handle's state).
    void forget_views() {
        rendered.clear();
        saved.reset();
        saved_shards.clear();
        rendered_with = std::string();
    }
};

namespace casreport::capi {

/// One exported call in progress: knows its function's name, so that every message in
/// casreport_last_error() says where it came from.
class call {
public:
    explicit constexpr call(const char* function) noexcept : function_(function) {}

    /// Records `message` as this thread's last error and returns `status`.
    [[nodiscard]] casreport_status fail(casreport_status status,
                                        std::string_view message) const noexcept;

    /// CASREPORT_OK for no error, else the status of a core error code, recorded with the
    /// core's own explanation `detail` (aggregator::last_error()) when it gave one, else the
    /// code's message and, for a call in the wrong state, `misuse_hint`.
    [[nodiscard]] casreport_status check(const std::error_code& ec,
                                         std::string_view misuse_hint = {},
                                         std::string_view detail = {}) const noexcept;

private:
    const char* function_;
};

/// The C status of an error code: casreport's own codes mirror `casreport::error`.
[[nodiscard]] casreport_status status_of(const std::error_code& ec) noexcept;

/// Failures after which a handle's state cannot be trusted: every one but a refused argument, a
/// call in the wrong state, a short buffer and an incompatible merge, which change nothing, and
/// an unusable source or a file that cannot be read (or stops being readable), after which the
/// core goes on by design: what was read counts, the source has ended.
[[nodiscard]] constexpr bool poisons(casreport_status s) noexcept {
    return s != CASREPORT_OK && s != CASREPORT_E_INVALID_ARGUMENT && s != CASREPORT_E_MISUSE &&
           s != CASREPORT_E_BUFFER_TOO_SMALL && s != CASREPORT_E_INCOMPATIBLE &&
           s != CASREPORT_E_INPUT && s != CASREPORT_E_IO;
}

/// Runs `body(const call&)` and turns any exception into a status: nothing unwinds into C.
template <class Body>
casreport_status guarded(const char* function, Body&& body) noexcept {
    const call c(function);
    try {
        return body(c);
    } catch (const std::bad_alloc&) {
        return c.fail(CASREPORT_E_NOMEM, "out of memory");
    } catch (const std::system_error& e) {
        return c.fail(status_of(e.code()), e.what());
    } catch (const std::exception& e) {
        return c.fail(CASREPORT_E_INTERNAL, e.what());
    } catch (...) {
        return c.fail(CASREPORT_E_INTERNAL, "unknown exception");
    }
}

/// `guarded` for a call on a handle: refuses NULL and poisoned handles, and poisons the handle
/// when the call fails in a way that leaves its state untrustworthy.
template <class Body>
casreport_status guarded(const char* function, casreport_aggregator* agg, Body&& body) noexcept {
    if (agg == nullptr) return call(function).fail(CASREPORT_E_INVALID_ARGUMENT, "agg is NULL");
    if (agg->poisoned) {
        return call(function).fail(CASREPORT_E_MISUSE,
                                   "the aggregator failed earlier (poisoned): reset or free it");
    }
    const casreport_status s = guarded(function, std::forward<Body>(body));
    if (poisons(s)) agg->poisoned = true;
    return s;
}

}  // namespace casreport::capi

#endif  // CASREPORT_CAPI_INTERNAL_HPP
