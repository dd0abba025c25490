// A CSV column map as a JSON object (`--csv-map FILE`): {"Header name": "field", ...}.
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "casreport/options.hpp"
#include "csv.hpp"

namespace casreport {
namespace {

using column_map = std::vector<std::pair<std::string, std::string>>;

column_map read_map(std::string_view json, std::string& why) {
    column_map out;
    boost::json::error_code jec;
    const boost::json::value v = boost::json::parse(json, jec);
    if (jec) {
        why = "the CSV column map is not JSON: " + jec.message();
        return out;
    }
    if (!v.is_object()) {
        why = "the CSV column map must be a JSON object: {\"Header name\": \"field\", ...}";
        return out;
    }
    for (const auto& kv : v.get_object()) {
        const std::string_view header(kv.key().data(), kv.key().size());
        if (!kv.value().is_string()) {
            why = "in the CSV column map, \"" + std::string(header) +
                  "\" must map to a field name (a string)";
            return out;
        }
        const boost::json::string& field = kv.value().get_string();
        out.emplace_back(std::string(header), std::string(field.data(), field.size()));
    }
    options o;
    o.csv_columns = out;
    why = detail::check_csv_columns(o);
    return out;
}

}  // namespace

column_map parse_csv_columns(std::string_view json, std::error_code& ec) {
    std::string why;
    column_map out = read_map(json, why);
    ec = why.empty() ? std::error_code() : make_error_code(error::invalid_argument);
    return out;
}

column_map parse_csv_columns(std::string_view json) {
    std::string why;
    column_map out = read_map(json, why);
    if (!why.empty()) throw error_exception(make_error_code(error::invalid_argument), why);
    return out;
}

}  // namespace casreport
