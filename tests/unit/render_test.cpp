// The renderers: format names, reading a JSON report back, month over month, redaction.
#include "casreport/render.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "casreport/aggregator.hpp"

namespace cr = casreport;

namespace {

constexpr cr::output_format all_formats[] = {cr::output_format::json, cr::output_format::text,
                                             cr::output_format::markdown, cr::output_format::csv,
                                             cr::output_format::html};
constexpr cr::language both_languages[] = {cr::language::ja, cr::language::en};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

cr::report sample(const char* month = "2025-06") {
    cr::options o;
    o.period = cr::report_period::parse(month);
    cr::aggregator agg(o);
    agg.begin_source("sample.ndjson");
    agg.feed(read_file(CASREPORT_SAMPLE));
    agg.finish();
    return agg.report();
}

/// A report from `lines` of NDJSON, June 2025.
cr::report report_of(const std::string& lines) {
    cr::options o;
    o.period = cr::report_period::parse("2025-06");
    cr::aggregator agg(o);
    agg.feed(lines);
    agg.finish();
    return agg.report();
}

std::string event(const std::string& id, const std::string& service, const std::string& user,
                  const std::string& filter = "Malware Scanning",
                  const std::string& kind = "security_risk_scan") {
    return "{\"log_item_id\":\"" + id + "\",\"service\":\"" + service + "\",\"event\":\"" + kind +
           "\",\"message\":{\"affected_user\":\"" + user +
           "\",\"detection_time\":\"2025-06-10T00:00:00Z\",\"triggered_security_filter\":\"" +
           filter + "\",\"action\":\"Quarantine\",\"action_result\":\"success\"}}\n";
}

}  // namespace

TEST(OutputFormat, NamesRoundTripAndValuesAreStable) {
    EXPECT_EQ(static_cast<int>(cr::output_format::json), 0);
    EXPECT_EQ(static_cast<int>(cr::output_format::text), 1);
    EXPECT_EQ(static_cast<int>(cr::output_format::markdown), 2);
    EXPECT_EQ(static_cast<int>(cr::output_format::csv), 3);
    EXPECT_EQ(static_cast<int>(cr::output_format::html), 4);
    for (cr::output_format f : all_formats) EXPECT_EQ(cr::parse_output_format(cr::to_string(f)), f);
    EXPECT_EQ(cr::parse_output_format("md"), cr::output_format::markdown);
    EXPECT_EQ(cr::parse_output_format("txt"), cr::output_format::text);
    EXPECT_EQ(cr::parse_output_format("htm"), cr::output_format::html);
    EXPECT_EQ(static_cast<int>(cr::output_format::pdf), 5);
    EXPECT_EQ(cr::parse_output_format("pdf"), cr::output_format::pdf);
    EXPECT_FALSE(cr::parse_output_format("PDF"));
    EXPECT_FALSE(cr::parse_output_format("rtf"));
    EXPECT_FALSE(cr::parse_output_format("HTML"));
}

// ---- parse_report_json ---------------------------------------------------------------------

TEST(ParseReportJson, ReadsBackWhatToJsonWrote) {
    const cr::report r = sample();
    for (cr::language lang : both_languages) {
        const std::string json = cr::to_json(r, lang);
        std::error_code ec;
        const cr::report back = cr::parse_report_json(json, ec);
        ASSERT_FALSE(ec) << ec.message();
        // Titles and actions are rendered, not stored: the same JSON comes out again.
        EXPECT_EQ(cr::to_json(back, lang), json);
        EXPECT_EQ(cr::to_json(back, cr::language::en), cr::to_json(r, cr::language::en));
    }
}

