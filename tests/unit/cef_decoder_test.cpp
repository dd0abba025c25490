// The CEF decoder: lines and JSON string elements, the CAS header quirk, escapes, keys of
// reference/cas-log-format.md section 9.3, rejections with their lines, at many chunk sizes.
#include <gtest/gtest.h>

#include <string>

#include "decode/decoder.hpp"
#include "decode_test_util.hpp"

namespace cr = casreport;
using cr::test::decode_all;
using cr::test::log_t;
using cr::test::recorder;

namespace {

const cr::options cef = cr::test::with_format(cr::input_format::cef);

/// The example of the CAS documentation (section 9.3, S10), as the API writes it: no `|`
/// between the severity and the extension.
const std::string documented =
    "CEF:0|Trend Micro|CAS|5.0|100,101|securityrisk|High DevicePayloadId=IwUVemkBIMKdAHkUVwi- "
    "destinationServiceName=Exchange Online cat=security_risk_scan msg=Real-time scan "
    "TrendMicroCasAffectedUser=username1@example1.onmicrosoft.com "
    "TrendMicroCasLocation=username1@example1.onmicrosoft.com\\\\Junk Email "
    "rt=2018-09-25T02:43:31Z TrendMicroCasPolicyName=phishing test from jimmy "
    "TrendMicroCasFilter=Web Reputation act=Quarantine TrendMicroCasThreatType=Phishing "
    "outcome=success suid=<DM6PR01MB4186@DM6PR01MB4186.prod.exchangelabs.com> "
    "suser=<username2@example2.com> "
    "duser=[\"\\\"username1\\\"<username1@example1.onmicrosoft.com>\"] "
    "start=2018-09-25T02:43:21 end=2018-09-25T02:43:05 TrendMicroCasMailSubject=FW: test "
    "TrendMicroCasMailFileName=filename.exe";

std::string line(std::string_view user, std::string_view extra = "") {
    std::string s =
        "CEF:0|Trend Micro|CAS|5.0|100|securityrisk|High rt=2025-06-02T00:00:00Z "
        "TrendMicroCasAffectedUser=" +
        std::string(user) + " destinationServiceName=Box";
    if (!extra.empty()) s += " " + std::string(extra);
    return s;
}

}  // namespace

TEST(CefDecoder, TheDocumentedExample) {
    recorder r;
    EXPECT_EQ(decode_all(documented + "\n", cef, &r),
              (log_t{"E1:username1@example1.onmicrosoft.com"}));
    ASSERT_EQ(r.events.size(), 1U);
    const cr::test::event_copy& e = r.events[0];
    EXPECT_EQ(e.log_item_id, "IwUVemkBIMKdAHkUVwi-");
    EXPECT_EQ(e.service, "Exchange Online");
    EXPECT_EQ(e.event, "security_risk_scan");
    EXPECT_EQ(e.detection_time, "2018-09-25T02:43:31Z");
    EXPECT_EQ(e.policy, "phishing test from jimmy");
    EXPECT_EQ(e.filter, "Web Reputation");
    EXPECT_EQ(e.action, "Quarantine");
    EXPECT_EQ(e.action_result, "success");
    EXPECT_EQ(e.mail_message_id, "<DM6PR01MB4186@DM6PR01MB4186.prod.exchangelabs.com>");
    EXPECT_EQ(e.mail_message_sender, "<username2@example2.com>");
    EXPECT_EQ(e.mail_message_file_name, "filename.exe");
    EXPECT_EQ(e.naive_zone_minutes, 0);
}

TEST(CefDecoder, TheSpecificationsSeventhBarToo) {
    recorder r;
    decode_all(
        "CEF:0|Trend Micro|CAS|5.0|100|securityrisk|Very High|rt=2025-06-02T00:00:00Z "
        "cat=ransomware TrendMicroCasAffectedUser=a|b@x\n",
        cef, &r);
    ASSERT_EQ(r.events.size(), 1U);
    EXPECT_EQ(r.events[0].event, "ransomware");
    EXPECT_EQ(r.events[0].affected_user, "a|b@x");  // a bar in a value needs no escape
}

TEST(CefDecoder, TheHeaderNameIsTheKindWhenCatIsAbsent) {
    recorder r;
    decode_all(
        "CEF:0|Trend\\|Micro\\\\|CAS|5.0|100|virtualanalyzer|High "
        "rt=2025-06-02T00:00:00Z TrendMicroCasAffectedUser=a\n" +
            line("b", "cat=") + "\n",
        cef, &r);
    ASSERT_EQ(r.events.size(), 2U);
    EXPECT_EQ(r.events[0].event, "virtualanalyzer");  // the escaped bars did not split fields
    EXPECT_EQ(r.events[1].event, "securityrisk");     // an empty cat is no cat
}

