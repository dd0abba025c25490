// The rules of DESIGN section 5, evaluated over the folded month. Private to lib/.
#ifndef CASREPORT_LIB_SUMMARIZE_FINDINGS_HPP
#define CASREPORT_LIB_SUMMARIZE_FINDINGS_HPP

#include <vector>

#include "../aggregate/state.hpp"
#include "tally.hpp"
#include "casreport/policy.hpp"
#include "casreport/report.hpp"

namespace casreport::detail {

/// The findings read from the state's records themselves rather than from the tally (today
/// `targeted_attack_company`, which follows each sender, threat and file to its users). They
/// need no tally, so the report builder may compute them on another thread while it folds.
[[nodiscard]] std::vector<finding> state_findings(const partial_state& st,
                                                  const finding_policy& policy);

/// Every other finding, read from the tally (and the state's user names), unsorted.
[[nodiscard]] std::vector<finding> tally_findings(const tally& t, const partial_state& st,
                                                  const finding_policy& policy);

/// Sorts findings into report order: severity, then section order (findings without a section
/// last), then count descending, then rule name.
void sort_findings(std::vector<finding>& findings);
}  // namespace casreport::detail

#endif  // CASREPORT_LIB_SUMMARIZE_FINDINGS_HPP
