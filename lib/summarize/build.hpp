// From the folded state to the report object. Private to lib/.
#ifndef CASREPORT_LIB_SUMMARIZE_BUILD_HPP
#define CASREPORT_LIB_SUMMARIZE_BUILD_HPP

#include "../aggregate/state.hpp"
#include "casreport/report.hpp"

namespace casreport::detail {

/// Builds every number of the report; `opts` gives the report-time settings (top-N, policy).
/// With `threads` > 1, the findings read from the records run on a second thread while the
/// state is folded (the report is the same either way).
[[nodiscard]] report build_report(const partial_state& st, const options& opts,
                                  unsigned threads = 1);

}  // namespace casreport::detail

#endif  // CASREPORT_LIB_SUMMARIZE_BUILD_HPP
