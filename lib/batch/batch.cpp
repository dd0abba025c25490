// `run_batch`: an MSP's monthly round. Each tenant is one aggregator on one thread, fed its
// files in path order, rendered in its formats; the round's index and summaries come last.
#include "casreport/batch.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <tuple>

#include "../render/json_writer.hpp"
#include "../render/safe_text.hpp"
#include "casreport/files.hpp"
#include "casreport/options.hpp"
#include "casreport/period.hpp"

namespace casreport {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

/// A failure of one tenant, with its reason in words.
struct tenant_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The options a tenant's report is made with: the defaults, then its `tenant.json`.
struct tenant_config {
    std::string name;
    std::string provider;
    std::string logo;  ///< a path, already resolved against the file that named it
    utc_offset zone = jst;
    language lang = language::ja;
    std::size_t top = 10;
    bool redact = false;
    bool dedupe = true;
    std::vector<output_format> formats;
    finding_policy findings;
    std::vector<std::pair<std::string, std::string>> csv_columns;
    std::optional<event_kind> csv_kind;
};

constexpr std::string_view extension(output_format f) noexcept {
    switch (f) {
        case output_format::json: return "json";
        case output_format::text: return "txt";
        case output_format::markdown: return "md";
        case output_format::csv: return "csv";
        case output_format::html: return "html";
        case output_format::pdf: return "pdf";
    }
    return "json";
}

/// `named` in order after JSON, which every tenant's round writes first.
std::vector<output_format> json_first(const std::vector<output_format>& named) {
    std::vector<output_format> out{output_format::json};
    for (const output_format f : named) {
        if (f != output_format::json) out.push_back(f);
    }
    return out;
}

/// The formats a tenant names ("json,html,pdf" or ["json", "html"]), JSON always first.
std::vector<output_format> formats_of(std::string_view list) {
    std::string unknown;
    const auto named = parse_format_list(list, &unknown);
    if (!named) {
        throw tenant_error("'formats': unknown format '" + unknown +
                           "' (json, html, pdf, md, csv or text)");
    }
    return json_first(*named);
}

std::uint32_t whole(const json::value& v, std::string_view key, std::uint32_t lo,
                    std::uint32_t hi) {
    std::int64_t n = -1;
    if (v.is_int64()) n = v.get_int64();
    if (v.is_uint64() && v.get_uint64() <= hi) n = static_cast<std::int64_t>(v.get_uint64());
    if (n < static_cast<std::int64_t>(lo) || n > static_cast<std::int64_t>(hi)) {
        throw tenant_error("'" + std::string(key) + "' must be a whole number from " +
                           std::to_string(lo) + " to " + std::to_string(hi));
    }
    return static_cast<std::uint32_t>(n);
}

std::string text(const json::value& v, std::string_view key) {
    if (!v.is_string()) throw tenant_error("'" + std::string(key) + "' must be a string");
    std::string s(v.get_string().data(), v.get_string().size());
    if (!detail::is_safe_text(s)) {
        // Names go on a cover; control characters have no place there.
        throw tenant_error("'" + std::string(key) + "' holds control characters");
    }
    return s;
}

bool flag(const json::value& v, std::string_view key) {
    if (!v.is_bool()) throw tenant_error("'" + std::string(key) + "' must be true or false");
    return v.get_bool();
}

/// Applies the keys of the JSON object `body` (from `file`, in folder `dir`) to `c`.
void apply(tenant_config& c, std::string_view body, const std::string& file, const fs::path& dir) {
    json::error_code jec;
    const json::value doc = json::parse(body, jec);
    if (jec || !doc.is_object()) throw tenant_error(file + ": not a JSON object");
    try {
        for (const auto& [k, v] : doc.get_object()) {
            const std::string_view key(k.data(), k.size());
            if (key == "name") {
                c.name = text(v, key);
            } else if (key == "provider") {
                c.provider = text(v, key);
            } else if (key == "logo") {
                const fs::path p(text(v, key));
                c.logo = (p.is_absolute() ? p : dir / p).string();
            } else if (key == "tz") {
                const auto z = parse_utc_offset(text(v, key));
                if (!z) throw tenant_error("'tz' must be an offset such as +09:00");
                c.zone = *z;
            } else if (key == "lang") {
                const auto l = parse_language(text(v, key));
                if (!l) throw tenant_error("'lang' must be \"ja\" or \"en\"");
                c.lang = *l;
            } else if (key == "top") {
                c.top = whole(v, key, 0, 1000000);
            } else if (key == "redact") {
                c.redact = flag(v, key);
            } else if (key == "dedupe") {
                c.dedupe = flag(v, key);
            } else if (key == "formats") {
                std::string list;
                if (v.is_string()) {
                    list = text(v, key);
                } else if (v.is_array()) {
                    for (const json::value& e : v.get_array()) {
                        const std::string& name = text(e, key);
                        if (name.find(',') != std::string::npos) {
                            throw tenant_error("'formats' names a format with a comma in it");
                        }
                        list.append(name).push_back(',');
                    }
                } else {
                    throw tenant_error("'formats' must be a list of format names");
                }
                c.formats = formats_of(list);
            } else if (key == "company_min_users") {
                c.findings.company_min_users = whole(v, key, 1, 1000000);
            } else if (key == "individual_min_count") {
                c.findings.individual_min_count = whole(v, key, 1, 1000000);
            } else if (key == "individual_min_share") {
                if (!v.is_number() || v.to_number<double>() < 0 || v.to_number<double>() > 100) {
                    throw tenant_error("'individual_min_share' must be a percentage from 0 to 100");
                }
                c.findings.individual_min_share_tenths =
                    static_cast<std::uint32_t>(v.to_number<double>() * 10 + 0.5);
            } else if (key == "file_blocking_min_count") {
                c.findings.file_blocking_min_count = whole(v, key, 1, 1000000);
            } else if (key == "max_subjects") {
                c.findings.max_subjects = whole(v, key, 1, 1000000);
            } else if (key == "csv_columns") {
                if (!v.is_object()) throw tenant_error("'csv_columns' must be a JSON object");
                std::error_code ec;
                c.csv_columns = parse_csv_columns(json::serialize(v), ec);
                if (ec) throw tenant_error("'csv_columns' names a field that does not exist");
            } else if (key == "csv_kind") {
                c.csv_kind = parse_event_kind(text(v, key));
                if (!c.csv_kind) {
                    throw tenant_error(
                        "'csv_kind' must be securityrisk, virtualanalyzer, ransomware or dlp");
                }
            } else {
                throw tenant_error("unknown key '" + std::string(key) + "'");
            }
        }
    } catch (const tenant_error& e) {
        throw tenant_error(file + ": " + e.what());
    }
}

std::string read_file(const fs::path& p, std::size_t limit) {
    std::error_code ec;
    const auto size = fs::file_size(p, ec);
    if (ec) throw tenant_error("cannot read " + p.string() + ": " + ec.message());
    if (size > limit) {
        throw tenant_error(p.string() + " is larger than " + std::to_string(limit >> 10) + " KiB");
    }
    std::ifstream in(p, std::ios::binary);
    std::string s{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!in && !in.eof()) throw tenant_error("cannot read " + p.string());
    return s;
}

constexpr std::size_t max_config_bytes = std::size_t{1} << 20;

void write_whole(const fs::path& path, std::string_view bytes) {
    std::error_code ec;
    write_file_whole(path.string(), bytes, ec);
    if (ec) throw tenant_error("cannot write " + path.string() + ": " + ec.message());
}

bool hidden(const fs::path& p) {
    const std::string n = p.filename().string();
    return !n.empty() && n[0] == '.';
}

/// A tenant's log files: every regular file under its folder, recursively, in path order,
/// but hidden ones (and those in hidden folders) and its tenant.json.
std::vector<fs::path> logs_of(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec);
    if (ec) throw tenant_error("cannot read " + dir.string() + ": " + ec.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) throw tenant_error("cannot read " + dir.string() + ": " + ec.message());
        const fs::directory_entry& e = *it;
        if (hidden(e.path())) {
            if (e.is_directory()) it.disable_recursion_pending();
            continue;
        }
        if (it.depth() == 0 && e.path().filename() == "tenant.json") continue;
        if (e.is_regular_file()) out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// `YYYY-MM` of the month before `month`.
std::string month_before(const report_period& p) {
    const int y = p.month() == 1 ? p.year() - 1 : p.year();
    const int m = p.month() == 1 ? 12 : p.month() - 1;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
    return buf;
}

std::array<std::uint64_t, 4> by_severity(const report& r) {
    std::array<std::uint64_t, 4> n{};
    for (const finding& f : r.findings) ++n[static_cast<std::size_t>(f.level)];
    return n;
}

std::pair<std::uint64_t, std::uint64_t> atp_dlp(const report& r) {
    std::uint64_t atp = 0;
    std::uint64_t dlp = 0;
    for (const service_counts& c : r.overview) {
        atp += c.atp;
        dlp += c.dlp;
    }
    for (const service_counts& c : r.other_services) {
        atp += c.atp;
        dlp += c.dlp;
    }
    return {atp, dlp};
}

class round_runner {
public:
    round_runner(const batch_options& o, tenant_config defaults, fs::path month_dir,
                 std::string month)
        : o_(o),
          defaults_(std::move(defaults)),
          month_dir_(std::move(month_dir)),
          month_(std::move(month)) {}

