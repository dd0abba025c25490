// The normalization vocabulary of DESIGN sections 2 and 3: kinds, services, filters, risk
// levels, outcomes, users and addresses.
#include <gtest/gtest.h>

#include "casreport/event_kind.hpp"
#include "casreport/outcome.hpp"
#include "casreport/record.hpp"
#include "casreport/risk_level.hpp"
#include "casreport/section.hpp"
#include "casreport/security_filter.hpp"
#include "casreport/service.hpp"

namespace cr = casreport;

TEST(EventKind, AliasTableIgnoresCaseUnderscoresDashesAndSpaces) {
    EXPECT_EQ(cr::parse_event_kind("security_risk_scan"), cr::event_kind::security_risk);
    EXPECT_EQ(cr::parse_event_kind("securityrisk"), cr::event_kind::security_risk);
    EXPECT_EQ(cr::parse_event_kind("Security Risk"), cr::event_kind::security_risk);
    EXPECT_EQ(cr::parse_event_kind("SECURITY-RISK-SCAN"), cr::event_kind::security_risk);
    EXPECT_EQ(cr::parse_event_kind("virtual_analyzer"), cr::event_kind::virtual_analyzer);
    EXPECT_EQ(cr::parse_event_kind("VirtualAnalyzer"), cr::event_kind::virtual_analyzer);
    EXPECT_EQ(cr::parse_event_kind("virtual_analyzer_scan"), cr::event_kind::virtual_analyzer);
    EXPECT_EQ(cr::parse_event_kind("ransomware"), cr::event_kind::ransomware);
    EXPECT_EQ(cr::parse_event_kind("Ransomware_Scan"), cr::event_kind::ransomware);
    EXPECT_EQ(cr::parse_event_kind("data_loss_prevention"), cr::event_kind::dlp);
    EXPECT_EQ(cr::parse_event_kind("DLP"), cr::event_kind::dlp);
    EXPECT_EQ(cr::parse_event_kind("dlp_scan"), cr::event_kind::dlp);
    EXPECT_EQ(cr::parse_event_kind("  dlp  "), cr::event_kind::dlp);
    EXPECT_EQ(cr::parse_event_kind("仮想アナライザ"), cr::event_kind::virtual_analyzer);
}

TEST(EventKind, UnknownAndEmptyAreRejected) {
    EXPECT_FALSE(cr::parse_event_kind(""));
    EXPECT_FALSE(cr::parse_event_kind("   "));
    EXPECT_FALSE(cr::parse_event_kind("quarantine"));
    EXPECT_FALSE(cr::parse_event_kind("security"));
    EXPECT_FALSE(cr::parse_event_kind("spam"));
    EXPECT_FALSE(cr::parse_event_kind(std::string(200, 'x')));
}

TEST(Service, DisplayNamesAndRequestKeys) {
    EXPECT_EQ(cr::parse_service("Exchange Online"), cr::service::exchange);
    EXPECT_EQ(cr::parse_service("exchange"), cr::service::exchange);
    EXPECT_EQ(cr::parse_service("office365"), cr::service::exchange);
    EXPECT_EQ(cr::parse_service("SharePoint Online"), cr::service::sharepoint);
    EXPECT_EQ(cr::parse_service("sharepoint"), cr::service::sharepoint);
    EXPECT_EQ(cr::parse_service("OneDrive"), cr::service::onedrive);
    EXPECT_EQ(cr::parse_service("OneDrive for Business"), cr::service::onedrive);
    EXPECT_EQ(cr::parse_service("Dropbox"), cr::service::dropbox);
    EXPECT_EQ(cr::parse_service("Box"), cr::service::box);
    EXPECT_EQ(cr::parse_service("Google Drive"), cr::service::google_drive);
    EXPECT_EQ(cr::parse_service("googledrive"), cr::service::google_drive);
    EXPECT_EQ(cr::parse_service("Gmail"), cr::service::gmail);
    EXPECT_EQ(cr::parse_service("Teams"), cr::service::teams);
    EXPECT_EQ(cr::parse_service("Microsoft Teams"), cr::service::teams);
    EXPECT_EQ(cr::parse_service("teams_chat"), cr::service::teams);
    EXPECT_EQ(cr::parse_service("Teams Chat"), cr::service::teams);
    EXPECT_EQ(cr::parse_service("Salesforce Production"), cr::service::salesforce_production);
    EXPECT_EQ(cr::parse_service("salesforce_production"), cr::service::salesforce_production);
    EXPECT_EQ(cr::parse_service("Salesforce Sandbox"), cr::service::salesforce_sandbox);
    EXPECT_EQ(cr::parse_service("salesforce_sandbox"), cr::service::salesforce_sandbox);
    EXPECT_EQ(cr::parse_service("Exchange Server"), cr::service::exchange_server);
    EXPECT_EQ(cr::parse_service("exchangeserver"), cr::service::exchange_server);
    EXPECT_EQ(cr::parse_service(" EXCHANGE ONLINE "), cr::service::exchange);
}