TEST(ParseReportJson, RefusesWhatIsNotAReport) {
    std::error_code ec;
    (void)cr::parse_report_json("", ec);
    EXPECT_EQ(ec, cr::error::input);
    (void)cr::parse_report_json("{\"schema_version\": 1", ec);
    EXPECT_EQ(ec, cr::error::input);
    (void)cr::parse_report_json("[1, 2]", ec);
    EXPECT_EQ(ec, cr::error::input);
    (void)cr::parse_report_json("{\"security_events\": []}", ec);
    EXPECT_EQ(ec, cr::error::input);
    (void)cr::parse_report_json(
        "{\"schema_version\": 1, \"overview\": [], \"sections\": {\"malware\": {\"total\": -1}}}",
        ec);
    EXPECT_EQ(ec, cr::error::input);
    (void)cr::parse_report_json("{\"schema_version\": 2, \"overview\": [], \"sections\": {}}", ec);
    EXPECT_EQ(ec, cr::error::incompatible);
    EXPECT_THROW((void)cr::parse_report_json("nope"), cr::error_exception);
}

TEST(ParseReportJson, MissingNumbersAreZeroAndOverviewIsByKey) {
    std::error_code ec;
    const cr::report r = cr::parse_report_json(
        R"({"schema_version": 1, "period": {"month": "2025-05", "timezone": "+09:00"},
            "overview": [{"service": "gmail", "atp": 4}, {"service": "box", "dlp": 2}],
            "sections": {"dlp": {"total": 3, "channels": {"storage": 3}}}, "extra": true})",
        ec);
    ASSERT_FALSE(ec);
    ASSERT_TRUE(r.period);
    EXPECT_EQ(r.period->month_string(), "2025-05");
    EXPECT_EQ(r.overview[0].key, "box");
    EXPECT_EQ(r.overview[0].dlp, 2U);
    EXPECT_EQ(r.overview[3].key, "gmail");
    EXPECT_EQ(r.overview[3].atp, 4U);
    EXPECT_EQ(r.at(cr::section::dlp).total, 3U);
    EXPECT_EQ(r.at(cr::section::dlp).channels[1], 3U);
    EXPECT_EQ(r.at(cr::section::malware).total, 0U);
}

// ---- month over month ----------------------------------------------------------------------

TEST(MonthOverMonth, JsonAddsPreviousAndChangeOnlyWhenGiven) {
    const cr::report june = report_of(event("1", "Exchange Online", "a@x.jp") +
                                      event("2", "Exchange Online", "b@x.jp") +
                                      event("3", "Box", "a@x.jp", "File Blocking"));
    const cr::report may = cr::parse_report_json(
        cr::to_json(report_of(event("9", "Exchange Online", "a@x.jp") +
                              event("8", "Gmail", "a@x.jp", "", "data_loss_prevention") +
                              event("7", "Slack", "c@x.jp"))));
    const std::string plain = cr::render(june, {cr::output_format::json, cr::language::ja});
    EXPECT_EQ(plain.find("\"previous\""), std::string::npos);
    EXPECT_EQ(plain.find("\"change\""), std::string::npos);

    cr::render_options o{cr::output_format::json, cr::language::en};
    o.previous = &may;
    const std::string json = cr::render(june, o);
    const cr::report back = cr::parse_report_json(json);  // still a report
    EXPECT_EQ(back.at(cr::section::malware).total, 2U);
    const auto change = json.substr(json.find("\"change\""));
    EXPECT_NE(change.find("{\"service\": \"box\", \"atp\": 1, \"dlp\": 0}"), std::string::npos);
    EXPECT_NE(change.find("{\"service\": \"exchange\", \"atp\": 1, \"dlp\": 0}"),
              std::string::npos);
    EXPECT_NE(change.find("{\"service\": \"gmail\", \"atp\": 0, \"dlp\": -1}"), std::string::npos);
    // A service seen only last month shows as a drop.
    EXPECT_NE(change.find("{\"service\": \"slack\", \"atp\": -1, \"dlp\": 0}"), std::string::npos);
    // Malware: a and b now, a and c (on Slack) then.
    EXPECT_NE(change.find("\"malware\": {\n        \"total\": 0,\n        \"distinct_users\": 0"),
              std::string::npos)
        << change;
    EXPECT_NE(
        change.find("\"file_blocking\": {\n        \"total\": 1,\n        \"distinct_users\": 1"),
        std::string::npos);
    EXPECT_NE(change.find("\"channels\": {\"mail\": -1, \"storage\": 0}"), std::string::npos);
    const auto previous = json.substr(json.find("\"previous\""));
    EXPECT_NE(previous.find("\"month\": \"2025-06\""), std::string::npos);  // same options
}

