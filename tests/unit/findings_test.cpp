// The findings of DESIGN section 5: each rule fires exactly at its threshold and not one below,
// with the right subjects, severity and section, in report order, titled in both languages.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "casreport/aggregator.hpp"
#include "casreport/render.hpp"
#include "casreport/report.hpp"
#include "temp_file.hpp"

namespace cr = casreport;

namespace {

/// One CAS event; every field the rules read can be set.
struct ev {
    std::string service = "Exchange Online";
    std::string kind = "security_risk_scan";
    std::string user = "a@x.jp";
    std::string filter = "Malware Scanning";
    std::string action = "Quarantine";
    std::string result = "success";
    std::string risk;
    std::string sender;
    std::string threat;
    std::string sha1;
};

class input {
public:
    /// Adds `n` copies of `e`, each with its own log_item_id.
    input& add(const ev& e, int n = 1) {
        for (int i = 0; i < n; ++i) {
            text_ += "{\"log_item_id\":\"id-" + std::to_string(++id_) + "\",\"service\":\"" +
                     e.service + "\",\"event\":\"" + e.kind +
                     "\",\"message\":{\"affected_user\":\"" + e.user +
                     "\",\"detection_time\":\"2025-06-10T00:00:00Z\","
                     "\"triggered_security_filter\":\"" +
                     e.filter + "\",\"action\":\"" + e.action + "\",\"action_result\":\"" +
                     e.result + "\",\"risk_level\":\"" + e.risk + "\",\"mail_message_sender\":\"" +
                     e.sender + "\",\"security_risk_name\":\"" + e.threat + "\",\"file_sha1\":\"" +
                     e.sha1 + "\"}}\n";
        }
        return *this;
    }

    /// The report of the input fed in one piece. Every test also checks it against the report
    /// of the same input read by `feed_file` with two threads, whose report builder computes
    /// the record-walking findings on a second thread.
    [[nodiscard]] cr::report report(const cr::finding_policy& policy = {}) const {
        cr::options o;
        o.period = cr::report_period::parse("2025-06");
        o.findings = policy;
        cr::aggregator agg(o);
        agg.feed(text_);
        agg.finish();

        const cr::test::temp_file file(text_);
        cr::aggregator threaded(o);
        cr::file_options fo;
        fo.threads = 2;
        threaded.feed_file(file.path(), fo);
        threaded.finish();
        cr::render_options json;
        EXPECT_EQ(cr::render(threaded.report(), json), cr::render(agg.report(), json));
        return agg.report();
    }

private:
    std::string text_;
    int id_ = 0;
};

std::vector<const cr::finding*> of_rule(const cr::report& r, std::string_view rule) {
    std::vector<const cr::finding*> out;
    for (const cr::finding& f : r.findings) {
        if (f.rule == rule) out.push_back(&f);
    }
    return out;
}

ev user_ev(std::string user) {
    ev e;
    e.user = std::move(user);
    return e;
}

ev mail(std::string user, std::string sender, std::string threat = "", std::string sha1 = "") {
    ev e;
    e.user = std::move(user);
    e.sender = std::move(sender);
    e.threat = std::move(threat);
    e.sha1 = std::move(sha1);
    return e;
}

}  // namespace

// ---- threat_left_in_place ------------------------------------------------------------------

