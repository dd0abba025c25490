// From the folded state to the report object. Private to lib/.
#ifndef CASREPORT_LIB_REPORT_BUILD_HPP
#define CASREPORT_LIB_REPORT_BUILD_HPP

#include "../aggregate/state.hpp"
#include "casreport/report.hpp"

namespace casreport::detail {

/// Builds every number of the report; `opts` gives the report-time settings (top-N, policy).
[[nodiscard]] report build_report(const partial_state& st, const options& opts);

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_REPORT_BUILD_HPP