TEST(MonthOverMonth, EveryFormatShowsTheChanges) {
    const cr::report june = report_of(event("1", "Exchange Online", "a@x.jp") +
                                      event("2", "Exchange Online", "b@x.jp") +
                                      event("3", "Exchange Online", "c@x.jp"));
    const cr::report may = report_of(event("9", "Exchange Online", "a@x.jp"));
    for (cr::language lang : both_languages) {
        cr::render_options o{cr::output_format::text, lang};
        o.previous = &may;
        const std::string text = cr::render(june, o);
        EXPECT_NE(text.find(lang == cr::language::ja ? "合計 3件 (+2) / ユーザ数 3名 (+2)"
                                                     : "Total 3 detections (+2) / 3 users (+2)"),
                  std::string::npos)
            << text;
        o.format = cr::output_format::markdown;
        const std::string md = cr::render(june, o);
        EXPECT_NE(md.find("| Exchange | 3 | +2 | 0 | ±0 |"), std::string::npos) << md;
        o.format = cr::output_format::csv;
        const std::string csv = cr::render(june, o);
        EXPECT_NE(csv.find("overview,,,3,,atp,exchange,+2,2025-06,"), std::string::npos) << csv;
        EXPECT_NE(csv.find("malware,,,3,,total,,+2,2025-06,"), std::string::npos) << csv;
        o.format = cr::output_format::html;
        const std::string html = cr::render(june, o);
        EXPECT_NE(html.find("<span class=\"chg up\">+2</span>"), std::string::npos);
        EXPECT_NE(html.find("<span class=\"chg same\">±0</span>"), std::string::npos);
    }
}

// ---- redaction -----------------------------------------------------------------------------

TEST(Redaction, NoAddressLeaksInAnyFormatOrLanguage) {
    const cr::report r = sample();
    std::set<std::string> addresses;
    for (const cr::section_report& s : r.sections) {
        for (const cr::user_row& row : s.top) addresses.insert(row.user);
    }
    for (const cr::finding& f : r.findings) {
        for (const cr::finding_subject& s : f.subjects) {
            if (s.type <= cr::finding_subject::kind::sender) addresses.insert(s.name);
        }
    }
    addresses.erase("");
    ASSERT_GE(addresses.size(), 12U);
    ASSERT_TRUE(addresses.count("billing@invoice-center.example"));  // a sender
    const std::regex any_address(R"([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z0-9.-]+)");
    for (cr::output_format f : all_formats) {
        for (cr::language lang : both_languages) {
            cr::render_options o{f, lang};
            o.redact = true;
            const std::string out = cr::render(r, o);
            for (const std::string& a : addresses) {
                EXPECT_EQ(out.find(a), std::string::npos) << a << " in " << cr::to_string(f);
            }
            std::smatch m;
            EXPECT_FALSE(std::regex_search(out, m, any_address))
                << m.str() << " in " << cr::to_string(f);
            EXPECT_NE(out.find("user-001"), std::string::npos);
        }
    }
}

