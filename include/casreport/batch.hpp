// An MSP's monthly round: one report per tenant folder, tenants in parallel, a summary and an
// index page for the round. Built on the aggregator and the renderers; docs/batch.md.
#ifndef CASREPORT_BATCH_HPP
#define CASREPORT_BATCH_HPP

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "casreport/aggregator.hpp"
#include "casreport/render.hpp"
#include "casreport/time.hpp"

namespace casreport {

/// What a round is asked to do.
struct batch_options {
    /// `TENANTS`: one folder per tenant; every file under it, recursively, is that tenant's
    /// logs, but hidden files and folders and its `tenant.json` (its report options).
    std::string tenants_dir;
    /// `OUT`: the round's files go to `OUT/YYYY-MM/`; last month's reports are looked for in
    /// `OUT/<previous month>/<id>/report.json`.
    std::string out_dir;
    /// The month, `YYYY-MM`, read in each tenant's zone (`tz`, default +09:00).
    std::string month;
    /// Tenants run at once; 0: one per core. Each runs on one thread with one aggregator, so
    /// memory is bounded per job.
    unsigned jobs = 0;
    /// Formats of every tenant's report unless its `tenant.json` says otherwise; JSON is always
    /// written. Empty: JSON and HTML.
    std::vector<output_format> formats;
    /// A JSON file holding an object with the keys of `tenant.json`, for every tenant (a
    /// tenant's own file wins, key by key); a relative `logo` in it is looked for beside it.
    /// Empty: none.
    std::string defaults_path;
    /// The issue date of every report; none: today in each tenant's zone. Given, two runs over
    /// the same folders write byte-identical files.
    std::optional<calendar_date> issued;
    /// PDF: the Chromium to print with (see `render_options::chromium`).
    std::string chromium;
    /// Incremented (relaxed) as tenants finish and bytes are read, for a progress display.
    std::atomic<std::uint64_t>* tenants_done = nullptr;
    std::atomic<std::uint64_t>* bytes_read = nullptr;
};

/// One tenant's line of the summary.
struct tenant_summary {
    std::string id;    ///< its folder's name
    std::string name;  ///< the customer's name from its options, else empty
    bool ok = false;
    std::string error;  ///< why it failed, naming the file (and key) concerned
    input_counts input;
    std::uint64_t atp = 0;  ///< detections of every service
    std::uint64_t dlp = 0;
    std::array<std::uint64_t, 4> findings{};  ///< by severity: critical, high, medium, info
    /// From last month's report, when there was one.
    std::optional<std::uint64_t> previous_atp;
    std::optional<std::uint64_t> previous_dlp;
    std::optional<std::uint64_t> previous_findings;
    std::vector<std::string> files;  ///< what it wrote, relative to the month's folder
};

struct batch_summary {
    std::string month;
    std::vector<tenant_summary> tenants;  ///< by id
    [[nodiscard]] std::size_t failed() const noexcept {
        std::size_t n = 0;
        for (const tenant_summary& t : tenants) n += t.ok ? 0 : 1;
        return n;
    }
};

/// Runs the round: every tenant's report files and `state.bin`, then `index.html`,
/// `summary.json` and `summary.csv` in `OUT/YYYY-MM/`. Every file appears whole or not at all
/// (written under a temporary name, then renamed). A tenant that fails (no logs, an unusable
/// file, a bad option) is marked failed with its reason and every other tenant completes.
///
/// Fails as a whole, with `why` set, only when the round cannot run: `error::invalid_argument`
/// for a bad month, format list or defaults, `error::io` when a folder cannot be read or the
/// output cannot be written.
[[nodiscard]] batch_summary run_batch(const batch_options& opts, std::error_code& ec,
                                      std::string& why);

}  // namespace casreport

#endif  // CASREPORT_BATCH_HPP