TEST(ThreatLeftInPlace, FiresForEachAtpSectionWithPassedOrFailedEvents) {
    ev passed = user_ev("p@x.jp");
    passed.action = "Pass";
    ev failed = user_ev("f@x.jp");
    failed.result = "failed";
    ev web = passed;
    web.filter = "Web Reputation";
    ev va = passed;
    va.kind = "virtual_analyzer";
    va.risk = "High";
    ev ransom = failed;
    ransom.kind = "ransomware";
    const cr::report r = input()
                             .add(passed)
                             .add(failed, 2)
                             .add(user_ev("ok@x.jp"), 5)
                             .add(web)
                             .add(va)
                             .add(ransom)
                             .report();
    const auto found = of_rule(r, "threat_left_in_place");
    ASSERT_EQ(found.size(), 4U);
    // Ransomware left in place is critical and comes first.
    EXPECT_EQ(found[0]->where, cr::section::ransomware);
    EXPECT_EQ(found[0]->level, cr::severity::critical);
    EXPECT_EQ(found[1]->where, cr::section::malware);
    EXPECT_EQ(found[1]->level, cr::severity::high);
    EXPECT_EQ(found[1]->count, 3U);
    ASSERT_EQ(found[1]->subjects.size(), 2U);
    EXPECT_EQ(found[1]->subjects[0].name, "f@x.jp");
    EXPECT_EQ(found[1]->subjects[0].count, 2U);
    EXPECT_EQ(found[1]->subjects[1].name, "p@x.jp");
    EXPECT_EQ(found[2]->where, cr::section::web_reputation);
    EXPECT_EQ(found[3]->where, cr::section::virtual_analyzer);
}

TEST(ThreatLeftInPlace, NotForRemediatedFileBlockingOrDlp) {
    ev blocked = user_ev("b@x.jp");
    blocked.filter = "File Blocking";
    blocked.action = "Pass";
    ev dlp = user_ev("d@x.jp");
    dlp.kind = "data_loss_prevention";
    dlp.action = "Pass";
    const cr::report r = input().add(user_ev("ok@x.jp"), 3).add(blocked).add(dlp).report();
    EXPECT_TRUE(of_rule(r, "threat_left_in_place").empty());
}

TEST(ThreatLeftInPlace, IgnoresSandboxVerdictsThatAreNoThreat) {
    // DESIGN section 5: a Virtual Analyzer verdict of no risk, low or unknown that was let
    // through left no threat behind; high and medium did.
    input in;
    for (const char* risk : {"No risk", "Low", "", "Unrated"}) {
        ev va = user_ev("calm@x.jp");
        va.kind = "virtual_analyzer";
        va.action = "Pass";
        va.risk = risk;
        in.add(va, 2);
    }
    EXPECT_TRUE(of_rule(in.report(), "threat_left_in_place").empty());
    ev risky = user_ev("risky@x.jp");
    risky.kind = "virtual_analyzer";
    risky.action = "Pass";
    risky.risk = "Medium";
    in.add(risky, 3);
    const cr::report r = in.report();
    const auto found = of_rule(r, "threat_left_in_place");
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0]->where, cr::section::virtual_analyzer);
    EXPECT_EQ(found[0]->count, 3U);
    ASSERT_EQ(found[0]->subjects.size(), 1U);
    EXPECT_EQ(found[0]->subjects[0].name, "risky@x.jp");
    // The section still counts every verdict as it was handled.
    EXPECT_EQ(r.at(cr::section::virtual_analyzer).outcomes[cr::outcome::left_in_place], 11U);
}

// ---- targeted_attack_company ---------------------------------------------------------------

TEST(TargetedAttackCompany, OneSenderReachingThreeUsersByMail) {
    const cr::finding_policy policy;  // company_min_users = 3
    input two;
    two.add(mail("u1@x.jp", "evil@bad.example")).add(mail("u2@x.jp", "evil@bad.example"), 4);
    EXPECT_TRUE(of_rule(two.report(policy), "targeted_attack_company").empty());

    input three = two;
    three.add(mail("u3@x.jp", "evil@bad.example"));
    const cr::report r = three.report(policy);
    const auto found = of_rule(r, "targeted_attack_company");
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0]->level, cr::severity::high);
    EXPECT_EQ(found[0]->where, cr::section::malware);
    EXPECT_EQ(found[0]->count, 6U);
    ASSERT_EQ(found[0]->subjects.size(), 1U);
    EXPECT_EQ(found[0]->subjects[0].type, cr::finding_subject::kind::sender);
    EXPECT_EQ(found[0]->subjects[0].name, "evil@bad.example");
    EXPECT_EQ(found[0]->subjects[0].count, 6U);
    EXPECT_EQ(found[0]->subjects[0].distinct_users, 3U);
}

