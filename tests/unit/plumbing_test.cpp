// The small pieces every front end shares: format lists, whole-file writes, rounded shares,
// CSV fields.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "../../lib/render/safe_text.hpp"
#include "casreport/files.hpp"
#include "casreport/render.hpp"
#include "casreport/report.hpp"
#include "temp_file.hpp"

namespace cr = casreport;
namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST(FormatList, InOrderWithoutRepeatsSpacesAndEmptyItemsIgnored) {
    const auto f = cr::parse_format_list(" html, json,,pdf ,html,md,");
    ASSERT_TRUE(f);
    const std::vector<cr::output_format> want{cr::output_format::html, cr::output_format::json,
                                              cr::output_format::pdf,
                                              cr::output_format::markdown};
    EXPECT_EQ(*f, want);
    ASSERT_TRUE(cr::parse_format_list(""));
    EXPECT_TRUE(cr::parse_format_list("")->empty());
    EXPECT_TRUE(cr::parse_format_list(" , ")->empty());
}

TEST(FormatList, AnUnknownNameIsNamed) {
    std::string unknown;
    EXPECT_FALSE(cr::parse_format_list("json, docx ,pdf", &unknown));
    EXPECT_EQ(unknown, "docx");
    EXPECT_FALSE(cr::parse_format_list("JSON", &unknown));  // names are lower case
    EXPECT_EQ(unknown, "JSON");
    EXPECT_FALSE(cr::parse_format_list("json;html"));
}

TEST(WriteFileWhole, ReplacesTheFileAndLeavesNoTemporary) {
    const cr::test::temp_file f("old contents that are longer");
    std::error_code ec;
    cr::write_file_whole(f.path(), "new", ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(slurp(f.path()), "new");
    const fs::path dir = fs::path(f.path()).parent_path();
    const std::string stem = fs::path(f.path()).filename().string() + ".tmp-";
    for (const auto& e : fs::directory_iterator(dir)) {
        EXPECT_NE(e.path().filename().string().rfind(stem, 0), 0U) << e.path();
    }
}

TEST(WriteFileWhole, AFailureSaysWhyAndChangesNothing) {
    std::error_code ec;
    cr::write_file_whole("/nonexistent-casreport-dir/report.json", "x", ec);
    EXPECT_EQ(ec, std::errc::no_such_file_or_directory);

    // A directory in the way: the temporary is written, the rename fails, nothing is left.
    const fs::path dir = fs::temp_directory_path() / ("casreport_wfw_" + std::to_string(::getpid()));
    fs::create_directories(dir / "report.json");
    cr::write_file_whole((dir / "report.json").string(), "x", ec);
    EXPECT_TRUE(ec);
    EXPECT_TRUE(fs::is_directory(dir / "report.json"));
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);
    fs::remove_all(dir);
}

TEST(RoundedShare, HalfUpExactForAnyCounts) {
    EXPECT_EQ(cr::rounded_share(1, 8, 1000), 125U);
    EXPECT_EQ(cr::rounded_share(1, 3, 10000), 3333U);
    EXPECT_EQ(cr::rounded_share(2, 3, 10000), 6667U);
    EXPECT_EQ(cr::rounded_share(5, 0, 10000), 0U);
    // Where 20000 * count would wrap in 64 bits.
    const std::uint64_t big = std::uint64_t{1} << 62;
    EXPECT_EQ(cr::rounded_share(big / 4, big, 10000), 2500U);
    EXPECT_EQ(cr::rounded_share(big, big, 10000), 10000U);
    EXPECT_EQ(cr::rounded_share(~std::uint64_t{0}, 1, 10000), 0xffffffffU);  // saturates
    EXPECT_EQ(cr::percent_tenths(1, 8), 125U);
}

TEST(CsvField, QuotedWhenNeededAndGuardedAgainstFormulas) {
    using cr::detail::csv_field;
    EXPECT_EQ(csv_field("alice@example.com"), "alice@example.com");
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field("line\nbreak"), "\"line\nbreak\"");
    EXPECT_EQ(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    EXPECT_EQ(csv_field("+1"), "'+1");
    EXPECT_EQ(csv_field("@sum"), "'@sum");
    EXPECT_EQ(csv_field("+3", false), "+3");  // a number stays a number
    EXPECT_EQ(csv_field(""), "");
}
