// `parse_report_json`: a JSON report back into the report object (last month's, to compare).
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <exception>

#include "casreport/render.hpp"

namespace casreport {
namespace {

namespace json = boost::json;

/// Thrown inside this file only, caught by `parse_report_json`.
struct bad_report : std::exception {
    explicit bad_report(error e) : code(e) {}
    error code;
};

const json::object* object_at(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return nullptr;
    if (!v->is_object()) throw bad_report(error::input);
    return &v->get_object();
}

const json::array* array_at(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return nullptr;
    if (!v->is_array()) throw bad_report(error::input);
    return &v->get_array();
}

/// A count: a whole number from 0 to `max_count`, as every report casreport writes holds. A
/// larger one is refused rather than carried into the month-over-month arithmetic.
std::uint64_t count_at(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return 0;
    std::uint64_t n = 0;
    if (v->is_uint64()) {
        n = v->get_uint64();
    } else if (v->is_int64() && v->get_int64() >= 0) {
        n = static_cast<std::uint64_t>(v->get_int64());
    } else {
        throw bad_report(error::input);
    }
    if (n > max_count) throw bad_report(error::input);
    return n;
}

/// The overview's totals (every service, the other ones too) must be counts as well: the
/// month-over-month comparison adds them up.
void check_overview_totals(const report& r) {
    std::uint64_t atp = 0;
    std::uint64_t dlp = 0;
    const auto add = [](std::uint64_t& sum, std::uint64_t n) {
        if (n > max_count - sum) throw bad_report(error::input);
        sum += n;
    };
    for (const service_counts& c : r.overview) {
        add(atp, c.atp);
        add(dlp, c.dlp);
    }
    for (const service_counts& c : r.other_services) {
        add(atp, c.atp);
        add(dlp, c.dlp);
    }
}

std::string string_at(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return {};
    if (!v->is_string()) throw bad_report(error::input);
    return std::string(v->get_string());
}

/// A percentage such as 12.5 as tenths (125).
std::uint32_t tenths_at(const json::object& o, std::string_view key) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return 0;
    if (!v->is_number()) throw bad_report(error::input);
    const double d = v->to_number<double>();
    if (!(d >= 0 && d <= 100)) throw bad_report(error::input);
    return static_cast<std::uint32_t>(std::lround(d * 10));
}

service_counts read_counts(const json::value& v) {
    if (!v.is_object()) throw bad_report(error::input);
    const json::object& o = v.get_object();
    return {string_at(o, "service"), count_at(o, "atp"), count_at(o, "dlp")};
}

std::optional<timestamp> time_at(const json::object& o, std::string_view key) {
    const std::string s = string_at(o, key);
    if (s.empty()) return std::nullopt;
    const auto t = parse_timestamp(s);
    if (!t) throw bad_report(error::input);
    return t;
}

std::optional<report_period> read_period(const json::object* p) {
    if (p == nullptr) return std::nullopt;
    const std::string zone_text = string_at(*p, "timezone");
    const auto zone =
        zone_text.empty() ? std::optional<utc_offset>(jst) : parse_utc_offset(zone_text);
    if (!zone) throw bad_report(error::input);
    auto period = report_period::parse(string_at(*p, "month"), *zone);
    if (!period) throw bad_report(error::input);
    return period;
}

reject_reason read_reason(std::string_view s) {
    for (std::uint8_t i = 1; i <= static_cast<std::uint8_t>(last_reject_reason); ++i) {
        const auto r = static_cast<reject_reason>(i);
        if (to_string(r) == s) return r;
    }
    return reject_reason::invalid_json;
}

void read_section(const json::object& o, section id, section_report& s) {
    s.id = id;
    s.total = count_at(o, "total");
    s.distinct_users = count_at(o, "distinct_users");
    if (const json::array* top = array_at(o, "top")) {
        for (const json::value& v : *top) {
            if (!v.is_object()) throw bad_report(error::input);
            const json::object& row = v.get_object();
            s.top.push_back(
                {string_at(row, "user"), count_at(row, "count"), tenths_at(row, "percent")});
        }
    }
    if (const json::object* oc = object_at(o, "outcomes")) {
        for (std::size_t i = 0; i < outcome_count; ++i) {
            s.outcomes.by_outcome[i] = count_at(*oc, to_string(static_cast<outcome>(i)));
        }
    }
    if (const json::object* rl = object_at(o, "risk_levels")) {
        for (std::size_t i = 0; i < risk_level_count; ++i) {
            s.risk_levels[i] = count_at(*rl, to_string(static_cast<risk_level>(i)));
        }
    }
    if (const json::object* ch = object_at(o, "channels")) {
        s.channels[0] = count_at(*ch, "mail");
        s.channels[1] = count_at(*ch, "storage");
    }
}

finding read_finding(const json::value& v) {
    if (!v.is_object()) throw bad_report(error::input);
    const json::object& o = v.get_object();
    finding f;
    f.rule = string_at(o, "rule");
    const std::string level = string_at(o, "severity");
    for (severity s : {severity::critical, severity::high, severity::medium, severity::info}) {
        if (to_string(s) == level) f.level = s;
    }
    const std::string where = string_at(o, "section");
    for (section s : all_sections) {
        if (to_string(s) == where) f.where = s;
    }
    f.count = count_at(o, "count");
    if (const json::array* subjects = array_at(o, "subjects")) {
        for (const json::value& sv : *subjects) {
            if (!sv.is_object()) throw bad_report(error::input);
            const json::object& so = sv.get_object();
            finding_subject s;
            const std::string type = string_at(so, "type");
            if (type == "sender") s.type = finding_subject::kind::sender;
            if (type == "threat") s.type = finding_subject::kind::threat;
            if (type == "file") s.type = finding_subject::kind::file;
            s.name = string_at(so, "name");
            s.count = count_at(so, "count");
            s.distinct_users = count_at(so, "distinct_users");
            f.subjects.push_back(std::move(s));
        }
    }
    f.more_subjects = count_at(o, "more_subjects");
    return f;
}

report read_report(const json::object& o) {
    const json::value* version = o.if_contains("schema_version");
    if (version == nullptr || !version->is_number()) throw bad_report(error::input);
    if (!version->is_int64() || version->get_int64() != 1) throw bad_report(error::incompatible);
    // The overview and the sections are what make it a report.
    if (array_at(o, "overview") == nullptr || object_at(o, "sections") == nullptr) {
        throw bad_report(error::input);
    }

    report r;
    r.schema_version = 1;
    r.generator = string_at(o, "generator");
    r.period = read_period(object_at(o, "period"));

    if (const json::object* in = object_at(o, "input")) {
        r.input.records = count_at(*in, "records");
        r.input.accepted = count_at(*in, "accepted");
        r.input.rejected = count_at(*in, "rejected");
        r.input.duplicates = count_at(*in, "duplicates");
        r.input.out_of_period = count_at(*in, "out_of_period");
        r.input.first_detection = time_at(*in, "first_detection");
        r.input.last_detection = time_at(*in, "last_detection");
        if (const json::array* rej = array_at(*in, "rejections")) {
            for (const json::value& v : *rej) {
                if (!v.is_object()) throw bad_report(error::input);
                const json::object& j = v.get_object();
                r.input.rejections.push_back({string_at(j, "source"), count_at(j, "line"),
                                              read_reason(string_at(j, "reason")),
                                              string_at(j, "detail")});
            }
        }
    }

    // The overview by key, in the guide's order whatever the file's order.
    for (std::size_t i = 0; i < overview_service_count; ++i) {
        r.overview[i].key = std::string(to_string(overview_services[i]));
    }
    for (const json::value& v : *array_at(o, "overview")) {
        const service_counts c = read_counts(v);
        for (service_counts& dst : r.overview) {
            if (dst.key == c.key) dst = c;
        }
    }
    if (const json::array* others = array_at(o, "other_services")) {
        for (const json::value& v : *others) r.other_services.push_back(read_counts(v));
    }
    check_overview_totals(r);

    const json::object& sections = *object_at(o, "sections");
    for (section s : all_sections) {
        section_report& dst = r.sections[static_cast<std::size_t>(s)];
        dst.id = s;
        if (const json::object* so = object_at(sections, to_string(s))) read_section(*so, s, dst);
    }
    if (const json::array* findings = array_at(o, "findings")) {
        for (const json::value& v : *findings) r.findings.push_back(read_finding(v));
    }
    return r;
}

}  // namespace

report parse_report_json(std::string_view text, std::error_code& ec) {
    ec.clear();
    boost::system::error_code jec;
    const json::value doc = json::parse(json::string_view(text.data(), text.size()), jec);
    if (jec || !doc.is_object()) {
        ec = make_error_code(error::input);
        return {};
    }
    try {
        return read_report(doc.get_object());
    } catch (const bad_report& e) {
        ec = make_error_code(e.code);
        return {};
    }
}

report parse_report_json(std::string_view text) {
    std::error_code ec;
    report r = parse_report_json(text, ec);
    if (ec) throw error_exception(ec, "casreport::parse_report_json");
    return r;
}

}  // namespace casreport
