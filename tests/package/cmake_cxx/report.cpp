// report FILE YYYY-MM: the accounting and the text report (in English) of one CAS log file,
// through the C++ API of an installed casreport.
#include <casreport/casreport.hpp>
#include <exception>
#include <iostream>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: report FILE YYYY-MM\n";
        return 2;
    }
    try {
        casreport::options opts;
        opts.period = casreport::report_period::parse(argv[2]);
        casreport::aggregator agg(opts);
        agg.feed_file(argv[1]);
        agg.finish();
        const casreport::input_counts c = agg.counts();
        std::cout << "records " << c.records << ", accepted " << c.accepted << "\n"
                  << casreport::render(agg.report(), {casreport::output_format::text,
                                                      casreport::language::en});
    } catch (const std::exception& e) {
        std::cerr << "report: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
