// aggregator::report and report_with: the summarizing stage's part of the aggregator. They sit
// here, not in lib/aggregate, so that aggregation never depends on what is built from it.
#include "../aggregate/aggregator_impl.hpp"
#include "build.hpp"
#include "casreport/aggregator.hpp"

namespace casreport {

const report& aggregator::report(std::error_code& ec) {
    ec.clear();
    impl& m = *impl_;
    if (!m.finished) {
        static const casreport::report none{};
        ec = make_error_code(error::misuse);
        return none;
    }
    if (!m.cached) m.cached = detail::build_report(m.state, m.opts, m.threads);
    return *m.cached;
}

report aggregator::report_with(std::size_t top_n, const finding_policy& findings,
                               std::error_code& ec) const {
    ec.clear();
    const impl& m = *impl_;
    if (!m.finished) {
        ec = make_error_code(error::misuse);
        return {};
    }
    options o = m.opts;
    o.top_n = top_n;
    o.findings = findings;
    return detail::build_report(m.state, o, m.threads);
}

}  // namespace casreport
