// Golden reports: each tests/golden/<case>/ holds a case.conf (options and inputs) and the
// reviewed expected.json. Every case is replayed with chunk sizes 1, 7, 4096 and whole input,
// and must give exactly the same bytes. CASREPORT_UPDATE_GOLDEN=1 rewrites expected.json (then
// review every line of the diff). A case whose conf says `expected = <file>` must give that
// other case's report (the same events in another form); it never rewrites it.
//
// A case may also hold renderings of its report, named report[.<variant>].<lang>.<ext>: ext is
// json, txt, md, csv or html; variant is previous (month over month against the case's
// `previous = FILE` JSON report), redact, or previous-redact. Each is compared byte for byte
// and rewritten under CASREPORT_UPDATE_GOLDEN=1; to add one, create it empty and update.
#include <gtest/gtest.h>

#include <algorithm>
#include <casreport/casreport.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace cr = casreport;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct golden_case {
    std::string name;
    fs::path dir;
    cr::options opts;
    std::vector<std::pair<std::string, fs::path>> inputs;  // source name, file
    fs::path previous;          // last month's JSON report, for the "previous" renderings
    fs::path expected;          // the reviewed report
    bool owns_expected = true;  // false: another case's report, never rewritten here
};

/// gtest prints a parameter with its test's name; the case name says it all.
void PrintTo(const golden_case& c, std::ostream* os) { *os << c.name; }

std::string trim(std::string s) {
    const auto b = s.find_first_not_of(" \t\r");
    const auto e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

golden_case load_case(const fs::path& dir) {
    golden_case c;
    c.name = dir.filename().string();
    c.dir = dir;
    std::map<std::string, std::string> kv;
    std::istringstream conf(read_file(dir / "case.conf"));
    for (std::string line; std::getline(conf, line);) {
        if (line.empty() || line[0] == '#') continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        kv[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
    }
    cr::utc_offset tz = cr::jst;
    if (kv.count("tz")) tz = *cr::parse_utc_offset(kv["tz"]);
    c.opts.naive_time_zone = tz;  // as the CLI's --tz
    if (kv.count("month")) c.opts.period = cr::report_period::parse(kv["month"], tz);
    if (kv.count("top")) c.opts.top_n = std::stoul(kv["top"]);
    if (kv.count("dedupe")) c.opts.dedupe = kv["dedupe"] != "off";
    if (kv.count("input-format")) c.opts.format = *cr::parse_input_format(kv["input-format"]);
    if (kv.count("previous")) c.previous = dir / kv["previous"];
    c.expected = dir / "expected.json";
    if (kv.count("expected")) {
        c.expected = dir / kv["expected"];
        c.owns_expected = false;
    }
    std::istringstream inputs(kv["inputs"]);
    for (std::string in; inputs >> in;) {
        if (in.rfind("shared:", 0) == 0) {
            const std::string name = in.substr(7);
            c.inputs.emplace_back(name, fs::path(CASREPORT_SHARED_DATA) / name);
        } else {
            c.inputs.emplace_back(fs::path(in).filename().string(), dir / in);
        }
    }
    return c;
}

bool needs_shared_data(const fs::path& dir) {
    return read_file(dir / "case.conf").find("shared:") != std::string::npos;
}

std::vector<golden_case> all_cases() {
    std::vector<golden_case> cases;
    const bool have_shared = fs::exists(fs::path(CASREPORT_SHARED_DATA));
    for (const auto& entry : fs::directory_iterator(CASREPORT_GOLDEN_DIR)) {
        if (!entry.is_directory() || !fs::exists(entry.path() / "case.conf")) continue;
        // Cases over ../shared/data run where that directory exists (CI has it).
        if (needs_shared_data(entry.path()) && !have_shared) continue;
        cases.push_back(load_case(entry.path()));
    }
    std::sort(cases.begin(), cases.end(),
              [](const golden_case& a, const golden_case& b) { return a.name < b.name; });
    return cases;
}

/// The report of a case, its inputs fed whole.
cr::report report_of(const golden_case& c) {
    cr::aggregator agg(c.opts);
    for (const auto& [name, path] : c.inputs) {
        agg.begin_source(name);
        agg.feed(read_file(path));
    }
    agg.finish();
    return agg.report();
}

bool updating() {
    const char* update = std::getenv("CASREPORT_UPDATE_GOLDEN");
    return update != nullptr && std::string(update) == "1";
}

/// The JSON report of a case, its inputs fed in chunks of `chunk` bytes (0: whole).
std::string run(const golden_case& c, std::size_t chunk, cr::input_summary* summary = nullptr) {
    cr::aggregator agg(c.opts);
    for (const auto& [name, path] : c.inputs) {
        const std::string bytes = read_file(path);
        agg.begin_source(name);
        const std::size_t step = chunk == 0 ? bytes.size() + 1 : chunk;
        for (std::size_t i = 0; i < bytes.size(); i += step) {
            agg.feed(std::string_view(bytes).substr(i, step));
        }
    }
    agg.finish();
    if (summary != nullptr) *summary = agg.report().input;
    return cr::to_json(agg.report());
}

class Golden : public ::testing::TestWithParam<golden_case> {};

TEST_P(Golden, ReportIsExactlyTheReviewedOneForEveryChunkSize) {
    const golden_case& c = GetParam();
    for (const auto& in : c.inputs) ASSERT_TRUE(fs::exists(in.second)) << in.second;
    cr::input_summary in;
    const std::string whole = run(c, 0, &in);
    EXPECT_EQ(in.records, in.accepted + in.rejected + in.duplicates + in.out_of_period);
    const fs::path& expected_path = c.expected;
    if (updating() && c.owns_expected) std::ofstream(expected_path, std::ios::binary) << whole;
    ASSERT_TRUE(fs::exists(expected_path))
        << "no expected.json: run with CASREPORT_UPDATE_GOLDEN=1";
    EXPECT_EQ(whole, read_file(expected_path));
    for (std::size_t chunk : {1, 7, 4096}) {
        EXPECT_EQ(run(c, chunk), whole) << "chunk size " << chunk;
    }
}

TEST_P(Golden, RenderingsAreExactlyTheReviewedOnes) {
    const golden_case& c = GetParam();
    static const std::regex name(
        R"(report\.(?:(previous|redact|previous-redact)\.)?(ja|en)\.(json|txt|md|csv|html))");
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(c.dir)) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    const cr::report r = report_of(c);
    std::optional<cr::report> previous;
    for (const fs::path& file : files) {
        std::smatch m;
        const std::string filename = file.filename().string();
        if (!std::regex_match(filename, m, name)) continue;
        cr::render_options o;
        o.lang = *cr::parse_language(m[2].str());
        o.format = *cr::parse_output_format(m[3].str());
        const std::string variant = m[1].str();
        o.redact = variant.find("redact") != std::string::npos;
        if (variant.find("previous") != std::string::npos) {
            ASSERT_FALSE(c.previous.empty()) << filename << ": case.conf has no previous";
            if (!previous) previous = cr::parse_report_json(read_file(c.previous));
            o.previous = &*previous;
        }
        const std::string out = cr::render(r, o);
        if (updating()) std::ofstream(file, std::ios::binary) << out;
        EXPECT_EQ(out, read_file(file)) << filename;
    }
}

INSTANTIATE_TEST_SUITE_P(Cases, Golden, ::testing::ValuesIn(all_cases()),
                         [](const auto& p) { return p.param.name; });

}  // namespace