TEST(Service, UnknownServicesKeepAReadableKey) {
    EXPECT_EQ(cr::parse_service("Slack"), cr::service::other);
    EXPECT_EQ(cr::parse_service(""), cr::service::other);
    EXPECT_EQ(cr::other_service_key("Slack"), "slack");
    EXPECT_EQ(cr::other_service_key("  Zoom Chat (beta) "), "zoom_chat_beta");
    EXPECT_EQ(cr::other_service_key(""), "unknown");
    EXPECT_EQ(cr::other_service_key("---"), "unknown");
}

TEST(Service, ChannelsFollowDesign) {
    EXPECT_EQ(cr::channel_of(cr::service::exchange), cr::channel::mail);
    EXPECT_EQ(cr::channel_of(cr::service::exchange_server), cr::channel::mail);
    EXPECT_EQ(cr::channel_of(cr::service::gmail), cr::channel::mail);
    for (cr::service s :
         {cr::service::box, cr::service::dropbox, cr::service::google_drive, cr::service::onedrive,
          cr::service::salesforce_production, cr::service::salesforce_sandbox,
          cr::service::sharepoint, cr::service::teams, cr::service::other}) {
        EXPECT_EQ(cr::channel_of(s), cr::channel::storage) << cr::to_string(s);
    }
}

TEST(SecurityFilter, TrimmedCaseInsensitiveWithJapaneseLabels) {
    EXPECT_EQ(cr::parse_security_filter("Malware Scanning"), cr::security_filter::malware_scanning);
    EXPECT_EQ(cr::parse_security_filter(" malware scanning "),
              cr::security_filter::malware_scanning);
    EXPECT_EQ(cr::parse_security_filter("不正プログラム検索"),
              cr::security_filter::malware_scanning);
    EXPECT_EQ(cr::parse_security_filter("FILE BLOCKING"), cr::security_filter::file_blocking);
    EXPECT_EQ(cr::parse_security_filter("ファイルブロック"), cr::security_filter::file_blocking);
    EXPECT_EQ(cr::parse_security_filter("Web Reputation"), cr::security_filter::web_reputation);
    EXPECT_EQ(cr::parse_security_filter("Webレピュテーション"),
              cr::security_filter::web_reputation);
    EXPECT_EQ(cr::parse_security_filter("WEBレピュテーション"),
              cr::security_filter::web_reputation);
    EXPECT_EQ(cr::parse_security_filter("Advanced Spam Protection"),
              cr::security_filter::advanced_spam_protection);
    EXPECT_EQ(cr::parse_security_filter(""), cr::security_filter::none);
    EXPECT_EQ(cr::parse_security_filter("Malware"), cr::security_filter::other);
}

TEST(Section, SelectionOfDesignSection3) {
    using cr::event_kind;
    using cr::security_filter;
    EXPECT_EQ(cr::section_of(event_kind::security_risk, security_filter::malware_scanning),
              cr::section::malware);
    EXPECT_EQ(cr::section_of(event_kind::security_risk, security_filter::file_blocking),
              cr::section::file_blocking);
    EXPECT_EQ(cr::section_of(event_kind::security_risk, security_filter::web_reputation),
              cr::section::web_reputation);
    EXPECT_FALSE(
        cr::section_of(event_kind::security_risk, security_filter::advanced_spam_protection));
    EXPECT_FALSE(cr::section_of(event_kind::security_risk, security_filter::none));
    EXPECT_FALSE(cr::section_of(event_kind::security_risk, security_filter::other));
    // Other kinds go by kind, whatever their filter says.
    EXPECT_EQ(cr::section_of(event_kind::ransomware, security_filter::malware_scanning),
              cr::section::ransomware);
    EXPECT_EQ(cr::section_of(event_kind::virtual_analyzer, security_filter::web_reputation),
              cr::section::virtual_analyzer);
    EXPECT_EQ(cr::section_of(event_kind::dlp, security_filter::none), cr::section::dlp);
}