TEST(Redaction, OneUserOneMaskEverywhere) {
    const cr::report r = sample();
    const cr::report m = cr::redact(r);
    // The same address gets the same token in every section and finding, and distinct
    // addresses get distinct tokens.
    std::map<std::string, std::string> token_of;
    std::map<std::string, std::string> address_of;
    const auto check = [&](const std::string& address, const std::string& token) {
        if (address.empty()) {
            EXPECT_TRUE(token.empty());
            return;
        }
        const auto [it, added] = token_of.emplace(address, token);
        EXPECT_EQ(it->second, token) << address;
        const auto [back, fresh] = address_of.emplace(token, address);
        EXPECT_EQ(back->second, address) << token;
        EXPECT_EQ(token.find('@'), std::string::npos);
    };
    for (std::size_t s = 0; s < r.sections.size(); ++s) {
        ASSERT_EQ(r.sections[s].top.size(), m.sections[s].top.size());
        for (std::size_t i = 0; i < r.sections[s].top.size(); ++i) {
            check(r.sections[s].top[i].user, m.sections[s].top[i].user);
            EXPECT_EQ(r.sections[s].top[i].count, m.sections[s].top[i].count);
        }
    }
    for (std::size_t f = 0; f < r.findings.size(); ++f) {
        for (std::size_t i = 0; i < r.findings[f].subjects.size(); ++i) {
            const cr::finding_subject& a = r.findings[f].subjects[i];
            const cr::finding_subject& b = m.findings[f].subjects[i];
            if (a.type <= cr::finding_subject::kind::sender) check(a.name, b.name);
        }
    }
    // The first user of the first section is user-001; the one sender is sender-001.
    EXPECT_EQ(m.at(cr::section::malware).top[0].user, "user-001");
    EXPECT_EQ(token_of.at("billing@invoice-center.example"), "sender-001");
    // Numbers are untouched.
    EXPECT_EQ(m.at(cr::section::malware).total, r.at(cr::section::malware).total);
}

TEST(Redaction, SenderThatIsAUserGetsTheUsersTokenAndTextIsScrubbed) {
    cr::report r;
    r.sections[0].top.push_back({"a@x.jp", 2, 1000});
    cr::finding f;
    f.rule = "targeted_attack_company";
    f.subjects.push_back({cr::finding_subject::kind::sender, "a@x.jp", 2, 3});
    f.subjects.push_back({cr::finding_subject::kind::sender, "evil@bad.example", 2, 3});
    f.subjects.push_back(
        {cr::finding_subject::kind::threat, "http://x.example/?to=A@X.JP&cc=z@q.example", 2, 3});
    r.findings.push_back(f);
    r.input.rejections.push_back({"logs/a@x.jp.ndjson", 3, cr::reject_reason::invalid_json,
                                  "event \"mail to someone@else.example\""});
    const cr::report m = cr::redact(r);
    EXPECT_EQ(m.sections[0].top[0].user, "user-001");
    EXPECT_EQ(m.findings[0].subjects[0].name, "user-001");
    EXPECT_EQ(m.findings[0].subjects[1].name, "sender-001");
    EXPECT_EQ(m.findings[0].subjects[2].name, "http://x.example/?to=user-001&cc=[REDACTED]");
    EXPECT_EQ(m.input.rejections[0].source, "logs/user-001.ndjson");
    EXPECT_EQ(m.input.rejections[0].detail, "event \"mail to [REDACTED]\"");
}

TEST(Redaction, JsonSaysItWasRedacted) {
    const cr::report r = sample();
    cr::render_options o{cr::output_format::json, cr::language::ja};
    EXPECT_EQ(cr::render(r, o).find("\"redacted\""), std::string::npos);
    o.redact = true;
    EXPECT_NE(cr::render(r, o).find("\"redacted\": true,"), std::string::npos);
}

// ---- every format -----------------------------------------------------------------------

TEST(Render, EmptySectionsSaySoPlainly) {
    const cr::report r = report_of(event("1", "Exchange Online", "a@x.jp"));
    for (cr::output_format f :
         {cr::output_format::text, cr::output_format::markdown, cr::output_format::html}) {
        const std::string ja = cr::render(r, {f, cr::language::ja});
        const std::string en = cr::render(r, {f, cr::language::en});
        EXPECT_NE(ja.find("この期間の検出はありません。"), std::string::npos);
        EXPECT_NE(en.find("No detections in this period."), std::string::npos);
    }
}

TEST(Render, UnknownUserIsShownAsUnknown) {
    const cr::report r = report_of(event("1", "Exchange Online", ""));
    for (cr::output_format f : {cr::output_format::text, cr::output_format::markdown,
                                cr::output_format::csv, cr::output_format::html}) {
        EXPECT_NE(cr::render(r, {f, cr::language::ja}).find("(不明)"), std::string::npos);
        EXPECT_NE(cr::render(r, {f, cr::language::en}).find("(unknown)"), std::string::npos);
    }
}

