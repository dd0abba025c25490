// casreport: the command-line tool. Reads CAS security-event logs, writes the monthly report.
//
// Exit status: 0 success, 1 usage or I/O error, 2 when --strict is given and a record was
// rejected.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <casreport/casreport.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "batch_command.hpp"
#include "progress.hpp"

namespace {

constexpr int exit_ok = 0;
constexpr int exit_usage = 1;
constexpr int exit_rejected = 2;

constexpr const char* usage_text = R"(NAME
    casreport - the monthly security report from Trend Micro Cloud App Security logs

SYNOPSIS
    casreport [OPTIONS] [FILE|-]...
    casreport batch --month YYYY-MM --out OUT [OPTIONS] TENANTS

DESCRIPTION
    Reads Cloud App Security (CAS) security-event logs and writes the monthly report: the
    detections of each service (Advanced Threat Protection and Data Loss Prevention), the
    users most affected in each section (virus/malware, file blocking, web reputation,
    Virtual Analyzer, ransomware, DLP), what was done about each threat, and findings with
    advice. Duplicate events are counted once, and records that cannot be read are counted
    and listed in the report, never silently dropped.

    casreport batch makes every tenant's report of a month in one run, with a summary and an
    index page for the round: see 'casreport batch --help'.

INPUT
    Each FILE is read in the format told by its first lines:
      JSON    log API responses ({"security_events": [...]}, one or many per file), bare
              arrays of events, or NDJSON (one event per line)
      CEF     CEF:0|Trend Micro|CAS|... records, one per line (a syslog prefix is fine), or
              as the strings of an API response fetched with format=cef
      CSV     the console's log export (Logs > Export), English or Japanese headers
    Any of them may be compressed with gzip, zstd, xz or bzip2, recognized by its content
    whatever the file is called. "-", or no FILE at all, reads standard input.

OPTIONS
  What to count
    --month YYYY-MM       report this calendar month; other events count as out of period
                          (default: every event counts)
    --tz +HH:MM           time zone of the month, and of CSV times written without one
                          (default +09:00, Japan)
    --top N               rows of each top-users table (default 10)
    --no-dedupe           count repeated events (default: one per log_item_id)

  Findings (the thresholds of the rules; docs/findings.md)
    --company-min-users N distinct users one sender or threat must reach by mail for
                          "possible targeted attack on the company" (default 3)
    --individual-min-count N
                          mail detections of one user for "possible targeted attack on
                          an individual" (default 5)...
    --individual-min-share PERCENT
                          ...making up at least this share of the section (default 50)
    --file-blocking-min-count N
                          blocked files of the top user for "users with many blocked
                          files" (default 5)
    --max-subjects N      users, senders or threats listed per finding (default 10)

