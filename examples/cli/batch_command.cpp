#include "batch_command.hpp"

#include <unistd.h>

#include <atomic>
#include <casreport/casreport.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

#include "progress.hpp"

namespace casreport_cli {
namespace {

constexpr int exit_ok = 0;
constexpr int exit_usage = 1;
constexpr int exit_tenant_failed = 3;

constexpr const char* batch_usage = R"help(NAME
    casreport batch - every tenant's monthly report in one run

SYNOPSIS
    casreport batch --month YYYY-MM --out OUT [OPTIONS] TENANTS

DESCRIPTION
    TENANTS holds one folder per tenant. Every file under a tenant's folder, recursively, is
    its logs, in any format casreport reads (gzip too); hidden files and the tenant's
    tenant.json (its report options) are not. Tenants run in parallel, each on one thread
    with bounded memory. For each tenant, OUT/YYYY-MM/<id>/ receives report.<ext> in every
    format asked for (JSON always) and state.bin; for the round, OUT/YYYY-MM/ receives
    index.html, summary.json and summary.csv. Last month's OUT/<previous month>/<id>/
    report.json, when present, is the tenant's previous report (month over month). A tenant
    that fails is marked error in the summary; every other tenant completes. Files appear
    whole or not at all.

OPTIONS
    --month YYYY-MM       the month to report (read in each tenant's zone)
    --out OUT             where the round's files go
    --jobs N              tenants at once (default, and 0: one per core)
    --formats LIST        formats of every report, comma-separated, from json, html, pdf,
                          md, csv and text (default json,html); a tenant.json may set its own
    --defaults FILE       a JSON object with the keys of tenant.json, for every tenant (a
                          tenant's own file wins, key by key)
    --issued YYYY-MM-DD   the issue date of every report (default: today); given, two runs
                          write byte-identical files
    --chromium PATH       the Chromium that prints PDF
    -q, --quiet           no progress display
    -h, --help            show this help

TENANT.JSON KEYS
    name, provider, logo (a PNG or SVG file, relative to the tenant's folder), tz (+09:00),
    lang (ja or en), top, redact, formats, dedupe, company_min_users, individual_min_count,
    individual_min_share (percent), file_blocking_min_count, max_subjects, csv_columns (an
    object, as --csv-map), csv_kind. An unknown key or a bad value fails that tenant, naming
    the file and the key.

EXIT STATUS
    0   every tenant's report was written
    1   a usage error, or the round could not run (unreadable TENANTS, unwritable OUT)
    3   one or more tenants failed (see summary.json)

EXAMPLE
    On the first of each month, last month's round:
        casreport batch --month "$(date -d 'last month' +%Y-%m)" --out /srv/reports \
            --formats json,pdf --defaults /srv/msp.json /srv/tenants
)help";

class usage_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

unsigned whole(const std::string& v, const char* name) {
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos || v.size() > 4) {
        throw usage_error(std::string(name) + " needs a whole number, not '" + v + "'");
    }
    return static_cast<unsigned>(std::stoul(v));
}

int run(int argc, char** argv) {
    casreport::batch_options o;
    bool quiet = false;
    std::string tenants;
    const auto value = [&](int& i) -> std::string {
        if (i + 1 >= argc) throw usage_error(std::string(argv[i]) + " needs a value");
        return argv[++i];
    };
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::fputs(batch_usage, stdout);
            return exit_ok;
        } else if (arg == "--month") {
            o.month = value(i);
        } else if (arg == "--out") {
            o.out_dir = value(i);
        } else if (arg == "--jobs") {
            o.jobs = whole(value(i), "--jobs");
        } else if (arg == "--formats") {
            std::string unknown;
            const auto formats = casreport::parse_format_list(value(i), &unknown);
            if (!formats) {
                throw usage_error("unknown format '" + unknown +
                                  "' in --formats (json, html, pdf, md, csv, text)");
            }
            o.formats = *formats;
        } else if (arg == "--defaults") {
            o.defaults_path = value(i);
        } else if (arg == "--issued") {
            const std::string v = value(i);
            o.issued = casreport::parse_date(v);
            if (!o.issued) throw usage_error("--issued needs a date such as 2025-07-01");
        } else if (arg == "--chromium") {
            o.chromium = value(i);
        } else if (arg == "-q" || arg == "--quiet") {
            quiet = true;
        } else if (!arg.empty() && arg[0] == '-') {
            throw usage_error("unknown batch option '" + arg + "'");
        } else if (tenants.empty()) {
            tenants = arg;
        } else {
            throw usage_error("batch takes one TENANTS folder, not also '" + arg + "'");
        }
    }
    if (o.month.empty()) throw usage_error("batch needs --month YYYY-MM");
    if (o.out_dir.empty()) throw usage_error("batch needs --out OUT");
    if (tenants.empty()) throw usage_error("batch needs the TENANTS folder");
    o.tenants_dir = tenants;

    std::atomic<std::uint64_t> done{0};
    std::atomic<std::uint64_t> bytes{0};
    o.tenants_done = &done;
    o.bytes_read = &bytes;
    std::atomic<bool> running{true};
    std::thread ticker;
    const bool show = !quiet && progress::is_terminal(stderr);
    if (show) {
        ticker = std::thread([&] {
            while (running.load()) {
                std::fprintf(stderr, "\r\x1b[Kbatch %s: %s tenants done, %s read", o.month.c_str(),
                             with_commas(done.load()).c_str(), human_bytes(bytes.load()).c_str());
                std::fflush(stderr);
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
            }
            std::fputs("\r\x1b[K", stderr);
        });
    }
    std::error_code ec;
    std::string why;
    const casreport::batch_summary s = casreport::run_batch(o, ec, why);
    running = false;
    if (ticker.joinable()) ticker.join();
    if (ec == casreport::error::invalid_argument) throw usage_error(why);
    if (ec) {
        std::fprintf(stderr, "casreport: %s\n", why.c_str());
        return exit_usage;
    }
    for (const casreport::tenant_summary& t : s.tenants) {
        if (!t.ok)
            std::fprintf(stderr, "casreport: tenant %s: %s\n", t.id.c_str(), t.error.c_str());
    }
    std::fprintf(stderr, "casreport: batch %s: %zu tenants, %zu failed, %s read; see %s\n",
                 s.month.c_str(), s.tenants.size(), s.failed(), human_bytes(bytes.load()).c_str(),
                 (std::filesystem::path(o.out_dir) / s.month / "index.html").c_str());
    return s.failed() == 0 ? exit_ok : exit_tenant_failed;
}

}  // namespace

int run_batch_command(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const usage_error& e) {
        std::fprintf(stderr, "casreport: %s\nTry 'casreport batch --help'.\n", e.what());
        return exit_usage;
    }
}

}  // namespace casreport_cli