TEST(CefDecoder, ExtensionEscapesAndSpaces) {
    recorder r;
    decode_all(line("a\\=b@x",
                    "act=Quarantine\\\\Delete   suser=\"N\\n\" <s@x>  "
                    "TrendMicroCasPolicyName=p \\r q fname=a\\|b.exe x=y\\"),
               cef, &r);
    ASSERT_EQ(r.events.size(), 1U);
    const cr::test::event_copy& e = r.events[0];
    EXPECT_EQ(e.affected_user, "a=b@x");
    EXPECT_EQ(e.action, "Quarantine\\Delete");
    EXPECT_EQ(e.mail_message_sender, "\"N\n\" <s@x>");
    EXPECT_EQ(e.policy, "p \r q");
    EXPECT_EQ(e.file_name, "a|b.exe");
}

TEST(CefDecoder, VendorKeysCustomStringsAndStandardKeys) {
    recorder r;
    decode_all(line("a",
                    "TrendMicroCasSecurityRiskName=Malware: X TrendMicroCasRiskLevel=High "
                    "fileHash=abc TrendMicroCasFileName=f.doc cs1Label=Log Item Id cs1=id-1 "
                    "cs2=Delete cs2Label=action act=") +
                   "\n" +
                   line("b",
                        "cs1=only-a-value TRENDMICROCASLOGITEMID=id-2 "
                        "TrendMicroCasFileName=f.doc fname=g.doc"),
               cef, &r);
    ASSERT_EQ(r.events.size(), 2U);
    EXPECT_EQ(r.events[0].security_risk_name, "Malware: X");
    EXPECT_EQ(r.events[0].risk_level, "High");
    EXPECT_EQ(r.events[0].file_sha1, "abc");
    EXPECT_EQ(r.events[0].file_name, "f.doc");
    EXPECT_EQ(r.events[0].log_item_id, "id-1");  // from its label
    EXPECT_EQ(r.events[0].action, "Delete");     // a labelled value fills an empty key
    EXPECT_EQ(r.events[1].log_item_id, "id-2");  // keys are case-insensitive
    EXPECT_EQ(r.events[1].file_name, "g.doc");   // the last non-empty value wins
}

TEST(CefDecoder, EpochMillisecondsInRt) {
    recorder r;
    decode_all(
        "CEF:0|Trend Micro|CAS|5.0|100|dlp|3|rt=1748736000123 "
        "TrendMicroCasAffectedUser=a\n",
        cef, &r);
    ASSERT_EQ(r.events.size(), 1U);
    EXPECT_EQ(r.events[0].detection_time, "2025-06-01T00:00:00.123Z");
}

TEST(CefDecoder, SyslogPrefixBlankLinesAndCrlf) {
    EXPECT_EQ(decode_all("<134>Jun  2 09:15:42 cas-host " + line("a") + "\r\n\r\n  \n" + line("b") +
                             "\r\n" + line("c"),
                         cef),
              (log_t{"E1:a", "E4:b", "E5:c"}));
}

TEST(CefDecoder, MalformedLinesAreRejectedWithTheirLines) {
    recorder r;
    EXPECT_EQ(decode_all(line("a") + "\nhello\nCEF:0|Trend Micro|CAS\n" + line("b") +
                             "\nCEF:x|a|b|c|d|e|f\nCEF:0|a|b|c|d|e|High garbage here\n" +
                             line("\xff") + "\nCEF:0|a|b|c|d|securityrisk|1\n" + line("c"),
                         cef, &r),
              (log_t{"E1:a", "R2:invalid_cef", "R3:invalid_cef", "E4:b", "R5:invalid_cef",
                     "R6:invalid_cef", "R7:invalid_utf8", "E8:", "E9:c"}));
    EXPECT_EQ(r.details[0], "not a CEF record: no \"CEF:\" header");
    EXPECT_EQ(r.details[1], "the CEF header ends after 3 of its 7 fields");
    EXPECT_EQ(r.details[2], "the CEF version is not a number");
    EXPECT_EQ(r.details[3], "CEF extension text that is not key=value, at \"garbage here\"");
}

TEST(CefDecoder, AnOverlongLineIsRejectedAndNotHeld) {
    const std::string huge =
        line("a", "msg=" + std::string(cr::detail::max_text_record_bytes, 'x'));
    EXPECT_EQ(decode_all(huge + "\n" + line("b") + "\n" + huge, cef),
              (log_t{"R1:invalid_cef", "E2:b", "R3:invalid_cef"}));
}

TEST(CefDecoder, StringElementsOfAPage) {
    // format=cef: the elements of security_events are CEF strings, JSON-escaped.
    const std::string page = "{\"security_events\":[\"" +
                             line("a", "TrendMicroCasLocation=a\\\\\\\\Inbox") + "\",\n\"" +
                             line("b\\\"q") + "\", \"CEF:0|x\", \"hello\", " +
                             "\"\\u0043EF:0|Trend Micro|CAS|5.0|1|dlp|1 "
                             "rt=2025-06-02T00:00:00Z\"],\"next_link\":\"\"}\n";
    recorder r;
    EXPECT_EQ(decode_all(page, cr::options{}, &r),
              (log_t{"E1:a", "E2:b\"q", "R2:invalid_cef", "R2:not_an_object", "E2:"}));
    EXPECT_EQ(r.events[2].event, "dlp");
}
