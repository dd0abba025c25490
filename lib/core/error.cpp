#include "casreport/error.hpp"

namespace casreport {
namespace {

class category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "casreport"; }
    std::string message(int ev) const override {
        switch (static_cast<error>(ev)) {
            case error::invalid_argument: return "invalid argument";
            case error::misuse: return "call out of order";
            case error::input: return "unusable input";
            case error::incompatible: return "incompatible options or state";
            case error::io: return "input/output error";
            case error::unavailable: return "a program it needs is not installed";
        }
        return "unknown casreport error";
    }
};

}  // namespace

const std::error_category& casreport_category() noexcept {
    static const category_impl instance;
    return instance;
}

}  // namespace casreport