TEST(TargetedAttackCompany, OneThreatNameOrOneFileFromDifferentSenders) {
    input by_threat;
    by_threat.add(mail("u1@x.jp", "s1@a.example", "TROJ_X"))
        .add(mail("u2@x.jp", "s2@a.example", "TROJ_X"));
    EXPECT_TRUE(of_rule(by_threat.report(), "targeted_attack_company").empty());
    by_threat.add(mail("u3@x.jp", "s3@a.example", "TROJ_X"));
    const cr::report by_threat_report = by_threat.report();
    auto found = of_rule(by_threat_report, "targeted_attack_company");
    ASSERT_EQ(found.size(), 1U);
    ASSERT_EQ(found[0]->subjects.size(), 1U);
    EXPECT_EQ(found[0]->subjects[0].type, cr::finding_subject::kind::threat);
    EXPECT_EQ(found[0]->subjects[0].name, "TROJ_X");

    // The hash is compared lower-cased.
    input by_file;
    by_file.add(mail("u1@x.jp", "s1@a.example", "", "ABCDEF"))
        .add(mail("u2@x.jp", "s2@a.example", "", "abcdef"));
    EXPECT_TRUE(of_rule(by_file.report(), "targeted_attack_company").empty());
    by_file.add(mail("u3@x.jp", "s3@a.example", "", "AbCdEf"));
    const cr::report r = by_file.report();
    found = of_rule(r, "targeted_attack_company");
    ASSERT_EQ(found.size(), 1U);
    ASSERT_EQ(found[0]->subjects.size(), 1U);
    EXPECT_EQ(found[0]->subjects[0].type, cr::finding_subject::kind::file);
    EXPECT_EQ(found[0]->subjects[0].name, "abcdef");
    EXPECT_EQ(found[0]->subjects[0].distinct_users, 3U);
}

TEST(TargetedAttackCompany, ReachAddsUpAcrossAtpSectionsAndSitsWhereMostStruck) {
    ev web = mail("u3@x.jp", "evil@bad.example");
    web.filter = "Web Reputation";
    const cr::report r = input()
                             .add(web, 3)
                             .add(mail("u1@x.jp", "evil@bad.example"))
                             .add(mail("u2@x.jp", "evil@bad.example"))
                             .report();
    const auto found = of_rule(r, "targeted_attack_company");
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0]->where, cr::section::web_reputation);
    EXPECT_EQ(found[0]->count, 5U);
}

TEST(TargetedAttackCompany, OnlyMailInAtpSectionsAndNeverAnEmptyValue) {
    // Storage, spam and DLP do not count; an unknown sender, threat or hash is no subject.
    ev storage = mail("", "evil@bad.example");
    storage.service = "OneDrive";
    ev spam = mail("", "evil@bad.example");
    spam.filter = "Advanced Spam Protection";
    ev dlp = mail("", "evil@bad.example");
    dlp.kind = "data_loss_prevention";
    input in;
    for (const char* u : {"u1@x.jp", "u2@x.jp", "u3@x.jp", "u4@x.jp"}) {
        storage.user = spam.user = dlp.user = u;
        in.add(storage).add(spam).add(dlp).add(mail(u, "", "", ""));
    }
    const cr::report r = in.report();
    EXPECT_TRUE(of_rule(r, "targeted_attack_company").empty());
    EXPECT_EQ(r.at(cr::section::malware).total, 8U);  // they were counted all the same
}

