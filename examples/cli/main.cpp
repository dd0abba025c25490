// casreport: the command-line tool. Reads CAS security-event logs, writes the monthly report.
//
// Exit status: 0 success, 1 usage or I/O error, 2 when --strict is given and a record was
// rejected.
#include <casreport/casreport.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr int exit_ok = 0;
constexpr int exit_usage = 1;
constexpr int exit_rejected = 2;

constexpr const char* usage_text = R"(Usage: casreport [OPTIONS] [FILE|-]...

Turns Trend Micro Cloud App Security (CAS) security-event logs into the monthly security
report: the overview per service and the top users of every section.

Input: CAS log API JSON (pages, bare arrays, NDJSON), several files at once, "-" for standard
input (read when no FILE is given). Each file's format is detected from its first bytes.

Options:
  --format json|text|md|csv|html
                          output format (default: text); html is one printable page
  --previous REPORT.json  last month's JSON report: show the change of every total
  --lang ja|en            labels and advice in Japanese (default) or English
  --top N                 rows of each top-users table (default 10)
  --month YYYY-MM         report this calendar month; other events count as out of period
  --tz ±HH:MM             time zone of the month (default +09:00, Japan)
  --input-format auto|json|ndjson
                          skip format detection (ndjson: one document per line)
  --threads N             threads reading a large file at once (default: one per core;
                          the report is the same for any N)
  --no-dedupe             count repeated records (default: drop them by log_item_id)
  --redact                mask user and sender addresses (user-001, sender-001, ...)
  --strict                exit with status 2 when any record was rejected
  --save-state FILE       also write the partial state, to merge later
  --merge-state FILE      add a saved state (repeatable), as if its input came first
  -o, --output FILE       write the report to FILE (default: standard output)
  -h, --help              show this help
  --version               show the version

Exit status: 0 success, 1 usage or I/O error, 2 with --strict when a record was rejected.

Examples:
  casreport --month 2025-06 --format text logs/*.ndjson
  casreport --format json --lang en -o report.json events.json
  casreport --month 2025-07 --previous 2025-06.json --format html -o report.html logs/*
  curl ... | casreport --input-format ndjson -
)";

struct cli_args {
    casreport::options opts;
    casreport::render_options render{casreport::output_format::text, casreport::language::ja};
    unsigned threads = 0;  // one per core
    bool strict = false;
    std::string previous;
    std::string output;
    std::string save_state;
    std::vector<std::string> merge_states;
    std::vector<std::string> files;
    bool help = false;
    bool version = false;
};

class usage_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

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
                throw usage_error("unknown --format '" + v + "' (json, text, md, csv or html)");
            }
            a.render.format = *f;
        } else if (arg == "--lang") {
            const std::string v = value(i, arg);
            const auto l = casreport::parse_language(v);
            if (!l) throw usage_error("unknown --lang '" + v + "' (ja or en)");
            a.render.lang = *l;
        } else if (arg == "--top") {
            const std::string v = value(i, arg);
            char* end = nullptr;
            errno = 0;
            const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
            if (v.empty() || *end != '\0' || errno != 0 || v[0] == '-' || n > 1000000) {
                throw usage_error("--top needs a whole number (0 to 1000000), not '" + v + "'");
            }
            a.opts.top_n = static_cast<std::size_t>(n);
        } else if (arg == "--month") {
            month = value(i, arg);
        } else if (arg == "--tz") {
            const std::string v = value(i, arg);
            tz = casreport::parse_utc_offset(v);
            if (!tz) throw usage_error("--tz needs an offset such as +09:00, not '" + v + "'");
        } else if (arg == "--input-format") {
            const std::string v = value(i, arg);
            const auto f = casreport::parse_input_format(v);
            if (!f || *f == casreport::input_format::csv || *f == casreport::input_format::cef) {
                throw usage_error("unknown --input-format '" + v + "' (auto, json or ndjson)");
            }
            a.opts.format = *f;
        } else if (arg == "--threads") {
            const std::string v = value(i, arg);
            char* end = nullptr;
            errno = 0;
            const unsigned long n = std::strtoul(v.c_str(), &end, 10);
            if (v.empty() || *end != '\0' || errno != 0 || v[0] == '-' || n < 1 || n > 1024) {
                throw usage_error("--threads needs a number from 1 to 1024, not '" + v + "'");
            }
            a.threads = static_cast<unsigned>(n);
        } else if (arg == "--previous") {
            a.previous = value(i, arg);
        } else if (arg == "--redact") {
            a.render.redact = true;
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
    if (tz) a.opts.naive_time_zone = *tz;
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

std::string read_whole(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw io_error("cannot open " + path + ": " + std::strerror(errno));
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) throw io_error("cannot read " + path);
    return s.str();
}

/// Reads one file (several threads for a large one), or standard input for "-".
void feed_input(casreport::aggregator& agg, const std::string& path, unsigned threads) {
    if (path != "-") {
        casreport::file_options fo;
        fo.threads = threads;
        std::error_code ec;
        agg.feed_file(path, fo, ec);
        if (ec) throw io_error("cannot read " + path + ": " + ec.message());
        return;
    }
    agg.begin_source(path);
    std::vector<char> buf(std::size_t{64} << 10);  // small reads: the copy stays in cache
    for (;;) {
        const std::size_t n = std::fread(buf.data(), 1, buf.size(), stdin);
        if (n > 0) agg.feed(std::string_view(buf.data(), n));
        if (n < buf.size()) break;
    }
    if (std::ferror(stdin) != 0) throw io_error("cannot read standard input");
    agg.end_source();
}

void write_output(const std::string& path, const std::string& text) {
    if (path.empty() || path == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
        if (std::fflush(stdout) != 0) throw io_error("cannot write the report");
        return;
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) throw io_error("cannot write " + path);
}

int run(int argc, char** argv) {
    cli_args a = parse_args(argc, argv);
    if (a.help) {
        std::fputs(usage_text, stdout);
        return exit_ok;
    }
    if (a.version) {
        std::printf("casreport %s\n", CASREPORT_VERSION_STRING);
        return exit_ok;
    }
    if (a.files.empty()) {
        if (!a.merge_states.empty()) {
            // Only merging saved states: no input to read.
        } else {
            a.files.emplace_back("-");
        }
    }

    // Last month's report, read before any input so a bad file fails fast.
    casreport::report previous;
    if (!a.previous.empty()) {
        std::error_code ec;
        previous = casreport::parse_report_json(read_whole(a.previous), ec);
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

    casreport::aggregator agg(a.opts);
    for (const std::string& path : a.files) feed_input(agg, path, a.threads);
    agg.finish();

    if (!a.merge_states.empty()) {
        // Saved states come first, in the order given, then this run's input.
        casreport::aggregator merged(a.opts);
        for (const std::string& path : a.merge_states) {
            std::error_code ec;
            casreport::aggregator part = casreport::aggregator::load(read_whole(path), ec);
            if (ec) throw io_error(path + " is not a casreport state file");
            merged.merge(part, ec);
            if (ec) {
                throw usage_error(path + " was saved with another --month, --tz or --no-dedupe");
            }
        }
        std::error_code ec;
        merged.merge(agg, ec);
        if (ec) throw usage_error("the saved states do not match this run's options");
        merged.finish();
        agg = std::move(merged);
    }

    if (!a.save_state.empty()) write_output(a.save_state, agg.save());
    const casreport::report& r = agg.report();
    write_output(a.output, casreport::render(r, a.render));
    if (a.strict && r.input.rejected > 0) return exit_rejected;
    return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
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
