// What fuzzing found (tests/fuzz, docs/testing.md), each as a test that names the input: the
// reproducer also stays in the target's corpus, replayed by every test run.
#include <gtest/gtest.h>

#include <string>

#include "decode/csv.hpp"
#include "decode_test_util.hpp"

namespace cr = casreport;
namespace crd = casreport::detail;

// fuzz_csv: a row's text holds its fields without the separators, and the UTF-8 check ran on
// that text, so a sequence cut in two by a `,` read as one character and its halves reached
// the report as fields that are not UTF-8.
TEST(FuzzFound, CsvUtf8IsCheckedFieldByField) {
    cr::test::recorder r;
    cr::options o;
    const auto d = crd::make_csv_decoder(r, o);
    d->feed(
        "Detection Time,Log Type,Affected User,Security Filter,File Name\n"
        "2025-06-02T00:00:00Z,securityrisk,a@x.jp,\xe3\x82,\xafx\n"
        "2025-06-02T00:00:00Z,securityrisk,b@x.jp,\xe3\x82\xaf,x\n");
    d->finish();
    EXPECT_EQ(r.log, (std::vector<std::string>{"R2:invalid_utf8", "E3:b@x.jp"}));

    cr::test::recorder header;
    const auto h = crd::make_csv_decoder(header, o);
    h->feed("Detection Time,Log Type,Affected User\xe3\x82,\xafx\n2025-06-02T00:00:00Z,dlp,a,b\n");
    h->finish();
    ASSERT_EQ(header.log.size(), 1U);
    EXPECT_NE(header.log[0].find("not UTF-8"), std::string::npos) << header.log[0];
}