TEST(TargetedAttackCompany, NeverFileBlockingAndOnlyRiskySandboxVerdicts) {
    // DESIGN section 5: many blocked files read as a possible user error, not an attack; a
    // Virtual Analyzer verdict counts only at risk high or medium (the guide: 中以上).
    ev blocked = mail("", "evil@bad.example");
    blocked.filter = "File Blocking";
    ev calm = mail("", "evil@bad.example");
    calm.kind = "virtual_analyzer";
    calm.risk = "Low";
    input in;
    for (const char* u : {"u1@x.jp", "u2@x.jp", "u3@x.jp", "u4@x.jp"}) {
        blocked.user = calm.user = u;
        in.add(blocked, 2).add(calm);
    }
    EXPECT_TRUE(of_rule(in.report(), "targeted_attack_company").empty());
    ev risky = calm;
    risky.risk = "High";
    for (const char* u : {"u1@x.jp", "u2@x.jp", "u3@x.jp"}) {
        risky.user = u;
        in.add(risky);
    }
    const cr::report r = in.report();
    const auto found = of_rule(r, "targeted_attack_company");
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0]->where, cr::section::virtual_analyzer);
    // Only the three risky verdicts are the attack's detections.
    EXPECT_EQ(found[0]->count, 3U);
    ASSERT_EQ(found[0]->subjects.size(), 1U);
    EXPECT_EQ(found[0]->subjects[0].distinct_users, 3U);
}

TEST(TargetedAttackCompany, ThresholdIsAnOption) {
    cr::finding_policy two;
    two.company_min_users = 2;
    const cr::report r = input()
                             .add(mail("u1@x.jp", "evil@bad.example"))
                             .add(mail("u2@x.jp", "evil@bad.example"))
                             .report(two);
    EXPECT_EQ(of_rule(r, "targeted_attack_company").size(), 1U);
}

// ---- targeted_attack_individual ------------------------------------------------------------

TEST(TargetedAttackIndividual, FiveMailDetectionsAndHalfOfTheSection) {
    const auto run = [](int mine, int others) {
        input in;
        in.add(mail("me@x.jp", "s@a.example"), mine);
        for (int i = 0; i < others; ++i) in.add(mail("o" + std::to_string(i) + "@x.jp", ""));
        return in.report();
    };
    // 5 of 10 = 50.0 %: fires.
    cr::report r = run(5, 5);
    auto found = of_rule(r, "targeted_attack_individual");
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0]->level, cr::severity::medium);
    EXPECT_EQ(found[0]->where, cr::section::malware);
    EXPECT_EQ(found[0]->count, 5U);
    ASSERT_EQ(found[0]->subjects.size(), 1U);
    EXPECT_EQ(found[0]->subjects[0].name, "me@x.jp");
    // 4 of 8 = 50.0 % but one detection short.
    EXPECT_TRUE(of_rule(run(4, 4), "targeted_attack_individual").empty());
    // 5 of 11 = 45.5 %: share short.
    EXPECT_TRUE(of_rule(run(5, 6), "targeted_attack_individual").empty());
}

TEST(TargetedAttackIndividual, CountsMailOnlyAndNeverTheUnknownUser) {
    ev storage = user_ev("me@x.jp");
    storage.service = "OneDrive";
    // 4 mail + 2 storage: 6 detections, 100 %, but only 4 by mail.
    cr::report r = input().add(mail("me@x.jp", "s@a.example"), 4).add(storage, 2).report();
    EXPECT_TRUE(of_rule(r, "targeted_attack_individual").empty());
    r = input().add(mail("", "s@a.example"), 6).report();
    EXPECT_TRUE(of_rule(r, "targeted_attack_individual").empty());
}

TEST(TargetedAttackIndividual, NeverFileBlockingAndOnlyRiskySandboxVerdicts) {
    // Six blocked files for one user: a file_blocking_review, never an attack on a person.
    ev blocked = mail("me@x.jp", "s@a.example");
    blocked.filter = "File Blocking";
    cr::report r = input().add(blocked, 6).report();
    EXPECT_TRUE(of_rule(r, "targeted_attack_individual").empty());
    EXPECT_EQ(of_rule(r, "file_blocking_review").size(), 1U);
    // In the Virtual Analyzer, low and unknown verdicts neither count for the user nor make the
    // section's total the share is taken of: 5 risky of 5 risky is 100 %, whatever else came.
    ev va = mail("me@x.jp", "s@a.example");
    va.kind = "virtual_analyzer";
    va.risk = "Low";
    ev others = mail("o@x.jp", "");
    others.kind = "virtual_analyzer";
    others.risk = "Unknown";
    r = input().add(va, 9).add(others, 9).report();
    EXPECT_TRUE(of_rule(r, "targeted_attack_individual").empty());
    va.risk = "Medium";
    r = input().add(va, 5).add(others, 9).report();
    const auto found = of_rule(r, "targeted_attack_individual");
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0]->where, cr::section::virtual_analyzer);
    EXPECT_EQ(found[0]->count, 5U);
}