TEST(RiskLevel, ByPrefix) {
    EXPECT_EQ(cr::parse_risk_level("High risk"), cr::risk_level::high);
    EXPECT_EQ(cr::parse_risk_level("HIGH"), cr::risk_level::high);
    EXPECT_EQ(cr::parse_risk_level("Medium risk"), cr::risk_level::medium);
    EXPECT_EQ(cr::parse_risk_level("med"), cr::risk_level::medium);
    EXPECT_EQ(cr::parse_risk_level("Low risk"), cr::risk_level::low);
    EXPECT_EQ(cr::parse_risk_level("No risk"), cr::risk_level::no_risk);
    EXPECT_EQ(cr::parse_risk_level(" no "), cr::risk_level::no_risk);
    EXPECT_EQ(cr::parse_risk_level("Unrated"), cr::risk_level::unknown);
    EXPECT_EQ(cr::parse_risk_level(""), cr::risk_level::unknown);
    EXPECT_EQ(cr::parse_risk_level("unknown"), cr::risk_level::unknown);
    EXPECT_EQ(cr::parse_risk_level("高"), cr::risk_level::unknown);
}

TEST(Outcome, ActionClasses) {
    using cr::outcome;
    EXPECT_EQ(cr::classify_outcome("Quarantine", "success", ""), outcome::remediated);
    EXPECT_EQ(cr::classify_outcome("Quarantined", "", ""), outcome::remediated);
    EXPECT_EQ(cr::classify_outcome("Delete", "success", ""), outcome::remediated);
    EXPECT_EQ(cr::classify_outcome("Replace with text/file", "success", ""), outcome::remediated);
    EXPECT_EQ(cr::classify_outcome("Blocked", "success", ""), outcome::remediated);
    EXPECT_EQ(cr::classify_outcome("Remove attachment", "success", ""), outcome::remediated);
    EXPECT_EQ(cr::classify_outcome("Clean", "success", ""), outcome::remediated);
    EXPECT_EQ(cr::classify_outcome("Strip", "success", ""), outcome::remediated);
    EXPECT_EQ(cr::classify_outcome("Pass", "success", ""), outcome::left_in_place);
    EXPECT_EQ(cr::classify_outcome("Log only", "success", ""), outcome::left_in_place);
    EXPECT_EQ(cr::classify_outcome("Monitor", "success", ""), outcome::left_in_place);
    EXPECT_EQ(cr::classify_outcome("Deliver", "success", ""), outcome::left_in_place);
    EXPECT_EQ(cr::classify_outcome("Tag subject", "success", ""), outcome::left_in_place);
    EXPECT_EQ(cr::classify_outcome("Label as risky", "success", ""), outcome::left_in_place);
    EXPECT_EQ(cr::classify_outcome("", "success", ""), outcome::left_in_place);
    EXPECT_EQ(cr::classify_outcome("Encrypt", "success", ""), outcome::unknown);
}

TEST(Outcome, FailureWinsThenMonitorOnlyPolicies) {
    using cr::outcome;
    EXPECT_EQ(cr::classify_outcome("Quarantine", "failed", ""), outcome::failed);
    EXPECT_EQ(cr::classify_outcome("Pass", "error", "x (Monitor Only)"), outcome::failed);
    EXPECT_EQ(cr::classify_outcome("Quarantine", "SUCCESS", ""), outcome::remediated);
    EXPECT_EQ(cr::classify_outcome("Quarantine", " success ", ""), outcome::remediated);
    EXPECT_EQ(cr::classify_outcome("Quarantine", "", "Default Dropbox Policy ATP (Monitor Only)"),
              outcome::left_in_place);
    EXPECT_EQ(cr::classify_outcome("Delete", "success", "pilot (monitor only)"),
              outcome::left_in_place);
}

TEST(Users, TrimmedAndAsciiLowerCased) {
    std::string out;
    cr::normalize_user("  Alice@Example.CO.JP\t", out);
    EXPECT_EQ(out, "alice@example.co.jp");
    cr::normalize_user("ÄLICE@例え.jp", out);
    EXPECT_EQ(out, "Älice@例え.jp");  // ASCII only: non-ASCII letters keep their case
    cr::normalize_user("   ", out);
    EXPECT_EQ(out, "");
}

TEST(Users, AddressesLoseDisplayNamesAndBrackets) {
    std::string out;
    cr::normalize_address("\"Shipping Notice\" <Notice@Parcel-Track.example>", out);
    EXPECT_EQ(out, "notice@parcel-track.example");
    cr::normalize_address("<billing@bad-invoice.example>", out);
    EXPECT_EQ(out, "billing@bad-invoice.example");
    cr::normalize_address("\"Alice\"<alice@example.co.jp>", out);
    EXPECT_EQ(out, "alice@example.co.jp");
    cr::normalize_address(" plain@example.com ", out);
    EXPECT_EQ(out, "plain@example.com");
    cr::normalize_address("<unclosed@example.com", out);
    EXPECT_EQ(out, "unclosed@example.com");
    cr::normalize_address("", out);
    EXPECT_EQ(out, "");
}