TEST(Render, HtmlIsSelfContained) {
    const std::string html = cr::render(sample(), {cr::output_format::html, cr::language::ja});
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_EQ(html.find("@import"), std::string::npos);
    EXPECT_EQ(html.find("url("), std::string::npos);
    EXPECT_EQ(html.find("src="), std::string::npos);
    // The only absolute URLs are the XML namespaces.
    const std::regex url(R"(https?://[^"]*)");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), url);
         it != std::sregex_iterator(); ++it) {
        const std::string u = it->str();
        EXPECT_TRUE(u == "http://www.w3.org/1999/xhtml" || u == "http://www.w3.org/2000/svg") << u;
    }
    // A4, each page numbered "3 / 6" by the page's own margin box.
    EXPECT_NE(html.find("size: A4"), std::string::npos);
    EXPECT_NE(html.find("content: counter(page) \" / \" counter(pages)"), std::string::npos);
}

TEST(Render, CsvIsLongFormWithAFixedHeader) {
    const std::string csv = cr::render(sample(), {cr::output_format::csv, cr::language::en});
    EXPECT_EQ(
        csv.rfind(
            "\xEF\xBB\xBFsection,rank,user,count,percent,metric,service,change,month,label\r\n", 0),
        0U);
    EXPECT_NE(csv.find("malware,1,tanaka.yui@example.co.jp,3,25.0,top,,,2025-06,"),
              std::string::npos);
    // Every row has ten fields (no field holds a comma or quote in the sample).
    std::istringstream lines(csv);
    for (std::string line; std::getline(lines, line);) {
        EXPECT_EQ(std::count(line.begin(), line.end(), ','), 9) << line;
        EXPECT_EQ(line.back(), '\r');
    }
}

