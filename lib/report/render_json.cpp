// The JSON report of DESIGN section 4 (schema_version 1).
#include "advice.hpp"
#include "casreport/render.hpp"
#include "json_writer.hpp"

namespace casreport {
namespace {

void write_counts(detail::json_writer& w, const service_counts& c) {
    w.begin_object(true);
    w.key("service");
    w.value(c.key);
    w.key("atp");
    w.value(c.atp);
    w.key("dlp");
    w.value(c.dlp);
    w.end_object();
}

void write_section(detail::json_writer& w, const section_report& s) {
    w.begin_object();
    w.key("total");
    w.value(s.total);
    w.key("distinct_users");
    w.value(s.distinct_users);
    w.key("top");
    w.begin_array();
    for (const user_row& row : s.top) {
        w.begin_object(true);
        w.key("user");
        w.value(row.user);
        w.key("count");
        w.value(row.count);
        w.key("percent");
        w.value_tenths(row.percent_tenths);
        w.end_object();
    }
    w.end_array();
    w.key("outcomes");
    w.begin_object(true);
    for (std::size_t i = 0; i < outcome_count; ++i) {
        w.key(to_string(static_cast<outcome>(i)));
        w.value(s.outcomes.by_outcome[i]);
    }
    w.end_object();
    if (s.id == section::virtual_analyzer) {
        w.key("risk_levels");
        w.begin_object(true);
        for (std::size_t i = 0; i < risk_level_count; ++i) {
            w.key(to_string(static_cast<risk_level>(i)));
            w.value(s.risk_levels[i]);
        }
        w.end_object();
    }
    if (s.id == section::dlp) {
        w.key("channels");
        w.begin_object(true);
        w.key("mail");
        w.value(s.channels[0]);
        w.key("storage");
        w.value(s.channels[1]);
        w.end_object();
    }
    w.end_object();
}

void write_finding(detail::json_writer& w, const finding& f, language lang) {
    w.begin_object();
    w.key("rule");
    w.value(f.rule);
    w.key("severity");
    w.value(to_string(f.level));
    w.key("section");
    if (f.where) {
        w.value(to_string(*f.where));
    } else {
        w.null();
    }
    w.key("count");
    w.value(f.count);
    w.key("subjects");
    w.begin_array();
    for (const finding_subject& s : f.subjects) {
        static constexpr std::string_view kinds[] = {"user", "sender", "threat", "file"};
        w.begin_object(true);
        w.key("type");
        w.value(kinds[static_cast<std::size_t>(s.type)]);
        w.key("name");
        w.value(s.name);
        w.key("count");
        w.value(s.count);
        if (s.type != finding_subject::kind::user) {
            w.key("distinct_users");
            w.value(s.distinct_users);
        }
        w.end_object();
    }
    w.end_array();
    w.key("title");
    w.value(detail::finding_title(f.rule, lang));
    w.key("actions");
    w.begin_array();
    for (std::string_view a : detail::finding_actions(f.rule, lang)) w.value(a);
    w.end_array();
    w.end_object();
}

}  // namespace

std::string to_json(const report& r, language lang) {
    detail::json_writer w;
    w.begin_object();
    w.key("schema_version");
    w.value(r.schema_version);
    w.key("generator");
    w.value(r.generator);
    w.key("period");
    if (r.period) {
        w.begin_object();
        w.key("month");
        w.value(r.period->month_string());
        w.key("timezone");
        w.value(to_string(r.period->zone()));
        w.key("start");
        w.value(format_in_zone(r.period->start(), r.period->zone()));
        w.key("end");
        w.value(format_in_zone(r.period->end(), r.period->zone()));
        w.end_object();
    } else {
        w.null();
    }

    const input_summary& in = r.input;
    w.key("input");
    w.begin_object();
    w.key("records");
    w.value(in.records);
    w.key("accepted");
    w.value(in.accepted);
    w.key("rejected");
    w.value(in.rejected);
    w.key("duplicates");
    w.value(in.duplicates);
    w.key("out_of_period");
    w.value(in.out_of_period);
    w.key("first_detection");
    if (in.first_detection) {
        w.value(format_utc(*in.first_detection));
    } else {
        w.null();
    }
    w.key("last_detection");
    if (in.last_detection) {
        w.value(format_utc(*in.last_detection));
    } else {
        w.null();
    }
    w.key("rejections");
    w.begin_array();
    for (const rejection& j : in.rejections) {
        w.begin_object(true);
        w.key("source");
        w.value(j.source);
        w.key("line");
        w.value(j.line);
        w.key("reason");
        w.value(to_string(j.reason));
        w.key("detail");
        w.value(j.detail);
        w.end_object();
    }
    w.end_array();
    w.end_object();

    w.key("overview");
    w.begin_array();
    for (const service_counts& c : r.overview) write_counts(w, c);
    w.end_array();
    w.key("other_services");
    w.begin_array();
    for (const service_counts& c : r.other_services) write_counts(w, c);
    w.end_array();

    w.key("sections");
    w.begin_object();
    for (section s : all_sections) {
        w.key(to_string(s));
        write_section(w, r.at(s));
    }
    w.end_object();

    w.key("findings");
    w.begin_array();
    for (const finding& f : r.findings) write_finding(w, f, lang);
    w.end_array();
    w.end_object();
    return w.take();
}

std::string render(const report& r, const render_options& opts) {
    switch (opts.format) {
        case output_format::json: return to_json(r, opts.lang);
        case output_format::text: return to_text(r, opts.lang);
    }
    return to_json(r, opts.lang);
}

}  // namespace casreport
