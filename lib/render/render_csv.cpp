// The report as CSV in long form: one number per row (docs/output-formats.md lists the columns).
// RFC 4180: CRLF line ends, fields quoted when they hold a comma, a quote or a line break.
// UTF-8 with a byte-order mark, so that Excel (the usual reader in Japan) detects the encoding.
#include "advice.hpp"
#include "casreport/render.hpp"
#include "render_context.hpp"
#include "safe_text.hpp"

namespace casreport::detail {
namespace {

/// Numbers are never quoted nor guarded: "+3" must stay a number.
std::string change_field(const cell& c) {
    if (!c.change) return {};
    return *c.change > 0 ? "+" + std::to_string(*c.change) : std::to_string(*c.change);
}

class csv_writer {
public:
    explicit csv_writer(const render_context& ctx)
        : month_(ctx.r.period ? ctx.r.period->month_string() : std::string()) {
        out_ = "\xEF\xBB\xBF";  // UTF-8 byte-order mark
        out_ += "section,rank,user,count,percent,metric,service,change,month,label\r\n";
    }

    struct row {
        std::string_view section;
        std::string rank;
        std::string user;
        std::uint64_t count = 0;
        std::string percent;
        std::string metric;
        std::string service;
        std::string change;
        std::string label;
    };

    void add(const row& r) {
        out_ += csv_field(r.section) + ',' + r.rank + ',' + csv_field(r.user) + ',' +
                std::to_string(r.count) + ',' + r.percent + ',' + csv_field(r.metric) + ',' +
                csv_field(r.service) + ',' + r.change + ',' + month_ + ',' + csv_field(r.label) + "\r\n";
    }

    std::string take() { return std::move(out_); }

private:
    std::string month_;
    std::string out_;
};

std::string join(std::string_view a, std::string_view b) {
    return std::string(a) + " / " + std::string(b);
}

}  // namespace

std::string render_csv(const render_context& ctx) {
    const report& r = ctx.r;
    const labels& l = ctx.l();
    csv_writer w(ctx);

    // The overview: ATP and DLP of every service, the ten of the guide first.
    std::vector<overview_row> rows = ctx.overview();
    for (overview_row& o : ctx.other_services()) rows.push_back(std::move(o));
    for (const overview_row& o : rows) {
        w.add({"overview", "", "", o.atp.value, "", "atp", o.key, change_field(o.atp),
               join(o.label, l.atp)});
        w.add({"overview", "", "", o.dlp.value, "", "dlp", o.key, change_field(o.dlp),
               join(o.label, l.dlp)});
    }

    for (section s : all_sections) {
        const section_report& sr = r.at(s);
        const std::string_view key = to_string(s);
        const std::string_view title = section_title(ctx.lang, s);
        std::size_t rank = 0;
        for (const user_row& u : sr.top) {
            w.add({key, std::to_string(++rank), std::string(ctx.user_name(u.user)), u.count,
                   tenths_text(u.percent_tenths), "top", "", "", join(title, l.top_users)});
        }
        w.add({key, "", "", sr.total, "", "total", "", change_field(ctx.total(s)),
               join(title, l.total)});
        w.add({key, "", "", sr.distinct_users, "", "distinct_users", "",
               change_field(ctx.distinct_users(s)), join(title, l.distinct_users)});
        for (std::size_t i = 0; i < outcome_count; ++i) {
            w.add({key, "", "", sr.outcomes.by_outcome[i], "",
                   "outcome." + std::string(to_string(static_cast<outcome>(i))), "",
                   change_field(ctx.outcome_count(s, i)),
                   join(title, std::string(l.outcomes_title) + ": " +
                                   std::string(ctx.outcome_label(s, i)))});
        }
        if (s == section::virtual_analyzer) {
            for (std::size_t i = 0; i < risk_level_count; ++i) {
                w.add({key, "", "", sr.risk_levels[i], "",
                       "risk." + std::string(to_string(static_cast<risk_level>(i))), "",
                       change_field(ctx.risk(i)),
                       join(title, std::string(l.risk_levels_title) + ": " +
                                       std::string(l.risk_levels[i]))});
            }
        }
        if (s == section::dlp) {
            w.add({key, "", "", sr.channels[0], "", "channel.mail", "",
                   change_field(ctx.channel(0)),
                   join(title, std::string(l.channels_title) + ": " + std::string(l.mail))});
            w.add({key, "", "", sr.channels[1], "", "channel.storage", "",
                   change_field(ctx.channel(1)),
                   join(title, std::string(l.channels_title) + ": " + std::string(l.storage))});
        }
    }

    // The findings, in report order: the rank is the position in the list. Each is followed
    // by its subjects (user, sender, threat or file, with their detections) and, when the
    // list stops short, a row counting those left out.
    std::size_t position = 0;
    for (const finding& f : r.findings) {
        const std::string_view where = f.where ? to_string(*f.where) : std::string_view("findings");
        const std::string rank = std::to_string(++position);
        w.add({where, rank, "", f.count, "", "finding." + f.rule, "", "",
               "[" + std::string(severity_label(f.level, ctx.lang)) + "] " +
                   std::string(finding_title(f.rule, ctx.lang))});
        for (const finding_subject& sub : f.subjects) {
            const auto kind = static_cast<std::size_t>(sub.type);
            static constexpr std::string_view kinds[] = {"user", "sender", "threat", "file"};
            w.add({where, rank,
                   std::string(sub.type == finding_subject::kind::user ? ctx.user_name(sub.name)
                                                                       : sub.name),
                   sub.count, "", "finding." + f.rule + ".subject." + std::string(kinds[kind]), "",
                   "", std::string(l.subject_kinds[kind])});
        }
        if (f.more_subjects > 0) {
            w.add({where, rank, "", f.more_subjects, "", "finding." + f.rule + ".more_subjects", "",
                   "", more_subjects_text(ctx, f)});
        }
    }

    // The input accounting: records = accepted + rejected + duplicates + out_of_period.
    const input_summary& in = r.input;
    const std::pair<std::string_view, std::pair<std::uint64_t, std::string_view>> input_rows[] = {
        {"records", {in.records, l.records}},
        {"accepted", {in.accepted, l.accepted}},
        {"rejected", {in.rejected, l.rejected}},
        {"duplicates", {in.duplicates, l.duplicates}},
        {"out_of_period", {in.out_of_period, l.out_of_period}},
    };
    for (const auto& [metric, v] : input_rows) {
        w.add({"input", "", "", v.first, "", std::string(metric), "", "", join(l.input, v.second)});
    }
    return w.take();
}

}  // namespace casreport::detail