  Output
    --format json|text|md|csv|html|pdf
                          output format (default text): JSON (the machine-readable
                          report), a terminal text, Markdown for tickets and mail, CSV for
                          spreadsheets, one printable HTML page with charts, or that page
                          as an A4 PDF with page numbers (needs a headless Chromium)
    --lang ja|en          labels and advice in Japanese (default) or English
    --customer NAME       the customer the report is for, on its cover and heading
    --provider NAME       the provider (MSP) that issues it
    --logo FILE           the provider's logo, PNG or SVG, on the cover of HTML and PDF
    --issued YYYY-MM-DD   the issue date shown with the customer (default: today in the
                          report's time zone)
    --chromium PATH       the Chromium that prints PDF (default: $CASREPORT_CHROMIUM, else
                          chromium on PATH; Debian: apt-get install chromium fonts-noto-cjk)
    --previous REPORT.json
                          last month's JSON report: show the change of every total
    --redact              mask user and sender addresses (user-001, sender-001, ...)
    -o, --output FILE     write the report to FILE (default standard output)

  Input
    --input-format auto|json|ndjson|csv|cef
                          skip detection and read every FILE in this format (ndjson: one
                          JSON document per line, stricter recovery)
    --csv-map FILE        more CSV header names: FILE holds a JSON object that sends each
                          header to an event field, e.g. {"Zeitpunkt": "detection_time",
                          "Benutzer": "affected_user", "Notiz": ""} ("" ignores a column)
    --csv-kind KIND       the log type of CSV rows that do not say it: securityrisk,
                          virtualanalyzer, ransomware or dlp (needed only when the export
                          has no log-type column and its columns do not tell)
    --max-field-bytes N   the longest field of an event read, in bytes (default 4096): a
                          record with a longer one is rejected as field_too_long
    --max-file-bytes N    the largest --previous, --merge-state or --csv-map file read, in
                          bytes (default 268435456, 256 MiB); a larger one is refused

  Partial results
    --save-state FILE     also write the partial state, to merge later
    --merge-state FILE    add a saved state (repeatable), as if its input came first

  Behaviour
    --threads N           threads for one large file (default, and 0: one per core): a JSON
                          file is read in parts at once, a compressed file is decompressed
                          on one thread while another decodes; the report is the same for
                          any N
    --strict              exit with status 2 when any record was rejected, and say which
    -q, --quiet           no progress display (errors are still shown)
    -h, --help            show this help
    --version             show the version

    On a terminal, a run that takes more than a second shows its progress on standard
    error: bytes read (of the total, for files), records per second and the time left.

EXIT STATUS
    0   the report was written
    1   a usage error, a file that cannot be read, or a file in no known format
    2   --strict was given and a record was rejected (the report is still written)

EXAMPLES
    The June report of a month of API dumps, in Japanese, on the terminal:
        casreport --month 2025-06 logs/2025-06-*.ndjson.gz

    The same as JSON with English labels, to a file:
        casreport --month 2025-06 --format json --lang en -o report.json logs/*.gz

    A printable HTML report with the change since last month's JSON report:
        casreport --month 2025-07 --previous 2025-06.json --format html -o report.html logs/*

    The PDF a customer receives, with their name and the provider's logo:
        casreport --month 2025-06 --format pdf --customer "株式会社サンプル" \
            --provider "Example MSP" --logo msp.svg -o report.pdf logs/*

    Console CSV exports (one per log type), times shown in Japan time:
        casreport --month 2025-06 SecurityRisk.csv VirtualAnalyzer.csv Ransomware.csv DLP.csv

    An export whose header names casreport does not know:
        casreport --month 2025-06 --csv-map headers.json export.csv

    From a pipe, in another archive format:
        xzcat june.ndjson.xz | casreport --month 2025-06 -

    Week by week, merged at the end of the month:
        casreport --month 2025-06 --save-state w1.state week1.ndjson.gz > /dev/null
        casreport --month 2025-06 --merge-state w1.state week2.ndjson.gz

SEE ALSO
    docs/cli.md and docs/input-formats.md in the casreport sources.
)";

struct cli_args {
    casreport::options opts;
    casreport::render_options render = [] {
        casreport::render_options r;
        r.format = casreport::output_format::text;
        return r;
    }();
    unsigned threads = 0;  // one per core
    bool strict = false;
    bool quiet = false;
    std::string previous;
    std::string logo;
    std::string csv_map;
    std::string output;
    std::string save_state;
    std::vector<std::string> merge_states;
    std::uint64_t max_file_bytes = std::uint64_t{256} << 20;
    std::vector<std::string> files;
    bool help = false;
    bool version = false;
};

class usage_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// `v` as a whole number from `lo` to `hi`, for the option `name`.
std::uint32_t whole_number(const std::string& v, std::string_view name, std::uint32_t lo,
                           std::uint32_t hi) {
    char* end = nullptr;
    errno = 0;
    const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || errno != 0 || v[0] < '0' || v[0] > '9' || n < lo || n > hi) {
        throw usage_error(std::string(name) + " needs a whole number from " + std::to_string(lo) +
                          " to " + std::to_string(hi) + ", not '" + v + "'");
    }
    return static_cast<std::uint32_t>(n);
}

/// A percentage with at most one decimal ("50", "37.5"), in tenths of a percent.
std::uint32_t parse_percent_tenths(const std::string& v, std::string_view name) {
    const std::size_t dot = v.find('.');
    const std::string whole = v.substr(0, dot);
    const std::string tenth = dot == std::string::npos ? "0" : v.substr(dot + 1);
    const auto digits = [](const std::string& d, std::size_t max) {
        return !d.empty() && d.size() <= max &&
               std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (!digits(whole, 3) || !digits(tenth, 1)) {
        throw usage_error(std::string(name) + " needs a percentage such as 50 or 37.5, not '" + v +
                          "'");
    }
    const auto t = static_cast<std::uint32_t>(std::stoul(whole) * 10 + std::stoul(tenth));
    if (t > 1000) {
        throw usage_error(std::string(name) + " needs a percentage from 0 to 100, not '" + v + "'");
    }
    return t;
}

cli_args parse_args(int argc, char** argv) {
    cli_args a;
    std::string month;
    std::optional<casreport::utc_offset> tz;
    const auto value = [&](int& i, std::string_view name) -> std::string {
        if (i + 1 >= argc) throw usage_error(std::string(name) + " needs a value");
        return argv[++i];
    };
    bool only_files = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (only_files || arg == "-" || arg.empty() || arg[0] != '-') {
            a.files.emplace_back(arg);
        } else if (arg == "--") {
            only_files = true;
        } else if (arg == "-h" || arg == "--help") {
            a.help = true;
        } else if (arg == "--version") {
            a.version = true;
        } else if (arg == "--format") {
            const std::string v = value(i, arg);
            const auto f = casreport::parse_output_format(v);
            if (!f) {
                throw usage_error("unknown --format '" + v +
                                  "' (json, text, md, csv, html or pdf)");
            }
            a.render.format = *f;
        } else if (arg == "--lang") {
            const std::string v = value(i, arg);
            const auto l = casreport::parse_language(v);
            if (!l) throw usage_error("unknown --lang '" + v + "' (ja or en)");
            a.render.lang = *l;
        } else if (arg == "--customer") {
            a.render.tenant.name = value(i, arg);
        } else if (arg == "--provider") {
            a.render.tenant.provider = value(i, arg);
        } else if (arg == "--logo") {
            a.logo = value(i, arg);
            if (a.logo.empty()) throw usage_error("--logo needs a file name");
        } else if (arg == "--issued") {
            const std::string v = value(i, arg);
            a.render.tenant.issued = casreport::parse_date(v);
            if (!a.render.tenant.issued) {
                throw usage_error("--issued needs a date such as 2025-07-01, not '" + v + "'");
            }
        } else if (arg == "--chromium") {
            a.render.chromium = value(i, arg);
            if (a.render.chromium.empty()) throw usage_error("--chromium needs a program");
        } else if (arg == "--top") {
            a.opts.top_n = whole_number(value(i, arg), arg, 0, 1000000);
        } else if (arg == "--company-min-users") {
            a.opts.findings.company_min_users = whole_number(value(i, arg), arg, 1, 1000000);
        } else if (arg == "--individual-min-count") {
            a.opts.findings.individual_min_count = whole_number(value(i, arg), arg, 1, 1000000);
        } else if (arg == "--individual-min-share") {
            a.opts.findings.individual_min_share_tenths = parse_percent_tenths(value(i, arg), arg);
        } else if (arg == "--file-blocking-min-count") {
            a.opts.findings.file_blocking_min_count = whole_number(value(i, arg), arg, 1, 1000000);
        } else if (arg == "--max-subjects") {
            a.opts.findings.max_subjects = whole_number(value(i, arg), arg, 1, 1000000);
        } else if (arg == "--month") {
            month = value(i, arg);
            if (month.empty()) throw usage_error("--month needs a month such as 2025-06");
        } else if (arg == "--tz") {
            const std::string v = value(i, arg);
            tz = casreport::parse_utc_offset(v);
            if (!tz) throw usage_error("--tz needs an offset such as +09:00, not '" + v + "'");
        } else if (arg == "--input-format") {
            const std::string v = value(i, arg);
            const auto f = casreport::parse_input_format(v);
            if (!f) {
                throw usage_error("unknown --input-format '" + v +
                                  "' (auto, json, ndjson, csv or cef)");
            }
            a.opts.format = *f;
        } else if (arg == "--csv-map") {
            a.csv_map = value(i, arg);
        } else if (arg == "--csv-kind") {
            const std::string v = value(i, arg);
            a.opts.csv_event_kind = casreport::parse_event_kind(v);
            if (!a.opts.csv_event_kind) {
                throw usage_error("unknown --csv-kind '" + v +
                                  "' (securityrisk, virtualanalyzer, ransomware or dlp)");
            }
        } else if (arg == "--max-field-bytes") {
            a.opts.max_field_bytes = whole_number(value(i, arg), arg, 1, 1U << 30);
        } else if (arg == "--max-file-bytes") {
            a.max_file_bytes = whole_number(value(i, arg), arg, 1, 0xffffffffU);
        } else if (arg == "--previous") {
            a.previous = value(i, arg);
        } else if (arg == "--redact") {
            a.render.redact = true;
        } else if (arg == "--threads") {
            a.threads = whole_number(value(i, arg), arg, 0, 1024);
        } else if (arg == "-q" || arg == "--quiet") {
            a.quiet = true;
        } else if (arg == "--no-dedupe") {
            a.opts.dedupe = false;
        } else if (arg == "--strict") {
            a.strict = true;
        } else if (arg == "--save-state") {
            a.save_state = value(i, arg);
        } else if (arg == "--merge-state") {
            a.merge_states.push_back(value(i, arg));
        } else if (arg == "-o" || arg == "--output") {
            a.output = value(i, arg);
        } else {
            throw usage_error("unknown option '" + std::string(arg) + "'");
        }
    }
    if (tz) {
        a.opts.naive_time_zone = *tz;
        a.render.zone = *tz;
    }
    if (!month.empty()) {
        a.opts.period = casreport::report_period::parse(month, tz.value_or(casreport::jst));
        if (!a.opts.period) {
            throw usage_error("--month needs a month such as 2025-06, not '" + month + "'");
        }
    }
    return a;
}

class io_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The whole of a side file (--previous, --merge-state, --csv-map), refused when larger than
/// `max` bytes: a regular file by its size, before it is read; a pipe or a device as soon as
/// more has come.
std::string read_whole(const std::string& path, std::uint64_t max) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw io_error("cannot open " + path + ": " + std::strerror(errno));
    const auto too_large = [&] {
        return io_error(path + " is larger than " + std::to_string(max) +
                        " bytes (--max-file-bytes)");
    };
    struct stat st {};
    if (stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        static_cast<std::uint64_t>(st.st_size) > max) {
        throw too_large();
    }
    // Read in pieces and joined once: a stream refused at `max` never held more than that.
    std::vector<std::string> pieces;
    std::uint64_t total = 0;
    for (;;) {
        std::string piece(std::size_t{1} << 20, '\0');
        in.read(piece.data(), static_cast<std::streamsize>(piece.size()));
        piece.resize(static_cast<std::size_t>(in.gcount()));
        total += piece.size();
        if (total > max) throw too_large();
        if (piece.empty()) break;
        pieces.push_back(std::move(piece));
    }
    if (in.bad()) throw io_error("cannot read " + path);
    std::string out;
    out.reserve(static_cast<std::size_t>(total));
    for (const std::string& p : pieces) out += p;
    return out;
}

/// A source the library cannot use (no known format, corrupt compressed data); the message names
/// it.
class input_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The text of a library exception without the code's generic message after it.
std::string message_of(const std::system_error& e) {
    std::string m = e.what();
    const std::string suffix = ": " + e.code().message();
    if (m.size() > suffix.size() &&
        m.compare(m.size() - suffix.size(), suffix.size(), suffix) == 0) {
        m.resize(m.size() - suffix.size());
    }
    return m;
}

void check(const casreport::aggregator& agg, const std::error_code& ec) {
    if (!ec) return;
    if (ec == casreport::error::input && !agg.last_error().empty()) {
        throw input_error(agg.last_error());
    }
    throw casreport::error_exception(ec, agg.last_error());
}

/// The size of a regular file, or of standard input redirected from one; 0 when unknown.
std::uint64_t file_size(const std::string& path) {
    struct stat st {};
    const int rc = path == "-" ? fstat(fileno(stdin), &st) : stat(path.c_str(), &st);
    return rc == 0 && S_ISREG(st.st_mode) ? static_cast<std::uint64_t>(st.st_size) : 0;
}

/// An empty input is no error (a quiet month), but rarely what was meant.
void warn_empty(const std::string& what) {
    std::fprintf(stderr, "casreport: warning: %s is empty: no records read from it\n",
                 what.c_str());
}

/// Reads every input: files through aggregator::feed_file (several threads for a large one),
/// standard input ("-") in 64 KiB reads. Progress is drawn from the counters feed_file keeps.
void read_inputs(casreport::aggregator& agg, const std::vector<std::string>& files,
                 unsigned threads, casreport_cli::progress& shown) {
    std::uint64_t done = 0;
    std::uint64_t records = 0;
    for (std::size_t k = 0; k < files.size(); ++k) {
        const std::string& path = files[k];
        shown.start_file(path, k);
        std::error_code ec;
        if (path != "-") {
            std::atomic<std::uint64_t> bytes_read{0};
            std::atomic<std::uint64_t> records_read{0};
            casreport::file_options fo;
            fo.threads = threads;
            fo.bytes_read = &bytes_read;
            fo.records_read = &records_read;
            std::atomic<bool> reading{true};
            std::thread ticker;
            if (shown.enabled()) {
                ticker = std::thread([&] {
                    while (reading.load()) {
                        shown.update(done + bytes_read.load(), records + records_read.load());
                        std::this_thread::sleep_for(std::chrono::milliseconds(100));
                    }
                });
            }
            agg.feed_file(path, fo, ec);
            reading = false;
            if (ticker.joinable()) ticker.join();
            if (ec && ec.category() != casreport::casreport_category()) {
                throw io_error("cannot read " + path + ": " + ec.message());
            }
            check(agg, ec);
            if (bytes_read.load() == 0) warn_empty(path);
            done += bytes_read.load();
            records = agg.counts().records;
            shown.update(done, records);  // the ticker's last look may predate the last read
            continue;
        }
        agg.begin_source(path, ec);
        check(agg, ec);
        std::vector<char> buf(std::size_t{64} << 10);  // small reads: the copy stays in cache
        const std::uint64_t before = done;
        for (;;) {
            const std::size_t n = std::fread(buf.data(), 1, buf.size(), stdin);
            if (n > 0) {
                agg.feed(std::string_view(buf.data(), n), ec);
                check(agg, ec);
                done += n;
                shown.update(done, agg.counts().records);
            }
            if (n < buf.size()) break;
        }
        if (std::ferror(stdin) != 0) {
            throw io_error("cannot read standard input: " + std::string(std::strerror(errno)));
        }
        if (done == before) warn_empty("standard input");
        agg.end_source(ec);
        check(agg, ec);
        records = agg.counts().records;
    }
}

/// With --strict: which records were rejected, where (the report lists them too).
void tell_rejections(const casreport::input_summary& in) {
    std::fprintf(stderr, "casreport: %s of %s records rejected (--strict)%s\n",
                 casreport_cli::with_commas(in.rejected).c_str(),
                 casreport_cli::with_commas(in.records).c_str(),
                 in.rejections.empty() ? "" : "; the first:");
    constexpr std::size_t shown = 5;
    for (std::size_t i = 0; i < in.rejections.size() && i < shown; ++i) {
        const casreport::rejection& r = in.rejections[i];
        std::fprintf(stderr, "  %s:%llu: %s: %s\n", r.source.c_str(),
                     static_cast<unsigned long long>(r.line),
                     std::string(casreport::to_string(r.reason)).c_str(), r.detail.c_str());
    }
}

/// Fails now, before any input is read, when `path` cannot be written, saying why.
void check_writable(const std::string& path) {
    if (path.empty() || path == "-") return;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        throw io_error("cannot write " + path + ": " + std::strerror(EISDIR));
    }
    const bool existed = ::access(path.c_str(), F_OK) == 0;
    std::FILE* f = std::fopen(path.c_str(), "ab");
    if (f == nullptr) throw io_error("cannot write " + path + ": " + std::strerror(errno));
    std::fclose(f);
    if (!existed) std::remove(path.c_str());
}

/// Writes `text` to `path` (standard output for "" or "-"). A file appears whole or not at
/// all: the text goes to a temporary file beside it, renamed over it once complete.
void write_output(const std::string& path, const std::string& text) {
    if (path.empty() || path == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
        if (std::fflush(stdout) != 0) throw io_error("cannot write the report");
        return;
    }
    std::error_code ec;
    casreport::write_file_whole(path, text, ec);
    if (ec) throw io_error("cannot write " + path + ": " + ec.message());
}

int run(int argc, char** argv) {
    cli_args a = parse_args(argc, argv);
    if (a.help) {
        std::fputs(usage_text, stdout);
        return exit_ok;
    }
    if (a.version) {
        std::printf(
            "casreport %s\n"
            "Reads CAS logs as JSON, NDJSON, CEF or console CSV, plain or compressed with gzip,\n"
            "zstd, xz or bzip2.\n",
            CASREPORT_VERSION_STRING);
        return exit_ok;
    }
    if (a.files.empty()) {
        if (!a.merge_states.empty()) {
            // Only merging saved states: no input to read.
        } else if (::isatty(fileno(stdin)) != 0) {
            throw usage_error(
                "no input: name the log files to read, or pipe them in ('-' reads standard "
                "input)");
        } else {
            a.files.emplace_back("-");
        }
    }
    check_writable(a.output);
    check_writable(a.save_state);
    if (!a.logo.empty()) {
        if (file_size(a.logo) > casreport::tenant_info::max_logo_bytes) {
            throw usage_error("--logo " + a.logo + " is larger than 1 MiB");
        }
        a.render.tenant.logo = read_whole(a.logo, casreport::tenant_info::max_logo_bytes);
    }

    if (!a.csv_map.empty()) {
        try {
            a.opts.csv_columns =
                casreport::parse_csv_columns(read_whole(a.csv_map, a.max_file_bytes));
        } catch (const casreport::error_exception& e) {
            throw usage_error(a.csv_map + ": " + message_of(e));
        }
    }

    std::uint64_t total = 0;
    for (const std::string& path : a.files) {
        const std::uint64_t size = file_size(path);
        if (size == 0) {
            total = 0;  // a pipe: no total, no time left
            break;
        }
        total += size;
    }
    // Last month's report, read before any input so a bad file fails fast.
    casreport::report previous;
    if (!a.previous.empty()) {
        std::error_code ec;
        previous = casreport::parse_report_json(read_whole(a.previous, a.max_file_bytes), ec);
        if (ec == casreport::error::incompatible) {
            throw io_error(a.previous + " is a JSON report of another schema_version");
        }
        if (ec) throw io_error(a.previous + " is not a casreport JSON report");
        a.render.previous = &previous;
        const auto& now = a.opts.period;
        const auto& then = previous.period;
        if (now && then && then->year() * 12 + then->month() >= now->year() * 12 + now->month()) {
            std::fprintf(stderr, "casreport: warning: %s reports %s, not a month before %s\n",
                         a.previous.c_str(), then->month_string().c_str(),
                         now->month_string().c_str());
        }
    }

    casreport_cli::progress shown(stderr, !a.quiet && casreport_cli::progress::is_terminal(stderr),
                                  total, a.files.size());
    casreport::aggregator agg(a.opts);
    read_inputs(agg, a.files, a.threads, shown);
    {
        std::error_code ec;
        agg.finish(ec);
        check(agg, ec);
    }
    shown.done(agg.counts());

    if (!a.merge_states.empty()) {
        // Saved states come first, in the order given, then this run's input.
        casreport::aggregator merged(a.opts);
        for (const std::string& path : a.merge_states) {
            std::error_code ec;
            casreport::aggregator part =
                casreport::aggregator::load(read_whole(path, a.max_file_bytes), ec);
            if (ec) throw io_error(path + " is not a casreport state file: " + part.last_error());
            merged.merge(part, ec);
            if (ec == casreport::error::incompatible) {
                throw usage_error(path + " cannot be merged: " + merged.last_error());
            }
            if (ec) throw io_error(path + ": " + merged.last_error());
        }
        std::error_code ec;
        merged.merge(agg, ec);
        if (ec) throw usage_error("the saved states do not match this run's options");
        merged.finish();
        agg = std::move(merged);
    }

    if (!a.save_state.empty()) write_output(a.save_state, agg.save());
    const casreport::report& r = agg.report();
    std::error_code ec;
    std::string why;
    const std::string document = casreport::render(r, a.render, ec, &why);
    if (ec == casreport::error::invalid_argument) throw usage_error(why);
    if (ec) throw io_error(why);
    write_output(a.output, document);
    if (a.strict && r.input.rejected > 0) {
        tell_rejections(r.input);
        return exit_rejected;
    }
    return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && std::string_view(argv[1]) == "batch") {
        return casreport_cli::run_batch_command(argc - 1, argv + 1);
    }
    try {
        return run(argc, argv);
    } catch (const usage_error& e) {
        std::fprintf(stderr, "casreport: %s\nTry 'casreport --help'.\n", e.what());
        return exit_usage;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "casreport: %s\n", e.what());
        return exit_usage;
    }
}