TEST(TargetedAttackIndividual, ThresholdsAreOptions) {
    cr::finding_policy p;
    p.individual_min_count = 2;
    p.individual_min_share_tenths = 900;
    const cr::report r = input().add(mail("me@x.jp", "s@a.example"), 2).report(p);
    EXPECT_EQ(of_rule(r, "targeted_attack_individual").size(), 1U);
}

// ---- DLP, Virtual Analyzer, ransomware, file blocking --------------------------------------

TEST(Dlp, MailAndStorageAreSeparateFindings) {
    ev m = user_ev("m@x.jp");
    m.kind = "data_loss_prevention";
    ev s = m;
    s.user = "s@x.jp";
    s.service = "Box";
    EXPECT_TRUE(input().add(user_ev("a@x.jp")).report().findings.empty());
    const cr::report r = input().add(m).add(s, 2).report();
    const auto on_mail = of_rule(r, "dlp_mail");
    const auto on_storage = of_rule(r, "dlp_storage");
    ASSERT_EQ(on_mail.size(), 1U);
    ASSERT_EQ(on_storage.size(), 1U);
    EXPECT_EQ(on_mail[0]->level, cr::severity::high);
    EXPECT_EQ(on_mail[0]->count, 1U);
    ASSERT_EQ(on_mail[0]->subjects.size(), 1U);
    EXPECT_EQ(on_mail[0]->subjects[0].name, "m@x.jp");
    EXPECT_EQ(on_storage[0]->level, cr::severity::medium);
    EXPECT_EQ(on_storage[0]->count, 2U);
    ASSERT_EQ(on_storage[0]->subjects.size(), 1U);
    EXPECT_EQ(on_storage[0]->subjects[0].name, "s@x.jp");
    EXPECT_EQ(on_storage[0]->subjects[0].count, 2U);
}

TEST(VaRisky, HighOrMediumOnly) {
    ev va = user_ev("v@x.jp");
    va.kind = "virtual_analyzer";
    for (const char* level : {"Low risk", "No risk", "Unrated", ""}) {
        va.risk = level;
        EXPECT_TRUE(of_rule(input().add(va).report(), "va_risky").empty()) << level;
    }
    va.risk = "Medium risk";
    const cr::report medium = input().add(va).report();
    auto found = of_rule(medium, "va_risky");
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0]->level, cr::severity::medium);
    ev high = va;
    high.user = "h@x.jp";
    high.risk = "High risk";
    const cr::report r = input().add(va).add(high).report();
    found = of_rule(r, "va_risky");
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0]->level, cr::severity::high);
    EXPECT_EQ(found[0]->count, 2U);
    EXPECT_EQ(found[0]->subjects.size(), 2U);
}

TEST(Ransomware, AnyEventIsCritical) {
    ev e = user_ev("r@x.jp");
    e.kind = "ransomware";
    const cr::report r = input().add(e).report();
    const auto found = of_rule(r, "ransomware");
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0]->level, cr::severity::critical);
    EXPECT_EQ(found[0]->count, 1U);
    EXPECT_EQ(r.findings.front().rule, "ransomware");
}

