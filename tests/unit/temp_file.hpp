// A file with given content in the temporary directory, removed when it goes out of scope: for
// the tests of whole-file reading (aggregator::feed_file).
#ifndef CASREPORT_TESTS_UNIT_TEMP_FILE_HPP
#define CASREPORT_TESTS_UNIT_TEMP_FILE_HPP

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace casreport::test {

class temp_file {
public:
    explicit temp_file(const std::string& content) {
        static std::atomic<int> n{0};
        path_ = (std::filesystem::temp_directory_path() /
                 ("casreport_test_" + std::to_string(::getpid()) + "_" + std::to_string(n++)))
                    .string();
        std::ofstream(path_, std::ios::binary) << content;
    }
    ~temp_file() { std::remove(path_.c_str()); }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace casreport::test

#endif  // CASREPORT_TESTS_UNIT_TEMP_FILE_HPP