    tenant_summary run(const std::string& id) const {
        tenant_summary t;
        t.id = id;
        try {
            run(id, t);
            t.ok = true;
        } catch (const tenant_error& e) {
            t.ok = false;
            t.error = e.what();
        } catch (const std::bad_alloc&) {
            t.ok = false;
            t.error = "out of memory";
        } catch (const std::exception& e) {
            t.ok = false;
            t.error = e.what();
        }
        if (o_.tenants_done != nullptr) o_.tenants_done->fetch_add(1, std::memory_order_relaxed);
        return t;
    }

private:
    void run(const std::string& id, tenant_summary& t) const {
        const fs::path dir = fs::path(o_.tenants_dir) / id;
        tenant_config c = defaults_;
        const fs::path config = dir / "tenant.json";
        std::error_code exists_ec;
        if (fs::exists(config, exists_ec)) {
            apply(c, read_file(config, max_config_bytes), config.string(), dir);
        }
        t.name = c.name;
        const std::vector<fs::path> files = logs_of(dir);
        if (files.empty()) throw tenant_error(dir.string() + ": no log files");

        options opts;
        opts.period = report_period::parse(month_, c.zone);
        opts.top_n = c.top;
        opts.dedupe = c.dedupe;
        opts.naive_time_zone = c.zone;
        opts.findings = c.findings;
        opts.csv_columns = c.csv_columns;
        opts.csv_event_kind = c.csv_kind;
        aggregator agg(opts);
        for (const fs::path& f : files) {
            std::atomic<std::uint64_t> read{0};
            file_options fo;
            fo.threads = 1;  // tenants run in parallel: one thread each
            fo.bytes_read = &read;
            std::error_code ec;
            agg.feed_file(f.string(), fo, ec);
            if (o_.bytes_read != nullptr) o_.bytes_read->fetch_add(read.load());
            if (ec) {
                throw tenant_error(agg.last_error().empty()
                                       ? "cannot read " + f.string() + ": " + ec.message()
                                       : agg.last_error());
            }
        }
        agg.finish();
        const report& r = agg.report();
        t.input = agg.counts();
        std::tie(t.atp, t.dlp) = atp_dlp(r);
        t.findings = by_severity(r);

        // Last month's report, when the previous round left one.
        std::optional<report> previous;
        const fs::path prev_file =
            fs::path(o_.out_dir) / month_before(*opts.period) / id / "report.json";
        if (fs::exists(prev_file, exists_ec)) {
            std::error_code ec;
            previous = parse_report_json(read_file(prev_file, std::size_t{64} << 20), ec);
            if (ec) throw tenant_error(prev_file.string() + " is not a casreport JSON report");
            const auto [atp, dlp] = atp_dlp(*previous);
            t.previous_atp = atp;
            t.previous_dlp = dlp;
            t.previous_findings = previous->findings.size();
        }

        render_options ro;
        ro.lang = c.lang;
        ro.redact = c.redact;
        ro.previous = previous ? &*previous : nullptr;
        ro.tenant.name = c.name;
        ro.tenant.provider = c.provider;
        ro.tenant.issued = o_.issued;
        if (!c.logo.empty()) ro.tenant.logo = read_file(c.logo, tenant_info::max_logo_bytes);
        ro.zone = c.zone;
        ro.chromium = o_.chromium;
        const std::vector<output_format>& formats = c.formats.empty() ? o_.formats : c.formats;

        const fs::path out = month_dir_ / id;
        std::error_code ec;
        fs::create_directories(out, ec);
        if (ec) throw tenant_error("cannot make " + out.string() + ": " + ec.message());
        for (const output_format f : formats) {
            ro.format = f;
            std::string why;
            const std::string doc = render(r, ro, ec, &why);
            if (ec) throw tenant_error(why);
            const std::string name = "report." + std::string(extension(f));
            write_whole(out / name, doc);
            t.files.push_back(id + "/" + name);
        }
        write_whole(out / "state.bin", agg.save());
        t.files.push_back(id + "/state.bin");
    }