TEST(Render, MarkdownNeverMakesAThreatClickable) {
    cr::report r;
    cr::finding f;
    f.rule = "targeted_attack_company";
    f.where = cr::section::web_reputation;
    f.subjects.push_back({cr::finding_subject::kind::threat, "https://evil.example/a_b", 3, 3});
    f.subjects.push_back({cr::finding_subject::kind::threat, "x`y`", 3, 3});
    r.findings.push_back(f);
    const std::string md = cr::render(r, {cr::output_format::markdown, cr::language::en});
    EXPECT_NE(md.find("- threat `https://evil.example/a_b` (3 detections, 3 users)"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("- threat `` x`y` `` (3 detections, 3 users)"), std::string::npos) << md;
}

// ---- hostile strings: every byte of a log is written by an attacker --------------------------

namespace {

/// A month of mail whose every string is hostile: terminal escapes (CSI, OSC 8 hyperlink),
/// CR, BS, BEL and NUL, a bidi override, noncharacters, an autolinking URL; each user is
/// reached by one sender three times so that the findings list them too.
cr::report hostile() {
    const std::string bad_user[] = {
        R"(\u001b[31mred\u001b[0m@x.jp)",
        R"(\u001b]8;;https://evil.example/\u0007click\u001b]8;;\u0007@x.jp)",
        R"(cr\rbs\bbel\u0007nul\u0000@x.jp)",
        "\xe2\x80\xae"
        "gnp.exe@x.jp",  // U+202E RIGHT-TO-LEFT OVERRIDE
        "non\xef\xbf\xbe"
        "char\xef\xbf\xbf@x.jp",  // U+FFFE, U+FFFF
        "www.evil.example",
    };
    std::string lines;
    int id = 0;
    for (const std::string& u : bad_user) {
        for (int i = 0; i < 3; ++i) {
            lines += "{\"log_item_id\":\"h" + std::to_string(++id) +
                     "\",\"service\":\"Exchange Online\",\"event\":\"security_risk_scan\","
                     "\"message\":{\"affected_user\":\"" +
                     u +
                     "\",\"detection_time\":\"2025-06-10T00:00:00Z\","
                     "\"triggered_security_filter\":\"Malware Scanning\",\"action\":\"Pass\","
                     "\"mail_message_sender\":\"\\u001b[2Jwipe@bad.example\","
                     "\"security_risk_name\":\"\\u202eTROJ\\u0007\"}}\n";
        }
    }
    lines +=
        "{\"log_item_id\":\"svc\",\"service\":\"\\u001b[5mBlink\\u202e\",\"event\":"
        "\"security_risk_scan\",\"message\":{\"affected_user\":\"a@x.jp\","
        "\"detection_time\":\"2025-06-10T00:00:00Z\"}}\n";
    lines += "{\"not json \x1b[31m\n";  // a rejection whose excerpt holds an escape
    return report_of(lines);
}

bool has(const std::string& s, std::string_view bytes) {
    return s.find(bytes) != std::string::npos;
}

}  // namespace

TEST(HostileStrings, NoControlBidiOrNoncharacterReachesAPersonsFormat) {
    const cr::report r = hostile();
    ASSERT_EQ(r.at(cr::section::malware).total, 18U);
    for (cr::output_format f : {cr::output_format::text, cr::output_format::markdown,
                                cr::output_format::csv, cr::output_format::html}) {
        for (cr::language lang : both_languages) {
            for (bool redact : {false, true}) {
                cr::render_options ro;
                ro.format = f;
                ro.lang = lang;
                ro.redact = redact;
                const std::string doc = cr::render(r, ro);
                SCOPED_TRACE(std::string(cr::to_string(f)) + (redact ? " redacted" : ""));
                for (std::size_t i = 0; i < doc.size(); ++i) {
                    const auto c = static_cast<unsigned char>(doc[i]);
                    const bool line_end = c == '\n' || (c == '\r' && f == cr::output_format::csv &&
                                                        i + 1 < doc.size() && doc[i + 1] == '\n');
                    ASSERT_TRUE(c >= 0x20 || line_end)
                        << "control byte " << static_cast<int>(c) << " at " << i;
                    ASSERT_NE(c, 0x7f);
                }
                EXPECT_FALSE(has(doc, "\xe2\x80\xae")) << "a raw U+202E";
                EXPECT_FALSE(has(doc, "\xef\xbf\xbe")) << "a raw U+FFFE";
                EXPECT_FALSE(has(doc, "\xef\xbf\xbf")) << "a raw U+FFFF";
                EXPECT_FALSE(has(doc, "\xc2\x9b")) << "a raw C1 CSI";
                if (!redact && f != cr::output_format::html) {
                    // Shown, not hidden: the reader sees what was there.
                    EXPECT_TRUE(has(doc, "\\u001B[31mred")) << doc.substr(0, 2000);
                    EXPECT_TRUE(has(doc, "\\u202E"));
                }
            }
        }
    }
}

TEST(HostileStrings, MarkdownShowsNamesAsCodeSpansThatNeverLink) {
    const std::string md = cr::render(hostile(), {cr::output_format::markdown, cr::language::en});
    EXPECT_TRUE(has(md, "`www.evil.example`")) << md;
    // No bare (linkable) occurrence of the address outside a code span.
    const std::regex bare(R"((^|[^`])www\.evil\.example)");
    EXPECT_FALSE(std::regex_search(md, bare));
}

TEST(HostileStrings, JsonKeepsEveryCharacterEscaped) {
    const std::string json = cr::render(hostile(), {cr::output_format::json, cr::language::en});
    EXPECT_FALSE(has(json, "\x1b"));
    EXPECT_FALSE(has(json, "\xe2\x80\xae"));
    EXPECT_TRUE(has(json, "\\u001b[31mred\\u001b[0m@x.jp"));
    EXPECT_TRUE(has(json, "\\u202e"));
    EXPECT_TRUE(has(json, "non\\ufffechar\\uffff@x.jp"));
    // And it reads back to the same strings.
    const cr::report back = cr::parse_report_json(json);
    bool found = false;
    for (const cr::user_row& u : back.at(cr::section::malware).top) {
        if (u.user == "\x1b[31mred\x1b[0m@x.jp") found = true;
    }
    EXPECT_TRUE(found);
}

TEST(HostileStrings, InvisibleCharactersAreShownNotHidden) {
    // Users that look like admin@x.jp but are not: a zero-width space, a soft hyphen, a byte
    // order mark, and tag characters spelling "ADMIN" that draw nothing at all.
    const std::string look_alike[] = {
        R"(ad\u200bmin@x.jp)",
        R"(ad\u00admin@x.jp)",
        R"(\ufeffadmin@x.jp)",
        R"(admin@x.jp\udb40\udc41\udb40\udc44\udb40\udc4d\udb40\udc49\udb40\udc4e)",
        R"(love\u2764\ufe0f@x.jp)",  // a variation selector picks a glyph's form: it stays
    };
    std::string lines;
    int id = 0;
    for (const std::string& u : look_alike) {
        lines += "{\"log_item_id\":\"v" + std::to_string(++id) +
                 "\",\"service\":\"Exchange Online\",\"event\":\"security_risk_scan\","
                 "\"message\":{\"affected_user\":\"" + u +
                 "\",\"detection_time\":\"2025-06-10T00:00:00Z\","
                 "\"triggered_security_filter\":\"Malware Scanning\",\"action\":\"Quarantine\"}}\n";
    }
    const cr::report r = report_of(lines);
    ASSERT_EQ(r.at(cr::section::malware).distinct_users, 5U);
    for (cr::output_format f : {cr::output_format::text, cr::output_format::markdown,
                                cr::output_format::csv, cr::output_format::html}) {
        const std::string doc = cr::render(r, {f, cr::language::en});
        SCOPED_TRACE(std::string(cr::to_string(f)));
        EXPECT_FALSE(has(doc, "\xe2\x80\x8b")) << "a raw U+200B";
        EXPECT_FALSE(has(doc, "\xc2\xad")) << "a raw U+00AD";
        // (The CSV starts with a byte order mark of its own, for spreadsheets.)
        const std::size_t after_bom = f == cr::output_format::csv ? 3 : 0;
        EXPECT_EQ(doc.find("\xef\xbb\xbf", after_bom), std::string::npos) << "a raw U+FEFF";
        EXPECT_FALSE(has(doc, "\xf3\xa0\x81\x81")) << "a raw U+E0041";
        EXPECT_TRUE(has(doc, "ad\\u200Bmin@x.jp"));
        EXPECT_TRUE(has(doc, "ad\\u00ADmin@x.jp"));
        EXPECT_TRUE(has(doc, "\\uFEFFadmin@x.jp"));
        EXPECT_TRUE(has(doc, "admin@x.jp\\U000E0041\\U000E0044\\U000E004D"));
        EXPECT_TRUE(has(doc, "love\xe2\x9d\xa4\xef\xb8\x8f@x.jp"));
    }
    // JSON keeps them, as escapes that read back to the same user.
    const std::string json = cr::render(r, {cr::output_format::json, cr::language::en});
    EXPECT_TRUE(has(json, "ad\\u200bmin@x.jp"));
    EXPECT_TRUE(has(json, "\\udb40\\udc41"));
    EXPECT_FALSE(has(json, "\xf3\xa0\x81\x81"));
}

TEST(Render, NumbersDatesAndWordsAreForPeople) {
    // 1,234 detections: thousands separators in every count of the human formats.
    std::string lines;
    for (int i = 0; i < 1234; ++i) {
        lines += event("n" + std::to_string(i), "Exchange Online", "a@x.jp");
    }
    const cr::report r = report_of(lines);
    const std::string ja = cr::render(r, {cr::output_format::text, cr::language::ja});
    EXPECT_TRUE(has(ja, "合計 1,234件")) << ja.substr(0, 1500);
    EXPECT_TRUE(has(ja, "2025年6月1日〜2025年6月30日 (日本時間)"));
    EXPECT_TRUE(has(ja, "2025年6月10日 09:00 〜 2025年6月10日 09:00 (日本時間)"));
    const std::string en = cr::render(r, {cr::output_format::html, cr::language::en});
    EXPECT_TRUE(has(en, "1 June – 30 June 2025 (Japan time)"));
    EXPECT_TRUE(has(en, "1,234 records = 1,234 counted"));
    // The CSV is for spreadsheets: its numbers stay bare.
    const std::string csv = cr::render(r, {cr::output_format::csv, cr::language::en});
    EXPECT_TRUE(has(csv, ",1234,,total,"));
}

TEST(Render, RejectionsShowTheFileNameAndAReasonInTheReportsLanguage) {
    cr::options o;
    o.period = cr::report_period::parse("2025-06");
    cr::aggregator agg(o);
    agg.begin_source("/home/msp/tenants/acme/2025-06/logs.ndjson");
    agg.feed("{\"broken\n");
    agg.finish();
    const cr::report& r = agg.report();
    const std::string ja = cr::render(r, {cr::output_format::html, cr::language::ja});
    EXPECT_FALSE(has(ja, "/home/msp")) << "the MSP's path";
    EXPECT_TRUE(has(ja, "logs.ndjson:1"));
    EXPECT_TRUE(has(ja, "JSONとして読めない"));
    EXPECT_FALSE(has(ja, "syntax error")) << "the parser's English in a Japanese report";
    EXPECT_TRUE(has(ja, "読み込めなかった 1件"));
    EXPECT_FALSE(has(ja, "+ 不正"));
    // The JSON keeps the whole path and the parser's words.
    const std::string json = cr::render(r, {cr::output_format::json, cr::language::ja});
    EXPECT_TRUE(has(json, "/home/msp/tenants/acme/2025-06/logs.ndjson"));
}

TEST(Render, TenantAppearsOnlyWhenGiven) {
    const cr::report r = sample();
    cr::render_options ro;
    ro.format = cr::output_format::json;
    EXPECT_FALSE(has(cr::render(r, ro), "\"tenant\""));
    ro.tenant.name = "株式会社サンプル";
    ro.tenant.issued = cr::parse_date("2025-07-01");
    const std::string json = cr::render(r, ro);
    EXPECT_TRUE(has(json, "\"name\": \"株式会社サンプル\""));
    EXPECT_TRUE(has(json, "\"issued\": \"2025-07-01\""));
    ro.format = cr::output_format::html;
    ro.tenant.logo = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
    const std::string html = cr::render(r, ro);
    EXPECT_TRUE(has(html, "株式会社サンプル 御中"));
    EXPECT_TRUE(has(html, "src=\"data:image/svg+xml;base64,"));
    ro.tenant.logo = "GIF89a";
    std::error_code ec;
    std::string why;
    EXPECT_TRUE(cr::render(r, ro, ec, &why).empty());
    EXPECT_EQ(ec, cr::error::invalid_argument);
    EXPECT_NE(why.find("PNG"), std::string::npos);
}

TEST(Render, MonthOverMonthColourFollowsMeaning) {
    const cr::report now = sample();
    cr::report before = now;
    for (cr::section_report& s : before.sections) {
        for (auto& n : s.outcomes.by_outcome) n = n > 0 ? n - 1 : 0;
    }
    cr::render_options ro;
    ro.format = cr::output_format::html;
    ro.previous = &before;
    const std::string html = cr::render(now, ro);
    // More remediated: neutral grey; more left in place: red.
    EXPECT_TRUE(has(html, "対処済み 10<span class=\"chg neutral\">+1</span>")) << html;
    EXPECT_TRUE(has(html, "脅威が残存 1<span class=\"chg up\">+1</span>"));
}

TEST(Render, ChangesOfHugeCountsSaturateInsteadOfOverflowing) {
    cr::report now = sample();
    cr::report before = now;
    before.sections[0].total = UINT64_MAX;
    now.sections[0].total = 0;
    cr::render_options ro;
    ro.format = cr::output_format::text;
    ro.previous = &before;
    EXPECT_TRUE(has(cr::render(now, ro), "-9,223,372,036,854,775,808"));
}