TEST(FileBlockingReview, TopUserWithFiveBlockedFiles) {
    ev e = user_ev("fb@x.jp");
    e.filter = "File Blocking";
    e.service = "Box";  // storage: no targeted-attack finding in the way
    ev other = e;
    other.user = "z@x.jp";
    EXPECT_TRUE(of_rule(input().add(e, 4).add(other, 4).report(), "file_blocking_review").empty());
    const cr::report r = input().add(e, 5).add(other, 4).report();
    const auto found = of_rule(r, "file_blocking_review");
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0]->level, cr::severity::info);
    EXPECT_EQ(found[0]->where, cr::section::file_blocking);
    EXPECT_EQ(found[0]->count, 5U);
    ASSERT_EQ(found[0]->subjects.size(), 1U);
    EXPECT_EQ(found[0]->subjects[0].name, "fb@x.jp");
}

// ---- order, subjects limit, languages ------------------------------------------------------

TEST(Findings, OrderedBySeverityThenSectionThenCount) {
    ev dlp_mail = user_ev("d@x.jp");
    dlp_mail.kind = "data_loss_prevention";
    ev left = user_ev("l@x.jp");
    left.action = "Pass";
    ev ransom = user_ev("r@x.jp");
    ransom.kind = "ransomware";
    ev blocked = user_ev("b@x.jp");
    blocked.filter = "File Blocking";
    blocked.service = "Box";
    const cr::report r = input().add(blocked, 5).add(dlp_mail, 3).add(left, 2).add(ransom).report();
    std::vector<std::string> rules;
    for (const cr::finding& f : r.findings) rules.push_back(f.rule);
    EXPECT_EQ(rules, (std::vector<std::string>{"ransomware", "threat_left_in_place", "dlp_mail",
                                               "file_blocking_review"}));
}

TEST(Findings, SubjectsAreLimitedByThePolicy) {
    ev e = user_ev("");
    e.action = "Pass";
    input in;
    for (int i = 0; i < 12; ++i) {
        e.user = "u" + std::to_string(10 + i) + "@x.jp";
        in.add(e, i < 2 ? 2 : 1);
    }
    cr::finding_policy p;
    p.max_subjects = 3;
    const cr::report r = in.report(p);
    const auto found = of_rule(r, "threat_left_in_place");
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0]->count, 14U);
    ASSERT_EQ(found[0]->subjects.size(), 3U);
    EXPECT_EQ(found[0]->subjects[0].name, "u10@x.jp");
    EXPECT_EQ(found[0]->subjects[1].name, "u11@x.jp");
    EXPECT_EQ(found[0]->subjects[2].name, "u12@x.jp");
}

TEST(Findings, TitlesAndActionsInBothLanguages) {
    ev ransom = user_ev("r@x.jp");
    ransom.kind = "ransomware";
    const cr::report r = input().add(ransom).report();
    const std::string ja = cr::to_json(r, cr::language::ja);
    const std::string en = cr::to_json(r, cr::language::en);
    EXPECT_NE(ja.find("\"title\": \"ランサムウェアを検出しました\""), std::string::npos) << ja;
    EXPECT_NE(en.find("\"title\": \"Ransomware was detected\""), std::string::npos) << en;
    EXPECT_NE(en.find("\"actions\": [\n        \"Isolate"), std::string::npos) << en;
    // Keys stay English in both.
    EXPECT_NE(ja.find("\"rule\": \"ransomware\""), std::string::npos);
    EXPECT_NE(ja.find("\"severity\": \"critical\""), std::string::npos);
    for (const auto f :
         {cr::output_format::text, cr::output_format::markdown, cr::output_format::html}) {
        const std::string ja_doc = cr::render(r, {f, cr::language::ja});
        const std::string en_doc = cr::render(r, {f, cr::language::en});
        EXPECT_NE(ja_doc.find("ランサムウェアを検出しました"), std::string::npos);
        EXPECT_NE(ja_doc.find("バックアップから復旧"), std::string::npos);
        EXPECT_NE(en_doc.find("Ransomware was detected"), std::string::npos);
        EXPECT_NE(en_doc.find("Restore any damaged data from backups."), std::string::npos);
    }
}
