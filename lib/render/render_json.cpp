// The JSON report of DESIGN section 4 (schema_version 1), with the month-over-month
// additions ("previous", "change") when a previous report is given.
#include "advice.hpp"
#include "casreport/render.hpp"
#include "json_writer.hpp"
#include "render_context.hpp"

namespace casreport::detail {
namespace {

void write_counts(json_writer& w, const service_counts& c) {
    w.begin_object(true);
    w.key("service");
    w.value(c.key);
    w.key("atp");
    w.value(c.atp);
    w.key("dlp");
    w.value(c.dlp);
    w.end_object();
}

/// A section; `with_top` false leaves out the top-users table (the "previous" block).
void write_section(json_writer& w, const section_report& s, bool with_top) {
    w.begin_object();
    w.key("total");
    w.value(s.total);
    w.key("distinct_users");
    w.value(s.distinct_users);
    if (with_top) {
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
    }
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

void write_finding(json_writer& w, const finding& f, language lang) {
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
    if (f.more_subjects > 0) {
        w.key("more_subjects");
        w.value(f.more_subjects);
    }
    w.key("title");
    w.value(finding_title(f.rule, lang));
    w.key("actions");
    w.begin_array();
    for (std::string_view a : finding_actions(f.rule, lang)) w.value(a);
    w.end_array();
    w.end_object();
}

void write_period(json_writer& w, const std::optional<report_period>& p) {
    if (!p) {
        w.null();
        return;
    }
    w.begin_object();
    w.key("month");
    w.value(p->month_string());
    w.key("timezone");
    w.value(to_string(p->zone()));
    w.key("start");
    w.value(format_in_zone(p->start(), p->zone()));
    w.key("end");
    w.value(format_in_zone(p->end(), p->zone()));
    w.end_object();
}

/// The "overview", "other_services" and "sections" members of a report (each section with its
/// top users only when `with_top`).
void write_counts_of(json_writer& w, const report& r, bool with_top) {
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
        write_section(w, r.at(s), with_top);
    }
    w.end_object();
}

/// Last month's numbers, as they were: the period, the overview and each section's counts.
void write_previous(json_writer& w, const report& p) {
    w.begin_object();
    w.key("generator");
    w.value(p.generator);
    w.key("period");
    write_period(w, p.period);
    write_counts_of(w, p, false);
    w.end_object();
}

void write_change_row(json_writer& w, const overview_row& row) {
    w.begin_object(true);
    w.key("service");
    w.value(row.key);
    w.key("atp");
    w.value_signed(row.atp.change.value_or(0));
    w.key("dlp");
    w.value_signed(row.dlp.change.value_or(0));
    w.end_object();
}

/// This month minus last month, for every count of the overview and of each section.
void write_change(json_writer& w, const render_context& ctx) {
    w.begin_object();
    w.key("overview");
    w.begin_array();
    for (const overview_row& row : ctx.overview()) write_change_row(w, row);
    w.end_array();
    w.key("other_services");
    w.begin_array();
    for (const overview_row& row : ctx.other_services()) write_change_row(w, row);
    w.end_array();
    w.key("sections");
    w.begin_object();
    for (section s : all_sections) {
        w.key(to_string(s));
        w.begin_object();
        w.key("total");
        w.value_signed(ctx.total(s).change.value_or(0));
        w.key("distinct_users");
        w.value_signed(ctx.distinct_users(s).change.value_or(0));
        w.key("outcomes");
        w.begin_object(true);
        for (std::size_t i = 0; i < outcome_count; ++i) {
            w.key(to_string(static_cast<outcome>(i)));
            w.value_signed(ctx.outcome_count(s, i).change.value_or(0));
        }
        w.end_object();
        if (s == section::virtual_analyzer) {
            w.key("risk_levels");
            w.begin_object(true);
            for (std::size_t i = 0; i < risk_level_count; ++i) {
                w.key(to_string(static_cast<risk_level>(i)));
                w.value_signed(ctx.risk(i).change.value_or(0));
            }
            w.end_object();
        }
        if (s == section::dlp) {
            w.key("channels");
            w.begin_object(true);
            w.key("mail");
            w.value_signed(ctx.channel(0).change.value_or(0));
            w.key("storage");
            w.value_signed(ctx.channel(1).change.value_or(0));
            w.end_object();
        }
        w.end_object();
    }
    w.end_object();
    w.end_object();
}

}  // namespace

std::string render_json(const render_context& ctx) {
    const report& r = ctx.r;
    const language lang = ctx.lang;
    json_writer w;
    w.begin_object();
    w.key("schema_version");
    w.value(r.schema_version);
    w.key("generator");
    w.value(r.generator);
    if (ctx.redacted) {
        w.key("redacted");
        w.value(true);
    }
    if (ctx.has_tenant()) {
        w.key("tenant");
        w.begin_object();
        w.key("name");
        w.value(ctx.tenant->name);
        w.key("provider");
        w.value(ctx.tenant->provider);
        w.key("issued");
        w.value(to_string(ctx.issued));
        w.end_object();
    }
    w.key("period");
    write_period(w, r.period);

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

    write_counts_of(w, r, true);

    w.key("findings");
    w.begin_array();
    for (const finding& f : r.findings) write_finding(w, f, lang);
    w.end_array();
    if (ctx.previous != nullptr) {
        w.key("previous");
        write_previous(w, *ctx.previous);
        w.key("change");
        write_change(w, ctx);
    }
    w.end_object();
    return w.take();
}

}  // namespace casreport::detail
