// Fuzz target: every renderer fed hostile strings. The input's lines become the strings of a
// report (users, senders, threats, files, unknown service keys, rejection sources and details)
// with counts from its first bytes; one format, language and redaction chosen by the first byte
// is rendered. Nothing may crash, and a JSON report of valid UTF-8 must read back with the
// same users (the JSON writer escapes whatever it is given).
#include <casreport/casreport.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_util.hpp"

namespace {

namespace cr = casreport;
namespace fz = casreport::fuzz;

constexpr const char* target = "fuzz_render";

std::vector<std::string> lines_of(std::string_view s) {
    std::vector<std::string> out;
    while (!s.empty() && out.size() < 64) {
        const std::size_t nl = s.find('\n');
        out.emplace_back(s.substr(0, nl));
        s.remove_prefix(nl == std::string_view::npos ? s.size() : nl + 1);
    }
    if (out.empty()) out.emplace_back();
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fz::settings s(data, size, 4);
    const std::uint8_t choice = s.take();
    const std::uint8_t n1 = s.take();
    const std::uint8_t n2 = s.take();
    const std::uint8_t n3 = s.take();
    const std::vector<std::string> text = lines_of(s.rest());
    std::size_t next = 0;
    const auto str = [&]() -> const std::string& { return text[next++ % text.size()]; };

    cr::report r;
    r.generator = "casreport fuzz";
    if ((choice & 0x40) != 0) r.period = cr::report_period::parse("2025-06");
    for (std::size_t i = 0; i < cr::overview_service_count; ++i) {
        r.overview[i].key = std::string(cr::to_string(cr::overview_services[i]));
        r.overview[i].atp = (n1 >> (i % 8)) & 1U;
    }
    r.other_services.push_back({str(), n1, n2});
    r.other_services.push_back({str(), n3, 0});
    r.input.rejections.push_back({str(), 1U + n1, cr::reject_reason::invalid_json, str()});
    r.input.rejections.push_back({str(), 2U + n2, cr::reject_reason::field_too_long, str()});
    r.input.rejected = 2;
    r.input.accepted = std::uint64_t{n1} + n2 + n3;
    r.input.records = r.input.accepted + 2;
    for (cr::section_report& sec : r.sections) {
        sec.id = static_cast<cr::section>(&sec - r.sections.data());
        const std::uint64_t counts[] = {std::uint64_t{n1} + 1, std::uint64_t{n2} + 1, n3};
        for (const std::uint64_t c : counts) sec.total += c;
        for (const std::uint64_t c : counts) {
            if (c != 0) sec.top.push_back({str(), c, cr::percent_tenths(c, sec.total)});
        }
        sec.distinct_users = sec.top.size();
        sec.outcomes.by_outcome[n1 % cr::outcome_count] = sec.total;
    }
    cr::finding f;
    f.rule = "targeted_attack_company";
    f.level = cr::severity::high;
    f.where = cr::section::malware;
    f.count = n1;
    for (const auto kind : {cr::finding_subject::kind::user, cr::finding_subject::kind::sender,
                            cr::finding_subject::kind::threat, cr::finding_subject::kind::file}) {
        f.subjects.push_back({kind, str(), n2, n3});
    }
    r.findings.push_back(f);

    const cr::output_format formats[] = {cr::output_format::json, cr::output_format::text,
                                         cr::output_format::markdown, cr::output_format::csv,
                                         cr::output_format::html};
    cr::render_options ro;
    ro.format = formats[choice % 5];
    ro.lang = (choice & 0x08) != 0 ? cr::language::en : cr::language::ja;
    ro.redact = (choice & 0x10) != 0;
    cr::report previous = r;  // month over month, now and then
    if ((choice & 0x20) != 0) ro.previous = &previous;
    const std::string out = cr::render(r, ro);

    bool all_utf8 = true;
    for (const std::string& t : text) all_utf8 = all_utf8 && casreport::detail::is_valid_utf8(t);
    if (ro.format == cr::output_format::json && !ro.redact && all_utf8) {
        std::error_code ec;
        const cr::report back = cr::parse_report_json(out, ec);
        if (ec) fz::fail(target, "the JSON report does not read back");
        if (back.at(cr::section::malware).top.size() != r.at(cr::section::malware).top.size() ||
            back.at(cr::section::malware).top[0].user != r.at(cr::section::malware).top[0].user) {
            fz::fail(target, "a user does not read back from the JSON report as written");
        }
    }
    return 0;
}
