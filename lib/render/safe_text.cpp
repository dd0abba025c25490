#include "safe_text.hpp"

namespace casreport::detail {
namespace {

void fix(std::string& s) {
    if (!is_safe_text(s)) s = safe_text(s);
}

}  // namespace

std::string xml_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
                    out += ' ';
                } else {
                    out += c;
                }
        }
    }
    return out;
}

std::string grouped(std::uint64_t n) {
    const std::string digits = std::to_string(n);
    std::string out;
    out.reserve(digits.size() + digits.size() / 3);
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

void make_safe(report& r) {
    fix(r.generator);
    for (rejection& j : r.input.rejections) {
        fix(j.source);
        fix(j.detail);
    }
    for (service_counts& c : r.overview) fix(c.key);
    for (service_counts& c : r.other_services) fix(c.key);
    for (section_report& s : r.sections) {
        for (user_row& u : s.top) fix(u.user);
    }
    for (finding& f : r.findings) {
        fix(f.rule);
        for (finding_subject& s : f.subjects) fix(s.name);
    }
}

void make_safe(tenant_info& t) {
    fix(t.name);
    fix(t.provider);
}

std::string csv_field(std::string_view s, bool text) {
    std::string v;
    if (text && !s.empty() && std::string_view("=+-@\t\r").find(s[0]) != std::string_view::npos) {
        v += '\'';
    }
    v.append(s);
    if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
    std::string out = "\"";
    for (const char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

}  // namespace casreport::detail