    const batch_options& o_;
    tenant_config defaults_;
    fs::path month_dir_;
    std::string month_;
};

// ---- the round's own files ----------------------------------------------------------------

constexpr std::string_view severity_keys[] = {"critical", "high", "medium", "info"};

std::string summary_json(const batch_summary& s) {
    detail::json_writer w;
    w.begin_object();
    w.key("month");
    w.value(s.month);
    w.key("tenants_total");
    w.value(static_cast<std::uint64_t>(s.tenants.size()));
    w.key("tenants_failed");
    w.value(static_cast<std::uint64_t>(s.failed()));
    w.key("tenants");
    w.begin_array();
    for (const tenant_summary& t : s.tenants) {
        w.begin_object();
        w.key("id");
        w.value(t.id);
        w.key("name");
        w.value(t.name);
        w.key("status");
        w.value(t.ok ? "ok" : "error");
        w.key("records");
        w.value(t.input.records);
        w.key("accepted");
        w.value(t.input.accepted);
        w.key("rejected");
        w.value(t.input.rejected);
        w.key("atp");
        w.value(t.atp);
        w.key("dlp");
        w.value(t.dlp);
        w.key("findings");
        w.begin_object(true);
        for (std::size_t i = 0; i < 4; ++i) {
            w.key(severity_keys[i]);
            w.value(t.findings[i]);
        }
        w.end_object();
        w.key("error");
        if (t.ok) {
            w.null();
        } else {
            w.value(t.error);
        }
        w.key("files");
        w.begin_array(true);
        for (const std::string& f : t.files) w.value(f);
        w.end_array();
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.take() + "\n";
}

/// A CSV field of a log-written or configured string, made safe first.
std::string safe_csv_field(std::string_view raw) { return detail::csv_field(detail::safe_text(raw)); }

std::string summary_csv(const batch_summary& s) {
    std::string out = "\xEF\xBB\xBF";
    out += "id,name,status,records,accepted,rejected,atp,dlp,critical,high,medium,info,error\r\n";
    for (const tenant_summary& t : s.tenants) {
        out += safe_csv_field(t.id) + ',' + safe_csv_field(t.name) + ',' + (t.ok ? "ok" : "error") + ',' +
               std::to_string(t.input.records) + ',' + std::to_string(t.input.accepted) + ',' +
               std::to_string(t.input.rejected) + ',' + std::to_string(t.atp) + ',' +
               std::to_string(t.dlp);
        for (const std::uint64_t n : t.findings) out += ',' + std::to_string(n);
        out += ',' + safe_csv_field(t.error) + "\r\n";
    }
    return out;
}

std::string esc(std::string_view raw) { return detail::xml_escape(detail::safe_text(raw)); }

using detail::grouped;

std::string change_cell(std::uint64_t now, const std::optional<std::uint64_t>& before) {
    if (!before) return "<td class=\"n\"></td>";
    if (now == *before) return "<td class=\"n same\">±0</td>";
    const bool up = now > *before;
    return std::string("<td class=\"n ") + (up ? "up\">+" : "down\">-") +
           grouped(up ? now - *before : *before - now) + "</td>";
}

/// Tenants needing attention first: failures, then by critical, high, medium findings.
std::vector<const tenant_summary*> by_attention(const batch_summary& s) {
    std::vector<const tenant_summary*> order;
    for (const tenant_summary& t : s.tenants) order.push_back(&t);
    std::stable_sort(order.begin(), order.end(),
                     [](const tenant_summary* a, const tenant_summary* b) {
                         if (a->ok != b->ok) return !a->ok;
                         for (std::size_t i = 0; i < 3; ++i) {
                             if (a->findings[i] != b->findings[i])
                                 return a->findings[i] > b->findings[i];
                         }
                         return a->id < b->id;
                     });
    return order;
}

std::string index_html(const batch_summary& s) {
    std::string out =
        "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\" "
        "xml:lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n" +
        std::string(detail::html_content_policy) + "<title>casreport " +
        esc(s.month) + " — " + std::to_string(s.tenants.size()) +
        " tenants</title>\n<style>"
        "body{font-family:\"Noto Sans CJK JP\",\"Hiragino Sans\",\"Yu Gothic\",Meiryo,"
        "system-ui,sans-serif;margin:2em;color:#1d2733;font-size:10pt}"
        "table{border-collapse:collapse;width:100%}th,td{padding:.3em .6em;"
        "border-bottom:1px solid #e1e6eb;text-align:left}th{background:#eef3f8}"
        ".n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
        ".up{color:#b3261e}.down{color:#2e7d32}.same{color:#6b7b8b}"
        "tr.error td{background:#fdecea}.badge{display:inline-block;min-width:1.6em;"
        "text-align:center;border-radius:.2em;padding:0 .3em;color:#fff;font-weight:bold}"
        ".critical{background:#a4161a}.high{background:#d9480f}.medium{background:#f0a202;"
        "color:#2b2100}.info{background:#5c7080}.zero{background:#e6ebf0;color:#6b7b8b}"
        "a{color:#1e5a96}</style>\n</head>\n<body>\n<h1>Cloud App Security — " +
        esc(s.month) + "</h1>\n<p>" + std::to_string(s.tenants.size()) + " tenants, " +
        std::to_string(s.failed()) +
        " failed. Tenants needing attention come first.</p>\n<table>\n<tr><th>Tenant</th>"
        "<th>Name</th><th>Status</th><th class=\"n\">Records</th><th class=\"n\">ATP</th>"
        "<th class=\"n\">±</th><th class=\"n\">DLP</th><th class=\"n\">±</th>"
        "<th>Findings</th><th class=\"n\">±</th><th>Reports</th></tr>\n";
    for (const tenant_summary* t : by_attention(s)) {
        out += std::string("<tr") + (t->ok ? "" : " class=\"error\"") + "><td>" + esc(t->id) +
               "</td><td>" + esc(t->name) + "</td><td>" +
               (t->ok ? std::string("ok") : "error: " + esc(t->error)) + "</td><td class=\"n\">" +
               grouped(t->input.records) + "</td><td class=\"n\">" + grouped(t->atp) + "</td>" +
               change_cell(t->atp, t->previous_atp) + "<td class=\"n\">" + grouped(t->dlp) +
               "</td>" + change_cell(t->dlp, t->previous_dlp) + "<td>";
        std::uint64_t total = 0;
        for (std::size_t i = 0; i < 4; ++i) {
            total += t->findings[i];
            out += "<span class=\"badge " +
                   std::string(t->findings[i] == 0 ? "zero" : severity_keys[i]) + "\" title=\"" +
                   std::string(severity_keys[i]) + "\">" + std::to_string(t->findings[i]) +
                   "</span> ";
        }
        out += "</td>" + change_cell(total, t->previous_findings) + "<td>";
        for (const std::string& f : t->files) {
            if (f.size() >= 9 && f.compare(f.size() - 9, 9, "state.bin") == 0) continue;
            const std::string ext = f.substr(f.rfind('.') + 1);
            out += "<a href=\"" + esc(f) + "\">" + esc(ext) + "</a> ";
        }
        out += "</td></tr>\n";
    }
    out += "</table>\n</body>\n</html>\n";
    return out;
}

}  // namespace

batch_summary run_batch(const batch_options& o, std::error_code& ec, std::string& why) {
    ec.clear();
    why.clear();
    batch_summary s;
    const auto fail = [&](error e, std::string message) {
        ec = e;
        why = std::move(message);
        return batch_summary{};
    };
    if (!report_period::parse(o.month)) {
        return fail(error::invalid_argument, "the month must be YYYY-MM, not '" + o.month + "'");
    }
    s.month = report_period::parse(o.month)->month_string();
    tenant_config defaults;
    defaults.formats = o.formats.empty() ? json_first({output_format::html}) : json_first(o.formats);
    if (!o.defaults_path.empty()) {
        try {
            const fs::path path(o.defaults_path);
            apply(defaults, read_file(path, max_config_bytes), o.defaults_path, path.parent_path());
        } catch (const tenant_error& e) {
            return fail(error::invalid_argument, e.what());
        }
    }
    // Tenants: the folders of TENANTS, by name.
    std::vector<std::string> ids;
    std::error_code fec;
    for (fs::directory_iterator it(o.tenants_dir, fec); !fec && it != fs::directory_iterator();
         it.increment(fec)) {
        if (it->is_directory() && !hidden(it->path()))
            ids.push_back(it->path().filename().string());
    }
    if (fec) return fail(error::io, "cannot read " + o.tenants_dir + ": " + fec.message());
    std::sort(ids.begin(), ids.end());
    const fs::path month_dir = fs::path(o.out_dir) / s.month;
    fs::create_directories(month_dir, fec);
    if (fec) return fail(error::io, "cannot make " + month_dir.string() + ": " + fec.message());

    batch_options with_formats = o;
    with_formats.formats = defaults.formats;
    const round_runner runner(with_formats, defaults, month_dir, s.month);
    s.tenants.resize(ids.size());
    std::atomic<std::size_t> next{0};
    const auto work = [&] {
        for (std::size_t i = next.fetch_add(1); i < ids.size(); i = next.fetch_add(1)) {
            s.tenants[i] = runner.run(ids[i]);
        }
    };
    unsigned jobs = o.jobs != 0 ? o.jobs : std::max(1U, std::thread::hardware_concurrency());
    jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(ids.size(), 1)));
    std::vector<std::thread> pool;
    for (unsigned j = 1; j < jobs; ++j) pool.emplace_back(work);
    work();
    for (std::thread& t : pool) t.join();

    try {
        write_whole(month_dir / "summary.json", summary_json(s));
        write_whole(month_dir / "summary.csv", summary_csv(s));
        write_whole(month_dir / "index.html", index_html(s));
    } catch (const tenant_error& e) {
        return fail(error::io, e.what());
    }
    return s;
}

}  // namespace casreport
