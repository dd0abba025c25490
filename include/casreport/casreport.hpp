// Umbrella header of the casreport C++ API.
#ifndef CASREPORT_CASREPORT_HPP
#define CASREPORT_CASREPORT_HPP

#include "casreport/aggregator.hpp"
#include "casreport/batch.hpp"
#include "casreport/error.hpp"
#include "casreport/event_kind.hpp"
#include "casreport/files.hpp"
#include "casreport/options.hpp"
#include "casreport/outcome.hpp"
#include "casreport/period.hpp"
#include "casreport/policy.hpp"
#include "casreport/record.hpp"
#include "casreport/render.hpp"
#include "casreport/report.hpp"
#include "casreport/risk_level.hpp"
#include "casreport/section.hpp"
#include "casreport/security_filter.hpp"
#include "casreport/service.hpp"
#include "casreport/time.hpp"
#include "casreport/version.h"

#endif  // CASREPORT_CASREPORT_HPP
